"""Register look-ups (SSBTEK) from a case."""
