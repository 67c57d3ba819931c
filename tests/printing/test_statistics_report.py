"""The statistics report PDF, read back with pypdf, on the hand-built dataset of
tests/core/statistics/test_statistics.py (households 1-16 are described there): the report prints
the figures year_statistics / month_statistics return, in Swedish number format."""

# The service fixtures are imported below; using them as test arguments "redefines" them.
# ruff: noqa: F811

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.cli import main
from app.models import Unit
from app.printing.statistics_report import render_statistics_report
from app.statistics.statistics import SexCounts, month_statistics, year_statistics
from tests.core.conftest import (  # noqa: F401
    _pg_template_database,
    _template_database,
    cli_as,
    db,
    fixed_clock,
    login_roles,
    manager,
    session,
    staff,
)
from tests.core.statistics.test_statistics import OCT, build_dataset

PRINTED = "Utskriven 2026-11-23 10:00 av Eva Lind"
ORGANISATION = "Socialnämnden, Exempelstads kommun"


@pytest.fixture
def data(session, staff):
    built = build_dataset(session, staff)
    session.commit()
    return built


def text_of(pdf: bytes) -> str:
    """All pages' text, no-break spaces made ordinary and whitespace runs collapsed."""
    pages = PdfReader(BytesIO(pdf)).pages
    raw = " ".join(page.extract_text() for page in pages)
    return " ".join(raw.replace("\xa0", " ").replace("\u202f", " ").split())


def page_count(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def sexes(*groups: SexCounts) -> str:
    """'6 7 13 5 7 12': women, men and total of each group, as the table rows print them."""
    return " ".join(f"{c.women} {c.men} {c.total}" for c in groups)


def test_year_report_prints_the_year_figures(session, data, manager):
    year = year_statistics(session, manager, 2026)
    pdf = render_statistics_report(year, printed=PRINTED, organisation=ORGANISATION)
    text = text_of(pdf)
    assert text.startswith("Statistik ekonomiskt bistånd 2026 – Försörjningsstöd Norr")
    assert PRINTED in text and "Sida 1 av" in text and ORGANISATION in text
    # households per month and the year (each household once), kvinnor/män/totalt
    households = sexes(year.decision_households.total, year.support_households.total)
    assert f"Helår 2026 {households}" in text
    assert "Helår 2026 6 7 13 5 7 12" in text
    september = year.months[8]
    households = sexes(september.decision_households.total, september.support_households.total)
    assert f"September {households}" in text
    # money, Swedish format: beviljat, of it försörjningsstöd, utbetalt (verkställt),
    # bidragshushåll, cost per household
    assert str(year.amount_granted) == "165500.00"
    assert "Beviljat, utbetalt och kostnad per hushåll" in text
    assert "Helår 2026 165 500,00 kr 165 500,00 kr 11 000,00 kr 12 13 791,67 kr" in text
    assert "September 20 248,91 kr 20 248,91 kr 3 248,91 kr 7 2 892,70 kr" in text
    assert "November 0,00 kr 0,00 kr 0,00 kr 0 –" in text  # nothing to divide by
    # by hushållstyp (year figures)
    assert "3 Ensamstående man utan barn 0 6 6 0 6 6" in text
    assert (
        "Barnfamiljer "
        + sexes(year.decision_households.with_children, year.support_households.with_children)
        in text
    )
    # new and closed, avslutsorsak
    assert "Helår 2026 " + sexes(year.new_households.total, year.closed_households.total) in text
    assert "Fått arbete 1 0 1" in text and "Flyttat från kommunen 0 1 1" in text
    # long-term, duration (decimal comma)
    assert (
        "Oktober "
        + sexes(year.months[9].long_term_10_of_12.total, year.months[9].long_term_32_of_36.total)
        in text
    )
    assert "Helår 2026 1 2 3 0 0 0" in text
    assert "Oktober 5,0 11,1 8,6" in text
    # försörjningshinder per adult by sex
    assert "Språkhinder 1 1 2" in text and "Föräldraledig 1 0 1" in text
    # children's documentation by girls/boys, as percentages
    assert "Barn i granskade beslut 1 2 3" in text
    assert "Barnet namnges i beslutet 0,0 % 100,0 % 66,7 %" in text
    assert "BKA beskriver hur barnet påverkas – 0,0 % 0,0 %" in text
    # SIP and hembesök, times (median and share within the target)
    assert f"Helår 2026 {year.sip.events} 1 1 {year.home_visits.events} 0 1" in text
    assert "Oktober 5 42,0 60,0 % 10 50,0 %" in text
    assert "Helår 2026 6 42,0 50,0 % 10 50,0 %" in text
    assert "Inom 30 dagar" in text
    assert "Helår 2026 6 4 3 3 2 30" in text  # received, answered, decided; the target
    # the charts: legends and a Swedish-formatted amount axis
    assert "Beslutshushåll, kvinnor Beslutshushåll, män Bidragshushåll, kvinnor" in text
    assert "Beviljat och utbetalt per månad" in text and "30 000 kr" in text


def test_month_report_prints_the_month(session, data, manager):
    october = month_statistics(session, manager, OCT)
    text = text_of(render_statistics_report(october, printed=PRINTED, organisation=ORGANISATION))
    assert text.startswith("Statistik ekonomiskt bistånd oktober 2026 – Försörjningsstöd Norr")
    assert (
        "Oktober 2026 " + sexes(october.decision_households.total, october.support_households.total)
        in text
    )
    assert "Oktober 2026 34 251,09 kr 34 251,09 kr 7 751,09 kr 12 2 854,26 kr" in text
    assert (
        "Beviljat 34 251,09 kr Utbetalt 7 751,09 kr Kostnad per bidragshushåll 2 854,26 kr" in text
    )
    assert "Oktober 2026 0 2 2 1 0 1" in text  # new: Lars, Nils; closed: Maja
    assert "Oktober 2026 1 3 4 0 1 1" in text  # 10 of 12; 32 of 36
    assert "Granskade beslut 2 Beslut där alla barn namnges 50,0 %" in text
    assert "Oktober 2026 2 1 0 1 0 1" in text  # SIP 2 (Anna's), hembesök 1 (Gustav's)
    assert "Oktober 2026 5 42,0 60,0 % 10 50,0 %" in text
    # the counts behind the shares: children named (Hugo, Ivar), the BKA parts for Ivar
    assert "Beslut där alla barn namnges (antal) 1" in text
    assert "Barnet namnges i beslutet (antal) 0 2 2" in text
    assert "BKA beskriver barnets behov (antal) 0 1 1" in text
    # applications: 5 received, 4 answered, 3 within 24 h; 3 decided, 2 within 30 days
    assert "Oktober 2026 5 4 3 3 2 30" in text
    # by hushållstyp: new (Lars, Nils) and closed (Maja); 10 of 12 and 32 of 36 (David)
    assert "5 Ensamstående kvinna utan barn 0 0 0 1 0 1" in text
    assert "3 Ensamstående man utan barn 0 3 3 0 1 1" in text
    assert "6 Ensamstående kvinna med barn 1 0 1 0 0 0" in text


def test_a_period_without_data_renders(session, data, manager):
    empty = year_statistics(session, manager, 2019)
    pdf = render_statistics_report(empty, printed=PRINTED, organisation=ORGANISATION)
    text = text_of(pdf)
    assert "Statistik ekonomiskt bistånd 2019 – Försörjningsstöd Norr" in text
    assert "Inga uppgifter för perioden." in text
    assert page_count(pdf) == 1


def test_cli_export_report(db, data, tmp_path, capsys, cli_as):
    with db.sessions.begin() as session:
        unit = session.scalars(select(Unit).where(Unit.name == "Försörjningsstöd Norr")).one()
        unit.board_name, unit.municipality = "Individ- och familjenämnden", "Norrby kommun"
    eva = cli_as("eva.lind")  # the chef who uses the statistics, on both databases
    path = tmp_path / "rapport.pdf"
    args = [*eva.before, "export", "report", "--year", "2026", "--out", str(path), *eva.after]
    assert main([*args, "--unit", "Försörjningsstöd Norr"]) == 0
    assert "Rapporten sparades" in capsys.readouterr().out
    text = text_of(path.read_bytes())
    assert "Statistik ekonomiskt bistånd 2026 – Försörjningsstöd Norr" in text
    assert "Helår 2026 165 500,00 kr 165 500,00 kr 11 000,00 kr 12 13 791,67 kr" in text
    assert "från kommandoraden" in text
    assert "Individ- och familjenämnden, Norrby kommun" in text
    month = tmp_path / "oktober.pdf"
    by_month = [*eva.before, "export", "report", "--out", str(month), *eva.after]
    assert main([*by_month, "--month", "2026-10"]) == 0
    text = text_of(month.read_bytes())
    assert "Statistik ekonomiskt bistånd oktober 2026 – Försörjningsstöd Norr" in text
    assert "Beviljat 34 251,09 kr" in text  # not Olle (Söder)
    assert main([*by_month, "--month", "2026-13"]) == 2
