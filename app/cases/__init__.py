"""Ärenden: registering households and cases, searching, the case overview, 'Mina ärenden',
the chef's ärendegenomgång, försörjningshinder, and what a printout of a case shows."""
