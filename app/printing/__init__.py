"""ReportLab documents: pure functions from data to PDF bytes (no Qt, no SQL)."""
