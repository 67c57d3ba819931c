"""Ärendestöd – handläggarstöd för ekonomiskt bistånd."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arendestod")
except PackageNotFoundError:  # neither installed nor bundled with its metadata
    __version__ = "okänd"

from app.common.gc_tuning import imports_uncollected

# The statistics' kept facts follow every ORM change (listeners on all sessions; cheap to
# register, but it imports SQLAlchemy and the ORM mappings: without the collector, see
# app.common.gc_tuning).
with imports_uncollected():
    from app.statistics import fact_upkeep as _fact_upkeep  # noqa: F401
