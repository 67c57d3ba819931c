"""Login, users, and the audit log review (loggranskning)."""
