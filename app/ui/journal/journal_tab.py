"""Journal: the list of entries, the whole journal as one text with search, and an editor
for drafts. Signed entries are read-only; a correction is a new entry (tillägg) that refers
to the signed one."""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QStandardItemModel, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from app.common import clock, code_lists
from app.common.codes import JournalType
from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.errors import ValidationFailed
from app.common.formatting import short_date, signature_text
from app.journal import journal
from app.journal.journal import JournalDraft, JournalRow
from app.ui.context import AppContext
from app.ui.widgets.date_field import DateField
from app.ui.widgets.messages import FieldError, add_field, ask_save_or_discard, show_error
from app.ui.widgets.read_only import keep_text_readable
from app.ui.widgets.row_table_model import Column, RowTableModel
from app.ui.widgets.table_view import RowTableView


def _status(row: JournalRow) -> str:
    if not row.is_signed:
        return "Utkast"
    return "Signerad" if row.signature_holds else ALTERED_AFTER_SIGNING


READ_ONLY_STYLE = "background: #f4f1ea; color: #1a1a1a;"
"""A signed entry's title and text: a paper-like background says "cannot be changed"
while the text stays as dark as any other (issue 22: grey text was hard to read)."""
HIT = QColor("#ffe680")
CURRENT_HIT = QColor("#ff9f43")
COLLAPSED_CHARACTERS = 160


def _signature_line(row: JournalRow) -> str:
    if not row.is_signed or row.signed_at is None:
        return "Utkast – kan ändras tills det signeras"
    if not row.signature_holds:
        return f"{ALTERED_AFTER_SIGNING} (signerad av {row.signer_name})"
    return "Signerad " + signature_text(row.signed_at, row.signer_name, row.signed_recorded_at)


def _entry_html(row: JournalRow, collapsed: bool) -> str:
    """One entry of the continuous journal: heading (a link that opens it in the editor),
    who wrote and signed it, its text (the first line or so when collapsed) and the link
    that folds or unfolds it."""
    first = row.text.strip()[:COLLAPSED_CHARACTERS].split("\n")[0]
    foldable = first != row.text.strip()
    folded = collapsed and foldable
    text = first if folded else row.text
    body = html.escape(text).replace("\n", "<br>") + (" …" if folded else "")
    toggle = "Visa hela texten" if collapsed else "Dölj texten"
    fold = f"<a href='toggle:{row.id}'>{toggle}</a>" if foldable else ""
    parts = (short_date(row.entry_date), row.type_label, row.title.strip())
    heading = html.escape(" · ".join(part for part in parts if part))
    meta = html.escape(f"Skriven av {row.author_name} · {_signature_line(row)}")
    return (
        f"<h3 style='margin-bottom:2px'><a href='open:{row.id}' style='color:#1a1a1a; "
        f"text-decoration:none'>{heading}</a></h3>"
        f"<p style='color:#444; margin-top:0'>{meta}</p>"
        f"<p>{body}</p>"
        f"<p style='margin-bottom:14px'>{fold}</p>"
    )


class JournalTab(QWidget):
    changed = Signal()
    register_lookup_requested = Signal()

    def __init__(self, context: AppContext, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.case_id = case_id
        self.current: JournalRow | None = None
        self.corrects: JournalRow | None = None
        self._snapshot: tuple = ()
        self._editable = True
        """Whether the entry shown may be changed by the user (her own draft or a new one)."""
        self.held_reason = ""
        """Why nothing can be changed here now (the case is checked out elsewhere), or ""."""

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.model = RowTableModel(
            [
                Column(
                    "Datum",
                    lambda r: short_date(r.entry_date),
                    sort_key=lambda r: r.entry_date.isoformat(),
                ),
                Column("Typ", lambda r: r.type_label),
                Column("Rubrik", lambda r: r.title),
                Column("Skriven av", lambda r: r.author_name),
                Column("Status", _status),
            ]
        )
        self.list_view = RowTableView(self.model, name="Journalanteckningar")
        self.list_view.setObjectName("journalList")
        self.list_view.setAccessibleName("Journalanteckningar")
        self.list_view.selectionModel().currentRowChanged.connect(self._selection_changed)
        splitter.addWidget(self._reading_side())

        editor = QGroupBox("Anteckning")
        editor_layout = QVBoxLayout(editor)
        self.state_label = QLabel()
        self.state_label.setObjectName("journalState")
        self.state_label.setWordWrap(True)
        editor_layout.addWidget(self.state_label)
        form = QFormLayout()
        self.entry_date = DateField(clock.today())
        self.entry_date.setObjectName("entryDate")
        self.entry_type = QComboBox()
        self.entry_type.setObjectName("entryType")
        for code in code_lists.codes(code_lists.JOURNAL_TYPE):
            self.entry_type.addItem(code.label, code.code)
        # shown on a look-up's entry, never chosen for one written by hand (app.registers)
        types = self.entry_type.model()
        if isinstance(types, QStandardItemModel):
            item = types.item(self.entry_type.findData(JournalType.REGISTER_DATA))
            item.setEnabled(False)
            item.setToolTip("Skrivs av programmet vid en registerförfrågan.")
        self.title = QLineEdit()
        self.title.setObjectName("entryTitle")
        self.text = QPlainTextEdit()
        self.text.setObjectName("entryText")
        self.text.setTabChangesFocus(True)
        self.errors = {name: FieldError() for name in ("entry_date", "entry_type", "title", "text")}
        add_field(form, "&Datum:", self.entry_date, self.errors["entry_date"])
        add_field(form, "T&yp:", self.entry_type, self.errors["entry_type"])
        add_field(form, "&Rubrik:", self.title, self.errors["title"])
        add_field(form, "&Text:", self.text, self.errors["text"])
        editor_layout.addLayout(form)
        buttons = QHBoxLayout()
        self.new_button = QPushButton("N&y anteckning")
        self.new_button.setObjectName("newEntry")
        self.save_button = QPushButton("Spara &utkast")
        self.save_button.setObjectName("saveDraft")
        self.sign_button = QPushButton("&Signera")
        self.sign_button.setObjectName("signEntry")
        self.addendum_button = QPushButton("Skriv t&illägg")
        self.addendum_button.setObjectName("writeAddendum")
        self.lookup_button = QPushButton("Hämta &registeruppgifter …")
        self.lookup_button.setObjectName("registerLookup")
        self.lookup_button.setToolTip(
            "Fråga registren om inkomster och ersättningar för en person i hushållet. Svaret "
            "sparas som en signerad anteckning."
        )
        self.lookup_button.clicked.connect(lambda: self.register_lookup_requested.emit())
        for button in (
            self.new_button,
            self.save_button,
            self.sign_button,
            self.addendum_button,
            self.lookup_button,
        ):
            buttons.addWidget(button)
        editor_layout.addLayout(buttons)
        splitter.addWidget(editor)
        splitter.setSizes([520, 480])
        QVBoxLayout(self).addWidget(splitter)

        self.new_button.clicked.connect(lambda: self.new_entry())
        self.save_button.clicked.connect(self.save_draft)
        self.sign_button.clicked.connect(self.sign)
        self.addendum_button.clicked.connect(self.write_addendum)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save_draft)
        # a signed entry's date and type cannot be changed but read as clearly as when they can
        for widget in (self.entry_date, self.entry_type):
            keep_text_readable(widget)
        self.reload()
        self.new_entry()

    # --- reading: the list, the whole journal as one text, search ------------------------
    def _reading_side(self) -> QWidget:
        side = QWidget()
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        search_row = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("journalSearch")
        self.search.setPlaceholderText("Ord i rubriker och texter")
        self.search.setClearButtonEnabled(True)
        self.search.setToolTip("Enter: nästa träff · Skift+Enter: föregående")
        search_label = QLabel("S&ök i journalen:")
        search_label.setBuddy(self.search)
        self.hits_label = QLabel()
        self.hits_label.setObjectName("journalHits")
        self.hits_label.setMinimumWidth(90)
        search_row.addWidget(search_label)
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.hits_label)
        column.addLayout(search_row)
        self.reading = QTabWidget()
        self.reading.setObjectName("journalViews")
        self.reading.addTab(self.list_view, "Lista")
        self.continuous = QTextBrowser()
        self.continuous.setObjectName("journalText")
        self.continuous.setAccessibleName("Hela journalen")
        self.continuous.setOpenLinks(False)
        self.continuous.anchorClicked.connect(self._link_clicked)
        self.reading.addTab(self.continuous, "Hela journalen")
        column.addWidget(self.reading, 1)
        self._rows: list[JournalRow] = []
        self._collapsed: set[uuid.UUID] = set()
        self._hits: list[QTextCursor] = []
        self._hit = -1
        self.search.textChanged.connect(lambda *_: self._search_changed())
        self.search.returnPressed.connect(lambda: self.next_hit(1))
        previous = QShortcut(QKeySequence("Shift+Return"), self.search)
        previous.setContext(Qt.ShortcutContext.WidgetShortcut)
        previous.activated.connect(lambda: self.next_hit(-1))
        return side

    def show_continuous(self) -> None:
        self.reading.setCurrentWidget(self.continuous)

    def _render_continuous(self) -> None:
        """Every entry oldest first, as one text; while searching every text is unfolded
        so that no hit is hidden."""
        searching = bool(self.search.text().strip())
        parts = [
            _entry_html(row, collapsed=row.id in self._collapsed and not searching)
            for row in reversed(self._rows)  # the list is newest first
        ]
        scroll = self.continuous.verticalScrollBar().value()
        self.continuous.setHtml("".join(parts) or "<p>Journalen har inga anteckningar ännu.</p>")
        self.continuous.verticalScrollBar().setValue(scroll)
        self._find_hits()

    def _link_clicked(self, url: QUrl) -> None:
        kind, _, key = url.toString().partition(":")
        try:
            entry_id = uuid.UUID(key)
        except ValueError:
            return
        if kind == "toggle":
            self._collapsed.symmetric_difference_update({entry_id})
            self._render_continuous()
        elif kind == "open":
            self.open_entry(entry_id)

    def open_entry(self, entry_id: uuid.UUID) -> None:
        """Show the entry in the editor (and the list), asking first about unsaved changes."""
        if self.current is not None and self.current.id == entry_id:
            return
        row = next((r for r in self._rows if r.id == entry_id), None)
        if row is None or (self.has_unsaved_changes() and not self._ask_keep_or_discard()):
            return
        self._load(row)  # first: the selection change below is then "already shown"
        self.list_view.select_where(lambda shown: shown.id == entry_id)

    def _search_changed(self) -> None:
        if self.search.text().strip():
            self.show_continuous()
        self._render_continuous()

    def _find_hits(self) -> None:
        term = self.search.text().strip()
        self._hits = []
        document = self.continuous.document()
        if term:
            cursor = document.find(term, 0)
            while not cursor.isNull():
                self._hits.append(cursor)
                cursor = document.find(term, cursor)
        self._hit = 0 if self._hits else -1
        self._show_hits()

    def next_hit(self, step: int) -> None:
        if not self._hits:
            return
        self.show_continuous()
        self._hit = (self._hit + step) % len(self._hits)
        self._show_hits()

    def _show_hits(self) -> None:
        selections = []
        for index, cursor in enumerate(self._hits):
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format.setBackground(CURRENT_HIT if index == self._hit else HIT)
            selections.append(selection)
        self.continuous.setExtraSelections(selections)
        if self._hit >= 0:
            current = QTextCursor(self._hits[self._hit])
            current.clearSelection()
            self.continuous.setTextCursor(current)
            self.continuous.ensureCursorVisible()
        if self._hits:
            self.hits_label.setText(f"{self._hit + 1} av {len(self._hits)}")
        else:
            self.hits_label.setText("Inga träffar" if self.search.text().strip() else "")

    # --- loading -----------------------------------------------------------------------
    def reload(self, select_id: uuid.UUID | None = None) -> None:
        rows = self.context.call(lambda s, a: journal.list_entries(s, a, self.case_id))
        self.model.set_rows(rows)
        self.list_view.fit_columns()
        self._rows = rows
        self._render_continuous()
        if select_id is not None:
            for row_index, row in enumerate(rows):
                if row.id == select_id:
                    # load first, so the selection change below is seen as "already shown"
                    self._load(row)
                    proxy_index = self.list_view.proxy.mapFromSource(self.model.index(row_index, 0))
                    self.list_view.setCurrentIndex(proxy_index)
                    break

    def _selection_changed(self, current, _previous) -> None:
        if not current.isValid():
            return
        row = self.list_view.current_row()
        if row is None or (self.current is not None and row.id == self.current.id):
            return
        if self.has_unsaved_changes() and not self._ask_keep_or_discard():
            return
        self._load(row)

    def _ask_keep_or_discard(self) -> bool:
        return ask_save_or_discard(
            self,
            "Osparad anteckning",
            "Anteckningen har ändringar som inte är sparade. Spara dem som utkast?",
            self.save_draft,
        )

    def _fields(self) -> tuple:
        return (
            self.entry_date.value(),
            self.entry_type.currentData(),
            self.title.text(),
            self.text.toPlainText(),
        )

    def has_unsaved_changes(self) -> bool:
        if self.current is not None and self.current.is_signed:
            return False
        if (
            self.current is None
            and not self.text.toPlainText().strip()
            and not self.title.text().strip()
        ):
            return False
        return self._fields() != self._snapshot

    def hold(self, reason: str) -> None:
        """While `reason` is set (shown in the case's banner) the entry can be read but
        nothing typed into it; when it goes the entry is as editable as before."""
        self.held_reason = reason
        self._set_editable(self._editable)
        self.addendum_button.setEnabled(self.current is not None and self.current.is_signed)

    def _set_editable(self, editable: bool) -> None:
        self._editable = editable
        writable = editable and not self.held_reason
        for widget in (self.entry_date, self.entry_type):
            widget.setEnabled(writable)
        self.title.setReadOnly(not writable)
        self.text.setReadOnly(not writable)
        for field in (self.title, self.text):
            field.setStyleSheet("" if writable else READ_ONLY_STYLE)
        # the case's EditLock holds these while the case is checked out elsewhere
        self.save_button.setEnabled(writable)
        self.sign_button.setEnabled(writable)

    def _load(self, row: JournalRow) -> None:
        self.current = row
        self.corrects = None
        self.entry_date.set_value(row.entry_date)
        self.entry_type.setCurrentIndex(self.entry_type.findData(row.entry_type))
        self.title.setText(row.title)
        self.text.setPlainText(row.text)
        own_draft = not row.is_signed and row.author_id == self.context.logged_in.id
        self._set_editable(own_draft)
        self.addendum_button.setEnabled(row.is_signed)
        if row.signed_at is not None and not row.signature_holds:
            self.state_label.setText(
                f"<b style='color:#b00020'>{ALTERED_AFTER_SIGNING}</b>. Texten har ändrats "
                f"efter att {row.signer_name} signerade den. Kontakta systemförvaltaren."
            )
        elif row.signed_at is not None:
            self.state_label.setText(
                f"<b>Signerad</b> "
                f"{signature_text(row.signed_at, row.signer_name, row.signed_recorded_at)}. "
                "En signerad anteckning kan inte ändras – skriv ett tillägg."
            )
        elif own_draft:
            self.state_label.setText("<b>Utkast</b> – kan ändras tills du signerar.")
        else:
            self.state_label.setText(
                f"<b>Utkast</b> av {row.author_name} – bara författaren kan ändra det."
            )
        self._clear_errors()
        self._snapshot = self._fields()

    def new_entry(self, corrects: JournalRow | None = None) -> None:
        if self.has_unsaved_changes() and not self._ask_keep_or_discard():
            return
        self.current = None
        self.corrects = corrects
        self.list_view.clearSelection()
        self.entry_date.set_value(clock.today())
        self.entry_type.setCurrentIndex(
            self.entry_type.findData(
                (JournalType.CORRECTION if corrects else JournalType.NOTE).value
            )
        )
        self.title.setText(
            f"Tillägg till anteckning {short_date(corrects.entry_date)}" if corrects else ""
        )
        self.text.clear()
        self._set_editable(True)
        self.addendum_button.setEnabled(False)
        self.state_label.setText(
            f"<b>Tillägg</b> till den signerade anteckningen från "
            f"{short_date(corrects.entry_date)}."
            if corrects
            else "<b>Ny anteckning</b>"
        )
        self._clear_errors()
        self._snapshot = self._fields()

    def write_addendum(self) -> None:
        if self.current is not None and self.current.is_signed:
            self.new_entry(corrects=self.current)
            self.text.setFocus()

    # --- saving ------------------------------------------------------------------------
    def _clear_errors(self) -> None:
        for error in self.errors.values():
            error.set_message("")

    def _draft(self) -> JournalDraft:
        entry_date, entry_type, title, text = self._fields()
        return JournalDraft(entry_date, entry_type, title, text)

    def save_draft(self) -> bool:
        """Save the editor as a draft. Returns False (with messages shown) when it could not."""
        if self.current is not None and self.current.is_signed:
            return True
        self._clear_errors()
        draft, current, corrects = self._draft(), self.current, self.corrects
        if self.entry_date.error:  # a typed text that is no date: not the last good date saved
            self.errors["entry_date"].set_message(self.entry_date.error)
            self.entry_date.setFocus()
            return False
        try:
            if current is None:
                entry = self.context.call(
                    lambda s, a: journal.create_entry(
                        s, a, self.case_id, draft, corrects_id=corrects.id if corrects else None
                    )
                )
            else:
                entry = self.context.call(
                    lambda s, a: journal.update_draft(
                        s, a, current.id, draft, expected_version=current.version
                    )
                )
        except ValidationFailed as exc:
            self._show_errors(exc)
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self.reload(select_id=entry.id)
        self.changed.emit()
        return True

    def _show_errors(self, exc: ValidationFailed) -> None:
        for name, message in exc.field_errors.items():
            self.errors.get(name, self.errors["text"]).set_message(message)

    def sign(self) -> None:
        if (self.has_unsaved_changes() or self.current is None) and not self.save_draft():
            return
        current = self.current
        assert current is not None
        answer = QMessageBox.question(
            self,
            "Signera anteckningen",
            "När anteckningen är signerad kan den inte ändras. Signera nu?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            self.context.call(
                lambda s, a: journal.sign_entry(s, a, current.id, expected_version=current.version)
            )
        except ValidationFailed as exc:
            self._show_errors(exc)
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload(select_id=current.id)
        self.changed.emit()
