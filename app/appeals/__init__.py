"""After the decision (issue 23): delgivning, appeals through every instance, court rulings."""
