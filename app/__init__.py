"""Ärendestöd – handläggarstöd för ekonomiskt bistånd."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arendestod")
except PackageNotFoundError:  # neither installed nor bundled with its metadata
    __version__ = "okänd"

# The statistics' kept facts follow every ORM change (listeners on all sessions; cheap).
from app.statistics import fact_upkeep as _fact_upkeep  # noqa: F401
