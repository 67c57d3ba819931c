"""Beräkning och beslut: the decision editor, the case's Beslut tab, execution and the
delegationsordning."""
