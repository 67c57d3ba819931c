"""ReportLab documents: the letter base, decision letters, journal and form printouts and the
statistics report. Pure functions from data (gathered by the core areas) to PDF bytes: no Qt,
no SQL."""
