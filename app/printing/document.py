"""The one PDF base every printout uses: embedded fonts with å ä ö, letterhead, page numbers.

Fonts are DejaVu Sans (resources/fonts, free licence) embedded as TrueType subsets, so the
printout looks the same on every machine and any Unicode name prints. The municipality's
logo and letterhead text come from IT's configuration file (app.settings.configuration).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from app.cases.letterhead import Letterhead
from app.common.resources import resource_path
from app.settings import configuration
from app.settings.configuration import LetterheadDesign

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
MARGIN = 20 * mm
LOGO_HEIGHT = 12 * mm
LOGO_MAX_WIDTH = 45 * mm
FOOTER_LINE = 3.2 * mm


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, str(resource_path("fonts", "DejaVuSans.ttf"))))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(resource_path("fonts", "DejaVuSans-Bold.ttf"))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=14, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=8, leading=10, textColor=colors.HexColor("#444444")
        ),
        "title": ParagraphStyle(
            "title", parent=base, fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=6
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=10,
            spaceAfter=4,
            keepWithNext=1,  # a heading never ends a page alone
        ),
        "label": ParagraphStyle("label", parent=base, fontName=FONT_BOLD, fontSize=9, leading=12),
    }


def paragraph(text: str, style: str = "body") -> Paragraph:
    """A paragraph of user text: escaped (so '<' or '&' print as typed), newlines kept."""
    return Paragraph(escape(text).replace("\n", "<br/>"), styles()[style])


def address_block(
    recipient_lines: Sequence[str], meta: Sequence[str], height: float = 40 * mm
) -> Flowable:
    """A letter's recipient at the window-envelope position (left) and its date and
    references (right), the same in every letter the nämnd sends."""
    block = Table(
        [[paragraph("\n".join(recipient_lines)), paragraph("\n".join(meta), "small")]],
        colWidths=[95 * mm, 75 * mm],
        rowHeights=[height],
    )
    block.setStyle(
        TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)])
    )
    return block


def contact_line(unit_name: str, unit_phone: str, unit_address: str) -> str:
    """ "Försörjningsstöd Norr, telefon 0123-45 67 00, Box 12, 123 45 Norrby" (parts left
    out when empty)."""
    return ", ".join(
        part
        for part in (unit_name, f"telefon {unit_phone}" if unit_phone else "", unit_address)
        if part
    )


@cache
def _logo(path: Path) -> tuple[ImageReader, float]:
    """The logo and its printed width at LOGO_HEIGHT (aspect kept, at most LOGO_MAX_WIDTH)."""
    image = ImageReader(str(path))
    width, height = image.getSize()
    return image, min(LOGO_HEIGHT * width / height, LOGO_MAX_WIDTH)


class _NumberedCanvas(pdf_canvas.Canvas):
    """Defers page decoration until the page count is known, for 'Sida 1 av 3'."""

    def __init__(self, *args, letterhead: Letterhead, design: LetterheadDesign, **kwargs):
        super().__init__(*args, **kwargs)
        self._letterhead = letterhead
        self._design = design
        self._pages: list[dict] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # Canvas's own, not in the stubs

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._decorate(total)
            super().showPage()
        super().save()

    def _decorate(self, total: int) -> None:
        head = self._letterhead
        width, height = A4
        left = MARGIN
        if self._design.logo is not None:
            image, logo_width = _logo(self._design.logo)
            self.drawImage(
                image, MARGIN, height - 17.5 * mm, logo_width, LOGO_HEIGHT, mask="auto",
                preserveAspectRatio=True, anchor="w",
            )  # fmt: skip
            left += logo_width + 4 * mm
        self.setFont(FONT_BOLD, 10)
        self.drawString(left, height - 12 * mm, head.organisation)
        self.setFont(FONT, 9)
        self.drawString(left, height - 16.5 * mm, head.unit)
        self.drawRightString(width - MARGIN, height - 12 * mm, head.document_title)
        self.drawRightString(width - MARGIN, height - 16.5 * mm, head.reference)
        self.setStrokeColor(colors.HexColor("#999999"))
        self.line(MARGIN, height - 19 * mm, width - MARGIN, height - 19 * mm)
        self.setFont(FONT, 7)
        for row, line in enumerate(reversed(self._design.lines), start=1):
            self.drawString(MARGIN, 10 * mm + row * FOOTER_LINE, line)
        self.setFont(FONT, 8)
        footer = head.printed
        if head.confidential:
            footer += " · Omfattas av sekretess enligt 26 kap. OSL"
        self.drawString(MARGIN, 10 * mm, footer)
        page = self._pageNumber  # type: ignore[attr-defined]  # as _startPage
        self.drawRightString(width - MARGIN, 10 * mm, f"Sida {page} av {total}")


def build_pdf(
    story: Sequence[Flowable], letterhead: Letterhead, *, title: str, author: str = ""
) -> bytes:
    register_fonts()
    design = configuration.current().letterhead
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=26 * mm,
        bottomMargin=18 * mm + len(design.lines) * FOOTER_LINE,
        title=title,
        author=author,
        creator="Ärendestöd",
    )
    doc.build(
        list(story),
        canvasmaker=lambda *a, **k: _NumberedCanvas(*a, letterhead=letterhead, design=design, **k),
    )
    return buffer.getvalue()
