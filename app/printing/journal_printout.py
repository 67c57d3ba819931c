"""Printout of a case journal (for the file, or when a client asks to see their journal)."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.common.content_hash import ALTERED_AFTER_SIGNING
from app.common.formatting import local_datetime, short_date
from app.journal.journal_printout import JournalPrintout
from app.printing.document import build_pdf, paragraph


def render_journal(data: JournalPrintout) -> bytes:
    story = [
        paragraph("Journal", "title"),
        paragraph(f"{data.applicant_name}, {data.applicant_number}"),
        paragraph(
            f"Ärende {data.letterhead.reference} · {len(data.entries)} anteckningar", "small"
        ),
        Spacer(0, 8),
    ]
    if not data.entries:
        story.append(paragraph("Journalen har inga anteckningar."))
    for entry in data.entries:
        if entry.is_signed and not entry.signature_holds:
            status = (
                f"{ALTERED_AFTER_SIGNING.upper()}: signerad "
                f"{local_datetime(entry.signed_at)} av {entry.signer_name}, men texten har "
                "ändrats efteråt"
            )
        elif entry.is_signed:
            status = f"Signerad {local_datetime(entry.signed_at)} av {entry.signer_name}"
        else:
            status = "Ej signerad (utkast)"
        heading = f"{short_date(entry.entry_date)} · {entry.type_label}"
        if entry.title and entry.title != entry.type_label:
            heading += f" · {entry.title}"
        block = Table(
            [
                [paragraph(heading, "label")],
                [paragraph(entry.text)],
                [paragraph(f"Skriven av {entry.author_name}. {status}.", "small")],
            ],
            colWidths=["100%"],
        )
        block.setStyle(
            TableStyle(
                [
                    ("LINEABOVE", (0, 0), (-1, 0), 0.5, colors.HexColor("#999999")),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 3),
                ]
            )
        )
        story += [KeepTogether([block]) if len(entry.text) < 1500 else block, Spacer(0, 6)]
    return build_pdf(story, data.letterhead, title=f"Journal {data.letterhead.reference}")
