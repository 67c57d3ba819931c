"""Ärendestöd – handläggarstöd för ekonomiskt bistånd."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arendestod")
except PackageNotFoundError:  # running from a bundle without metadata
    __version__ = "0.1.0"
