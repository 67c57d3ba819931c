"""The chef's statistics as a CSV file for Excel, on the hand-built dataset of test_statistics.py
(households 1-16 are described there). The file is read the way a chef reads it in Excel: find
the table by its title, the cell by its row label and its column heading."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from app.cli import main
from app.statistics.statistics import month_statistics, year_statistics
from app.statistics.statistics_csv import value_text, write_statistics_csv
from app.statistics.tables import ValueKind, all_tables, percent_text
from tests.core.statistics.statistics_csv_reader import MONTHS, read_csv
from tests.core.statistics.test_statistics import OCT, build_dataset


@pytest.fixture
def data(session, staff):
    built = build_dataset(session, staff)
    session.commit()
    return built


def test_statistics_csv_for_a_month(session, data, manager, tmp_path):
    path = tmp_path / "oktober.csv"
    write_statistics_csv(month_statistics(session, manager, OCT), path)
    found = read_csv(path)
    assert found.title == "Statistik ekonomiskt bistånd oktober 2026 – Försörjningsstöd Norr"
    month = "Oktober 2026"
    households = found.table("Beslutshushåll och bidragshushåll")
    assert households.header == [
        "Månad",
        "Beslutshushåll – Kvinnor",
        "Beslutshushåll – Män",
        "Beslutshushåll – Totalt",
        "Bidragshushåll – Kvinnor",
        "Bidragshushåll – Män",
        "Bidragshushåll – Totalt",
    ]
    assert households.rows == [[month, "6", "7", "13", "5", "7", "12"]]
    assert households.cell(month, "Bidragshushåll – Kvinnor") == "5"
    assert households.cell(month, "Bidragshushåll – Män") == "7"
    types = found.table("Hushållstyp oktober 2026")
    assert types.cell("6 Ensamstående kvinna med barn", "Bidragshushåll – Totalt") == "1"
    duration = found.table("Genomsnittlig varaktighet, månader")
    assert duration.cell(month, "Månader i genomsnitt – Män") == "11,1"
    money = found.table("Beviljat, utbetalt och kostnad per hushåll")
    assert money.header == [
        "Månad",
        "Beviljat – Totalt",
        "Beviljat – Försörjningsstöd",
        "Utbetalt",
        "Bidragshushåll",
        "Kostnad per bidragshushåll",
    ]
    # no thousands separator, no "kr"; Karin's October share of her Sep-Oct decision
    assert money.cell(month, "Beviljat – Totalt") == "34251,09"
    assert money.cell(month, "Beviljat – Försörjningsstöd") == "34251,09"
    assert money.cell(month, "Utbetalt") == "7751,09"  # the verkställda decisions only
    assert money.cell(month, "Kostnad per bidragshushåll") == "2854,26"
    docs = found.table("Barnens dokumentation oktober 2026")
    assert docs.header == ["Uppgift", "Flickor", "Pojkar", "Totalt"]
    assert docs.cell("Barnet namnges i beslutet", "Flickor") == "0,0"  # per cent
    assert docs.cell("Barnet namnges i beslutet", "Totalt") == "66,7"
    assert docs.cell("BKA beskriver barnets situation", "Flickor") == ""  # nothing to divide
    times = found.table("Tid till första återkoppling och till beslut")
    assert times.cell(month, "Återkoppling – Median, timmar") == "42,00"
    assert times.cell(month, "Återkoppling – Inom 24 timmar") == "60,0"
    closing = found.table("Avslutsorsak oktober 2026")
    assert closing.cell("Fått arbete", "Kvinnor") == "1"
    barriers = found.table("Försörjningshinder per vuxen oktober 2026")
    assert barriers.cell("Språkhinder", "Totalt") == "2"


def test_statistics_csv_for_a_year(session, data, manager, tmp_path):
    path = tmp_path / "2026.csv"
    write_statistics_csv(year_statistics(session, manager, 2026), path)
    found = read_csv(path)
    assert found.title == "Statistik ekonomiskt bistånd 2026 – Försörjningsstöd Norr"
    money = found.table("Beviljat, utbetalt och kostnad per hushåll")
    assert money.column("Månad") == [*MONTHS, "Helår 2026"]
    assert money.column("Beviljat – Totalt") == [
        # Bertil has avslag in February and May, Cecilia no decision in Jan, Mar, Jul
        "13000,00",
        "12000,00",
        "13000,00",
        "16000,00",
        "12000,00",
        "16000,00",
        "13000,00",
        "16000,00",
        "20248,91",  # Karin's 6000 for 15 Sep-14 Oct: 16/30 of September ...
        "34251,09",  # ... and 14/31 of October
        "0,00",
        "0,00",
        "165500,00",
    ]
    assert money.column("Utbetalt") == [
        *["0,00"] * 8,
        "3248,91",
        "7751,09",
        "0,00",
        "0,00",
        "11000,00",
    ]
    assert money.cell("November", "Kostnad per bidragshushåll") == ""  # nothing to divide by
    assert money.cell("Helår 2026", "Kostnad per bidragshushåll") == "13791,67"
    households = found.table("Beslutshushåll och bidragshushåll")
    assert households.rows[-1] == ["Helår 2026", "6", "7", "13", "5", "7", "12"]
    types = found.table("Hushållstyp 2026")
    assert types.cell("3 Ensamstående man utan barn", "Bidragshushåll – Totalt") == "6"


def test_the_counts_behind_the_shares_in_the_csv_for_a_month(session, data, manager, tmp_path):
    """The figures the old one-line-per-indicator export had and the screen tables now show
    too: the children counted behind each share, the applications answered and decided."""
    path = tmp_path / "oktober.csv"
    write_statistics_csv(month_statistics(session, manager, OCT), path)
    found = read_csv(path)
    docs = found.table("Barnens dokumentation oktober 2026")
    # Gustav's delvis bifall (Greta not named, Hugo named) and Ida's avslag (Ivar in the BKA)
    assert docs.cell("Beslut där alla barn namnges (antal)", "Totalt") == "1"  # Ida's
    assert docs.cell("Beslut där alla barn namnges (antal)", "Flickor") == ""
    named = "Barnet namnges i beslutet (antal)"
    assert [docs.cell(named, sex) for sex in ("Flickor", "Pojkar", "Totalt")] == ["0", "2", "2"]
    # Ivar's BKA section: situation and behov filled in, hur_paverkas not
    for label, boys in (
        ("BKA beskriver barnets situation (antal)", "1"),
        ("BKA beskriver barnets behov (antal)", "1"),
        ("BKA beskriver hur barnet påverkas (antal)", "0"),
    ):
        assert [docs.cell(label, sex) for sex in ("Flickor", "Pojkar", "Totalt")] == [
            "0",
            boys,
            boys,
        ]
    # the share rows stay where they were, each followed by its count
    labels = docs.column("Uppgift")
    assert labels.index(named) == labels.index("Barnet namnges i beslutet") + 1

    # October's five applications in Norr: answered after 23, 71 (in time), 25 (late) and 59
    # (in time) hours, one never; decided after 10, 42 and 0 days, one still within the target
    counts = found.table("Besvarade och beslutade ansökningar")
    month = "Oktober 2026"
    assert counts.header == [
        "Månad",
        "Inkomna ansökningar",
        "Återkoppling – Besvarade",
        "Återkoppling – Inom 24 timmar",
        "Beslut – Beslutade",
        "Beslut – Inom 30 dagar",
        "Beslut – Mål, dagar",
    ]
    assert counts.rows == [[month, "5", "4", "3", "3", "2", "30"]]

    # new: Lars (registered) and Nils (reopened), both men living alone; closed: Maja, alone
    types = found.table("Nya och avslutade hushåll efter hushållstyp oktober 2026")
    assert types.cell("3 Ensamstående man utan barn", "Nya hushåll – Män") == "2"
    assert types.cell("5 Ensamstående kvinna utan barn", "Avslutade hushåll – Kvinnor") == "1"
    assert types.cell("Alla hushåll", "Nya hushåll – Totalt") == "2"
    assert types.cell("Alla hushåll", "Avslutade hushåll – Totalt") == "1"
    assert types.cell("Barnfamiljer", "Nya hushåll – Totalt") == "0"
    # 10 of 12: Anna (with Alma since June), Bertil, David, Erik; 32 of 36: David
    long_term = found.table("Långvarigt bistånd efter hushållstyp oktober 2026")
    assert long_term.cell("3 Ensamstående man utan barn", "10 av 12 månader – Män") == "3"
    assert long_term.cell("6 Ensamstående kvinna med barn", "10 av 12 månader – Kvinnor") == "1"
    assert long_term.cell("Barnfamiljer", "10 av 12 månader – Totalt") == "1"
    assert long_term.cell("Ungdomshushåll (sökande 18–24 år)", "10 av 12 månader – Totalt") == "0"
    assert long_term.cell("3 Ensamstående man utan barn", "32 av 36 månader – Män") == "1"
    assert long_term.cell("Alla hushåll", "32 av 36 månader – Totalt") == "1"
    assert long_term.cell("Alla hushåll", "10 av 12 månader – Totalt") == "4"
    assert long_term.column("Hushållstyp") == types.column("Hushållstyp")


def test_the_counts_behind_the_shares_in_the_csv_for_a_year(session, data, manager, tmp_path):
    path = tmp_path / "2026.csv"
    write_statistics_csv(year_statistics(session, manager, 2026), path)
    found = read_csv(path)
    counts = found.table("Besvarade och beslutade ansökningar")
    assert counts.column("Månad") == [*MONTHS, "Helår 2026"]
    # October's five and the one received at 00:30 on 1 November, never answered
    assert counts.rows[-1] == ["Helår 2026", "6", "4", "3", "3", "2", "30"]
    assert counts.cell("November", "Inkomna ansökningar") == "1"
    assert counts.cell("November", "Återkoppling – Besvarade") == "0"
    assert counts.cell("Januari", "Beslut – Mål, dagar") == "30"
    # the year: Nils was closed in August as a man living alone, Maja in October
    types = found.table("Nya och avslutade hushåll efter hushållstyp 2026")
    assert types.cell("3 Ensamstående man utan barn", "Avslutade hushåll – Män") == "1"
    assert types.cell("5 Ensamstående kvinna utan barn", "Avslutade hushåll – Kvinnor") == "1"
    assert types.cell("Alla hushåll", "Avslutade hushåll – Totalt") == "2"
    # bistånd in at least 10 months of 2026: Anna (with Alma at the end), David, Erik; nobody
    # has 32 of the 36 months ending with December
    long_term = found.table("Långvarigt bistånd efter hushållstyp 2026")
    assert long_term.cell("3 Ensamstående man utan barn", "10 av 12 månader – Män") == "2"
    assert long_term.cell("6 Ensamstående kvinna med barn", "10 av 12 månader – Kvinnor") == "1"
    assert long_term.cell("Alla hushåll", "10 av 12 månader – Totalt") == "3"
    assert long_term.cell("Alla hushåll", "32 av 36 månader – Totalt") == "0"
    docs = found.table("Barnens dokumentation 2026")
    assert docs.cell("Barnet namnges i beslutet (antal)", "Totalt") == "2"


@pytest.mark.parametrize("period", ["month", "year"])
def test_every_table_and_column_is_in_the_csv(session, data, manager, tmp_path, period):
    stats = (
        month_statistics(session, manager, OCT)
        if period == "month"
        else year_statistics(session, manager, 2026)
    )
    path = tmp_path / "statistik.csv"
    write_statistics_csv(stats, path)
    found = read_csv(path)
    expected = all_tables(stats)
    assert [t.title for t in found.tables] == [t.title for t in expected]
    for table, written in zip(expected, found.tables, strict=True):
        assert written.header == [
            f"{c.group} – {c.title}" if c.group else c.title for c in table.columns
        ]
        assert [r[0] for r in written.rows] == [r.cells[0] for r in table.rows]
        for row, line in zip(table.rows, written.rows, strict=True):
            for index in range(1, len(table.columns)):
                text = line[index]
                if table.kind(row, index) is ValueKind.SHARE:
                    # per cent with one decimal and a decimal comma, as the screen's "66,7 %"
                    assert text == "" or re.fullmatch(r"\d+,\d", text), (table.title, text)
                    assert text == row.cells[index].removesuffix("\xa0%").replace("–", "")
                else:
                    assert "." not in text and " " not in text and "\xa0" not in text


def test_share_kinds_are_declared_where_the_screen_shows_per_cent(session, data, manager):
    """The kind in the layout and the text on screen agree: a share is shown as per cent,
    and nothing else is."""
    for stats in (month_statistics(session, manager, OCT), year_statistics(session, manager, 2026)):
        shares = 0
        for table in all_tables(stats):
            for row in table.rows:
                for index in range(1, len(table.columns)):
                    text, value = row.cells[index], row.values[index]
                    if table.kind(row, index) is ValueKind.SHARE:
                        shares += 1
                        assert text == ("" if text == "" else percent_text(value))
                    else:
                        assert not text.endswith("%"), (table.title, row.cells[0], text)
        assert shares > 0


def test_cli_export_csv(db, data, tmp_path, capsys, cli_as):
    """As the chef who uses the statistics, on both databases: her own unit."""
    eva = cli_as("eva.lind")
    path = tmp_path / "oktober.csv"
    args = [*eva.before, "export", "csv", "--month", "2026-10", "--out", str(path), *eva.after]
    assert main(args) == 0
    assert f"Statistiken sparades i {path}." in capsys.readouterr().out
    found = read_csv(path)
    # a chef sees her own unit: not Olle (Söder)
    assert found.title == "Statistik ekonomiskt bistånd oktober 2026 – Försörjningsstöd Norr"
    households = found.table("Beslutshushåll och bidragshushåll")
    assert households.cell("Oktober 2026", "Beslutshushåll – Totalt") == "13"
    money = found.table("Beviljat, utbetalt och kostnad per hushåll")
    assert money.cell("Oktober 2026", "Beviljat – Totalt") == "34251,09"
    path = tmp_path / "norr.csv"
    args = [*eva.before, "export", "csv", "--year", "2026", "--out", str(path), *eva.after]
    assert main([*args, "--unit", "Försörjningsstöd Norr"]) == 0
    found = read_csv(path)
    assert found.title == "Statistik ekonomiskt bistånd 2026 – Försörjningsstöd Norr"
    money = found.table("Beviljat, utbetalt och kostnad per hushåll")
    assert money.cell("Helår 2026", "Beviljat – Totalt") == "165500,00"


def test_a_share_is_rounded_alike_on_screen_and_in_the_file():
    """Half up, as Swedish readers expect: 1 of 16 is 6,3 % on screen and 6,3 in the file."""
    one_of_sixteen = Decimal("0.0625")
    assert percent_text(one_of_sixteen) == "6,3\xa0%"
    assert value_text(one_of_sixteen, ValueKind.SHARE) == "6,3"
    assert value_text(None, ValueKind.SHARE) == ""
    assert value_text(Decimal("1234.50"), ValueKind.NUMBER) == "1234,50"
    assert value_text(1234, ValueKind.NUMBER) == "1234"
