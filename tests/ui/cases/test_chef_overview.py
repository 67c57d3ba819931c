"""Översikt, the chef's start page: the unit's open cases counted per flag (each count opens
the review list filtered on it), overdue bevakningar per handläggare, and the trends of the
last twelve months as charts with the current month marked incomplete."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import Qt
from sqlalchemy import select, update

from app.cases import caseload_review
from app.models import Case, CaseStatus, User
from app.statistics import statistics, trends
from app.ui.cases.caseload_review_view import CaseloadReviewView
from app.ui.cases.chef_overview import ChefOverview
from tests.helpers import login
from tests.ui.conftest import _shown_window

FLAG_TESTS = {
    "flagged": lambda r: r.lacks_plan or r.lacks_bka or r.overdue or r.long_dependence,
    "lacks_plan": lambda r: r.lacks_plan,
    "lacks_bka": lambda r: r.lacks_bka,
    "overdue": lambda r: r.overdue,
    "long_dependence": lambda r: r.long_dependence,
    "young_adult": lambda r: r.young_adult,
    "with_children": lambda r: r.child_count > 0,
}
LABELS = {
    "flagged": "Med flaggor",
    "lacks_plan": "Saknar plan",
    "lacks_bka": "Barn utan BKA",
    "overdue": "Förfallna bevakningar",
    "long_dependence": "Långvarigt bistånd",
    "young_adult": "Unga vuxna",
    "with_children": "Barnfamiljer",
}


def _overview(qtbot, window) -> ChefOverview:
    page = window.tabs.widget(0)
    assert isinstance(page, ChefOverview)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    return page


def _tab_titles(window) -> list[str]:
    return [window.tabs.tabText(i) for i in range(window.tabs.count())]


def _series_points(view) -> dict[int, float]:
    """x -> y over the chart's lines (the dashed incomplete segment shares a point)."""
    found: dict[int, float] = {}
    for series in view.chart().series():
        for point in series.points():
            found[round(point.x())] = point.y()
    return found


def test_a_chef_starts_on_the_overview_with_the_counts_of_the_caseload(
    qtbot, chef_window, chef
) -> None:
    assert _tab_titles(chef_window) == ["Översikt"]  # Eva Lind has no cases of her own
    assert chef_window.tabs.currentIndex() == 0
    page = _overview(qtbot, chef_window)
    rows = chef.call(lambda s, a: caseload_review.caseload(s, a))
    assert f"<b>{len(rows)}</b> öppna ärenden" in page.total_label.text()
    for key, test in FLAG_TESTS.items():
        expected = sum(1 for r in rows if test(r))
        assert page.count_buttons[key].text() == f"{LABELS[key]}: {expected}"
        assert page.count_buttons[key].accessibleName() == f"{LABELS[key]}: {expected} ärenden"
    assert sum(1 for r in rows if r.lacks_plan) > 0  # the demo data has something to show
    # overdue bevakningar per handläggare, as the caseload has them
    overdue: dict[str, int] = {}
    for r in rows:
        if r.overdue_count:
            overdue[r.responsible_name] = overdue.get(r.responsible_name, 0) + r.overdue_count
    model = page.overdue_model
    shown = {
        model.index(i, 0).data(): int(model.index(i, 1).data()) for i in range(model.rowCount())
    }
    assert shown == overdue and shown


def test_a_count_opens_the_review_list_filtered_on_its_flag(qtbot, chef_window, chef) -> None:
    page = _overview(qtbot, chef_window)
    rows = chef.call(lambda s, a: caseload_review.caseload(s, a))
    for key, attribute in (("lacks_plan", "lacks_plan"), ("overdue", "overdue")):
        chef_window.tabs.setCurrentIndex(0)
        qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
        button = page.count_buttons[key]
        button.setFocus()
        qtbot.keyClick(button, Qt.Key.Key_Return)
        review = chef_window.tabs.currentWidget()
        assert isinstance(review, CaseloadReviewView)
        qtbot.waitUntil(lambda v=review: not v.loading, timeout=10_000)
        assert [k for k, box in review.flag_boxes.items() if box.isChecked()] == [key]
        shown = review.shown_rows()
        expected = sum(1 for r in rows if getattr(r, attribute))
        assert len(shown) == expected > 0
        assert all(getattr(r, attribute) for r in shown)
        assert review.flag_boxes[key].text().endswith(f"({expected})")
    # Space activates a count too, and the review tab is reused
    chef_window.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: not page.loading, timeout=10_000)
    page.count_buttons["young_adult"].setFocus()
    qtbot.keyClick(page.count_buttons["young_adult"], Qt.Key.Key_Space)
    review = chef_window.tabs.currentWidget()
    qtbot.waitUntil(lambda: not review.loading, timeout=10_000)
    assert review.young_adults.isChecked() and not review.lacks_plan.isChecked()
    assert all(r.young_adult for r in review.shown_rows())
    assert _tab_titles(chef_window).count("Ärendegenomgång") == 1


def test_every_count_is_a_tab_stop(qtbot, chef_window) -> None:
    page = _overview(qtbot, chef_window)
    buttons = list(page.count_buttons.values())
    buttons[0].setFocus()
    reached = [buttons[0]]
    for _ in buttons[1:]:
        qtbot.keyClick(chef_window.focusWidget(), Qt.Key.Key_Tab)
        reached.append(chef_window.focusWidget())
    assert reached == buttons
    qtbot.keyClick(chef_window.focusWidget(), Qt.Key.Key_Tab)
    assert chef_window.focusWidget() is page.overdue_table


def test_the_trend_charts_show_twelve_months_of_the_statistics(qtbot, chef_window, chef) -> None:
    page = _overview(qtbot, chef_window)
    expected = chef.call(lambda s, a: trends.monthly_trends(s, a))
    assert [p.month for p in expected.months][-1] == date(2026, 11, 1)
    support = _series_points(page.charts["support"])
    assert sorted(support) == list(range(12))
    assert [support[i] for i in range(12)] == [p.support_households for p in expected.months]
    long_term = _series_points(page.charts["long_term"])
    assert [long_term[i] for i in range(12)] == [p.long_term_households for p in expected.months]
    families = _series_points(page.charts["families"])
    assert [families[i] for i in range(12)] == [p.families_with_children for p in expected.months]
    # the points are the month statistics' figures
    october = chef.call(lambda s, a: statistics.month_statistics(s, a, date(2026, 10, 1)))
    assert support[10] == october.support_households.total.total > 0
    # november 2026 is not over: its segment is dashed and its label starred and explained
    lines = page.charts["support"].chart().series()
    assert len(lines) == 2
    assert lines[1].pen().style() == Qt.PenStyle.DashLine
    assert [round(p.x()) for p in lines[1].points()] == [10, 11]
    assert "ofullständig månad (t.o.m. 23 nov)" in page.charts["support"].chart().title()
    axis = page.charts["support"].chart().axes(Qt.Orientation.Horizontal)[0]
    assert axis.categoriesLabels()[-1].endswith("*")
    # the chart as text for screen readers
    description = page.charts["support"].accessibleDescription()
    assert description.startswith(f"Hushåll med bistånd: dec 2025 {support[0]:g}, jan 2026")
    assert description.endswith(f"nov 2026 {support[11]:g} (ofullständig månad (t.o.m. 23 nov))")
    assert page.charts["support"].accessibleName() == "Hushåll med bistånd"


def test_a_caseworker_still_starts_on_mina_arenden(qtbot, main_window) -> None:
    assert _tab_titles(main_window)[0] == "Mina ärenden"
    assert not any(
        isinstance(main_window.tabs.widget(i), ChefOverview)
        for i in range(main_window.tabs.count())
    )


def test_a_chef_with_cases_of_her_own_keeps_mina_arenden_second(qtbot, demo_database) -> None:
    with demo_database.sessions.begin() as session:
        chef = session.scalar(select(User).where(User.username == "eva.lind"))
        assert chef is not None
        chef_id = chef.id
        case_id = session.scalar(
            select(Case.id)
            .where(Case.status != CaseStatus.CLOSED, Case.unit_id == chef.unit_id)
            .limit(1)
        )
        session.execute(update(Case).where(Case.id == case_id).values(responsible_user_id=chef_id))
    window = _shown_window(qtbot, login(demo_database, "eva.lind"))
    assert _tab_titles(window) == ["Översikt", "Mina ärenden"]
    assert window.tabs.currentIndex() == 0
    window.close_tab(1)  # Ctrl+W on it: it stays
    assert _tab_titles(window) == ["Översikt", "Mina ärenden"]
    _overview(qtbot, window)


def test_the_page_shows_at_once_and_says_it_is_fetching(qtbot, demo_database, monkeypatch) -> None:
    """The counts are read off the GUI thread: the window is usable and the page says
    "Hämtar …" until they come; then the trends are read."""
    release = threading.Event()
    real = caseload_review.caseload

    def slow_caseload(session, actor, **kwargs):
        release.wait(10)
        return real(session, actor, **kwargs)

    monkeypatch.setattr(caseload_review, "caseload", slow_caseload)
    try:
        window = _shown_window(qtbot, login(demo_database, "eva.lind"))
        page = window.tabs.widget(0)
        assert isinstance(page, ChefOverview) and page.isVisible()
        assert page.status_label.text() == "Hämtar …"
        assert page.total_label.text() == "Hämtar …"
        assert not page.count_buttons["lacks_plan"].isEnabled()
        assert page.trends_status.text() == "Hämtar …" and not page.charts
        qtbot.keyClicks(window.search_field, "abc")  # the window answers meanwhile
        assert window.search_field.text() == "abc"
    finally:
        release.set()
    _overview(qtbot, window)
    assert page.status_label.text() == ""
    assert page.count_buttons["lacks_plan"].isEnabled()
    assert set(page.charts) == {"support", "long_term", "families", "decision_days"}


def test_f5_reads_the_overview_again_not_mina_arenden(qtbot, chef_window, chef) -> None:
    """F5 with the focus on a count (a child of the page) reads the page's caseload again,
    which the audit log shows as one more 'caseload' read of the chef."""
    from app.models import AuditEntry

    def reads() -> int:
        with chef.database.sessions() as session:
            return len(
                session.scalars(select(AuditEntry.id).where(AuditEntry.entity == "caseload")).all()
            )

    page = _overview(qtbot, chef_window)
    button = page.count_buttons["lacks_plan"]
    button.setFocus()
    before = reads()
    qtbot.keyClick(button, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: not page.loading and reads() == before + 1, timeout=10_000)
    assert chef_window.tabs.currentWidget() is page


def test_mina_arenden_comes_when_the_chef_gets_a_case(qtbot, chef_window, chef) -> None:
    """A chef who logged in without cases of her own is given one: the next poll (or F5 in
    the search field) brings Mina ärenden, second and not closable, and she stays where she is."""
    assert _tab_titles(chef_window) == ["Översikt"]
    with chef.database.sessions.begin() as session:
        chef_user = session.scalar(select(User).where(User.username == "eva.lind"))
        assert chef_user is not None
        case_id = session.scalar(
            select(Case.id)
            .where(Case.status != CaseStatus.CLOSED, Case.unit_id == chef_user.unit_id)
            .limit(1)
        )
        session.execute(
            update(Case).where(Case.id == case_id).values(responsible_user_id=chef_user.id)
        )
    chef_window.poll_my_cases()
    qtbot.waitUntil(
        lambda: _tab_titles(chef_window) == ["Översikt", "Mina ärenden"], timeout=10_000
    )
    assert chef_window.tabs.currentIndex() == 0
    assert chef_window.my_cases_model.rows[0].case_id == case_id
    bar = chef_window.tabs.tabBar()
    assert bar.tabButton(1, bar.ButtonPosition.RightSide) is None
    chef_window.close_tab(1)  # Ctrl+W on it: it stays
    qtbot.keyClick(chef_window.search_field, Qt.Key.Key_F5)  # once only, not twice
    assert _tab_titles(chef_window) == ["Översikt", "Mina ärenden"]
