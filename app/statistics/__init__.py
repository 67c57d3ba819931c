"""Statistics for chefs and Socialstyrelsen: the figures, the one table layout that screen,
PDF, CSV and the SoS file share, household types, and the exports."""
