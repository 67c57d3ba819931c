"""Beslut: drafting from a calculation, the child-perspective gate, delegation, signing,
execution, and the legal texts (lagrum, besvärshänvisning, motivering) they print."""
