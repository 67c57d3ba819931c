"""The decision letter in the program's own preview (QtPdf): shown, saved, printed."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QFileDialog

from app.decisions import decisions
from app.ui.decisions.decision_editor import DecisionEditor
from app.ui.widgets.pdf_preview import PdfPreviewDialog
from tests.helpers import shown_pdf_preview

LEFT = Qt.MouseButton.LeftButton


def _words(text: str) -> str:
    return " ".join(text.split())


def _pdf_text(pdf: bytes) -> str:
    return _words(" ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages))


def _open_preview(qtbot, main_window) -> tuple[DecisionEditor, PdfPreviewDialog]:
    """A decision of the demo cases in Mina ärenden whose letter has a besvärshänvisning
    (a decision granting all that was asked has none), previewed as a user does."""
    context = main_window.context

    def appealable(decision_id) -> bool:
        letter = context.call(lambda s, a: decisions.letter_preview(s, a, decision_id))
        return letter.appeal is not None

    found = next(
        (row.case_id, decision.id)
        for row in main_window.my_cases_model.rows
        for decision in context.call(lambda s, a, c=row.case_id: decisions.list_decisions(s, a, c))
        if appealable(decision.id)
    )
    view = main_window.open_case(found[0])
    editor = main_window.open_decision(view, found[1])
    assert editor.preview_button.isEnabled()
    qtbot.mouseClick(editor.preview_button, LEFT)
    return editor, shown_pdf_preview(qtbot, main_window)


def test_preview_shows_the_letter_inside_the_program(qtbot, main_window, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *a, **_k: asked.append(a[1]) or ("", "")),
    )
    editor, preview = _open_preview(qtbot, main_window)
    assert preview.document.status() == QPdfDocument.Status.Ready
    assert preview.page_count >= 1
    assert f"Sida 1 av {preview.page_count}" == preview.page_label.text()
    assert not editor.problems.text()  # nothing in the red label
    assert asked == []  # and no save dialog on the way
    if preview.page_count > 1:
        qtbot.keyClick(preview.view, Qt.Key.Key_PageDown)
        assert preview.current_page == 1
        qtbot.keyClick(preview.view, Qt.Key.Key_PageUp)
        assert preview.current_page == 0
    qtbot.keyClick(preview.view, Qt.Key.Key_Escape)
    assert not preview.isVisible()


def test_save_as_pdf_from_the_preview(qtbot, main_window, tmp_path, monkeypatch) -> None:
    editor, preview = _open_preview(qtbot, main_window)
    target = tmp_path / "brev"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *_a, **_k: (str(target), ""))
    )
    qtbot.mouseClick(preview.save_button, LEFT)
    saved = tmp_path / "brev.pdf"
    assert saved.exists()
    assert "Sparad som" in preview.status.text()
    decision_id = editor.decision_id
    letter = editor.context.call(lambda s, a: decisions.letter_preview(s, a, decision_id))
    assert letter.appeal is not None
    text = _pdf_text(saved.read_bytes())
    assert _words(letter.appeal.title) in text
    assert _words(letter.appeal.paragraphs[0])[:60] in text


def test_print_from_the_preview(qtbot, main_window, tmp_path, monkeypatch) -> None:
    _editor, preview = _open_preview(qtbot, main_window)
    printed = tmp_path / "utskrift.pdf"

    def accept(dialog: QPrintDialog) -> int:
        printer = dialog.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(printed))
        return QPrintDialog.DialogCode.Accepted

    monkeypatch.setattr(QPrintDialog, "exec", accept)
    qtbot.mouseClick(preview.print_button, LEFT)
    assert printed.exists()
    assert len(PdfReader(printed).pages) == preview.page_count
