"""Use cases and rules. No Qt imports here (ARCHITECTURE.md)."""
