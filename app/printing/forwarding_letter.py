"""The cover letter with which an appeal is överlämnat to förvaltningsrätten: to the court,
the case and the applicant (no address when the household has skyddade personuppgifter),
the appealed decision, the nämnd's position in one line, the documents sent and the rule it
follows. Data: app.appeals.court_proceedings.ForwardingLetter."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.appeals.court_proceedings import ForwardingLetter
from app.common.formatting import long_date
from app.printing.document import address_block, build_pdf, contact_line, paragraph


def _address_block(letter: ForwardingLetter) -> Flowable:
    """Recipient at the window-envelope position (left), date and reference (right)."""
    meta = [
        f"Datum: {long_date(letter.forwarded_on)}",
        f"Ärende: {letter.case_number}",
        f"Handläggare: {letter.signer}",
    ]
    return address_block([letter.court], meta, 30 * mm)


def render_forwarding_letter(letter: ForwardingLetter) -> bytes:
    contact = contact_line(letter.unit_name, letter.unit_phone, letter.unit_address)
    story: list[Flowable] = [Spacer(0, 14 * mm), _address_block(letter), Spacer(0, 4 * mm)]
    if letter.is_preview:
        story.append(paragraph("UTKAST – brevet är inte signerat", "h2"))
    story += [
        paragraph("Överlämnande av överklagande", "title"),
        paragraph(
            f"Nämnden överlämnar ett överklagande som kom in den {long_date(letter.received_on)}, "
            "med handlingarna i ärendet, för prövning i förvaltningsrätten."
        ),
        paragraph("Klagande", "h2"),
        paragraph("\n".join(letter.applicant_lines)),
        paragraph("Överklagat beslut", "h2"),
        paragraph(f"{letter.decision}, ärende {letter.case_number}."),
        paragraph("Nämndens inställning", "h2"),
        paragraph(letter.position),
        paragraph("Handlingar som skickas med", "h2"),
        paragraph("\n".join(f"{n}. {d}" for n, d in enumerate(letter.documents, start=1))),
        Spacer(0, 4 * mm),
        paragraph(f"Kontakt: {contact}." if contact else ""),
        Spacer(0, 4 * mm),
        KeepTogether(
            [
                paragraph(f"{letter.signer}, {letter.signer_title}".rstrip(", ")),
                paragraph(
                    f"{letter.rule_text} ({letter.rule_paragraph})"
                    if letter.rule_paragraph
                    else letter.rule_text,
                    "small",
                ),
            ]
        ),
    ]
    return build_pdf(
        story,
        letter.letterhead,
        title=f"Överlämnande {letter.case_number}",
        author=letter.signer,
    )
