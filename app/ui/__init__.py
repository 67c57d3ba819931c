"""PySide6 windows, dialogs and item models, mirroring the core's areas. No SQL and no rules:
windows call use cases through AppContext.call and reach the database only through
app.storage (contracts in pyproject.toml)."""
