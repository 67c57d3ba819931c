"""Fitting a 1366×768 laptop: long pages scroll inside their tab instead of making the
window taller than the screen, and the main window never grows past the screen."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


def scrollable(page: QWidget, name: str = "") -> QScrollArea:
    """`page` in a frameless scroll area that follows its width: its minimum height no
    longer counts towards the window's, and it scrolls vertically when the window is low."""
    area = QScrollArea()
    area.setObjectName(name or f"{page.objectName() or 'page'}Scroll")
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area


def keep_on_screen(window: QWidget) -> None:
    """Cap the window at its screen's available area (less the frame), so that a tab whose
    minimum size is too big squeezes instead of pushing the window (and its buttons) off
    the screen; the cap follows the window to another screen."""
    screen = window.screen()
    if screen is None:
        return
    available = screen.availableGeometry()
    frame = window.frameGeometry()
    inner = window.geometry()
    extra_width = max(0, frame.width() - inner.width())
    extra_height = max(0, frame.height() - inner.height())
    window.setMaximumSize(available.width() - extra_width, available.height() - extra_height)
