"""Taking cases along on the laptop, syncing, conflicts, the replica's passphrase."""
