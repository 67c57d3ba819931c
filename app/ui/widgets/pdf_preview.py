"""A letter or printout shown inside the program before it is saved or printed (QtPdf).

The PDF is read from memory (a QBuffer): a decision letter holds sensitive data and is never
left behind in a temporary file. From the preview it can be saved ("Spara som PDF …") or
sent to a printer ("Skriv ut …", the system's print dialog)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.ui.context import AppContext, ServiceCall
from app.ui.widgets.pdf_export import ask_pdf_path, produce_pdf

FIT_WIDTH = "bredd"
FIT_PAGE = "sida"
ZOOMS: tuple[tuple[str, str | float], ...] = (
    ("Anpassa till bredden", FIT_WIDTH),
    ("Hela sidan", FIT_PAGE),
    ("50 %", 0.5),
    ("75 %", 0.75),
    ("100 %", 1.0),
    ("150 %", 1.5),
    ("200 %", 2.0),
)
PRINT_DPI_LIMIT = 300
"""Pages go to the printer as images: at a printer's 1200 dpi an A4 page would be a 550 MB
image; 300 dpi is sharp text on paper at 35 MB a page."""


class PdfPreviewDialog(QDialog):
    """Shows `pdf` (bytes); `suggested_name` is offered when the user saves it."""

    def __init__(
        self, pdf: bytes, title: str, suggested_name: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("pdfPreview")
        self.setWindowTitle(title)
        self.pdf = pdf
        self.suggested_name = suggested_name
        self._buffer = QBuffer(self)
        self._buffer.setData(QByteArray(pdf))
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self._buffer)

        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setAccessibleName(title)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

        self.save_button = QPushButton("&Spara som PDF …")
        self.save_button.setObjectName("savePdf")
        self.print_button = QPushButton("Skriv &ut …")
        self.print_button.setObjectName("printPdf")
        self.zoom = QComboBox()
        self.zoom.setObjectName("pdfZoom")
        self.zoom.setAccessibleName("Förstoring")
        for text, value in ZOOMS:
            self.zoom.addItem(text, value)
        zoom_label = QLabel("&Förstoring:")
        zoom_label.setBuddy(self.zoom)
        self.page_label = QLabel()
        self.page_label.setObjectName("pdfPage")
        self.status = QLabel()
        self.status.setObjectName("pdfStatus")
        self.status.setWordWrap(True)
        close_button = QPushButton("Stäng")
        close_button.setAutoDefault(False)

        bar = QHBoxLayout()
        for widget in (self.save_button, self.print_button, zoom_label, self.zoom):
            bar.addWidget(widget)
        bar.addStretch()
        bar.addWidget(self.page_label)
        bar.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.status)

        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_document)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)
        close_button.clicked.connect(self.close)
        self.view.pageNavigator().currentPageChanged.connect(lambda *_: self._show_page())
        for key, step in (
            (QKeySequence.StandardKey.MoveToPreviousPage, -1),
            (QKeySequence.StandardKey.MoveToNextPage, 1),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(lambda step=step: self.go_to_page(self.current_page + step))
        self._show_page()
        self._fit_to_screen()
        self.view.setFocus()

    def _fit_to_screen(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        available = screen.availableGeometry()
        self.resize(min(900, available.width() * 9 // 10), available.height() * 9 // 10)

    @property
    def page_count(self) -> int:
        return self.document.pageCount()

    @property
    def current_page(self) -> int:
        return self.view.pageNavigator().currentPage()

    def go_to_page(self, page: int) -> None:
        page = max(0, min(page, self.page_count - 1))
        self.view.pageNavigator().jump(page, QPointF(), self.view.pageNavigator().currentZoom())
        self._show_page()

    def _show_page(self) -> None:
        self.page_label.setText(f"Sida {self.current_page + 1} av {self.page_count}")

    def _zoom_changed(self) -> None:
        value = self.zoom.currentData()
        if value == FIT_WIDTH:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif value == FIT_PAGE:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(float(value))

    # --- saving and printing ---------------------------------------------------------
    def save(self) -> None:
        target = ask_pdf_path(self, "Spara som PDF", self.suggested_name)
        if target is None:
            return
        try:
            target.write_bytes(self.pdf)
        except OSError as exc:
            QMessageBox.warning(
                self, "Det gick inte", f"Filen kunde inte sparas: {exc.strerror or exc}."
            )
            return
        self.status.setText(f"Sparad som {target}")

    def print_document(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.suggested_name)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Skriv ut")
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if not self.print_to(printer):
            QMessageBox.warning(self, "Det gick inte", "Skrivaren kunde inte startas.")
            return
        self.status.setText(f"Skickat till {printer.printerName() or 'skrivaren'}")

    def print_to(self, printer: QPrinter) -> bool:
        """Every page as an image scaled to fit the paper (the PDF has its own margins)."""
        printer.setFullPage(True)
        painter = QPainter()
        if not painter.begin(printer):
            return False
        try:
            dpi = min(printer.resolution(), PRINT_DPI_LIMIT)
            paper = printer.pageRect(QPrinter.Unit.DevicePixel).toRect()
            for page in range(self.page_count):
                if page:
                    printer.newPage()
                points = self.document.pagePointSize(page)
                image = self.document.render(
                    page,
                    QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)),
                )
                size = image.size().scaled(paper.size(), Qt.AspectRatioMode.KeepAspectRatio)
                painter.drawImage(QRect(paper.topLeft(), size), image)
        finally:
            painter.end()
        return True


def show_pdf_preview(
    parent: QWidget | None, pdf: bytes, title: str, suggested_name: str
) -> PdfPreviewDialog:
    """Open the preview (not modal: the user may look at the letter and the editor side by
    side); it is deleted when closed."""
    dialog = PdfPreviewDialog(pdf, title, suggested_name, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def preview_pdf(
    parent: QWidget,
    context: AppContext,
    *,
    title: str,
    suggested_name: str,
    gather: ServiceCall[Any],
    render: Callable[[Any], bytes],
) -> None:
    """Gather and render off the GUI thread (as `export_pdf`), then show the preview."""

    def show(pdf: bytes) -> None:
        show_pdf_preview(parent, pdf, title, suggested_name)

    produce_pdf(parent, context, gather=gather, render=render, on_done=show)
