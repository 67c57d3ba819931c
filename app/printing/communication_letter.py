"""The kommuniceringsbrev: the applicant is told, before a decision, what information from
others the nämnd has, and until when she may answer (förvaltningslagen (2017:900) 25 §).
Data: app.decisions.kommunicering.letter_data."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from app.common.formatting import long_date
from app.decisions.kommunicering import CommunicationLetter
from app.printing.document import address_block, build_pdf, contact_line, paragraph


def _address_block(letter: CommunicationLetter) -> Flowable:
    """Recipient at the window-envelope position (left), date and reference (right)."""
    meta = [
        f"Datum: {long_date(letter.sent_on)}",
        f"Ärende: {letter.case_number}",
        f"Handläggare: {letter.handlaggare}",
    ]
    return address_block(letter.recipient_lines, meta)


def render_communication_letter(letter: CommunicationLetter) -> bytes:
    answer_by = long_date(letter.answer_by)
    contact = contact_line(letter.unit_name, letter.unit_phone, letter.unit_address)
    story: list[Flowable] = [Spacer(0, 14 * mm), _address_block(letter), Spacer(0, 4 * mm)]
    if letter.is_preview:
        story.append(paragraph("UTKAST – brevet är inte skickat", "h2"))
    story += [
        paragraph("Vi vill att du får yttra dig innan vi beslutar", "title"),
        paragraph(
            f"Vi utreder din ansökan om {letter.kind_label} för {letter.period_text}. Innan "
            "vi beslutar vill vi att du får veta vilka uppgifter vi har fått från andra än "
            "dig, och att du får säga vad du tycker om dem. Uppgifterna kan ha betydelse för "
            "beslutet."
        ),
        paragraph("Uppgifterna kommer från", "h2"),
        paragraph(letter.sources),
        paragraph("Det här är uppgifterna", "h2"),
        paragraph(letter.material),
        paragraph("Så svarar du", "h2"),
        paragraph(
            f"Du kan svara skriftligt eller ringa oss. Ditt svar ska ha kommit in senast den "
            f"{answer_by}. Du behöver inte svara. Om vi inte har hört av dig senast den "
            f"{answer_by} beslutar vi utifrån de uppgifter vi har."
        ),
        paragraph(f"Kontakt: {contact}." if contact else ""),
        Spacer(0, 4 * mm),
        KeepTogether(
            [
                paragraph(f"{letter.handlaggare}, {letter.handlaggare_title}"),
                paragraph(
                    f"Brevet skickas enligt {letter.paragraph}: innan ett beslut fattas ska "
                    "den som ärendet gäller få veta vilka uppgifter som har betydelse för "
                    "beslutet och få tillfälle att yttra sig över dem inom en bestämd tid.",
                    "small",
                ),
            ]
        ),
    ]
    return build_pdf(
        story,
        letter.letterhead,
        title=f"Kommunicering {letter.case_number}",
        author=letter.handlaggare,
    )
