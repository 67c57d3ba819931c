"""The chef's Ärendegenomgång page: the caseload with its flags, filters, opening a case, and
recording a genomgång whose agreed actions become bevakningar on the cases."""

from __future__ import annotations

import threading
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from sqlalchemy import func, select

from app.cases import caseload_review
from app.common.clock import STOCKHOLM
from app.deadlines import deadlines
from app.models import AuditEntry, Case, FormInstance, HouseholdMember, MemberRole, Plan, User
from app.ui.cases.case_view import CaseView
from app.ui.cases.caseload_review_view import RESPONSIBLE_COLUMN, WHOLE_UNIT, CaseloadReviewView
from app.ui.forms.form_editor import FormEditor
from app.ui.main_window import MainWindow
from app.ui.widgets.row_table_model import FLAG_MARK
from tests.helpers import type_text

TODAY = date(2026, 11, 23)  # the fixed clock of tests/ui/conftest.py
LEFT = Qt.MouseButton.LeftButton
CTRL = Qt.KeyboardModifier.ControlModifier
FLAG_COLUMNS = {
    "Mån. bistånd": "long_dependence",
    "Plan": "lacks_plan",
    "BKA": "lacks_bka",
    "Förfallna bevakningar": "overdue",
}


def _user_id(database, username: str):
    with database.sessions() as session:
        return session.scalar(select(User.id).where(User.username == username))


def _wait_loaded(qtbot, view: CaseloadReviewView) -> None:
    qtbot.waitUntil(lambda: not view.loading, timeout=10_000)


def _open_view(qtbot, window: MainWindow) -> CaseloadReviewView:
    qtbot.keyClick(window, Qt.Key.Key_G, CTRL)
    view = window.tabs.currentWidget()
    assert isinstance(view, CaseloadReviewView)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Ärendegenomgång"
    _wait_loaded(qtbot, view)
    return view


def _pick(qtbot, view: CaseloadReviewView, name: str) -> None:
    index = view.picker.findText(name)
    assert index >= 0, f"{name} is not in the picker"
    view.picker.setCurrentIndex(index)
    _wait_loaded(qtbot, view)


def _headers(table) -> list[str]:
    """The column titles as read, a title on two lines ("Förfallna / bevakningar") as one."""
    model = table.model()
    return [
        model.headerData(c, Qt.Orientation.Horizontal).replace("-\n", "").replace("\n", " ")
        for c in range(model.columnCount())
    ]


def _shown(view: CaseloadReviewView) -> dict[str, dict]:
    """Case number -> column title -> (text, shown red) for each row the table shows."""
    proxy = view.table.proxy
    headers = _headers(view.table)
    rows = {}
    for r in range(proxy.rowCount()):
        cells = {}
        for c, title in enumerate(headers):
            index = proxy.index(r, c)
            brush = index.data(Qt.ItemDataRole.ForegroundRole)
            red = isinstance(brush, QBrush) and brush.color().name() == "#b00020"
            text = index.data()
            assert text.startswith(FLAG_MARK) == red, (title, text)  # a flag is not only red
            cells[title] = (text.removeprefix(FLAG_MARK), red)
        rows[cells["Ärende"][0]] = cells
    return rows


def _status_cells(view: CaseloadReviewView, name: str) -> dict[str, str]:
    proxy = view.status_table.proxy
    headers = _headers(view.status_table)
    for r in range(proxy.rowCount()):
        cells = {t: proxy.index(r, c).data().removeprefix(FLAG_MARK) for c, t in enumerate(headers)}
        if cells["Handläggare"] == name:
            return cells
    raise AssertionError(f"{name} not in the review status")


def _row_index(view: CaseloadReviewView, case_number: str) -> int:
    proxy = view.table.proxy
    for r in range(proxy.rowCount()):
        if proxy.index(r, 0).data() == case_number:
            return r
    raise AssertionError(f"{case_number} not shown")


def _click_row(qtbot, view: CaseloadReviewView, case_number: str, modifier=None) -> None:
    index = view.table.proxy.index(_row_index(view, case_number), 0)
    rect = view.table.visualRect(index)
    qtbot.mouseClick(
        view.table.viewport(), LEFT, modifier or Qt.KeyboardModifier.NoModifier, rect.center()
    )


def test_the_view_for_a_caseworker_shows_the_services_rows_and_flags(
    qtbot, chef_window, chef, demo_database
) -> None:
    view = _open_view(qtbot, chef_window)
    assert view.picker.currentText() == WHOLE_UNIT
    assert not view.record_button.isEnabled()
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    assert set(_shown(view)) == {c.case_number for c in unit}
    assert not view.table.isColumnHidden(_headers(view.table).index("Handläggare"))

    _pick(qtbot, view, "Sara Nilsson")
    sara = _user_id(demo_database, "sara.nilsson")
    expected = chef.call(lambda s, a: caseload_review.caseload(s, a, caseworker_id=sara))
    assert expected, "Sara has open demo cases"
    shown = _shown(view)
    assert set(shown) == {c.case_number for c in expected}
    assert view.table.isColumnHidden(_headers(view.table).index("Handläggare"))
    assert view.record_button.isEnabled()
    for case in expected:
        cells = shown[case.case_number]
        red = {title for title, (_text, is_red) in cells.items() if is_red}
        assert red == {t for t, attr in FLAG_COLUMNS.items() if getattr(case, attr)}, (
            case.case_number
        )
        assert cells["Sökande"][0] == case.applicant_name
        assert cells["Mån. bistånd"][0] == f"{case.assistance_months} av 12"
        assert cells["Plan"][0].startswith("Ja" if case.has_plan else "Nej")
        assert cells["FIA"][0] == ("Ja" if case.fia_done else "Nej")
        ages = ", ".join(f"{c.age} umg." if c.visiting else str(c.age) for c in case.children)
        assert cells["Barn"][0] == (f"{case.child_count} ({ages} år)" if case.children else "–")
    flagged = sum(
        1 for c in expected if c.long_dependence or c.lacks_plan or c.lacks_bka or c.overdue
    )
    assert flagged, "the demo data gives Sara flagged cases"
    assert view.count_label.text() == f"{len(expected)} ärenden · {flagged} med flaggor"

    # independent of the service: children in the household today, and current plans
    with demo_database.sessions() as session:
        for number, cells in shown.items():
            case = session.scalar(select(Case).where(Case.case_number == number))
            children = [
                m
                for m in session.scalars(
                    select(HouseholdMember).where(HouseholdMember.household_id == case.household_id)
                )
                if m.role is MemberRole.CHILD and m.is_current(TODAY)
            ]
            text = cells["Barn"][0]
            assert (int(text.split(" ")[0]) if text != "–" else 0) == len(children), number
            current_plans = session.scalar(
                select(func.count())
                .select_from(Plan)
                .where(Plan.case_id == case.id, Plan.start_on <= TODAY)
                .where((Plan.closed_on.is_(None)) | (Plan.closed_on > TODAY))
            )
            assert cells["Plan"][0].startswith("Ja" if current_plans else "Nej"), number
        assert any(t[0] != "–" for t in (c["Barn"] for c in shown.values())), "a family"

    # the review status: one row per handläggare, flagged under three a year
    statuses = chef.call(caseload_review.review_status)
    assert [view.status_model.row_at(i).name for i in range(len(statuses))] == [
        s.name for s in statuses
    ]
    cells = _status_cells(view, "Sara Nilsson")
    assert cells["Öppna ärenden"] == str(len(expected))
    # every handläggare's row against the signed ärendegenomgångar counted here
    year_ago = date(2025, 11, 23)
    with chef.database.sessions() as session:
        for status in statuses:
            signed = sorted(
                at.astimezone(STOCKHOLM).date()
                for at in session.scalars(
                    select(FormInstance.signed_at)
                    .where(FormInstance.form_key == "arendegenomgang")
                    .where(FormInstance.subject_user_id == status.user_id)
                    .where(FormInstance.signed_at.is_not(None))
                )
            )
            recent = sum(1 for day in signed if day >= year_ago)
            cells = _status_cells(view, status.name)
            assert cells["Senaste genomgång"] == (signed[-1].isoformat() if signed else "Ingen")
            assert cells["Antal senaste 12 mån."] == str(recent)
            met = "Inte uppnått" if recent < 3 else "Uppnått"
            assert cells["Målet 3 per år"] == met, status.name


def test_filters_narrow_the_list(qtbot, chef_window, chef) -> None:
    view = _open_view(qtbot, chef_window)
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    total = len(unit)
    target = unit[len(unit) // 2]
    type_text(view.filter_field, target.case_number.lower())
    assert set(_shown(view)) == {target.case_number}
    assert view.count_label.text().startswith(f"1 av {total} ärenden")
    view.filter_field.clear()
    last_name = target.applicant_name.split()[-1]
    type_text(view.filter_field, last_name.upper())
    assert set(_shown(view)) == {c.case_number for c in unit if last_name in c.applicant_name}
    view.filter_field.clear()
    assert len(_shown(view)) == total

    checks = [
        (view.lacks_plan, lambda c: c.lacks_plan),
        (view.overdue, lambda c: c.overdue),
        (view.long_dependence, lambda c: c.long_dependence),
        (view.young_adults, lambda c: c.young_adult),
        (view.lacks_bka, lambda c: c.lacks_bka),
        (view.with_children, lambda c: c.child_count > 0),
        (
            view.only_flagged,
            lambda c: c.lacks_plan or c.overdue or c.long_dependence or c.lacks_bka,
        ),
    ]
    for box, test in checks:
        qtbot.mouseClick(box, LEFT)
        assert set(_shown(view)) == {c.case_number for c in unit if test(c)}, box.text()
        qtbot.mouseClick(box, LEFT)
    assert any(test(c) for _box, test in checks[:3] for c in unit), "demo data has flags"
    # two filters at once: both must hold
    qtbot.mouseClick(view.lacks_plan, LEFT)
    qtbot.mouseClick(view.long_dependence, LEFT)
    assert set(_shown(view)) == {c.case_number for c in unit if c.lacks_plan and c.long_dependence}


def test_each_filter_shows_its_count_and_a_chart_shows_the_flags_per_caseworker(
    qtbot, chef_window, chef
) -> None:
    view = _open_view(qtbot, chef_window)
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    expected = {
        view.only_flagged: ("Bara ärenden &med flaggor", lambda c: c.needs_attention),
        view.lacks_plan: ("Saknar &plan", lambda c: c.lacks_plan),
        view.lacks_bka: ("Barn utan &BKA", lambda c: c.lacks_bka),
        view.overdue: ("Förfallna b&evakningar", lambda c: c.overdue),
        view.long_dependence: ("Lång&varigt bistånd", lambda c: c.long_dependence),
        view.young_adults: ("&Unga vuxna", lambda c: c.young_adult),
        view.with_children: ("Barnfamil&jer", lambda c: c.child_count > 0),
    }
    for box, (label, test) in expected.items():
        assert box.text() == f"{label} ({sum(1 for c in unit if test(c))})"
    # the counts are of the caseload picked, whatever is filtered
    qtbot.mouseClick(view.lacks_plan, LEFT)
    assert view.overdue.text() == f"Förfallna b&evakningar ({sum(1 for c in unit if c.overdue)})"

    chart = view.chart
    assert chart is not None and chart.accessibleName() == "Flaggor per handläggare"
    series = chart.chart().series()[0]
    categories = list(reversed(chart.chart().axes(Qt.Orientation.Vertical)[0].categories()))
    names = sorted({c.responsible_name or "Ingen handläggare" for c in unit}, key=str.casefold)
    assert categories == names
    for bar_set in series.barSets():
        test = {
            "Saknar plan": lambda c: c.lacks_plan,
            "Saknar BKA": lambda c: c.lacks_bka,
            "Förfallen bevakning": lambda c: c.overdue,
            "Långvarigt": lambda c: c.long_dependence,
        }[bar_set.label()]
        values = list(reversed([bar_set.at(i) for i in range(bar_set.count())]))
        assert values == [
            sum(1 for c in unit if (c.responsible_name or "Ingen handläggare") == n and test(c))
            for n in names
        ]
    assert "Saknar plan" in chart.accessibleDescription()


def test_enter_opens_the_case_and_f5_and_showing_again_reload(
    qtbot, chef_window, chef, demo_database
) -> None:
    def reads() -> int:
        with demo_database.sessions() as session:
            return session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "caseload")
            )

    view = _open_view(qtbot, chef_window)
    _pick(qtbot, view, "Sara Nilsson")
    before = reads()
    qtbot.keyClick(view.table, Qt.Key.Key_F5)
    _wait_loaded(qtbot, view)
    assert reads() == before + 1
    assert view.picker.currentText() == "Sara Nilsson"

    number = sorted(_shown(view))[0]
    _click_row(qtbot, view, number)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    case_view = chef_window.tabs.currentWidget()
    assert isinstance(case_view, CaseView)
    assert number in case_view.header_label.text()

    chef_window.tabs.setCurrentWidget(view)  # back to the page: read again
    _wait_loaded(qtbot, view)
    assert reads() == before + 2
    # Ctrl+G from elsewhere focuses the one page instead of opening another
    chef_window.tabs.setCurrentIndex(0)
    qtbot.keyClick(chef_window, Qt.Key.Key_G, CTRL)
    assert chef_window.tabs.currentWidget() is view
    assert (
        sum(
            isinstance(chef_window.tabs.widget(i), CaseloadReviewView)
            for i in range(chef_window.tabs.count())
        )
        == 1
    )
    _wait_loaded(qtbot, view)


def test_recording_a_review_creates_the_agreed_bevakningar(
    qtbot, chef_window, chef, demo_database
) -> None:
    view = _open_view(qtbot, chef_window)
    _pick(qtbot, view, "Sara Nilsson")
    sara = _user_id(demo_database, "sara.nilsson")
    before = next(s for s in chef.call(caseload_review.review_status) if s.user_id == sara)
    first, second = sorted(_shown(view))[:2]
    _click_row(qtbot, view, first)
    _click_row(qtbot, view, second, CTRL)
    assert [r.case_number for r in view.selected_rows()] == [first, second]

    qtbot.mouseClick(view.record_button, LEFT)
    editor = chef_window.tabs.currentWidget()
    assert isinstance(editor, FormEditor)
    assert editor.view.definition.key == "arendegenomgang"
    assert editor.inputs["genomgang.handlaggare"].value() == "Sara Nilsson"
    assert editor.inputs["genomgang.chef"].value() == "Eva Lind"
    # the selected cases are the rows of agreed actions, the handläggare as owner
    assert editor.inputs["atgarder[0].arende"].value() == first
    assert editor.inputs["atgarder[1].arende"].value() == second
    assert editor.inputs["atgarder[0].ansvarig"].value() == "Sara Nilsson"

    type_text(editor.inputs["arendestock.arendestock"].widget, "18 ärenden, två utan plan.")
    type_text(editor.inputs["atgarder[0].atgard"].widget, "Upprätta en ny plan")
    editor.inputs["atgarder[0].senast"].widget.set_value(date(2026, 12, 15))
    type_text(editor.inputs["atgarder[1].atgard"].widget, "Göra hembesök")
    editor.inputs["atgarder[1].ansvarig"].widget.clear()
    type_text(editor.inputs["atgarder[1].ansvarig"].widget, "Eva Lind")
    editor.inputs["atgarder[1].senast"].widget.set_value(date(2027, 1, 20))
    qtbot.mouseClick(editor.sign_button, LEFT)
    assert editor.view.is_signed, editor.status_label.text()

    with demo_database.sessions() as session:
        ids = dict(
            session.execute(
                select(Case.case_number, Case.id).where(Case.case_number.in_([first, second]))
            ).all()
        )
        found = deadlines.deadlines_for_cases(session, ids.values())
    assert ("Åtgärd: Upprätta en ny plan", date(2026, 12, 15)) in [
        (d.label, d.due) for d in found[ids[first]]
    ]
    assert ("Åtgärd: Göra hembesök", date(2027, 1, 20)) in [
        (d.label, d.due) for d in found[ids[second]]
    ]

    # back on the page: the status has the new genomgång
    chef_window.tabs.setCurrentWidget(view)
    _wait_loaded(qtbot, view)
    cells = _status_cells(view, "Sara Nilsson")
    assert cells["Antal senaste 12 mån."] == str(before.reviews_last_12_months + 1)
    assert cells["Senaste genomgång"] == TODAY.isoformat()

    # and the case's Översikt lists the bevakning
    _click_row(qtbot, view, first)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    case_view = chef_window.tabs.currentWidget()
    assert isinstance(case_view, CaseView)
    model = case_view.overview_tab.deadlines_model
    shown = [(model.index(r, 0).data(), model.index(r, 1).data()) for r in range(model.rowCount())]
    assert ("2026-12-15", "Åtgärd: Upprätta en ny plan") in shown


def test_without_selected_cases_the_form_starts_with_no_action_rows(qtbot, chef_window) -> None:
    view = _open_view(qtbot, chef_window)
    _pick(qtbot, view, "Johan Ek")
    view.table.clearSelection()
    qtbot.mouseClick(view.record_button, LEFT)
    editor = chef_window.tabs.currentWidget()
    assert isinstance(editor, FormEditor)
    assert editor.inputs["genomgang.handlaggare"].value() == "Johan Ek"
    assert not any(path.startswith("atgarder[") for path in editor.inputs)


def test_a_caseworker_has_no_review_page(qtbot, main_window) -> None:
    texts = [a.text() for menu in main_window.menuBar().actions() for a in menu.menu().actions()]
    assert not any("rendegenomgång" in t.replace("&", "") for t in texts)
    qtbot.keyClick(main_window, Qt.Key.Key_G, CTRL)
    assert not any(
        isinstance(main_window.tabs.widget(i), CaseloadReviewView)
        for i in range(main_window.tabs.count())
    )


def test_the_menu_action_for_chefs(chef_window) -> None:
    actions = {
        a.text(): a for menu in chef_window.menuBar().actions() for a in menu.menu().actions()
    }
    action = actions["Ä&rendegenomgång (översikt)"]
    assert action.shortcut().toString() == "Ctrl+G"
    assert "Ny ärende&genomgång …" in actions  # recording straight away still works


def test_the_shortcut_list_names_ctrl_g_for_chefs_only(main_window, chef_window, dialogs) -> None:
    main_window.show_shortcuts()
    chef_window.show_shortcuts()
    caseworker_text, chef_text = dialogs
    assert "Ctrl+F  Sök" in caseworker_text and "Ctrl+G" not in caseworker_text
    assert "Ctrl+G  Ärendegenomgång (översikt)" in chef_text


def test_the_caseload_is_shown_before_the_review_status_arrives(
    qtbot, chef_window, chef, monkeypatch
) -> None:
    """The review status is read after the caseload, not before it: the rows are in the
    table while the status per handläggare is still being read."""
    release = threading.Event()
    real = caseload_review.review_status

    def slow_review_status(session, actor):
        release.wait(10)
        return real(session, actor)

    monkeypatch.setattr(caseload_review, "review_status", slow_review_status)
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    try:
        qtbot.keyClick(chef_window, Qt.Key.Key_G, CTRL)
        view = chef_window.tabs.currentWidget()
        assert isinstance(view, CaseloadReviewView)
        qtbot.waitUntil(lambda: set(_shown(view)) == {c.case_number for c in unit}, timeout=10_000)
        assert view.status_model.rowCount() == 0
        assert view.count_label.text().startswith(f"{len(unit)} ärenden")
    finally:
        release.set()
    _wait_loaded(qtbot, view)
    assert view.status_model.rowCount() > 0
    assert view.picker.findText("Sara Nilsson") >= 0


def test_the_review_status_is_read_after_the_caseload_not_beside_it(
    qtbot, chef_window, monkeypatch
) -> None:
    """Side by side the two reads take two database connections, and the next opening's
    caseload may get the one whose page cache the status used (issue 21)."""
    caseload_done = threading.Event()
    status_started_after: list[bool] = []
    real_caseload, real_status = caseload_review.caseload, caseload_review.review_status

    def caseload(session, actor, **kwargs):
        rows = real_caseload(session, actor, **kwargs)
        caseload_done.set()
        return rows

    def review_status(session, actor):
        status_started_after.append(caseload_done.is_set())
        return real_status(session, actor)

    monkeypatch.setattr(caseload_review, "caseload", caseload)
    monkeypatch.setattr(caseload_review, "review_status", review_status)
    view = _open_view(qtbot, chef_window)
    assert status_started_after == [True]
    caseload_done.clear()
    qtbot.keyClick(view, Qt.Key.Key_F5)
    _wait_loaded(qtbot, view)
    assert status_started_after == [True, True]


def test_the_caseload_is_shown_when_the_review_status_fails(
    qtbot, chef_window, chef, monkeypatch, dialogs
) -> None:
    def failing_review_status(session, actor):
        raise RuntimeError("the status cannot be read")

    monkeypatch.setattr(caseload_review, "review_status", failing_review_status)
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    view = _open_view(qtbot, chef_window)
    assert set(_shown(view)) == {c.case_number for c in unit}
    assert view.status_model.rowCount() == 0
    assert "kunde inte läsas in" in view.status_label.text().lower()


def test_sorting_by_a_column_and_keyboard_use_after_loading(qtbot, chef_window, chef) -> None:
    view = _open_view(qtbot, chef_window)
    unit = chef.call(lambda s, a: caseload_review.caseload(s, a))
    column = _headers(view.table).index("Mån. bistånd")
    view.table.sortByColumn(column, Qt.SortOrder.DescendingOrder)
    months = [r.assistance_months for r in view.shown_rows()]
    assert months == sorted((c.assistance_months for c in unit), reverse=True)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Down)
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert isinstance(chef_window.tabs.currentWidget(), CaseView)


def test_the_whole_table_fits_a_laptop_screen(qtbot, chef_window) -> None:
    """At 1366×768 the last flag column, Förfallna bevakningar, is inside the table (it was
    cut at its right edge): long titles on two lines, long texts elided with the whole text
    in the tooltip."""
    chef_window.resize(1366, 768)
    view = _open_view(qtbot, chef_window)
    table, header = view.table, view.table.horizontalHeader()
    column = _headers(table).index("Förfallna bevakningar")
    assert not table.isColumnHidden(RESPONSIBLE_COLUMN)  # the whole unit: all columns
    assert header.sectionViewportPosition(column) >= 0
    right = header.sectionViewportPosition(column) + header.sectionSize(column)
    assert right <= table.viewport().width()
    assert table.horizontalScrollBar().maximum() == 0  # the last one too, nothing to scroll
    model = table.model()
    title = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert title.startswith("Förfallna bevakningar: ")
    # an elided text is whole in its tooltip
    metrics = table.fontMetrics()
    cut = [
        model.index(r, column)
        for r in range(model.rowCount())
        if metrics.horizontalAdvance(model.index(r, column).data()) > header.sectionSize(column)
    ]
    for index in cut:
        text = index.data().removeprefix(FLAG_MARK)
        assert index.data(Qt.ItemDataRole.ToolTipRole).startswith(text)
