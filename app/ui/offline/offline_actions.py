"""The laptop's offline replica from the office window: sync it, check the cases in, see the
conflicts. Sync also runs by itself, quietly, when the window opens on the server and after
the connection comes back."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QMainWindow, QMessageBox

from app.offline import leases, sync, sync_conflicts
from app.offline.checkout import replica_id
from app.offline.offline_replica import PassphraseNeeded
from app.offline.sync import SyncReport
from app.security import credentials
from app.ui.context import AppContext
from app.ui.offline.conflicts_dialog import ConflictsDialog
from app.ui.offline.passphrase_prompt import ask_passphrase
from app.ui.widgets.background import run_in_background
from app.ui.widgets.messages import show_error


class OfflineActions:
    def __init__(self, window: QMainWindow, context: AppContext):
        self.window = window
        self.context = context
        self._passphrase: str | None = None

    def replica_exists(self) -> bool:
        return self.context.replica_file.exists()

    def sync_quietly(self) -> None:
        """On opening and after a lost connection: only with the key in the keyring (no
        questions the user did not ask for)."""
        path = self.context.replica_file
        if path.exists() and credentials.saved_replica_key(path) is not None:
            self._run(self._sync_work, self._synced_quietly, quiet=True)

    def sync_now(self) -> None:
        if not self.replica_exists():
            QMessageBox.information(
                self.window,
                "Synkronisera",
                "Det finns inga ärenden på den här datorn. Använd Ta med på hembesök först.",
            )
            return
        self._run(self._sync_work, self._synced, label="Synkroniserar …")

    def check_in(self) -> None:
        if not self.replica_exists():
            return
        self._run(self._check_in_work, self._checked_in, label="Checkar in …")

    def show_conflicts(self) -> None:
        ConflictsDialog(self.context, self.window).exec()

    # --- work off the GUI thread -----------------------------------------------------
    def _sync_work(self, server, local, actor, report) -> SyncReport:
        return sync.sync(server, local, actor, lambda step, total: report(step * 100 // total))

    def _check_in_work(self, server, local, actor, _report) -> SyncReport:
        case_ids = leases.leased_cases(server, actor, replica_id(local))
        return sync.check_in(server, local, actor, case_ids)

    def _run(
        self,
        work: Callable,
        on_done: Callable[[SyncReport, int], None],
        *,
        label: str = "",
        quiet: bool = False,
    ) -> None:
        context, passphrase = self.context, self._passphrase

        def job(report):
            return context.call_with_replica(
                lambda server, local, actor: (
                    work(server, local, actor, report),
                    sync_conflicts.open_conflict_count(server, actor),
                ),
                passphrase=passphrase,
            )

        run_in_background(
            self.window,
            job,
            on_done=lambda outcome: on_done(*outcome),
            on_error=(lambda _error: None)
            if quiet
            else (lambda error: self._failed(error, work, on_done, label)),
            label=label,
            maximum=100,
            quiet=quiet,
        )

    def _failed(self, error: Exception, work, on_done, label: str) -> None:
        if isinstance(error, PassphraseNeeded):
            self._passphrase = ask_passphrase(self.window, error)
            if self._passphrase is not None:
                self._run(work, on_done, label=label)
            return
        self._passphrase = None
        show_error(self.window, error)

    def _summary(self, report: SyncReport, conflicts: int) -> str:
        text = (
            f"Skickade {_count(report.pushed, 'ändring', 'ändringar')} till servern och "
            f"hämtade {_count(report.pulled_cases, 'ärende', 'ärenden')}."
        )
        if report.refused:
            return text + "\n\n" + report.refusals_text()
        if conflicts:
            text += (
                f" {_count(conflicts, 'konflikt väntar', 'konflikter väntar')} på att du "
                "väljer (Arkiv → Konflikter från synkronisering)."
            )
        return text

    def _synced(self, report: SyncReport, conflicts: int) -> None:
        show = QMessageBox.warning if report.refused else QMessageBox.information
        show(self.window, "Synkronisera", self._summary(report, conflicts))
        if conflicts:
            self.show_conflicts()

    def _synced_quietly(self, report: SyncReport, conflicts: int) -> None:
        if report.refused:  # never only in a status bar: something the user wrote is waiting
            self._synced(report, conflicts)
            return
        self.window.statusBar().showMessage(
            "Offlinedatabasen är synkroniserad. " + self._summary(report, conflicts), 15_000
        )

    def _checked_in(self, report: SyncReport, conflicts: int) -> None:
        QMessageBox.information(
            self.window,
            "Checka in",
            "Ärendena är incheckade och borttagna från datorn. " + self._summary(report, conflicts),
        )


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
