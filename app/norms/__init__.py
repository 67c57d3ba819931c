"""Riksnormen and the försörjningsstöd calculation: the yearly tables, which table applies,
and the calculation itself (norm + skäliga kostnader - inkomster)."""
