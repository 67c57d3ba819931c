"""An e-ansökan's attachment shown inside the program: a PDF in the one PDF preview
(app.ui.widgets.pdf_preview), a JPEG or PNG image in a scrollable view at its own size."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.widgets.messages import show_done
from app.ui.widgets.pdf_preview import show_pdf_preview

IMAGE_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG"}


class ImageViewerDialog(QDialog):
    """An image (bytes) at its own size, scrolled when larger than the window."""

    def __init__(self, image: QImage, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("imageViewer")
        self.setWindowTitle(title)
        self.picture = QLabel()
        self.picture.setObjectName("image")
        self.picture.setAccessibleName(title)
        self.picture.setPixmap(QPixmap.fromImage(image))
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.picture)
        self.scroller.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroller)
        close_button = QPushButton("Stäng")  # as the PDF preview's; Esc closes too
        close_button.clicked.connect(self.close)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(close_button)
        layout.addLayout(row)
        self.resize(900, 700)


def show_attachment(parent: QWidget, raw: bytes, media_type: str, filename: str) -> QDialog | None:
    """Open the attachment in the viewer for its media type (not modal; deleted when closed)."""
    title = f"Bilaga: {filename}"
    if media_type == "application/pdf":
        return show_pdf_preview(parent, raw, title, filename)
    image = QImage()
    if media_type not in IMAGE_TYPES or not image.loadFromData(raw, IMAGE_TYPES[media_type]):
        show_done(parent, f"Bilagan {filename} kan inte visas: filen är inte en bild eller PDF.")
        return None
    dialog = ImageViewerDialog(image, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
