"""Överklaganden: the case's appeals, and each appeal at the courts (court_panel)."""
