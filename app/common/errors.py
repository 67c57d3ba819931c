"""Errors that services raise with a Swedish message a user can act on."""

from __future__ import annotations


class ServiceError(Exception):
    """Base: `str(error)` is a complete Swedish sentence for the user."""


class ValidationFailed(ServiceError):
    """Bad input. `field_errors` maps a field name to the message shown next to it."""

    def __init__(self, field_errors: dict[str, str]):
        self.field_errors = dict(field_errors)
        super().__init__(" ".join(self.field_errors.values()))


class AccessDenied(ServiceError):
    pass


class SignedRecordError(ServiceError):
    """A signed journal entry, form or decision cannot be changed (write a tillägg instead)."""


class StaleRecordError(ServiceError):
    """Someone else saved the same record first; the user must reload."""


class NotFound(ServiceError):
    pass
