"""Fictional demo data (never real people): staff, households, cases, journal, plans,
decisions and forms, for trials and for the benchmarks' 100 000 households."""
