"""Synpunkter och klagomål: the register view, registering, the chef's handling."""
