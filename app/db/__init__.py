"""Engines, sessions and migrations for the three modes (ARCHITECTURE.md)."""
