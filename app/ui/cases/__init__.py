"""Case windows: the case view and its overview, a new case, status changes, the chef's
ärendegenomgång."""
