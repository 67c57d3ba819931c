"""Ärendestöd – handläggarstöd för ekonomiskt bistånd."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arendestod")
except PackageNotFoundError:  # neither installed nor bundled with its metadata
    __version__ = "okänd"
