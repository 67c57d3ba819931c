"""Widgets every area uses: tables, date fields, dialog buttons, messages, background work,
saving files."""
