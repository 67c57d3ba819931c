"""The acting user, as services see it: a plain value that outlives any session."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace

from app.models import Role, User


@dataclass(frozen=True)
class Actor:
    id: uuid.UUID
    username: str
    full_name: str
    title: str
    role: Role
    unit_id: uuid.UUID | None
    replica_id: uuid.UUID | None = None
    """Set when the actor works on a laptop's offline replica (or its changes are applied
    on the server by sync): cases leased to that replica are theirs to change."""

    @classmethod
    def of(cls, user: User) -> Actor:
        return cls(user.id, user.username, user.full_name, user.title, user.role, user.unit_id)

    def on_replica(self, replica_id: uuid.UUID) -> Actor:
        """The same user working on (or syncing from) a laptop's replica."""
        return replace(self, replica_id=replica_id)

    @property
    def is_manager(self) -> bool:
        return self.role is Role.MANAGER

    @property
    def is_administrator(self) -> bool:
        return self.role is Role.ADMINISTRATOR
