"""F5 on a page that reads its own data: that page is read again."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QWidget


class ReloadKey(QObject):
    """F5 anywhere in `page` calls `reload` instead of the main window's F5 (Uppdatera, which
    reads Mina ärenden). The key is taken at its ShortcutOverride, which goes from the focused
    widget up through its parents before any shortcut fires."""

    def __init__(self, page: QWidget, reload: Callable[[], None]) -> None:
        super().__init__(page)
        self._reload = reload
        page.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if not isinstance(event, QKeyEvent) or event.key() != Qt.Key.Key_F5:
            return False
        if event.type() == QEvent.Type.ShortcutOverride:
            event.accept()
            return True
        if event.type() == QEvent.Type.KeyPress:
            self._reload()
            return True
        return False
