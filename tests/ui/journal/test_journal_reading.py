"""Issue 22: the journal read as one text, oldest first, with search within the case;
entries folded and unfolded; signed entries read-only to the eye, yet readable."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QPalette

from app.journal import journal
from tests.helpers import type_text

LEFT = Qt.MouseButton.LeftButton


def _words(text: str) -> str:
    return " ".join(text.split())


def _write(qtbot, tab, title: str, text: str, *, sign: bool) -> None:
    qtbot.mouseClick(tab.new_button, LEFT)
    type_text(tab.title, title)
    type_text(tab.text, text)
    qtbot.mouseClick(tab.sign_button if sign else tab.save_button, LEFT)


def test_the_whole_journal_in_date_order(qtbot, journal_tab, caseworker, dialogs) -> None:
    text = "Sökanden ringde om hyran.\nHon skickar kvittot."
    _write(qtbot, journal_tab, "Telefon", text, sign=True)
    tab = journal_tab
    rows = caseworker.call(lambda s, a: journal.list_entries(s, a, tab.case_id))
    signed = [r for r in reversed(rows) if r.is_signed]  # the service's order is newest first
    assert len(signed) >= 2
    assert [r.entry_date for r in signed] == sorted(r.entry_date for r in signed)
    qtbot.mouseClick(tab.reading.tabBar(), LEFT, pos=tab.reading.tabBar().tabRect(1).center())
    assert tab.reading.currentWidget() is tab.continuous
    shown = _words(tab.continuous.toPlainText())
    at = 0
    for row in signed:  # each after the one before (demo entries repeat texts)
        at = shown.find(_words(row.text), at)
        assert at >= 0, row.title
    assert shown.endswith(f"{_words(text)} Dölj texten")  # today's, last
    assert "Skriven av Sara Nilsson · Signerad 2026-11-23 10:00 av Sara Nilsson" in shown
    assert "…" not in shown  # nothing folded


def test_search_highlights_and_steps_through_the_hits(qtbot, journal_tab, dialogs) -> None:
    tab = journal_tab
    _write(qtbot, tab, "Hembesök", "Zebrafinken i köket störde samtalet.", sign=True)
    _write(qtbot, tab, "Uppföljning", "Zebrafinken är såld. Ny zebrafink köpt.", sign=False)
    tab.search.setFocus()
    type_text(tab.search, "zebrafink")
    assert tab.reading.currentWidget() is tab.continuous
    assert tab.hits_label.text() == "1 av 3"
    highlighted = [s.cursor.selectedText() for s in tab.continuous.extraSelections()]
    assert highlighted == ["Zebrafink", "Zebrafink", "zebrafink"]
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.hits_label.text() == "2 av 3"
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    qtbot.keyClick(tab.search, Qt.Key.Key_Return)
    assert tab.hits_label.text() == "1 av 3"  # round again
    qtbot.keyClick(tab.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert tab.hits_label.text() == "3 av 3"
    type_text(tab.search, "xyz")
    assert tab.hits_label.text() == "Inga träffar"
    assert tab.continuous.extraSelections() == []


def test_an_entry_folds_and_opens_in_the_editor(qtbot, journal_tab, dialogs) -> None:
    tab = journal_tab
    long_text = "Första raden om boendet.\n" + "Mer om samtalet. " * 30
    _write(qtbot, tab, "Långt samtal", long_text, sign=True)
    entry = tab.current
    assert entry is not None, (dialogs, [e.text() for e in tab.errors.values()])
    tab.show_continuous()
    assert "Mer om samtalet. Mer om samtalet." in tab.continuous.toPlainText()
    tab.continuous.anchorClicked.emit(QUrl(f"toggle:{entry.id}"))  # "Dölj texten"
    shown = tab.continuous.toPlainText()
    assert "Första raden om boendet. …" in shown and "Mer om samtalet" not in shown
    assert "Visa hela texten" in shown
    tab.continuous.anchorClicked.emit(QUrl(f"toggle:{entry.id}"))
    assert "Mer om samtalet. Mer om samtalet." in tab.continuous.toPlainText()
    qtbot.mouseClick(tab.new_button, LEFT)
    tab.continuous.anchorClicked.emit(QUrl(f"open:{entry.id}"))  # the heading
    assert tab.current is not None and tab.current.id == entry.id


def test_a_signed_entry_looks_read_only_but_reads_clearly(qtbot, journal_tab, dialogs) -> None:
    tab = journal_tab
    _write(qtbot, tab, "Utkast", "Kan ändras.", sign=False)
    assert not tab.text.isReadOnly() and tab.text.styleSheet() == ""
    qtbot.mouseClick(tab.sign_button, LEFT)
    assert tab.text.isReadOnly() and tab.title.isReadOnly()
    assert "background" in tab.text.styleSheet() and "background" in tab.title.styleSheet()
    state = tab.state_label.text().replace("<b>", "").replace("</b>", "")
    assert "Signerad 2026-11-23 10:00 av Sara Nilsson" in state
    palette = tab.entry_type.palette()
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        assert palette.color(QPalette.ColorGroup.Disabled, role) == palette.color(
            QPalette.ColorGroup.Active, role
        )
    assert not tab.entry_type.isEnabled()
