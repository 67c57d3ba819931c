"""Fitting a 1366×768 laptop: long pages scroll inside their tab instead of making the
window taller than the screen, and the main window never grows past the screen."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FittingScrollArea(QScrollArea):
    """Shows its page at the room it has, as a page without a scroll area would be, and
    scrolls only when the room is less than the page's minimum. (A resizable QScrollArea
    sizes a page with word-wrapped labels by its height-for-width, which is its preferred
    height: the case overview then scrolled even where it fitted squeezed.)"""

    def __init__(self, page: QWidget):
        super().__init__()
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(False)
        self.setWidget(page)
        page.installEventFilter(self)

    def fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        minimum = page.minimumSizeHint().expandedTo(page.minimumSize())
        room = self.maximumViewportSize()
        height = max(room.height(), minimum.height())
        width = room.width()
        if height > room.height():
            width -= self.verticalScrollBar().sizeHint().width()
        page.resize(max(width, minimum.width()), height)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)


def scrollable(page: QWidget, title: str) -> QScrollArea:
    """`page` in a frameless scroll area: its minimum height no longer counts towards the
    window's, and it scrolls vertically only when the window is too low for it. The area
    is a Tab stop (the keyboard scrolls a page with nothing focusable left, e.g. a signed
    decision): `title` is what a screen reader says of it."""
    area = FittingScrollArea(page)
    area.setObjectName(f"{page.objectName() or 'page'}Scroll")
    area.setAccessibleName(title)
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
