"""The windows after a decision: delgivning, the case's appeals and their way through the courts."""
