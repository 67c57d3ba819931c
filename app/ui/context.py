"""What every window needs: the database and the logged-in user, and one way to call services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias, TypeVar

from sqlalchemy.orm import Session

from app.security.actor import Actor
from app.storage import Database, default_replica_path

T = TypeVar("T")

ServiceCall: TypeAlias = Callable[[Session, Actor], T]
"""A use case with its arguments bound but the session and the actor: what `AppContext.call`
runs. Windows name this type instead of importing SQLAlchemy themselves."""


@dataclass
class AppContext:
    database: Database
    actor: Actor | None = None
    on_connection_lost: Callable[[], None] | None = None
    """Told when a call fails because the database cannot be reached (the main window shows
    its banner); the error is raised to the caller as well."""
    replica_path: Path | None = None
    """The laptop's offline replica (default: in the user's data folder)."""

    @property
    def logged_in(self) -> Actor:
        """The user, for the windows that open only after login (which sets `actor`)."""
        assert self.actor is not None, "not logged in"
        return self.actor

    @property
    def replica_file(self) -> Path:
        return self.replica_path or default_replica_path()

    def call(self, work: ServiceCall[T]) -> T:
        """Run one service call in its own transaction: committed on success, rolled back
        (with its audit rows) on error."""
        assert self.actor is not None, "not logged in"
        try:
            with self.database.sessions.begin() as session:
                return work(session, self.actor)
        except Exception as error:
            self._report_connection_loss(error)
            raise

    def call_with_replica(
        self, work: Callable[[Session, Session, Actor], T], *, passphrase: str | None = None
    ) -> T:
        """A call that reads or writes the server and the laptop's replica together (the
        replica unlocked for it: `offline_replica.unlock`). The server's transaction commits
        first (app.offline.checkout says why)."""
        assert self.actor is not None, "not logged in"
        from app.offline import offline_replica  # SQLCipher: loaded when first needed

        replica = offline_replica.unlock(self.replica_file, passphrase)
        try:
            with self.database.sessions() as server, replica.sessions() as local:
                result = work(server, local, self.actor)
                server.commit()
                local.commit()
                return result
        except Exception as error:
            self._report_connection_loss(error)
            raise
        finally:
            replica.dispose()

    def _report_connection_loss(self, error: Exception) -> None:
        if self.on_connection_lost is not None and self.database.is_connection_lost(error):
            self.on_connection_lost()
