"""Declarative, versioned form definitions (IB, FIA, BKA, ärendegenomgång), their validation,
and computed summaries. No Qt and no SQL: definitions are data, answers are plain JSON."""
