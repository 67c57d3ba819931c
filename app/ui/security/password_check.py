"""A password check off the GUI thread, one at a time, and the wait after failed ones.

scrypt at the production cost takes half a second or more (app.security.password_hashing),
and a check on the server is a network round trip: run on the GUI thread, either would
freeze the window. `PasswordCheck` runs the check with the one background helper (progress
shown after half a second), keeps the button disabled while it runs and ignores a second
Enter meanwhile. `WaitCountdown` shows the wait the throttling asks for after repeated
failures."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QAbstractButton, QWidget

from app.security import accounts
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import FieldError

CHECKING = "Kontrollerar lösenordet …"


class WaitCountdown:
    """After repeated failed logins: the seconds left, counted down on the screen with the
    button disabled (the service only says how long; nothing sleeps on the GUI thread)."""

    def __init__(
        self,
        parent: QWidget,
        button: QAbstractButton,
        label: FieldError,
        busy: Callable[[], bool] = lambda: False,
    ):
        self.parent = parent
        self.button = button
        self.label = label
        self.busy = busy
        """True while a check runs: the end of the wait then leaves the button disabled."""
        self.seconds = 0
        self.timer = QTimer(parent)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self._tick)

    @property
    def waiting(self) -> bool:
        return self.seconds > 0

    def start(self, seconds: int) -> None:
        self.seconds = seconds
        if seconds <= 0:
            return
        self.button.setEnabled(False)
        self.label.set_message(accounts.wait_message(seconds))
        self.parent.adjustSize()  # the message takes two lines
        self.timer.start()

    def _tick(self) -> None:
        self.seconds -= 1
        if self.seconds > 0:
            self.label.set_message(accounts.wait_message(self.seconds))
            return
        self.timer.stop()
        self.label.set_message("Försök igen.")
        self.button.setEnabled(not self.busy())


class PasswordCheck:
    """One check at a time for a dialog or lock screen with a password and a button."""

    def __init__(self, parent: QWidget, button: QAbstractButton, label: FieldError):
        self.parent = parent
        self.button = button
        self.running = False
        self._dropped = False
        self.countdown = WaitCountdown(parent, button, label, busy=lambda: self.running)

    def start(
        self,
        work: Callable[[], Any],
        *,
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None],
        label: str = CHECKING,
    ) -> bool:
        """Run `work()` in a worker thread (it must not touch widgets: read the fields
        before); `on_done(result)` or `on_error(exc)` follow on the GUI thread. False, and
        nothing started, if a check is still running (Enter pressed twice)."""
        if self.running:
            return False
        self.running = True
        self._dropped = False
        self.button.setEnabled(False)

        def finish() -> None:
            self.running = False
            self.button.setEnabled(not self.countdown.waiting)

        def done(result: Any) -> None:
            finish()
            if not self._dropped:
                on_done(result)

        def failed(exc: Exception) -> None:
            finish()
            if not self._dropped:
                on_error(exc)

        run_in_background(
            self.parent, lambda _report: work(), on_done=done, on_error=failed, label=label
        )
        return True

    def drop(self) -> None:
        """The dialog was cancelled while a check ran: its answer is not acted on (a login
        that then succeeds opens nothing; the check itself completes, its audit rows
        written)."""
        self._dropped = True
