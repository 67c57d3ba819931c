"""At 1366×768 every kind of tab fits the window: long pages scroll inside their tab, the
action buttons stay in view, and the window never grows (issue 22, item 1)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.ui.decisions.decision_editor import DecisionEditor
from app.ui.forms.form_editor import FormEditor

LEFT = Qt.MouseButton.LeftButton
HEIGHT = 768


def _fits(window, *buttons: QPushButton) -> None:
    QApplication.processEvents()
    assert window.frameGeometry().height() <= HEIGHT + 8  # offscreen frames are 4 px
    assert window.height() <= HEIGHT
    inside = window.rect()
    for button in buttons:
        assert button.isVisible(), button.text()
        shown = QRect(button.mapTo(window, QPoint(0, 0)), button.size())
        assert inside.contains(shown), (button.text(), shown, inside)


def _signed_decision_case(window):
    for row in window.my_cases_model.rows:
        view = window.open_case(row.case_id)
        signed = [r for r in view.decisions_tab.model.rows if r.decided_on is not None]
        if signed:
            return view, signed[0].id
        window.close_tab(window.tabs.indexOf(view))
    raise AssertionError("the demo data has signed decisions")


def test_every_tab_fits_1366_by_768(qtbot, main_window) -> None:
    window = main_window
    window.resize(1366, HEIGHT)
    view, signed_id = _signed_decision_case(window)
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        _fits(window, view.status_button, view.print_button)
    view.tabs.setCurrentWidget(view.forms_tab)
    for key in ("ib", "fia", "bka"):
        qtbot.mouseClick(view.forms_tab.new_buttons[key], LEFT)
        editor = window.tabs.currentWidget()
        assert isinstance(editor, FormEditor)
        _fits(window, editor.save_button, editor.sign_button, editor.print_button)
        window.tabs.setCurrentWidget(view)
    view.tabs.setCurrentWidget(view.decisions_tab)
    qtbot.mouseClick(view.decisions_tab.new_button, LEFT)
    new = window.tabs.currentWidget()
    assert isinstance(new, DecisionEditor)
    signed = window.open_decision(view, signed_id)
    assert signed.signed_decision
    for editor, buttons in (
        (new, (new.save_button, new.sign_button, new.preview_button)),
        (signed, (signed.letter_button, signed.replace_button)),
    ):
        window.tabs.setCurrentWidget(editor)
        for page in range(editor.pages.count()):
            editor.pages.setCurrentIndex(page)
            _fits(window, *buttons)
    before = window.height()
    for editor in (signed, new):
        window.close_tab(window.tabs.indexOf(editor))
    QApplication.processEvents()
    assert window.height() <= before


def test_long_pages_scroll_instead_of_growing_the_window(qtbot, main_window) -> None:
    """The decision's calculation page is taller than the room it gets: it scrolls."""
    window = main_window
    window.resize(1366, HEIGHT)
    view = window.open_case(window.my_cases_model.rows[0].case_id)
    view.tabs.setCurrentWidget(view.decisions_tab)
    qtbot.mouseClick(view.decisions_tab.new_button, LEFT)
    editor = window.tabs.currentWidget()
    assert isinstance(editor, DecisionEditor)
    for _ in range(4):
        editor.add_cost("boende")
    QApplication.processEvents()
    area = editor.pages.currentWidget()
    assert area.verticalScrollBar().maximum() > 0
    assert editor.minimumSizeHint().height() < 400


def test_the_window_is_kept_within_its_screen(main_window) -> None:
    available = main_window.screen().availableGeometry()
    main_window.resize(available.width() + 500, available.height() + 500)
    QApplication.processEvents()
    frame = main_window.frameGeometry()
    assert frame.height() <= available.height() and frame.width() <= available.width()


def test_every_page_is_small_when_built(qtbot, main_window) -> None:
    """No page of a case view asks for more than a laptop screen's worth of height."""
    view = main_window.open_case(main_window.my_cases_model.rows[0].case_id)
    for index in range(view.tabs.count()):
        view.tabs.setCurrentIndex(index)
        page: QWidget = view.tabs.widget(index)
        assert page.minimumSizeHint().height() < 450, view.tabs.tabText(index)


def test_the_case_overview_gives_its_height_to_the_lists_that_grow(qtbot, main_window) -> None:
    """At 1366×768 the household's table is as tall as its members need and the bevakningar
    below show several rows (they showed two under a half-empty member table)."""
    window = main_window
    window.resize(1366, HEIGHT)
    view = None
    for row in window.my_cases_model.rows:
        view = window.open_case(row.case_id)
        if view is not None and len(view.overview_tab.deadlines_model.rows) >= 5:
            break
        window.close_tab(window.tabs.indexOf(view))
    else:
        raise AssertionError("the demo data has a case with five bevakningar")
    QApplication.processEvents()
    overview = view.overview_tab
    row_height = overview.deadlines_view.verticalHeader().defaultSectionSize()
    assert overview.deadlines_view.viewport().height() >= 5 * row_height
    members = overview.members_view
    assert members.height() <= members.horizontalHeader().height() + 8 * row_height + 8
