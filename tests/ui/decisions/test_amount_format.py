"""Issue 22: one amount format in every table ("13 570,00 kr", Babel), right-aligned."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt

from app.common.formatting import money

AMOUNT = re.compile(r"^\d{1,3}(\xa0\d{3})*,\d\d\xa0kr$")


def test_the_decisions_tab_shows_amounts_in_kronor(main_window) -> None:
    for row in main_window.my_cases_model.rows:
        view = main_window.open_case(row.case_id)
        if view.decisions_tab.model.rows:
            break
    tab = view.decisions_tab
    view.tabs.setCurrentWidget(tab)
    model = tab.view.model()
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = headers.index("Beviljat")
    shown = [model.index(r, column).data() for r in range(model.rowCount())]
    assert shown and all(AMOUNT.match(text) for text in shown), shown
    assert sorted(shown) == sorted(money(d.granted_total) for d in tab.model.rows)
    alignment = model.index(0, column).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(alignment) & Qt.AlignmentFlag.AlignRight
