"""Ärenden: registering households, cases and applications, searching, the case overview,
'Mina ärenden', the chef's ärendegenomgång, försörjningshinder, and the letterhead every
printout carries. What each printout shows lives with its own area (journal, forms,
decisions)."""
