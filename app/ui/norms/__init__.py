"""The administrator's riksnorm tables."""
