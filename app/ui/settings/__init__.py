"""Inställningar: the settings the office shares, changed by an administrator."""
