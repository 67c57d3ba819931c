"""The one way the UI saves a PDF: ask where, gather the data and render off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QWidget
from sqlalchemy.orm import Session

from app.services.actor import Actor
from app.ui.background import run_in_background
from app.ui.context import AppContext
from app.ui.messages import show_error


def ask_pdf_path(parent: QWidget, title: str, suggested_name: str) -> Path | None:
    path, _ = QFileDialog.getSaveFileName(
        parent, title, str(Path.home() / suggested_name), "PDF (*.pdf)"
    )
    return Path(path) if path else None


def export_pdf(
    parent: QWidget,
    context: AppContext,
    target: Path,
    *,
    gather: Callable[[Session, Actor], Any],
    render: Callable[[Any], bytes],
    on_done: Callable[[Path], None],
) -> None:
    """`gather` reads (and audits) what to print in its own transaction; `render` turns it
    into PDF bytes. Both run in a worker thread; `on_done` gets the written file."""
    database, actor = context.database, context.actor

    def work(_report: Callable[[int], None]) -> Path:
        with database.sessions.begin() as session:
            data = gather(session, actor)
        target.write_bytes(render(data))
        return target

    run_in_background(
        parent,
        work,
        on_done=on_done,
        on_error=lambda exc: show_error(parent, exc),
        label="Skapar PDF …",
    )
