"""Socialstyrelsen's monthly file and the statistics CSV, on the hand-built dataset of
test_statistics.py (households 1-16 are described there)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.cli import main
from app.common.errors import AccessDenied
from app.models import AuditEntry
from app.statistics import sos_export
from app.statistics.sos_export import SosRow, sos_rows, write_sos_file, write_statistics_csv
from app.statistics.statistics import month_statistics, year_statistics
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
        line(1, "Anna", "K", "sokande", "4", "5000", "arbetslos"),
        line(1, "Alma", "K", "barn", "4", "", ""),
        line(2, "Bertil", "M", "sokande", "3", "4000", "sjukskriven_lakarintyg"),
        line(3, "Cecilia", "K", "sokande", "1", "3000", ""),
        line(4, "David", "M", "sokande", "3", "2000", ""),
        line(5, "Erik", "M", "sokande", "3", "2000", ""),
        line(6, "Elin", "K", "sokande", "1", "1000", ""),
        line(7, "Filip", "M", "sokande", "3", "1000", ""),
        line(8, "Gustav", "M", "sokande", "7", "3000", "sprakhinder"),
        line(8, "Hanna", "K", "medsokande", "7", "", "sprakhinder"),
        line(8, "Hugo", "M", "barn", "7", "", ""),
        # 9: avslag, not in the file; Greta (8) is an umgängesbarn
        line(10, "Johan", "M", "sokande", "3", "4500", ""),
        line(11, "Karin", "K", "sokande", "1", "0", ""),  # her amount is September's
        line(13, "Maja", "K", "sokande", "1", "2500", ""),
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
        "4",
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


def test_statistics_csv_for_a_month(session, data, manager, tmp_path):
    path = tmp_path / "oktober.csv"
    write_statistics_csv(month_statistics(session, manager, OCT), path)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    lines = raw.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "Statistik 2026-10, Försörjningsstöd Norr"
    assert lines[1] == "Indikator;Grupp;Kön;2026-10"
    assert "Bidragshushåll;Alla;Kvinnor;5" in lines
    assert "Bidragshushåll;Alla;Män;7" in lines
    assert "Bidragshushåll;Hushållstyp 4 Ensamstående kvinna med barn;Totalt;1" in lines
    assert "Genomsnittlig varaktighet, månader;Bidragshushåll;Män;11,1" in lines
    assert "Utbetalt, kr;Alla beslut;Totalt;31500,00" in lines
    assert "Kostnad per bidragshushåll, kr;;Totalt;2625,00" in lines
    docs = "Barnens dokumentation (beslut som inte är fullt bifall)"
    assert f"{docs};Andel namngivna;Flickor;0,0" in lines
    assert f"{docs};Andel namngivna;Totalt;66,7" in lines
    assert f"{docs};BKA: andel situationen beskriven;Flickor;" in lines
    assert "Första återkoppling;Median, timmar;Totalt;42,00" in lines
    assert "Första återkoppling;Andel inom 24 timmar;Totalt;60,0" in lines
    assert "Avslutsorsak;Fått arbete;Kvinnor;1" in lines
    assert "Försörjningshinder (vuxna);Språkhinder;Totalt;2" in lines


def test_statistics_csv_for_a_year(session, data, manager, tmp_path):
    path = tmp_path / "2026.csv"
    write_statistics_csv(year_statistics(session, manager, 2026), path)
    lines = path.read_bytes().decode("utf-8-sig").split("\r\n")
    assert (
        lines[1]
        == "Indikator;Grupp;Kön;" + ";".join(f"2026-{m:02d}" for m in range(1, 13)) + ";Helår 2026"
    )
    amounts = next(line for line in lines if line.startswith("Utbetalt, kr;"))
    assert amounts.split(";")[3:] == [
        # Bertil has avslag in February and May, Cecilia no decision in Jan, Mar, Jul
        "13000,00",
        "12000,00",
        "13000,00",
        "16000,00",
        "12000,00",
        "16000,00",
        "13000,00",
        "16000,00",
        "23000,00",
        "31500,00",
        "0,00",
        "0,00",
        "165500,00",
    ]
    header, rows = sos_export.statistics_table(year_statistics(session, manager, 2026))
    assert len(header) == 3 + 13 and all(len(r) == len(header) for r in rows)
