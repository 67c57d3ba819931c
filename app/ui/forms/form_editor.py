"""The form engine's window: sections as an outline, fields generated from the definition,
autosave of drafts, messages next to fields, progress of required fields, signing."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.common import clock
from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.errors import ValidationFailed
from app.common.formatting import local_datetime, signature_text
from app.forms import filled_forms
from app.forms.answers import Group, groups, new_row
from app.forms.computations import compute
from app.forms.definition import FieldType, RepeatKind, Section
from app.forms.filled_forms import FormView
from app.forms.form_printout import form_printout
from app.forms.validation import field_path, required_progress
from app.models import FormKey
from app.printing.form_printout import render_form
from app.ui.context import AppContext
from app.ui.forms.form_fields import FieldInput
from app.ui.widgets.messages import FieldError, ask_save_or_discard, show_error
from app.ui.widgets.pdf_preview import preview_pdf
from app.ui.widgets.read_only import BANNER_STYLE, make_read_only

AUTOSAVE_MS = 1500
"""Drafts are saved this long after the last keystroke: a crash loses at most that."""


_SHORT_TITLES: dict[str, str] = {
    FormKey.INITIAL_ASSESSMENT: "IB",
    FormKey.FIA: "FIA",
    FormKey.CHILD_IMPACT: "BKA",
}
"""A tab's name for the case's forms (the others by their title)."""


class FormEditor(QWidget):
    saved = Signal()
    signed = Signal()
    new_version_created = Signal(object)  # form id

    def __init__(self, context: AppContext, form_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.form_id = form_id
        self.view: FormView = context.call(lambda s, a: filled_forms.open_form(s, a, form_id))
        self.answers = self.view.answers
        self.inputs: dict[str, FieldInput] = {}
        self.errors: dict[str, FieldError] = {}
        self.computed: list[tuple[FieldInput, str]] = []
        self.section_boxes: dict[str, QGroupBox] = {}
        self.dirty = False
        self.locked_reason = ""
        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save)

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.title_label = QLabel()
        self.title_label.setObjectName("formTitle")
        top.addWidget(self.title_label, 1)
        self.progress = QProgressBar()
        self.progress.setObjectName("requiredProgress")
        self.progress.setFormat("%v av %m obligatoriska fält")
        self.progress.setMinimumWidth(260)
        top.addWidget(self.progress)
        layout.addLayout(top)
        self.status_label = QLabel()
        self.status_label.setObjectName("formStatus")
        layout.addWidget(self.status_label)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        self.outline = QListWidget()
        self.outline.setAccessibleName("Blankettens avsnitt")
        self.outline.setObjectName("formOutline")
        self.outline.setMaximumWidth(300)
        self.outline.setWordWrap(True)
        self.outline.currentRowChanged.connect(self._go_to_section)
        splitter.addWidget(self.outline)
        self.scroll = scroll = QScrollArea()
        scroll.setAccessibleName("Blankettens frågor")  # (QWidget.scroll confuses mypy)
        self.scroll.setWidgetResizable(True)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter, 1)

        buttons = QHBoxLayout()
        self.save_button = QPushButton("Spara &nu")
        self.sign_button = QPushButton("&Signera")
        self.sign_button.setObjectName("signForm")
        self.print_button = QPushButton("Skriv &ut …")
        self.new_version_button = QPushButton("Ny &version")
        self.new_version_button.setObjectName("newVersion")
        for button in (
            self.save_button,
            self.sign_button,
            self.print_button,
            self.new_version_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch()
        layout.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.sign_button.clicked.connect(self.sign)
        self.print_button.clicked.connect(self.print_form)
        self.new_version_button.clicked.connect(self.create_new_version)
        QShortcut(QKeySequence("Ctrl+S"), self).activated.connect(self.save)
        self._build()

    # --- building ----------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        return (
            bool(self.locked_reason)
            or self.view.is_signed
            or self.view.author_id != self.context.logged_in.id
        )

    def lock(self, reason: str) -> None:
        """Read-only for a reason outside the form (its case is checked out elsewhere)."""
        self.locked_reason = reason
        self._autosave.stop()
        self._build()

    @property
    def tab_title(self) -> str:
        short = _SHORT_TITLES.get(self.view.definition.key, self.view.title)
        return f"{short} {self.view.case_number}".strip()

    def _build(self) -> None:
        self.inputs.clear()
        self.errors.clear()
        self.computed.clear()
        self.section_boxes.clear()
        self.outline.blockSignals(True)
        self.outline.clear()
        content = QWidget()
        column = QVBoxLayout(content)
        definition = self.view.definition
        if definition.description:
            intro = QLabel(definition.description)
            intro.setWordWrap(True)
            column.addWidget(intro)
        for section in definition.sections:
            box = self._section_box(section)
            self.section_boxes[section.key] = box
            column.addWidget(box)
            QListWidgetItem(section.title, self.outline)
        column.addStretch()
        if self.read_only:
            make_read_only(content)  # the choices made stay readable, not greyed out
        self.scroll.setWidget(content)
        self.outline.blockSignals(False)
        self._refresh_state()

    def _section_box(self, section: Section) -> QGroupBox:
        box = QGroupBox(section.title)
        column = QVBoxLayout(box)
        if section.help:
            help_label = QLabel(section.help)
            help_label.setWordWrap(True)
            help_label.setStyleSheet("color: #555;")
            column.addWidget(help_label)
        section_groups = groups(section, self.answers)
        if (
            section.repeat is not None
            and section.repeat.kind is RepeatKind.CHILDREN
            and not section_groups
        ):
            column.addWidget(QLabel("Det finns inga barn i hushållet."))
        for index, group in enumerate(section_groups):
            position = None if section.repeat is None else index
            column.addWidget(self._group_widget(section, position, group))
        if (
            section.repeat is not None
            and section.repeat.kind is RepeatKind.ROWS
            and not self.read_only
        ):
            add = QPushButton(f"Lägg till {section.repeat.item_label.lower() or 'rad'}")
            add.setObjectName(f"add_{section.key}")
            add.clicked.connect(lambda _=False, s=section: self.add_row(s))
            column.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        section_error = FieldError()
        self.errors[section.key] = section_error
        column.addWidget(section_error)
        return box

    def _group_widget(self, section: Section, position: int | None, group: Group) -> QWidget:
        if position is None:
            holder = QWidget()
        else:
            title = group.get("_label") or f"{section.repeat.item_label} {position + 1}"
            holder = QGroupBox(title)
        form = QFormLayout(holder)
        for item in section.fields:
            path = field_path(section, position, item)

            def changed(g: Group = group, k: str = item.key, p: str = path) -> None:
                self._changed(g, k, p)

            field_input = FieldInput(item, self.view.context, changed)
            field_input.widget.setObjectName(path)
            self.inputs[path] = field_input
            if item.type is FieldType.COMPUTED:
                self.computed.append((field_input, item.compute))
            else:
                field_input.set_value(group.get(item.key))
                field_input.set_read_only(self.read_only)
            error = FieldError()
            error.follow(field_input.widget)  # the message is also the field's description
            self.errors[path] = error
            cell = QWidget()
            cell_column = QVBoxLayout(cell)
            cell_column.setContentsMargins(0, 0, 0, 0)
            cell_column.setSpacing(2)
            cell_column.addWidget(field_input.widget)
            if item.help:
                hint = QLabel(item.help)
                hint.setWordWrap(True)
                hint.setStyleSheet("color: #555; font-size: 9pt;")
                cell_column.addWidget(hint)
            cell_column.addWidget(error)
            label = QLabel(item.label + (" *" if item.required else ""))
            label.setWordWrap(True)
            label.setBuddy(field_input.widget)
            form.addRow(label, cell)
        if (
            section.repeat is not None
            and section.repeat.kind is RepeatKind.ROWS
            and not self.read_only
        ):
            remove = QPushButton("Ta bort")
            remove.clicked.connect(lambda _=False, s=section, g=group: self.remove_row(s, g))
            form.addRow("", remove)
        return holder

    # --- editing -----------------------------------------------------------------------
    def _changed(self, group: Group, key: str, path: str) -> None:
        if self.read_only:
            return
        group[key] = self.inputs[path].value()
        self.errors[path].set_message("")
        self.dirty = True
        self._autosave.start()
        self._refresh_state()

    def add_row(self, section: Section) -> None:
        self.answers.setdefault(section.key, []).append(new_row())
        self.dirty = True
        self._rebuild_keep_position()
        self._autosave.start()

    def remove_row(self, section: Section, group: Group) -> None:
        rows = self.answers.get(section.key, [])
        if group in rows:
            rows.remove(group)
        self.dirty = True
        self._rebuild_keep_position()
        self._autosave.start()

    def _rebuild_keep_position(self) -> None:
        position = self.scroll.verticalScrollBar().value()
        self._build()
        QTimer.singleShot(0, lambda: self.scroll.verticalScrollBar().setValue(position))

    def _refresh_state(self) -> None:
        definition = self.view.definition
        for field_input, name in self.computed:
            field_input.set_value(compute(name, definition, self.answers))
        for row, section in enumerate(definition.sections):
            item = self.outline.item(row)
            if item is not None:
                done, needed = required_progress(definition, self.answers, only=section.key)
                mark = "✓" if done == needed else f"{done}/{needed}"
                item.setText(f"{section.title}  ({mark})" if needed else section.title)
        filled, total = required_progress(definition, self.answers)
        self.progress.setMaximum(max(total, 1))
        self.progress.setValue(filled if total else 1)
        self.title_label.setText(
            f"<span style='font-size:14pt'><b>{self.view.title}</b></span>"
            + (f" · {self.view.case_number}" if self.view.case_number else "")
        )
        view = self.view
        if view.is_signed and not view.signature_holds:
            state = (
                f"<b style='color:#b00020'>{ALTERED_AFTER_SIGNING}</b>. Svaren har ändrats "
                f"efter att {view.signer_name} signerade. Kontakta systemförvaltaren."
            )
        elif view.is_signed and view.signed_at is not None:
            signature = signature_text(view.signed_at, view.signer_name, view.signed_recorded_at)
            state = (
                f"<b>Signerad</b> {signature}. Blanketten är låst; gör ändringar i en ny version."
            )
        elif self.locked_reason:
            state = f"<b>Utkast</b> – {self.locked_reason}"
        elif self.read_only:
            state = f"<b>Utkast</b> av {self.view.author_name} – bara hen kan ändra det."
        else:
            state = "<b>Utkast</b> – sparas automatiskt medan du skriver."
        if self.view.supersedes_id:
            state += " Den här versionen ersätter en tidigare signerad blankett."
        self.status_label.setText(state)
        # a locked form says so where the eye starts, as a banner
        self.status_label.setStyleSheet(BANNER_STYLE if self.read_only else "")
        self.save_button.setEnabled(not self.read_only)
        self.sign_button.setEnabled(not self.read_only)
        self.new_version_button.setVisible(self.view.is_signed)

    def _go_to_section(self, row: int) -> None:
        if row < 0:
            return
        section = self.view.definition.sections[row]
        box = self.section_boxes[section.key]
        self.scroll.ensureWidgetVisible(box, 0, 0)
        self.scroll.verticalScrollBar().setValue(box.y())
        first = next((i for p, i in self.inputs.items() if p.startswith(section.key)), None)
        if first is not None and first.widget.isEnabled():
            first.widget.setFocus()

    # --- saving and signing --------------------------------------------------------------
    def save(self) -> bool:
        """Save the draft now if anything changed. Returns False when it could not."""
        self._autosave.stop()
        if self.read_only or not self.dirty:
            return True
        answers, version = self.answers, self.view.version
        try:
            form = self.context.call(
                lambda s, a: filled_forms.save_draft(
                    s, a, self.form_id, answers, expected_version=version
                )
            )
        except ValidationFailed as exc:
            self._show_errors(exc)
            self.status_label.setText(
                "<b style='color:#b00020'>Utkastet kunde inte sparas: "
                "rätta de markerade fälten.</b>"
            )
            return False
        except Exception as exc:
            show_error(self, exc)
            return False
        self.view = FormView(**{**self.view.__dict__, "version": form.version})
        self.dirty = False
        self.status_label.setText(f"<b>Utkast</b> – sparat {local_datetime(clock.now())[-5:]}.")
        self.saved.emit()
        return True

    def _show_errors(self, exc: ValidationFailed) -> None:
        first = None
        for path, message in exc.field_errors.items():
            target = self.errors.get(path) or self.errors.get(path.split("[")[0].split(".")[0])
            if target is not None:
                target.set_message(message)
                first = first or self.inputs.get(path)
        if first is not None:
            self.scroll.ensureWidgetVisible(first.widget)
            first.widget.setFocus()

    def sign(self) -> None:
        if not self.save():
            return
        version = self.view.version
        try:
            self.context.call(
                lambda s, a: filled_forms.sign_form(s, a, self.form_id, expected_version=version)
            )
        except ValidationFailed as exc:
            self._show_errors(exc)
            count = len(exc.field_errors)
            self.status_label.setText(
                f"<b style='color:#b00020'>Blanketten kan inte signeras: "
                f"{count} fält behöver fyllas i eller rättas.</b>"
            )
            return
        except Exception as exc:
            show_error(self, exc)
            return
        self.reload()
        self.signed.emit()

    def reload(self) -> None:
        self.view = self.context.call(lambda s, a: filled_forms.open_form(s, a, self.form_id))
        self.answers = self.view.answers
        self.dirty = False
        self._build()

    def create_new_version(self) -> None:
        view = self.view
        try:
            form = self.context.call(
                lambda s, a: filled_forms.create_form(
                    s, a, view.definition.key, case_id=view.case_id, supersedes_id=view.id
                )
            )
        except Exception as exc:
            show_error(self, exc)
            return
        self.new_version_created.emit(form.id)

    def print_form(self) -> None:
        """The form in the program's preview (as the decision letter and the journal),
        saved as PDF or printed from there; unsaved answers are saved first."""
        if not self.save():
            return
        name = f"{self.view.title} {self.view.case_number}".strip()
        form_id = self.form_id
        preview_pdf(
            self,
            self.context,
            title=name,
            suggested_name=f"{name}.pdf",
            gather=lambda s, a: form_printout(s, a, form_id),
            render=render_form,
        )

    def has_unsaved_changes(self) -> bool:
        return self.dirty and not self.read_only

    def confirm_close(self) -> bool:
        """Answers not yet autosaved are asked about; if they cannot be saved the tab stays
        open."""
        if not self.has_unsaved_changes():
            return True
        return ask_save_or_discard(
            self,
            "Osparad blankett",
            "Blanketten har svar som inte är sparade. Vill du spara dem i utkastet innan "
            "fliken stängs?",
            self.save,
        )
