"""The decision letter (beslutsbrev): an official Swedish letter with address window,
decision in klarspråk, calculation specification, motivation, lagrum, barnets bästa and the
besvärshänvisning.

One letter per outcome (issue 19, point 3): bifall, delvis bifall and avslag show the
calculation and the decision item by item; an avvisning shows neither, says that the
application was not examined and why, and gets the besvärshänvisning for an avvisning. The
envelope window shows only what the letter data puts in it: for skyddade personuppgifter
name and personnummer for Skatteverket's förmedling, and no word of the protection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Spacer, Table, TableStyle

from app.common.formatting import long_date, money
from app.decisions.decisions import DecisionLetter
from app.printing.document import FONT, FONT_BOLD, address_block, build_pdf, paragraph

_GRID = colors.HexColor("#999999")


def _table(rows: list[list], widths: list[float], *, bold_last: bool = False) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT")
    style: list[tuple[Any, ...]] = [
        ("FONT", (0, 0), (-1, -1), FONT, 9),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9),
        ("LINEBELOW", (0, 0), (-1, 0), 0.5, _GRID),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]
    if bold_last:
        style += [
            ("FONT", (0, -1), (-1, -1), FONT_BOLD, 9),
            ("LINEABOVE", (0, -1), (-1, -1), 0.5, _GRID),
        ]
    table.setStyle(TableStyle(style))
    return table


def _address_block(letter: DecisionLetter) -> Flowable:
    """Recipient at the window-envelope position (left), date and reference (right)."""
    meta = [
        f"Datum: {long_date(letter.decided_on) if letter.decided_on else 'ej beslutat'}",
        f"Ärende: {letter.case_number}",
        f"Handläggare: {letter.decision_maker}",
    ]
    return address_block(letter.recipient_lines, meta)


def _calculation(letter: DecisionLetter) -> list[Flowable]:
    story: list[Flowable] = []
    if letter.calculation_rows:
        rows: list[list[str | Flowable]] = [["Beräkning", "Belopp"]]
        for row in letter.calculation_rows:
            label = row.get("label", "")
            if row.get("note"):
                label += f" ({row['note']})"
            sign = "−" if row.get("section") == "inkomst" else ""
            rows.append(
                [paragraph(label, "small"), f"{sign}{money(Decimal(str(row.get('amount', '0'))))}"]
            )
        story.append(paragraph("Så har vi räknat", "h2"))
        if letter.norm_statement:
            story.append(paragraph(letter.norm_statement))
        story.append(_table(rows, [125 * mm, 45 * mm]))
    if letter.items:
        rows = [["Post", "Ansökt", "Föreslaget", "Beviljat"]]
        rows += [
            [paragraph(i.label, "small"), money(i.applied), money(i.proposed), money(i.granted)]
            for i in letter.items
        ]
        if letter.income_counted:
            rows.append(["Avgår: inkomster", "", "", f"−{money(letter.income_counted)}"])
        rows.append(["Att betala ut", "", "", money(letter.granted_total)])
        story += [
            paragraph("Beslutet post för post", "h2"),
            _table(rows, [80 * mm, 30 * mm, 30 * mm, 30 * mm], bold_last=True),
        ]
    return story


def render_decision_letter(letter: DecisionLetter) -> bytes:
    story: list[Flowable] = [Spacer(0, 14 * mm), _address_block(letter), Spacer(0, 4 * mm)]
    if letter.is_draft:
        story.append(paragraph("UTKAST – beslutet är inte fattat", "h2"))
    if letter.reconstructed:
        story.append(
            paragraph(
                "ÅTERSKAPAD UTSKRIFT – det arkiverade beslutsbrevet saknas; "
                "innehållet är hämtat ur beslutet.",
                "h2",
            )
        )
    story += [paragraph(letter.title, "title"), paragraph(letter.headline, "h2")]
    if letter.replaces_text:
        story.append(paragraph(letter.replaces_text))
    if letter.examined:
        story.append(paragraph(f"Beslutet gäller {letter.period_text}."))
        story += _calculation(letter)
        if letter.motivation or letter.item_motivations:
            story.append(paragraph("Motivering", "h2"))
            if letter.motivation:
                story.append(paragraph(letter.motivation))
            for label, text in letter.item_motivations:
                story.append(paragraph(f"{label}: {text}"))
    else:
        story += [
            paragraph(f"Ansökan gällde {letter.period_text}."),
            paragraph("Därför prövar vi inte din ansökan", "h2"),
        ]
        if letter.motivation:
            story.append(paragraph(letter.motivation))
        story.append(
            paragraph(
                "Beslutet innebär att vi inte har prövat om du har rätt till bistånd. "
                "Beslutet ger dig alltså inga pengar, men det säger inte heller att du "
                "saknar rätt till bistånd."
            )
        )
    if letter.child_summary:
        story += [paragraph("Barnets bästa", "h2"), paragraph(letter.child_summary)]
    if letter.legal_references:
        story += [
            paragraph("Lagrum", "h2"),
            paragraph("Beslutet är fattat enligt " + ", ".join(letter.legal_references) + "."),
        ]
    organisation = letter.letterhead.organisation
    signature: list[Flowable] = [
        paragraph("Beslutsfattare", "h2"),
        paragraph(f"{letter.decision_maker}, {letter.decision_maker_title}"),
        paragraph(f"Beslutet är fattat på delegation från {organisation}.", "small"),
    ]
    story.append(KeepTogether(signature))
    if letter.appeal is not None:
        story += [PageBreak(), paragraph(letter.appeal.title, "title")]
        for text in letter.appeal.paragraphs:
            story += [paragraph(text), Spacer(0, 2 * mm)]
    return build_pdf(
        story,
        letter.letterhead,
        title=f"{letter.title} {letter.case_number}",
        author=letter.decision_maker,
    )
