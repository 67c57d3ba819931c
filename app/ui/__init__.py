"""PySide6 widgets, dialogs and item models. No SQL and no business rules here."""
