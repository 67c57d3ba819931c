"""Socialstyrelsen's monthly file, on the hand-built dataset of test_statistics.py (households
1-16 are described there). The chef's statistics CSV is tested in test_statistics_csv.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cli import main
from app.common.errors import AccessDenied
from app.models import AuditEntry
from app.statistics.sos_export import SosRow, sos_rows, write_sos_file
from tests.core.statistics.test_statistics import OCT, build_dataset


@pytest.fixture
def data(session, staff):
    built = build_dataset(session, staff)
    session.commit()
    return built


def pnr(data, name: str) -> str:
    return data.persons[name].personal_number


def expected_lines(data) -> list[str]:
    def line(case: int, name: str, sex: str, role: str, code: str, amount: str, barrier: str):
        return (
            f"2026-10;EB-2025-{case:06d};{pnr(data, name)};{sex};{role};{code};{amount};{barrier}"
        )

    return [
        "månad;ärende;personnummer;kön;roll;hushållstyp;belopp;försörjningshinder",
        line(1, "Anna", "K", "sokande", "6", "5000", "arbetslos"),
        line(1, "Alma", "K", "barn", "6", "", ""),
        line(2, "Bertil", "M", "sokande", "3", "4000", "sjukskriven_lakarintyg"),
        line(3, "Cecilia", "K", "sokande", "5", "3000", ""),
        line(4, "David", "M", "sokande", "3", "2000", ""),
        line(5, "Erik", "M", "sokande", "3", "2000", ""),
        line(6, "Elin", "K", "sokande", "5", "1000", ""),
        line(7, "Filip", "M", "sokande", "3", "1000", ""),
        line(8, "Gustav", "M", "sokande", "8", "3000", "sprakhinder"),
        line(8, "Hanna", "K", "medsokande", "8", "", "sprakhinder"),
        line(8, "Hugo", "M", "barn", "8", "", ""),
        # 9: avslag, not in the file; Greta (8) is an umgängesbarn
        line(10, "Johan", "M", "sokande", "3", "4500", ""),
        line(11, "Karin", "K", "sokande", "5", "0", ""),  # her amount is September's
        line(13, "Maja", "K", "sokande", "5", "2500", ""),
        line(14, "Nils", "M", "sokande", "3", "3500", ""),
    ]


def test_sos_rows_one_per_person(session, data, manager):
    rows = sos_rows(session, manager, date(2026, 10, 17))
    assert rows[0] == SosRow(
        date(2026, 10, 1),
        "EB-2025-000001",
        pnr(data, "Anna"),
        "K",
        "sokande",
        "6",
        Decimal("5000"),
        "arbetslos",
    )
    assert len(rows) == 15
    assert sum(r.amount for r in rows if r.amount is not None) == Decimal("31500")
    assert {r.case_number for r in rows} == {
        f"EB-2025-{n:06d}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 13, 14)
    }


def test_sos_file_line_by_line(session, data, manager, tmp_path):
    path = tmp_path / "sos.txt"
    write_sos_file(sos_rows(session, manager, OCT), path)
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # plain UTF-8, no BOM
    assert raw.decode("utf-8").split("\r\n") == [*expected_lines(data), ""]


def test_sos_export_is_audited_and_restricted(session, data, manager, caseworker, admin, staff):
    with pytest.raises(AccessDenied):
        sos_rows(session, caseworker, OCT)
    sos_rows(session, manager, OCT)
    audit_rows = session.scalars(select(AuditEntry).where(AuditEntry.entity == "sos_export")).all()
    assert len(audit_rows) == 1
    assert audit_rows[0].action == "export" and audit_rows[0].user_id == manager.id
    assert "15 personer i 12 hushåll" in audit_rows[0].detail
    south = sos_rows(session, admin, OCT, unit_id=staff.other_unit.id)
    assert [(r.case_number, r.amount) for r in south] == [("EB-2025-000015", Decimal("7000"))]
    assert south[0].support_barrier == "arbetslos"


def test_cli_export_sos(db, data, tmp_path, capsys, session):
    path = tmp_path / "sos.txt"
    assert main(["--db", db.url, "export", "sos", "--month", "2026-10", "--out", str(path)]) == 0
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + 16  # Olle (unit Söder) too
    assert lines[1:16] == expected_lines(data)[1:]
    assert lines[16].startswith("2026-10;EB-2025-000015;")
    assert "16 rader" in capsys.readouterr().out
    session.expire_all()
    row = session.scalars(select(AuditEntry).where(AuditEntry.entity == "sos_export")).one()
    assert row.user_id is None and row.detail.startswith("kommandorad")
