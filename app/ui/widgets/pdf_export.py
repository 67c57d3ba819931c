"""The one way the UI saves a file: ask where; for a PDF, gather the data and render off the
GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget

from app.ui.context import AppContext, ServiceCall
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_error


def ask_save_path(
    parent: QWidget, title: str, suggested_name: str, file_filter: str, suffix: str
) -> Path | None:
    """Ask where to save; a name typed without `suffix` gets it. None if cancelled."""
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested_name), file_filter
    )
    if not path:
        return None
    target = Path(path)
    return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)


def ask_pdf_path(parent: QWidget, title: str, suggested_name: str) -> Path | None:
    return ask_save_path(parent, title, suggested_name, "PDF (*.pdf)", ".pdf")


def _pdf_work(
    context: AppContext, gather: ServiceCall[Any], render: Callable[[Any], bytes]
) -> Callable[[Callable[[int], None]], bytes]:
    database, actor = context.database, context.logged_in

    def work(_report: Callable[[int], None]) -> bytes:
        with database.sessions.begin() as session:
            data = gather(session, actor)
        return render(data)

    return work


def produce_pdf(
    parent: QWidget,
    context: AppContext,
    *,
    gather: ServiceCall[Any],
    render: Callable[[Any], bytes],
    on_done: Callable[[bytes], None],
) -> None:
    """Like `export_pdf`, but `on_done` gets the PDF bytes and nothing is written to disk
    (a letter shown in the preview is never left in a temporary file)."""
    run_in_background(
        parent,
        _pdf_work(context, gather, render),
        on_done=on_done,
        on_error=lambda exc: show_error(parent, exc),
        label="Skapar PDF …",
    )


def export_pdf(
    parent: QWidget,
    context: AppContext,
    target: Path,
    *,
    gather: ServiceCall[Any],
    render: Callable[[Any], bytes],
    on_done: Callable[[Path], None],
) -> None:
    """`gather` reads (and audits) what to print in its own transaction; `render` turns it
    into PDF bytes. Both run in a worker thread; `on_done` gets the written file."""
    produce = _pdf_work(context, gather, render)

    def work(report: Callable[[int], None]) -> Path:
        target.write_bytes(produce(report))
        return target

    run_in_background(
        parent,
        work,
        on_done=on_done,
        on_error=lambda exc: show_error(parent, exc),
        label="Skapar PDF …",
    )
