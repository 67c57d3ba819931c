"""The database underneath: engines and sessions for the three modes (local SQLite, shared
PostgreSQL, the laptop's SQLCipher replica), which database to open, Alembic migrations (and
the server's own rules in them), the shared server's roles and logins, and reading and
writing many rows per statement (docs/ARCHITECTURE.md). The UI uses app.storage instead."""
