"""The selected appeal at the courts (issue 23): its överlämnande to förvaltningsrätten (due
day, court, documents, the signed cover letter) and its rulings, with the follow-up and the
nämnd's own time to appeal. Embedded under the appeals list of the case's Överklaganden tab
(`show_appeal` when the selection changes) and usable on its own."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.appeals import court_proceedings as court
from app.appeals.court_proceedings import CourtHistory, RulingRow
from app.common.formatting import long_date
from app.ui.appeals.court_dialogs import (
    BoardAppealDialog,
    CarriedOutDialog,
    ForwardDialog,
    RulingDialog,
)
from app.ui.context import AppContext
from app.ui.widgets.messages import show_done, show_error
from app.ui.widgets.pdf_preview import show_pdf_preview
from app.ui.widgets.read_only import EditLock, ReadOnlyBanner
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _party(row: RulingRow) -> str:
    return row.appealed_by.label


class CourtPanel(QWidget):
    """`show_appeal(appeal_id)` shows an appeal (None: nothing selected); `changed` is
    emitted after anything is saved here, for the tab to reload its list."""

    changed = Signal()

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("courtPanel")
        self.context = context
        self.case_id = case_id
        self.history: CourtHistory | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.banner = ReadOnlyBanner()
        layout.addWidget(self.banner)
        self.forwarding = QLabel()
        self.forwarding.setObjectName("forwardingStatus")
        self.forwarding.setWordWrap(True)
        layout.addWidget(self.forwarding)
        self.model = RowTableModel(
            [
                Column("Instans", lambda r: r.instance.label),
                Column(
                    "Meddelad",
                    lambda r: long_date(r.ruled_on),
                    sort_key=lambda r: r.ruled_on.isoformat(),
                ),
                Column("Utfall", lambda r: r.outcome.label),
                Column("Överklagad av", _party),
                Column("Målnummer", lambda r: r.court_case_number),
                Column("Verkställighet", lambda r: r.follow_up_text),
                Column("Nämndens överklagande", lambda r: r.board_appeal_text),
            ]
        )
        self.view = RowTableView(self.model, name="Domar i överklagandet")
        self.view.setObjectName("rulingsList")
        self.view.selectionModel().currentChanged.connect(self._update_buttons)
        layout.addWidget(self.view)
        buttons = QHBoxLayout()
        self.forward_button = QPushButton("Överlämna till &förvaltningsrätten …")
        self.forward_button.setObjectName("forwardAppeal")
        self.forward_button.clicked.connect(self.forward)
        self.letter_button = QPushButton("Visa f&öljebrevet")
        self.letter_button.setObjectName("showForwardingLetter")
        self.letter_button.clicked.connect(self.show_letter)
        self.ruling_button = QPushButton("Registrera &dom …")
        self.ruling_button.setObjectName("registerRuling")
        self.ruling_button.clicked.connect(self.register_ruling)
        self.board_button = QPushButton("&Nämndens överklagande …")
        self.board_button.setObjectName("boardAppeal")
        self.board_button.clicked.connect(self.board_appeal)
        self.carried_out_button = QPushButton("Ver&kställt …")
        self.carried_out_button.setObjectName("rulingCarriedOut")
        self.carried_out_button.clicked.connect(self.carried_out)
        for button in (
            self.forward_button,
            self.letter_button,
            self.ruling_button,
            self.board_button,
            self.carried_out_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.edit_lock = EditLock(self)
        self.edit_lock.add(*self.edit_buttons)
        self.edit_lock.reason_changed.connect(self.banner.set_reason)
        self.show_appeal(None)

    @property
    def edit_buttons(self) -> tuple[QPushButton, ...]:
        """The buttons that change something (held while the case is checked out)."""
        return (
            self.forward_button,
            self.ruling_button,
            self.board_button,
            self.carried_out_button,
        )

    # --- showing ------------------------------------------------------------------------

    def show_appeal(self, appeal_id: uuid.UUID | None) -> None:
        if appeal_id is None:
            self.history = None
        else:
            try:
                self.history = self.context.call(lambda s, a: court.court_history(s, a, appeal_id))
            except Exception as exc:
                self.history = None
                show_error(self, exc)
        self._show()

    def reload(self) -> None:
        self.show_appeal(self.history.appeal_id if self.history else None)

    def _show(self) -> None:
        history = self.history
        if history is None:
            self.forwarding.setText("Välj ett överklagande för att se överlämnande och domar.")
            self.model.set_rows([])
            self.edit_lock.set_reason("")
            self._update_buttons()
            return
        self.forwarding.setText(self._forwarding_text(history))
        self.model.set_rows(list(history.rulings))
        self.view.fit_columns()
        self.edit_lock.set_reason(history.edit_refusal)
        self._update_buttons()

    @staticmethod
    def _forwarding_text(history: CourtHistory) -> str:
        if history.forwarded_on is not None:
            documents = "; ".join(history.documents)
            return (
                f"Överlämnat till {history.court} den {long_date(history.forwarded_on)}. "
                f"Handlingar: {documents}."
            )
        if history.forwarding_problem:
            return history.forwarding_problem
        return (
            f"Ska överlämnas till förvaltningsrätten senast "
            f"{long_date(history.forwarding_due)} ({history.decision_label})."
        )

    def _update_buttons(self, *_args: object) -> None:
        history = self.history
        row: RulingRow | None = self.view.current_row()
        self.forward_button.setEnabled(history is not None and not history.forwarding_problem)
        self.letter_button.setEnabled(history is not None and history.letter_id is not None)
        self.ruling_button.setEnabled(
            history is not None
            and history.forwarded_on is not None
            and history.next_instance is not None
        )
        self.board_button.setEnabled(row is not None and row.board_appeal_open)
        self.carried_out_button.setEnabled(row is not None and row.follow_up_open)

    # --- actions ------------------------------------------------------------------------

    def _saved(self, message: str) -> None:
        self.reload()
        self.changed.emit()
        show_done(self, message)

    def forward(self) -> None:
        history = self.history
        if history is None or history.forwarding_problem:
            return
        dialog = ForwardDialog(self.context, history, court.default_court(), history.position, self)
        if dialog.exec() and dialog.signed:
            self._saved("Överklagandet är överlämnat och följebrevet signerat och arkiverat.")

    def show_letter(self) -> None:
        history = self.history
        if history is None or history.letter_id is None:
            return
        appeal_id = history.appeal_id
        try:
            pdf = self.context.call(lambda s, a: court.forwarding_letter_pdf(s, a, appeal_id))
        except Exception as exc:
            show_error(self, exc)
            return
        show_pdf_preview(self, pdf, "Följebrev till förvaltningsrätten", "overlamnande.pdf")

    def register_ruling(self) -> None:
        if self.history is None:
            return
        if RulingDialog(self.context, self.history, self).exec():
            self._saved("Domen är registrerad.")

    def board_appeal(self) -> None:
        row = self.view.current_row()
        if row is None or not row.board_appeal_open:
            return
        if BoardAppealDialog(self.context, row, self).exec():
            self._saved("Nämndens ställningstagande till domen är registrerat.")

    def carried_out(self) -> None:
        row = self.view.current_row()
        if row is None or not row.follow_up_open:
            return
        case_id = self.case_id
        try:
            choices = self.context.call(lambda s, a: court.signed_decisions(s, a, case_id))
        except Exception as exc:
            show_error(self, exc)
            return
        if CarriedOutDialog(self.context, row, choices, self).exec():
            self._saved("Domen är registrerad som verkställd.")
