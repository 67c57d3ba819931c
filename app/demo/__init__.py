"""Fictional demo data (never real people): households, cases, journal, decisions and forms."""
