"""The individual data for Socialstyrelsen's statistics, on the hand-built dataset of
test_statistics.py (households 1-16 are described there): an underlag in the program's own
layout, since Socialstyrelsen's file description could not be checked, never called
Socialstyrelsen's file. The file is read back and checked field by field. The chef's
statistics CSV is tested in test_statistics_csv.py."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.common.errors import AccessDenied, ServiceError, ValidationFailed
from app.models import AuditEntry, Unit
from app.statistics import sos_export, unit_codes
from app.statistics.sos_export import (
    ClosingRow,
    PersonRow,
    individual_data,
    write_underlag,
)
from tests.core.statistics.test_statistics import OCT, build_dataset

NORR, SODER = "0180", "0181"


@pytest.fixture
def data(session, staff):
    built = build_dataset(session, staff)
    staff.unit.municipality_code = NORR
    staff.other_unit.municipality_code = SODER
    session.commit()
    return built


def pnr(data, name: str) -> str:
    return data.persons[name].personal_number


def expected_persons(data) -> list[list[str]]:
    def line(case: int, name: str, sex: str, role: str, code: str, amount: str, barrier: str):
        return [NORR, "2026-10", f"EB-2025-{case:06d}", pnr(data, name), sex, role, code] + [
            amount,
            barrier,
        ]

    return [
        line(1, "Anna", "K", "sokande", "6", "5000", "arbetslos"),  # kvinna med barn
        line(1, "Alma", "K", "barn", "6", "", ""),
        line(2, "Bertil", "M", "sokande", "3", "4000", "sjukskriven_lakarintyg"),
        line(3, "Cecilia", "K", "sokande", "5", "3000", ""),  # kvinna utan barn
        line(4, "David", "M", "sokande", "3", "2000", ""),
        line(5, "Erik", "M", "sokande", "3", "2000", ""),
        line(6, "Elin", "K", "sokande", "5", "1000", ""),
        line(7, "Filip", "M", "sokande", "3", "1000", ""),
        line(8, "Gustav", "M", "sokande", "8", "3000", "sprakhinder"),  # par med barn
        line(8, "Hanna", "K", "medsokande", "8", "", "sprakhinder"),
        line(8, "Hugo", "M", "barn", "8", "", ""),
        # 9: avslag, not in the file; Greta (8) is an umgängesbarn
        line(10, "Johan", "M", "sokande", "3", "4500", ""),
        # Karin's 6000 for 15 September-14 October: October's share, 2751.09
        line(11, "Karin", "K", "sokande", "5", "2751", ""),
        line(13, "Maja", "K", "sokande", "5", "2500", ""),
        line(14, "Nils", "M", "sokande", "3", "3500", ""),
    ]


def read_underlag(path: Path) -> tuple[str, dict[str, list[list[str]]]]:
    """The file's title and its blocks (title -> lines, the column headings first)."""
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8: "0180" stays "0180"
    assert b"\r\n" in raw and b"\n\n" not in raw
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle, delimiter=";"))
    title, blocks, current = lines[0][0], {}, None
    assert lines[1] == []
    for line in lines[2:]:
        if not line:
            current = None
        elif current is None:
            current = blocks.setdefault(line[0], [])
        else:
            current.append(line)
    return title, blocks


def test_the_months_persons_with_kommunkod_hushallstyp_and_the_months_amount(
    session, data, manager
):
    underlag = individual_data(session, manager, date(2026, 10, 17))
    assert underlag.persons[0] == PersonRow(
        date(2026, 10, 1),
        NORR,
        "EB-2025-000001",
        pnr(data, "Anna"),
        "K",
        "sokande",
        "6",
        Decimal("5000"),
        "arbetslos",
    )
    assert len(underlag.persons) == 15 and underlag.households == 12
    assert sum(r.amount for r in underlag.persons if r.amount is not None) == Decimal(
        "34251.09"
    )  # the month's beviljat in the chef's statistics (test_statistics.py)
    karin = next(r for r in underlag.persons if r.case_number == "EB-2025-000011")
    assert karin.amount == Decimal("2751.09")
    september = individual_data(session, manager, date(2026, 9, 1))
    karin = next(r for r in september.persons if r.case_number == "EB-2025-000011")
    assert karin.amount == Decimal("3248.91")  # not the whole 6000 in its first month


def test_closings_with_the_avslutsorsak(session, data, manager):
    october = individual_data(session, manager, OCT)
    assert october.closings == [
        ClosingRow(OCT, NORR, "EB-2025-000013", pnr(data, "Maja"), date(2026, 10, 20), "arbete")
    ]
    assert october.closings[0].reason_label == "Fått arbete"
    august = individual_data(session, manager, date(2026, 8, 1))
    assert [(c.case_number, c.reason) for c in august.closings] == [("EB-2025-000014", "flyttat")]
    assert individual_data(session, manager, date(2026, 11, 1)).closings == []


def test_the_file_read_back_field_by_field(session, data, manager, tmp_path):
    path = tmp_path / "underlag.csv"
    write_underlag(individual_data(session, manager, OCT), path)
    title, blocks = read_underlag(path)
    assert title == (
        "Underlag för Socialstyrelsens individstatistik om ekonomiskt bistånd, oktober 2026 – "
        "Försörjningsstöd Norr"
    )
    assert "Socialstyrelsens fil" not in title
    about = blocks["Om underlaget"]
    assert about[0] == ["Uppgift", "Text"]
    assert about[1][0] == "Format" and about[1][1].startswith("Inte Socialstyrelsens filformat")
    assert [line[0] for line in about[2:]] == ["Källa"] * 3 + ["Saknas"] * 2
    assert "HSLF-FS 2015:30" in about[2][1] and "variabelförteckning" in about[3][1]
    assert "arbetsmarknadsinsatser" in about[5][1]
    persons = blocks["Bistånd och försörjningshinder per person"]
    assert persons[0] == [
        "Kommunkod",
        "Månad",
        "Ärende",
        "Personnummer",
        "Kön",
        "Roll",
        "Hushållstyp",
        "Beviljat belopp",
        "Försörjningshinder",
    ]
    assert persons[1:] == expected_persons(data)
    closings = blocks["Avslutade hushåll"]
    assert closings == [
        ["Kommunkod", "Månad", "Ärende", "Personnummer", "Avslutad", "Avslutsorsak", "Benämning"],
        [
            NORR,
            "2026-10",
            "EB-2025-000013",
            pnr(data, "Maja"),
            "2026-10-20",
            "arbete",
            "Fått arbete",
        ],
    ]


def test_a_unit_without_kommunkod_stops_the_underlag(session, data, manager):
    data_unit = session.get(Unit, manager.unit_id)
    data_unit.municipality_code = ""
    session.commit()
    with pytest.raises(ServiceError, match="Kommunkod saknas för Försörjningsstöd Norr"):
        individual_data(session, manager, OCT)
    assert session.scalar(select(AuditEntry).where(AuditEntry.entity == "sos_export")) is None


def test_the_underlag_is_audited_and_restricted(session, data, manager, caseworker, admin, staff):
    with pytest.raises(AccessDenied):
        individual_data(session, caseworker, OCT)
    individual_data(session, manager, OCT)
    audit_rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "sos_export")).all()
    assert len(audit_rows) == 1
    assert audit_rows[0].action == "export" and audit_rows[0].user_id == manager.id
    assert "15 personer i 12 hushåll, 1 avslut" in audit_rows[0].detail
    south = individual_data(session, admin, OCT, unit_id=staff.other_unit.id)
    assert [(r.municipality_code, r.case_number, r.amount) for r in south.persons] == [
        (SODER, "EB-2025-000015", Decimal("7000"))
    ]
    assert south.persons[0].support_barrier == "arbetslos"


def test_the_layout_is_not_called_socialstyrelsens():
    assert sos_export.OFFICIAL_LAYOUT is False
    assert not hasattr(sos_export, "sos_rows") and not hasattr(sos_export, "write_sos_file")
    assert sos_export.FORMAT_NOTE.startswith("Inte Socialstyrelsens filformat")


def test_cli_export_underlag_and_the_old_name_refused(
    db, data, tmp_path, capsys, session, cli_as, manager
):
    """As the chef who uses the underlag, on both databases: her own unit's persons."""
    eva = cli_as("eva.lind")
    path = tmp_path / "underlag.csv"
    args = [*eva.before, "export", "underlag", "--month", "2026-10", "--out", str(path)]
    assert main(["--db", db.url, *args[2:]]) == 2  # no user: refused, nothing written
    assert "--user" in capsys.readouterr().err and not path.exists()
    assert main([*args, *eva.after]) == 0
    out = capsys.readouterr().out
    assert "15 personer i 12 hushåll, 1 avslut" in out  # not Olle (unit Söder)
    assert "Inte Socialstyrelsens filformat" in out and "Saknas: Kommunala" in out
    _title, blocks = read_underlag(path)
    persons = blocks["Bistånd och försörjningshinder per person"][1:]
    assert persons == expected_persons(data)
    session.expire_all()
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "sos_export")).one()
    assert row.user_id == manager.id

    old = ["--db", db.url, "export", "sos", "--month", "2026-10", "--out", str(tmp_path / "x")]
    assert main(old) == 2
    assert "kan inte göra Socialstyrelsens fil" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_cli_unit_kommunkod(db, data, capsys, session, cli_as, admin):
    ada = cli_as("ada.admin")
    set_code = [*ada.before, "unit", "set-municipality-code"]
    assert main([*set_code, "Försörjningsstöd Norr", "2480", *ada.after]) == 0
    assert "Försörjningsstöd Norr har kommunkod 2480." in capsys.readouterr().out
    assert main([*ada.before, "unit", "list"]) == 0
    assert "Försörjningsstöd Norr: kommunkod 2480" in capsys.readouterr().out
    assert main([*set_code, "Försörjningsstöd Norr", "180", *ada.after]) == 2
    assert "fyra siffror" in capsys.readouterr().err
    assert main([*set_code, "Norrland", "2480", *ada.after]) == 2
    eva = cli_as("eva.lind")
    eva_sets = [*eva.before, "unit", "set-municipality-code", "Försörjningsstöd Norr", "0180"]
    assert main([*eva_sets, *eva.after]) == 2
    assert "Bara en administratör" in capsys.readouterr().err
    session.expire_all()
    assert (
        session.scalar(select(Unit.municipality_code).where(Unit.name == "Försörjningsstöd Norr"))
        == "2480"
    )
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "setting")).one()
    assert row.user_id == admin.id and row.detail.startswith(
        "kommandorad: kommunkod för Försörjningsstöd Norr: 0180 → 2480"
    )


def test_a_kommunkod_is_checked(session, data, admin):
    for wrong in ("", "180", "01800", "0280", "abcd"):
        with pytest.raises(ValidationFailed):
            unit_codes.set_municipality_code(session, "Försörjningsstöd Norr", wrong, actor=admin)
