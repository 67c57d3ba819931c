"""Statistics for chefs and Socialstyrelsen: the figures, the one table layout that screen,
PDF and CSV share, household types, and Socialstyrelsen's monthly file and the CSV export."""
