"""The case's Journal and Planering tabs."""
