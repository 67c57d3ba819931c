"""What every window needs: the database and the logged-in user, and one way to call services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session

from app.db.database import Database
from app.services.actor import Actor

T = TypeVar("T")


@dataclass
class AppContext:
    database: Database
    actor: Actor | None = None
    on_connection_lost: Callable[[], None] | None = None
    """Told when a call fails because the database cannot be reached (the main window shows
    its banner); the error is raised to the caller as well."""

    def call(self, work: Callable[[Session, Actor], T]) -> T:
        """Run one service call in its own transaction: committed on success, rolled back
        (with its audit rows) on error."""
        assert self.actor is not None, "not logged in"
        try:
            with self.database.sessions.begin() as session:
                return work(session, self.actor)
        except Exception as error:
            if self.on_connection_lost is not None and self.database.is_connection_lost(error):
                self.on_connection_lost()
            raise
