"""Shared basics at the bottom of the core: time and ids, errors, formatting, periods,
personnummer, free-text rules, code lists and resource files. Imports no models and no use cases."""
