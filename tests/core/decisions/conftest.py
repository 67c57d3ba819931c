"""The decision fixtures of test_decisions.py (a unit with contact details, Anna's case, the
Andersson family, full delegation, the letter recorder, save-and-sign) for the other test
modules of this folder."""

from tests.core.decisions.test_decisions import (  # noqa: F401 (fixtures)
    case,
    delegated,
    family,
    render,
    sign,
    unit,
)
