"""The chef's Statistik page."""
