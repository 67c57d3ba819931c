"""The avvisning of an appeal that came in too late (förvaltningslagen 45 §): the decision,
the facts it rests on (day of delgivning, last day, day received), the motivering, the rules
with their paragraphs and the besvärshänvisning for the avvisning.
Data: app.appeals.dismissal.DismissalLetter."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from app.appeals.dismissal import DismissalLetter
from app.common.formatting import long_date
from app.printing.document import address_block, build_pdf, paragraph


def _address_block(letter: DismissalLetter) -> Flowable:
    """Recipient at the window-envelope position (left), date and reference (right)."""
    meta = [
        f"Datum: {long_date(letter.decided_on) if letter.decided_on else 'ej beslutat'}",
        f"Ärende: {letter.case_number}",
    ]
    return address_block(letter.recipient_lines, meta)


def _facts(letter: DismissalLetter) -> Flowable:
    table = Table(
        [[paragraph(label, "label"), paragraph(value)] for label, value in letter.facts],
        colWidths=[55 * mm, 115 * mm],
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def render_dismissal_letter(letter: DismissalLetter) -> bytes:
    story: list[Flowable] = [Spacer(0, 14 * mm), _address_block(letter), Spacer(0, 4 * mm)]
    if letter.is_draft:
        story.append(paragraph("UTKAST – beslutet är inte signerat", "h2"))
    story += [
        paragraph(letter.title, "title"),
        paragraph("Beslut", "h2"),
        paragraph(letter.decision_line),
        paragraph("Det här har hänt", "h2"),
        _facts(letter),
        paragraph("Skälen för beslutet", "h2"),
        paragraph(letter.motivation),
        paragraph("Regler som beslutet grundar sig på", "h2"),
        *[
            item
            for rule in letter.rules
            for item in (paragraph(rule, "small"), Spacer(0, 1.5 * mm))
        ],
        Spacer(0, 4 * mm),
        KeepTogether(
            [
                paragraph(
                    f"{letter.signer}, {letter.signer_title}"
                    if letter.signer_title
                    else letter.signer
                ),
                paragraph(
                    "Beslutet är fattat på delegation."
                    if not letter.is_draft
                    else "Beslutet fattas på delegation när det signeras.",
                    "small",
                ),
            ]
        ),
    ]
    if letter.copy_to:
        story += [Spacer(0, 4 * mm), paragraph(letter.copy_to, "small")]
    story += [PageBreak(), paragraph(letter.appeal_title, "title")]
    story += [
        item for text in letter.appeal_paragraphs for item in (paragraph(text), Spacer(0, 2 * mm))
    ]
    return build_pdf(
        story,
        letter.letterhead,
        title=f"{letter.title} {letter.case_number}",
        author=letter.signer,
    )
