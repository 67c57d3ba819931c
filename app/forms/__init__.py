"""Blanketter (IB, FIA, BKA, ärendegenomgång). The engine: versioned definitions as data
(definitions/<key>/v<n>.json), answers as plain JSON, validation and computed summaries, with
no Qt and no SQL. Above it the use cases: publishing definitions, filling in and signing forms,
and what a form's printout shows."""
