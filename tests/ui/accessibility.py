"""What a screen reader gets: walk a window's widgets and list those it cannot name.

Generic on purpose: it knows no widget by name, so a field, button or table added anywhere
is checked as soon as a test shows the window it is in (tests/ui/test_accessibility.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QInputDialog, QWidget


def spoken_name(widget: QWidget) -> str:
    """The name a screen reader says for `widget`: its accessible name, else what Qt
    derives (a buddy label beside it, a button's text)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return interface.text(QAccessible.Text.Name).strip() if interface is not None else ""


def reached_by_tab(widget: QWidget) -> bool:
    """Shown, and a Tab stop of its own (a widget whose focus goes to a proxy is not: the
    proxy is the stop, and is checked itself)."""
    return (
        widget.isVisible()
        and bool(widget.focusPolicy() & Qt.FocusPolicy.TabFocus)
        and widget.focusProxy() is None
    )


def describe(widget: QWidget) -> str:
    """'QLineEdit#applicantFirstName in ApplicantPage < QStackedWidget < NewCaseWizard'."""
    chain = []
    parent = widget.parentWidget()
    while parent is not None and len(chain) < 6:
        chain.append(
            type(parent).__name__ + (f"#{parent.objectName()}" * bool(parent.objectName()))
        )
        parent = parent.parentWidget()
    own = type(widget).__name__ + (f"#{widget.objectName()}" * bool(widget.objectName()))
    return f"{own} in {' < '.join(chain) or '(top level)'}"


def unnamed(root: QWidget) -> list[str]:
    """Every Tab stop in `root` (itself included) that a screen reader has no name for."""
    return [
        describe(widget)
        for widget in [root, *root.findChildren(QWidget)]
        if reached_by_tab(widget) and not spoken_name(widget)
    ]


class Walk:
    """Collects the unnamed Tab stops of every window shown to it, by where they were."""

    def __init__(self) -> None:
        self.problems: dict[str, list[str]] = {}
        self.walked: list[str] = []
        self.stops = 0

    def check(self, root: QWidget, where: str) -> None:
        QApplication.processEvents()
        self.walked.append(where)
        self.stops += sum(
            1 for widget in [root, *root.findChildren(QWidget)] if reached_by_tab(widget)
        )
        found = unnamed(root)
        if found:
            self.problems.setdefault(where, []).extend(found)

    def report(self) -> str:
        return "\n".join(
            f"{where}:\n  " + "\n  ".join(sorted(set(found)))
            for where, found in self.problems.items()
        )


@contextmanager
def dialogs_walked(
    walk: Walk, monkeypatch: pytest.MonkeyPatch, where: str
) -> Iterator[list[QDialog]]:
    """Within the block, a dialog the program runs modally (`exec`) is shown, walked,
    and closed as if cancelled, so a menu action or a button can be triggered without a
    modal loop. Qt's own static dialogs run their loop in C++, past the patch: a file or
    text question answers "cancelled", a choice its first item. Yields the dialogs seen."""
    seen: list[QDialog] = []

    def exec_walked(dialog: QDialog) -> int:
        seen.append(dialog)
        dialog.show()
        walk.check(dialog, f"{where}: {type(dialog).__name__} «{dialog.windowTitle()}»")
        dialog.reject()
        return int(QDialog.DialogCode.Rejected)

    def no_file(*_args: object, **_kwargs: object) -> tuple[str, str]:
        return "", ""

    def no_text(*_args: object, **_kwargs: object) -> tuple[str, bool]:
        return "", False

    def first_item(_parent, _title, _label, items, *_args: object, **_kwargs: object):
        return items[0], True

    with monkeypatch.context() as patch:
        patch.setattr(QDialog, "exec", exec_walked)
        for name in ("getSaveFileName", "getOpenFileName"):
            patch.setattr(QFileDialog, name, staticmethod(no_file))
        patch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *_a, **_k: ""))
        for name in ("getText", "getMultiLineText"):
            patch.setattr(QInputDialog, name, staticmethod(no_text))
        patch.setattr(QInputDialog, "getItem", staticmethod(first_item))
        yield seen
