"""Shared basics at the bottom of the core: time and ids (clock), errors, Swedish formatting
of money and dates, personnummer, rules for free text, the CSV format for Excel, code lists,
where the resource files are, and garbage-collector tuning for large reads. Imports nothing
else from app (a contract in pyproject.toml)."""
