"""The laptop: check-out (leases) of cases and a chef's revocation, copying cases to the
encrypted replica and unlocking it, its outbox, sync with the server and the conflicts a
person resolves."""
