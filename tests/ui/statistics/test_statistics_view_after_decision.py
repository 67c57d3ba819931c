"""The Statistik page's sections Överklaganden and Synpunkter och klagomål on the demo
database: reached by keyboard, named for screen readers, and showing the figures the
statistics service returns."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt

from app.models.appeal import RulingOutcome
from app.statistics import statistics
from app.ui.statistics.statistics_view import SECTIONS
from tests.ui.statistics.test_statistics_view import _open, _show, cell

SHOTS = os.environ.get("ARENDESTOD_SHOTS")
"""A folder to save screenshots in (for looking at the layout), unset in the suite."""


def _pick(qtbot, view, name: str) -> None:
    """The section list by keyboard: Alt+I (Avsn&itt), then down to the section."""
    view.section_list.setFocus()
    qtbot.keyClick(view.section_list, Qt.Key.Key_Home)
    target = next(i for i, (n, _k, _t) in enumerate(SECTIONS) if n == name)
    for _ in range(target):
        qtbot.keyClick(view.section_list, Qt.Key.Key_Down)
    assert view.section_list.currentRow() == target
    page = view.pages.currentWidget()
    assert page.accessibleName() == name and page.isVisible()


def test_the_appeals_section_shows_the_service_figures(qtbot, chef_window, chef):
    view = _open(chef_window)
    _show(qtbot, view, 2026)
    expected = chef.call(lambda s, a: statistics.year_statistics(s, a, 2026))
    a = expected.appeals
    assert a is not None and a.received.total > 0  # the demo has appeals to show
    _pick(qtbot, view, "Överklaganden")
    for label, counts in (
        ("Inkomna överklaganden", a.received),
        ("Avvisade som för sent inkomna", a.dismissed_late),
        ("Omprövade", a.reconsidered),
        ("Ändrade vid omprövning (helt eller delvis)", a.changed),
    ):
        assert cell(view, "appeals", label, "Kvinnor", "Sökandens kön") == str(counts.women)
        assert cell(view, "appeals", label, "Män", "Sökandens kön") == str(counts.men)
        assert cell(view, "appeals", label, "Med barn", "Barn i hushållet") == str(
            counts.with_children
        )
        assert cell(view, "appeals", label, "Totalt") == str(counts.total)
    fr = a.rulings["forvaltningsratten"]
    assert sum(c.total.total for c in fr.values()) > 0
    for outcome, counts in fr.items():
        label = RulingOutcome(outcome).label
        assert cell(view, "rulings_forvaltningsratten", label, "Totalt") == str(counts.total.total)
        assert cell(view, "rulings_forvaltningsratten", label, "Den enskilde", "Överklagat av") == (
            str(counts.appealed_by_applicant)
        )
    assert cell(view, "rulings_months", "Helår 2026", "Alla domar") == str(
        sum(m.total for m in a.months)
    )
    assert cell(view, "rulings_months", "November", "Avslag", "Utfall") == str(
        a.months[10].by_outcome["avslag"]
    )
    table = view.tables["appeals"]
    assert table.accessibleName() == "Överklaganden och omprövning 2026"
    assert table.focusPolicy() & Qt.FocusPolicy.TabFocus
    if SHOTS:
        chef_window.resize(1366, 768)
        chef_window.grab().save(f"{SHOTS}/stats-appeals.png")
        bar = view.pages.currentWidget().verticalScrollBar()
        bar.setValue(bar.maximum())
        chef_window.grab().save(f"{SHOTS}/stats-appeals-bottom.png")


def test_the_complaints_section_shows_the_service_figures(qtbot, chef_window, chef):
    view = _open(chef_window)
    _show(qtbot, view, 2026)
    expected = chef.call(lambda s, a: statistics.year_statistics(s, a, 2026))
    c = expected.complaints
    assert c is not None and c.total.received > 0
    _pick(qtbot, view, "Synpunkter och klagomål")
    for column, group, counts in (
        ("Klagomål", "Slag", c.by_kind["klagomal"]),
        ("Beröm", "Slag", c.by_kind["berom"]),
        ("Alla synpunkter", "", c.total),
    ):
        assert cell(view, "complaints", "Inkomna", column, group) == str(counts.received)
        assert cell(view, "complaints", "Obesvarade", column, group) == str(counts.unanswered)
        assert cell(view, "complaints", "Lex Sarah-rapporter", column, group) == str(
            counts.lex_sarah_reported
        )
    assert cell(view, "complaint_themes", "Bemötande", "Totalt") == str(
        c.themes["bemotande"]["totalt"]
    )
    assert cell(view, "complaint_via", "E-post", "Klagomål", "Slag") == str(
        c.received_via["e_post"]["klagomal"]
    )
    if SHOTS:
        chef_window.resize(1366, 768)
        chef_window.grab().save(f"{SHOTS}/stats-complaints.png")
