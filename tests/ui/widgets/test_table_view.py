"""The shared table: columns fitted to their contents, the last one filling the width, and a
model that answers only the roles it serves."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QImage
from PySide6.QtWidgets import (
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import FIT_ROWS, RowTableView, _widest


@dataclass(frozen=True)
class Hit:
    name: str
    number: str


def _model() -> RowTableModel:
    return RowTableModel([Column("Namn", lambda h: h.name), Column("Ärende", lambda h: h.number)])


def test_after_fitting_the_last_column_reaches_the_right_edge(qtbot) -> None:
    """As the search results appear: a tab page inserted and made current, the rows set and
    the columns fitted before the page has been laid out."""
    tabs = QTabWidget()
    qtbot.addWidget(tabs)
    tabs.resize(900, 400)
    tabs.addTab(QWidget(), "Mina ärenden")
    tabs.show()
    qtbot.waitExposed(tabs)
    model = _model()
    view = RowTableView(model)
    page = QWidget()
    QVBoxLayout(page).addWidget(view)
    model.set_rows([Hit(f"Anna Andersson {i}", f"EB-2026-{i:06d}") for i in range(250)])
    tabs.insertTab(1, page, "Sökresultat")
    tabs.setCurrentWidget(page)
    view.fit_columns()
    header = view.horizontalHeader()
    last = header.count() - 1

    def last_column_reaches_the_edge() -> None:
        right = header.sectionViewportPosition(last) + header.sectionSize(last)
        assert right == view.viewport().width()

    qtbot.waitUntil(last_column_reaches_the_edge, timeout=2000)
    # the first column fits its text, measured on the first FIT_ROWS rows
    assert header.sectionSize(0) >= view.fontMetrics().horizontalAdvance("Anna Andersson 99")
    assert header.resizeContentsPrecision() == FIT_ROWS


def test_the_model_answers_only_its_roles() -> None:
    model = _model()
    model.set_rows([Hit("Anna Andersson", "EB-2026-000001")])
    index = model.index(0, 0)
    assert model.data(index, Qt.ItemDataRole.DisplayRole) == "Anna Andersson"
    assert model.data(index, Qt.ItemDataRole.UserRole) == "Anna Andersson"
    for role in (Qt.ItemDataRole.SizeHintRole, Qt.ItemDataRole.DecorationRole):
        assert model.data(index, role) is None


class CountingModel(RowTableModel):
    def __init__(self, columns):
        super().__init__(columns)
        self.data_calls = 0

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        self.data_calls += 1
        return super().data(index, role)


def test_fitting_measures_the_texts_without_asking_the_model_cell_by_cell(qtbot) -> None:
    """2 000 rows of 13 columns: Qt's own sizing asks every measured cell for eight roles
    through Python; the widths come from the columns' texts instead."""
    model = CountingModel([Column("Namn", lambda h: h.name), Column("Ärende", lambda h: h.number)])
    view = RowTableView(model)
    qtbot.addWidget(view)
    view.resize(900, 400)
    view.show()
    qtbot.waitExposed(view)
    rows = [Hit(f"Anna Andersson {i}", f"EB-2026-{i:06d}") for i in range(2000)]
    rows[3] = Hit("Marie-Louise Wallenberg-Östlund", "EB-2026-000003")
    model.set_rows(rows)
    model.data_calls = 0
    view.fit_columns()
    assert model.data_calls == 0
    metrics = view.fontMetrics()
    header = view.horizontalHeader()
    assert header.sectionSize(0) > metrics.horizontalAdvance("Marie-Louise Wallenberg-Östlund")
    assert header.sectionSize(0) >= header.sectionSizeHint(0)


def test_the_widest_text_is_the_one_measured_widest(qtbot) -> None:
    """Fitting estimates the widths from the characters and measures only the widest few:
    the width found is still that of the widest text, also where the longest text is not
    the widest one."""
    metrics = QFontMetrics(QFont())
    texts = [f"Anna Andersson {i}" for i in range(100)]
    texts += ["i" * 40, "W" * 14, "Marie-Louise Wallenberg-Östlund", "AVAVAVAVAVAVAV"]
    advances: dict[str, int] = {}
    for sample in (texts, texts[:100], texts[100:], ["Ärende"], []):
        widest = max((metrics.horizontalAdvance(t) for t in sample), default=0)
        assert _widest(metrics, advances, sample) == widest


@dataclass(frozen=True)
class Amount:
    name: str
    amount: str
    overdue: bool


def _grab(qtbot, delegate_of_qt: bool) -> QImage:
    model = RowTableModel(
        [Column("Namn", lambda r: r.name), Column("Belopp", lambda r: r.amount, align_right=True)],
        highlight=lambda r: r.overdue,
    )
    view = RowTableView(model)
    if delegate_of_qt:
        view.setItemDelegate(QStyledItemDelegate(view))
    qtbot.addWidget(view)
    view.resize(500, 300)
    view.show()
    qtbot.waitExposed(view)
    rows = [Amount(f"Anna Andersson {i}", f"{i * 1234.5:.2f}", i % 3 == 0) for i in range(30)]
    rows[2] = Amount("Två\nrader", "", False)
    model.set_rows(rows)
    view.fit_columns()
    view.selectRow(1)
    return view.grab().toImage()


def test_cells_look_as_with_the_delegate_of_qt(qtbot) -> None:
    """The table's delegate asks the model once per cell (CELL_ROLE) instead of once per
    role: texts, right alignment, the highlight colour and a selected row look the same."""
    assert _grab(qtbot, delegate_of_qt=False) == _grab(qtbot, delegate_of_qt=True)


def test_models_with_roles_of_their_own_keep_the_delegate_of_qt(qtbot) -> None:
    class Bold(RowTableModel):
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return super().data(index, role)

    view = RowTableView(Bold([Column("Namn", lambda h: h.name)]))
    qtbot.addWidget(view)
    assert type(view.itemDelegate()) is QStyledItemDelegate
    assert type(RowTableView(_model()).itemDelegate()) is not QStyledItemDelegate


def test_a_fitted_column_shows_its_widest_text_on_one_line(qtbot) -> None:
    """The Beslut tab showed "september / 2026" on two lines: the column was as wide as the
    text's rounded width, and the delegate lays the text out in exact widths."""
    model = _model()
    view = RowTableView(model)
    qtbot.addWidget(view)
    months = ["december 2026", "november 2026", "september 2026", "Bistånd utöver rätten"]
    model.set_rows([Hit(text, text) for text in months])
    view.resize(700, 300)
    view.show()
    qtbot.waitExposed(view)
    view.fit_columns()
    delegate = view.itemDelegate()
    for row in range(model.rowCount()):
        index = view.model().index(row, 0)
        option = QStyleOptionViewItem()
        view.initViewItemOption(option)
        option.rect = view.visualRect(index)
        one_line = QFontMetrics(view.font()).height()
        # the height the delegate needs at the column's width: one line, not two
        assert delegate.sizeHint(option, index).height() < 2 * one_line, months[row]
