"""The form engine's window, its field widgets, the case's Blanketter tab and the
administrator's view of form definitions."""
