"""Bevakningar: deadlines computed from the case's data, never typed in."""
