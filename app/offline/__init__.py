"""The laptop: check-out (leases) of cases, the encrypted replica, its outbox, sync with the
server and the conflicts a person resolves."""
