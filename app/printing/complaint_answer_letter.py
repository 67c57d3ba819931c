"""The chef's answer to a synpunkt (issue 23). Data: app.complaints.complaint_answer.

Prints only the chef's own text, the complaint's number and the unit's contact details:
nothing from a linked case (see the sekretess note in app.complaints.complaint_answer).
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.cases.letterhead import Letterhead
from app.common.formatting import long_date
from app.complaints.complaint_answer import AnswerLetter
from app.printing.document import address_block, build_pdf, contact_line, paragraph

TITLE = "Svar på synpunkt"


def _address_block(letter: AnswerLetter) -> Flowable:
    """Recipient at the window-envelope position (left), date and reference (right)."""
    meta = [
        f"Datum: {long_date(letter.dated)}",
        f"Vår beteckning: {letter.number}",
        f"Din synpunkt kom in: {long_date(letter.received_on)}",
    ]
    return address_block(letter.recipient_lines, meta)


def render_complaint_answer(letter: AnswerLetter) -> bytes:
    contact = contact_line(letter.unit_name, letter.unit_phone, letter.unit_address)
    story: list[Flowable] = [Spacer(0, 14 * mm), _address_block(letter), Spacer(0, 4 * mm)]
    if letter.is_preview:
        story.append(paragraph("UTKAST – svaret är inte signerat", "h2"))
    story += [
        paragraph(TITLE, "title"),
        paragraph(letter.body),
        Spacer(0, 6 * mm),
        KeepTogether(
            [
                paragraph(letter.signer_name),
                paragraph(", ".join(p for p in (letter.signer_title, letter.unit_name) if p)),
                Spacer(0, 3 * mm),
                paragraph(f"Kontakt: {contact}." if contact else "", "small"),
            ]
        ),
    ]
    state = (
        "Utkast, inte signerat"
        if letter.is_preview
        else (f"Signerat {long_date(letter.dated)} av {letter.signer_name}")
    )
    head = Letterhead(
        organisation=letter.organisation,
        unit=letter.unit_name,
        document_title=TITLE,
        reference=letter.number,
        printed=state,
        confidential=False,
    )
    return build_pdf(story, head, title=f"{TITLE} {letter.number}", author=letter.signer_name)
