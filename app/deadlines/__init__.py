"""Bevakningar: deadlines computed from the case's data, never typed in, including when FIA
is to be offered. Reads the models directly, so the case views above can show them."""
