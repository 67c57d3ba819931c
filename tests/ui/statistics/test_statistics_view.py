"""The chef's Statistik page on the demo database: pick a period, Visa, read the tables and
the charts, the PDF report (previewed), CSV and Socialstyrelsen's file. Every figure is
compared with what the statistics service returns for the same period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QEvent, Qt, QThreadPool
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtWidgets import QApplication, QFileDialog
from shiboken6 import isValid

from app.common import code_lists
from app.common.formatting import money
from app.demo import demo_data
from app.statistics import household_type, sos_export, statistics
from app.statistics import tables as stat_tables
from app.ui.main_window import MainWindow
from app.ui.statistics.statistics_view import SECTIONS, StatisticsView
from tests.core.statistics.statistics_csv_reader import MONTHS, read_csv
from tests.helpers import shown_pdf_preview

LEFT = Qt.MouseButton.LeftButton
ALT = Qt.KeyboardModifier.AltModifier


def _actions(window: MainWindow) -> dict:
    return {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions()}


def _open(window: MainWindow) -> StatisticsView:
    _actions(window)["Stat&istik …"].trigger()
    view = window.tabs.currentWidget()
    assert isinstance(view, StatisticsView)
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Statistik"
    return view


def _show(qtbot, view: StatisticsView, year: int, month: str = "Hela året") -> None:
    view.year.setValue(year)
    view.month.setCurrentIndex(view.month.findText(month))
    qtbot.mouseClick(view.show_button, LEFT)
    _wait(qtbot, view)


def _wait(qtbot, view: StatisticsView) -> None:
    qtbot.waitUntil(
        lambda: view.stats is not None and not view.busy and not view.building, timeout=10_000
    )


def plain(text: str) -> str:
    return text.replace("\xa0", " ")


def cell(view: StatisticsView, key: str, row: str, column: str, group: str = "") -> str:
    """The text the table `key` shows in the row labelled `row`, under `group` / `column`."""
    table = view.tables[key]
    model = table.model()
    groups = table.horizontalHeader().groups
    columns = [
        c
        for c in range(model.columnCount())
        if model.headerData(c, Qt.Orientation.Horizontal) == column and groups[c] == group
    ]
    assert len(columns) == 1, f"{group} {column} not in {key}"
    for r in range(model.rowCount()):
        if model.index(r, 0).data() == row:
            return plain(model.index(r, columns[0]).data())
    raise AssertionError(f"no row {row} in {key}")


def sv(value: Decimal | None, places: int = 1) -> str:
    """Swedish decimal comma, written independently of the app's formatter."""
    return "–" if value is None else f"{value:.{places}f}".replace(".", ",")


def percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %".replace(".", ",")


def bar_sets(view: StatisticsView, key: str) -> dict[str, list[float]]:
    series = view.charts[key].chart().series()[0]
    return {s.label(): [s.at(i) for i in range(s.count())] for s in series.barSets()}


def pdf_text(source: Path | bytes) -> str:
    pdf = source if isinstance(source, bytes) else source.read_bytes()
    pages = PdfReader(BytesIO(pdf)).pages
    return " ".join(plain(" ".join(p.extract_text() for p in pages)).split())


def test_year_tables_and_charts_show_the_service_figures(qtbot, chef_window, chef):
    view = _open(chef_window)
    assert not view.pdf_button.isEnabled()  # nothing to export until figures are shown
    _show(qtbot, view, 2026)
    expected = chef.call(lambda s, a: statistics.year_statistics(s, a, 2026))
    assert f"Statistik ekonomiskt bistånd 2026 – {expected.unit_name}" in view.heading.text()
    assert expected.unit_name in view.unit_label.text()
    assert expected.support_households.total.total > 0  # the demo data has a year to show

    rows = [*zip(MONTHS, expected.months, strict=True), ("Helår 2026", expected)]
    for label, period in rows:
        for group, counts in (
            ("Beslutshushåll", period.decision_households.total),
            ("Bidragshushåll", period.support_households.total),
        ):
            assert cell(view, "households", label, "Kvinnor", group) == str(counts.women)
            assert cell(view, "households", label, "Män", group) == str(counts.men)
            assert cell(view, "households", label, "Totalt", group) == str(counts.total)
        assert cell(view, "money", label, "Totalt", "Beviljat") == plain(
            money(period.amount_granted)
        )
        assert cell(view, "money", label, "Försörjningsstöd", "Beviljat") == plain(
            money(period.amount_granted_support)
        )
        assert cell(view, "money", label, "Utbetalt") == plain(money(period.amount_paid))
        for group, counts in (
            ("Nya hushåll", period.new_households.total),
            ("Avslutade hushåll", period.closed_households.total),
        ):
            assert cell(view, "new_closed", label, "Totalt", group) == str(counts.total)
        long_term = period.long_term_10_of_12.total
        assert cell(view, "long_term", label, "Kvinnor", "10 av 12 månader") == str(long_term.women)
        duration = period.average_duration_months
        assert cell(view, "duration", label, "Totalt", "Månader i genomsnitt") == sv(duration.total)
        assert cell(view, "events", label, "Tillfällen", "SIP") == str(period.sip.events)
        assert cell(view, "events", label, "Tillfällen", "Hembesök") == str(
            period.home_visits.events
        )
        response = period.first_response
        assert cell(view, "times", label, "Median, timmar", "Återkoppling") == sv(
            response.median_hours
        )
        assert cell(view, "times", label, "Inom 24 timmar", "Återkoppling") == percent(
            response.share_in_time
        )
        decided = period.time_to_decision
        for column, group, value in (
            ("Inkomna ansökningar", "", response.received),
            ("Besvarade", "Återkoppling", response.answered),
            ("Inom 24 timmar", "Återkoppling", response.answered_in_time),
            ("Beslutade", "Beslut", decided.decided),
            (f"Inom {decided.target_days} dagar", "Beslut", decided.decided_in_time),
            ("Mål, dagar", "Beslut", decided.target_days),
        ):
            assert cell(view, "times_counts", label, column, group) == str(value)
    total = plain(cell(view, "money", "Helår 2026", "Totalt", "Beviljat"))
    assert total.endswith(" kr") and "," in total  # Babel: 1 768 845,00 kr
    assert cell(view, "money", "Helår 2026", "Kostnad per bidragshushåll") == plain(
        money(expected.cost_per_support_household)
    )
    for code, counts in expected.support_barriers.items():
        label = code_lists.label(code_lists.SUPPORT_BARRIER, code)
        assert cell(view, "support_barriers", label, "Kvinnor") == str(counts.women)
        assert cell(view, "support_barriers", label, "Män") == str(counts.men)
    for code, counts in expected.closing_reasons.items():
        label = code_lists.label(code_lists.CLOSING_REASON, code)
        assert cell(view, "closing_reasons", label, "Totalt") == str(counts.total)
    assert cell(view, "household_types", "Barnfamiljer", "Totalt", "Bidragshushåll") == str(
        expected.support_households.with_children.total
    )
    docs = expected.child_documentation
    assert cell(view, "child_documentation", "Barn i granskade beslut", "Flickor") == str(
        docs.children.women
    )
    assert cell(view, "child_documentation", "Barnet namnges i beslutet", "Pojkar") == percent(
        docs.named_share.men
    )
    assert cell(view, "child_documentation", "Barnet namnges i beslutet (antal)", "Pojkar") == str(
        docs.named.men
    )
    assert cell(
        view, "child_documentation", "Beslut där alla barn namnges (antal)", "Totalt"
    ) == str(docs.decisions_all_named)
    for label, counts in (
        ("BKA beskriver barnets situation (antal)", docs.bka_situation),
        ("BKA beskriver barnets behov (antal)", docs.bka_needs),
        ("BKA beskriver hur barnet påverkas (antal)", docs.bka_consequences),
    ):
        assert cell(view, "child_documentation", label, "Totalt") == str(counts.total)
    # new, closed and long-term households by hushållstyp (the demo data has all three)
    assert expected.new_households.total.total and expected.closed_households.total.total
    assert expected.long_term_10_of_12.total.total
    by_type = [(f"{code} {name}", code) for code, name in household_type.HOUSEHOLD_TYPES.items()]
    for key, groups in (
        (
            "new_closed_types",
            (
                ("Nya hushåll", expected.new_households),
                ("Avslutade hushåll", expected.closed_households),
            ),
        ),
        (
            "long_term_types",
            (
                ("10 av 12 månader", expected.long_term_10_of_12),
                ("32 av 36 månader", expected.long_term_32_of_36),
            ),
        ),
    ):
        for group, households in groups:
            rows = [(label, households.by_type[code]) for label, code in by_type] + [
                ("Barnfamiljer", households.with_children),
                ("Ungdomshushåll (sökande 18–24 år)", households.young),
                ("Alla hushåll", households.total),
            ]
            for label, counts in rows:
                for sex, value in (
                    ("Kvinnor", counts.women),
                    ("Män", counts.men),
                    ("Totalt", counts.total),
                ):
                    assert cell(view, key, label, sex, group) == str(value), (key, label, group)
    decision = expected.time_to_decision
    assert cell(
        view, "times", "Helår 2026", f"Inom {decision.target_days} dagar", "Beslut"
    ) == percent(decision.share_in_time)

    # The charts carry the monthly figures (and nothing the tables do not).
    months = expected.months
    assert bar_sets(view, "households") == {
        "Beslutshushåll, kvinnor": [m.decision_households.total.women for m in months],
        "Beslutshushåll, män": [m.decision_households.total.men for m in months],
        "Bidragshushåll, kvinnor": [m.support_households.total.women for m in months],
        "Bidragshushåll, män": [m.support_households.total.men for m in months],
    }
    assert bar_sets(view, "amounts") == {
        "Beviljat": [float(m.amount_granted) for m in months],
        "Utbetalt": [float(m.amount_paid) for m in months],
    }
    barriers = view.charts["support_barriers"].chart()
    categories = barriers.axes(Qt.Orientation.Vertical)[0].categories()
    sets = bar_sets(view, "support_barriers")
    shown = {label: (sets["Kvinnor"][i], sets["Män"][i]) for i, label in enumerate(categories)}
    assert shown == {
        code_lists.label(code_lists.SUPPORT_BARRIER, code): (c.women, c.men)
        for code, c in expected.support_barriers.items()
        if c.total
    }
    # display only: Tab never stops in a chart
    assert all(c.focusPolicy() == Qt.FocusPolicy.NoFocus for c in view.charts.values())


def test_a_month_by_keyboard(qtbot, chef_window, chef):
    view = _open(chef_window)
    assert view.year.hasFocus()
    view.year.lineEdit().selectAll()
    qtbot.keyClicks(view.year, "2026")
    qtbot.keyClick(view, Qt.Key.Key_M, ALT)  # &Månad
    assert view.month.hasFocus()
    qtbot.keyClicks(view.month, "Okt")
    assert view.month.currentText() == "Oktober"
    assert view.sos_button.isEnabled()
    qtbot.keyClick(view, Qt.Key.Key_V, ALT)  # &Visa
    _wait(qtbot, view)
    expected = chef.call(lambda s, a: statistics.month_statistics(s, a, date(2026, 10, 1)))
    assert "oktober 2026" in view.heading.text()
    decided, supported = expected.decision_households.total, expected.support_households.total
    assert cell(view, "households", "Oktober 2026", "Totalt", "Beslutshushåll") == str(
        decided.total
    )
    assert cell(view, "money", "Oktober 2026", "Utbetalt") == plain(money(expected.amount_paid))
    assert bar_sets(view, "households") == {
        "Kvinnor": [decided.women, supported.women],
        "Män": [decided.men, supported.men],
    }
    assert "amounts" not in view.charts  # one bar says nothing; the table has the amount


def test_the_current_month_is_shown_without_visa_and_marked_incomplete(qtbot, chef_window, chef):
    view = _open(chef_window)
    assert view.month.currentText() == "November" and view.year.value() == 2026
    _wait(qtbot, view)  # Visa never pressed
    expected = chef.call(lambda s, a: statistics.month_statistics(s, a, date(2026, 11, 1)))
    assert expected.support_households.total.total > 0
    heading = plain(view.heading.text())
    assert "november 2026" in heading
    assert "ofullständig månad (t.o.m. 23 nov)" in heading
    assert cell(view, "households", "November 2026", "Totalt", "Bidragshushåll") == str(
        expected.support_households.total.total
    )
    # a whole month that is over is not marked
    _show(qtbot, view, 2026, "Oktober")
    assert "oktober 2026" in view.heading.text()
    assert "ofullständig" not in view.heading.text()
    # the year in progress says which month is incomplete; a year that is over does not
    _show(qtbot, view, 2026)
    assert "november 2026: ofullständig månad (t.o.m. 23 nov)" in plain(view.heading.text())
    _show(qtbot, view, 2025)
    assert "ofullständig" not in view.heading.text()


def test_visa_while_the_first_figures_are_computed_shows_the_period_picked(qtbot, chef_window):
    view = _open(chef_window)
    assert view.busy  # the current month is being computed
    _show(qtbot, view, 2026, "Oktober")
    assert "oktober 2026" in view.heading.text()
    assert view.selected_month() == date(2026, 10, 1)


def test_a_period_without_data(qtbot, chef_window):
    view = _open(chef_window)
    _show(qtbot, view, 2019)
    assert view.body.currentWidget() is view.empty
    assert view.empty.isVisible() and view.empty.text() == "Inga uppgifter för perioden"
    assert view.pdf_button.isEnabled()  # an empty report can still be saved


def test_exports(qtbot, chef_window, chef, tmp_path, monkeypatch):
    view = _open(chef_window)
    _show(qtbot, view, 2026)
    expected = chef.call(lambda s, a: statistics.year_statistics(s, a, 2026))
    target = {"path": ""}
    asked: list[str] = []

    def save_as(_parent, _title, suggested, _filter, *args, **kwargs):
        asked.append(suggested)
        return target["path"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))

    # the report in the program's preview, saved from there (no file asked for first)
    qtbot.mouseClick(view.pdf_button, LEFT)
    preview = shown_pdf_preview(qtbot, chef_window)
    assert not asked
    assert preview.windowTitle() == f"Statistik 2026 {expected.unit_name} – rapport"
    target["path"] = str(tmp_path / "rapport")  # the suffix is added
    qtbot.mouseClick(preview.save_button, LEFT)
    pdf = tmp_path / "rapport.pdf"
    assert asked[-1].endswith(f"Statistik 2026 {expected.unit_name}.pdf")
    assert pdf.read_bytes() == preview.pdf
    preview.close()
    text = pdf_text(pdf)
    assert f"Statistik ekonomiskt bistånd 2026 – {expected.unit_name}" in text
    assert plain(money(expected.amount_paid)) in text
    assert "Utskriven 2026-11-23 10:00 av Eva Lind" in text

    target["path"] = str(tmp_path / "statistik.csv")
    qtbot.mouseClick(view.csv_button, LEFT)
    found = read_csv(Path(target["path"]))
    assert found.title == f"Statistik ekonomiskt bistånd 2026 – {expected.unit_name}"
    households = found.table("Beslutshushåll och bidragshushåll")
    assert households.column("Månad") == [*MONTHS, "Helår 2026"]
    assert households.cell("Helår 2026", "Bidragshushåll – Totalt") == str(
        expected.support_households.total.total
    )
    assert "statistik.csv" in chef_window.statusBar().currentMessage()  # a success: no label

    view.month.setCurrentIndex(view.month.findText("Oktober"))
    underlag = chef.call(lambda s, a: sos_export.individual_data(s, a, date(2026, 10, 1)))
    target["path"] = str(tmp_path / "underlag.csv")
    assert "Socialstyrelsen" not in view.sos_button.text()
    assert "Inte Socialstyrelsens filformat" in view.sos_button.toolTip()
    qtbot.mouseClick(view.sos_button, LEFT)
    qtbot.waitUntil(lambda: "Individunderlaget" in view.status_label.text(), timeout=10_000)
    lines = Path(target["path"]).read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("Underlag för Socialstyrelsens individstatistik")
    persons = lines.index("Bistånd och försörjningshinder per person")
    assert lines[persons + 1] == ";".join(sos_export.PERSON_COLUMNS)
    assert lines[persons + 2].startswith(f"{demo_data.DEMO_MUNICIPALITY_CODE};2026-10;")
    assert len(underlag.persons) > 0
    assert lines[persons + 2 + len(underlag.persons)] == ""
    saved = chef_window.statusBar().currentMessage()
    assert saved == f"Individunderlaget sparades i {target['path']}."
    status = view.status_label.text()  # what the file is not stays on the page
    assert f"oktober 2026 ({len(underlag.persons)} personer i {underlag.households}" in status
    assert "Inte Socialstyrelsens filformat" in status and "arbetsmarknadsinsatser" in status


def test_screen_pdf_and_csv_show_the_same_figures(qtbot, chef_window, tmp_path, monkeypatch):
    """A month's households and amount read off the screen, the saved PDF and the saved CSV
    file: one table layout, so the same figures in all three."""
    view = _open(chef_window)
    _show(qtbot, view, 2026, "Oktober")
    target = {"path": ""}

    def save_as(_parent, _title, _suggested, _filter, *args, **kwargs):
        return target["path"], ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    qtbot.mouseClick(view.pdf_button, LEFT)
    pdf = pdf_text(shown_pdf_preview(qtbot, chef_window).pdf)
    target["path"] = str(tmp_path / "oktober.csv")
    qtbot.mouseClick(view.csv_button, LEFT)
    found = read_csv(Path(target["path"]))

    month = "Oktober 2026"
    households = found.table("Beslutshushåll och bidragshushåll")
    shown = [
        cell(view, "households", month, sex, group)
        for group in ("Beslutshushåll", "Bidragshushåll")
        for sex in ("Kvinnor", "Män", "Totalt")
    ]
    assert int(shown[0]) > 0  # the demo data has beslutshushåll with a woman as sökande
    written = [
        households.cell(month, f"{group} – {sex}")
        for group in ("Beslutshushåll", "Bidragshushåll")
        for sex in ("Kvinnor", "Män", "Totalt")
    ]
    assert [s.replace(" ", "") for s in shown] == written
    assert f"{month} {' '.join(shown)}" in pdf  # the PDF's row, kvinnor first

    amounts = found.table("Beviljat, utbetalt och kostnad per hushåll")
    columns = (("Totalt", "Beviljat"), ("Försörjningsstöd", "Beviljat"), ("Utbetalt", ""))
    shown = [cell(view, "money", month, *column) for column in columns]  # '1 234,00 kr'
    assert f"{month} {' '.join(shown)}" in pdf
    written = [
        amounts.cell(month, f"{group} – {title}" if group else title) for title, group in columns
    ]
    assert [s.removesuffix(" kr").replace(" ", "") for s in shown] == written

    response = cell(view, "times", month, "Inom 24 timmar", "Återkoppling")  # '66,7 %'
    times = found.table("Tid till första återkoppling och till beslut")
    assert response.removesuffix(" %") == times.cell(month, "Återkoppling – Inom 24 timmar")
    assert response in pdf

    # the counts behind that share: the same row of figures on screen, on paper and in the file
    counts = found.table("Besvarade och beslutade ansökningar")
    columns = (
        ("Inkomna ansökningar", ""),
        ("Besvarade", "Återkoppling"),
        ("Inom 24 timmar", "Återkoppling"),
        ("Beslutade", "Beslut"),
        ("Inom 30 dagar", "Beslut"),
        ("Mål, dagar", "Beslut"),
    )
    shown = [cell(view, "times_counts", month, column, group) for column, group in columns]
    assert int(shown[1]) > 0  # the demo data has answered applications in October
    written = [
        counts.cell(month, f"{group} – {column}" if group else column) for column, group in columns
    ]
    assert [s.replace(" ", "") for s in shown] == written
    assert f"{month} {' '.join(shown)}" in pdf


def test_closing_the_tab_while_computing(qtbot, chef_window):
    view = _open(chef_window)
    view.year.setValue(2026)
    qtbot.mouseClick(view.show_button, LEFT)
    chef_window.close_tab(chef_window.tabs.indexOf(view))
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # gone before the result
    assert not isValid(view)
    QThreadPool.globalInstance().waitForDone(10_000)
    for _ in range(5):  # the result arrives for a page that no longer exists: ignored
        QApplication.processEvents()
    assert not any(isinstance(chef_window.tabs.widget(i), StatisticsView) for i in range(3))
    assert chef_window.isVisible()


def test_the_menu_opens_one_tab_and_caseworkers_have_none(qtbot, chef_window, main_window):
    first = _open(chef_window)
    chef_window.tabs.setCurrentIndex(0)
    assert _open(chef_window) is first
    texts = [text.replace("&", "") for text in _actions(main_window)]
    assert not any("Statistik" in text for text in texts)


def test_a_new_period_keeps_the_section_and_every_figure_fits(qtbot, chef_window, chef):
    """Visa again with a section chosen: that section shows the new period's figures (the
    pages are made anew each time), and no column cuts its texts short."""
    view = _open(chef_window)
    _show(qtbot, view, 2026)
    row = next(i for i, (name, _k, _t) in enumerate(SECTIONS) if name == "Hushåll och belopp")
    item = view.section_list.item(row)
    qtbot.mouseClick(
        view.section_list.viewport(), LEFT, pos=view.section_list.visualItemRect(item).center()
    )
    _show(qtbot, view, 2026, "Oktober")
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert view.pages.count() == len(SECTIONS)
    page = view.pages.currentWidget()
    assert page.objectName() == f"statisticsPage{row}" and page.isVisible()
    households = view.tables["households"]
    assert households.isVisible() and page.isAncestorOf(households)
    expected = chef.call(lambda s, a: statistics.month_statistics(s, a, date(2026, 10, 1)))
    assert cell(view, "households", "Oktober 2026", "Totalt", "Bidragshushåll") == str(
        expected.support_households.total.total
    )
    for key, table in view.tables.items():
        model, header = table.model(), table.horizontalHeader()
        bold = QFont(table.font())
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        for c in range(model.columnCount()):
            widest = max(
                metrics.horizontalAdvance(model.index(r, c).data() or "")
                for r in range(model.rowCount())
            )
            assert header.sectionSize(c) > widest, (key, c)


def test_the_chosen_section_is_shown_first_and_a_section_picked_early_is_built_at_once(
    qtbot, chef_window, chef
):
    """Visa builds the chosen section's page with the figures, the others after it has been
    painted; a section picked before its turn is built when picked, with the same figures."""
    view = _open(chef_window)
    view.year.setValue(2026)
    view.month.setCurrentIndex(view.month.findText("Oktober"))
    qtbot.mouseClick(view.show_button, LEFT)
    qtbot.waitUntil(lambda: view.stats is not None and not view.busy, timeout=10_000)
    assert view.building  # the sections not shown are left for later
    assert view.pages.currentWidget().objectName() == "statisticsPage0"
    # the last section is built last (one section per turn of the event loop)
    row = len(SECTIONS) - 1
    key = SECTIONS[row][1][0]
    assert key not in view.tables
    view.section_list.setCurrentRow(row)
    page = view.pages.currentWidget()
    assert page.objectName() == f"statisticsPage{row}" and page.isVisible()
    assert page.isAncestorOf(view.tables[key]) and view.tables[key].isVisible()
    expected = chef.call(lambda s, a: statistics.month_statistics(s, a, date(2026, 10, 1)))
    made = next(t for t in stat_tables.all_tables(expected) if t.key == key)
    shown = view.tables[key].model()
    assert [
        [shown.index(r, c).data() for c in range(shown.columnCount())]
        for r in range(shown.rowCount())
    ] == [list(r.cells) for r in made.rows]
    qtbot.waitUntil(lambda: not view.building, timeout=10_000)
    assert view.pages.count() == len(SECTIONS)
    names = [view.pages.widget(i).objectName() for i in range(len(SECTIONS))]
    assert names == [f"statisticsPage{i}" for i in range(len(SECTIONS))]
    assert view.pages.currentIndex() == row
