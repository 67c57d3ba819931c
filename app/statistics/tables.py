"""The chef's statistics as labelled tables of Swedish text: the one layout that the PDF report
(statistics_report.py), the Statistik view (app/ui/statistics/statistics_view.py) and the CSV file
for Excel (statistics_csv.py) all show, so the screen, the paper and the spreadsheet always carry
the same tables with the same figures.

Plain data in (statistics.MonthStatistics / YearStatistics), strings out; no Qt, no
ReportLab, no SQL. A year's tables have one row per month and a "Helår" row in which each
household counts once (so it is not the sum of the months); a month's tables have one row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from babel.dates import format_date
from babel.numbers import format_decimal

from app.common import code_lists
from app.common.formatting import LOCALE, money, month_name
from app.models.appeal import CourtInstance, RulingOutcome
from app.models.complaint import FeedbackKind, ReceivedVia
from app.statistics import household_type
from app.statistics.complaint_statistics import theme_label
from app.statistics.proposal_statistics import ProposalCounts
from app.statistics.statistics import (
    HouseholdCounts,
    MonthStatistics,
    SexAverages,
    SexCounts,
    SexShares,
    YearStatistics,
    share,
)

Stats = MonthStatistics | YearStatistics

NONE = "–"
"""Shown where there is nothing to divide by (a share or an average of nothing)."""

EMPTY_MESSAGE = "Inga uppgifter för perioden"

LONG_TERM_12_TEXT = "Långvarigt bistånd: bistånd 10–12 av de senaste 12 månaderna"
LONG_TERM_36_TEXT = "Långvarigt bistånd: bistånd minst 32 av de senaste 36 månaderna"


# --- Swedish numbers ---------------------------------------------------------------------------
def count_text(value: int) -> str:
    """12345 -> '12 345' (no-break space as in money)."""
    return format_decimal(value, locale=LOCALE)


def decimal_text(value: Decimal | None, pattern: str = "#,##0.0") -> str:
    """Decimal comma: Decimal('8.6') -> '8,6'; None -> '–'."""
    return NONE if value is None else format_decimal(value, format=pattern, locale=LOCALE)


def per_cent(share: Decimal) -> Decimal:
    """A share 0–1 in per cent, rounded half up to one decimal: Decimal('0.0625') -> 6.3. The
    one rounding of shares, so the screen, the PDF and the CSV file show the same figure."""
    return (share * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)


def percent_text(share: Decimal | None) -> str:
    """A share 0–1 in per cent with one decimal: Decimal('0.6667') -> '66,7 %'."""
    if share is None:
        return NONE
    return format_decimal(per_cent(share), format="#,##0.0", locale=LOCALE) + "\xa0%"


def money_text(amount: Decimal | None) -> str:
    return NONE if amount is None else money(amount)


def period_title(stats: Stats) -> str:
    """'2026' or 'oktober 2026'."""
    if isinstance(stats, YearStatistics):
        return str(stats.year)
    return month_name(stats.month)


def month_label(month: date) -> str:
    """'Januari' (a table row of a year)."""
    return format_date(month, format="LLLL", locale=LOCALE).capitalize()


def report_title(stats: Stats) -> str:
    return f"Statistik ekonomiskt bistånd {period_title(stats)} – {stats.unit_name}"


def summary(stats: Stats) -> list[tuple[str, str]]:
    """The key figures: (label, text)."""

    def split(c: SexCounts) -> str:
        return f"{count_text(c.total)} (kvinnor {count_text(c.women)}, män {count_text(c.men)})"

    found = [
        ("Beslutshushåll", split(stats.decision_households.total)),
        ("Bidragshushåll", split(stats.support_households.total)),
        ("Beviljat", money_text(stats.amount_granted)),
        ("Utbetalt", money_text(stats.amount_paid)),
        ("Kostnad per bidragshushåll", money_text(stats.cost_per_support_household)),
    ]
    if stats.proposals is not None and stats.proposals.has_data:
        found.append((PROPOSALS_LABEL, proposal_counts_text(stats.proposals.total)))
    return found


PROPOSALS_LABEL = "Förslag från e-ansökan"


def proposal_counts_text(counts: ProposalCounts) -> str:
    """'12 signerade, varav 9 oförändrade (75,0 %)'."""
    return (
        f"{count_text(counts.signed)} signerade, varav {count_text(counts.unchanged)} "
        f"oförändrade ({percent_text(counts.share)})"
    )


def has_data(stats: Stats) -> bool:
    """False when the period has nothing at all to show."""
    return bool(
        stats.decision_households.total.total
        or stats.new_households.total.total
        or stats.closed_households.total.total
        or stats.amount_granted
        or any(c.total for c in stats.support_barriers.values())
        or stats.child_documentation.decisions
        or stats.sip.events
        or stats.home_visits.events
        or stats.first_response.received
        or (stats.appeals is not None and stats.appeals.has_data)
        or (stats.complaints is not None and stats.complaints.has_data)
        or (stats.proposals is not None and stats.proposals.has_data)
    )


# --- tables ---------------------------------------------------------------------------------------
class ValueKind(StrEnum):
    """What a figure is, which decides how a file of raw values writes it (statistics_csv.py).
    Declared with the layout, beside the text, so that no writer has to guess it from a
    label."""

    NUMBER = "number"
    """A count, an amount or an average: written as it is."""
    SHARE = "share"
    """A fraction 0–1 (shown as '66,7 %'): written in per cent with one decimal."""


@dataclass(frozen=True)
class StatColumn:
    title: str
    """'Kvinnor'; the first column names the rows ('Månad', 'Hushållstyp')."""
    group: str = ""
    """A heading over several columns ('Beslutshushåll')."""
    explanation: str = ""
    kind: ValueKind = ValueKind.NUMBER
    """What the column's figures are, unless a row says otherwise (StatRow.kind)."""


@dataclass(frozen=True)
class StatRow:
    cells: tuple[str, ...]
    """The texts, the row's label first."""
    values: tuple[Any, ...]
    """The numbers behind the texts (for sorting; the label's position for the first)."""
    summary: bool = False
    """The year row (Helår) or an 'Alla' row: printed in bold."""
    kind: ValueKind | None = None
    """What every figure of the row is, where the row and not the column decides: Barnens
    dokumentation has counts and shares under the same columns. None: each column's kind."""


@dataclass(frozen=True)
class StatTable:
    key: str
    title: str
    explanation: str
    columns: tuple[StatColumn, ...]
    rows: tuple[StatRow, ...]

    def cell(self, row_label: str, column: int) -> str:
        """The text in the row whose label is `row_label` (for tests and lookups)."""
        for row in self.rows:
            if row.cells[0] == row_label:
                return row.cells[column]
        raise KeyError(row_label)

    def kind(self, row: StatRow, column: int) -> ValueKind:
        """What the figure in `row` under the column at index `column` is."""
        return row.kind or self.columns[column].kind


SEX_TITLES = ("Kvinnor", "Män", "Totalt")
CHILD_TITLES = ("Flickor", "Pojkar", "Totalt")


def _sex_columns(group: str, explanation: str = "", titles=SEX_TITLES) -> list[StatColumn]:
    return [StatColumn(title, group, explanation) for title in titles]


def _counts(c: SexCounts) -> tuple[list[str], list[Any]]:
    values = [c.women, c.men, c.total]
    return [count_text(v) for v in values], values


def _periods(stats: Stats) -> list[tuple[str, Stats, bool]]:
    """(label, statistics, is the year row) for the rows of a per-period table."""
    if isinstance(stats, YearStatistics):
        return [(month_label(m.month), m, False) for m in stats.months] + [
            (f"Helår {stats.year}", stats, True)
        ]
    return [(month_name(stats.month).capitalize(), stats, False)]


def _period_table(
    stats: Stats,
    key: str,
    title: str,
    explanation: str,
    columns: Sequence[StatColumn],
    cells_of: Callable[[Stats], tuple[list[str], list[Any]]],
) -> StatTable:
    first = StatColumn("Månad", explanation="Helår: varje hushåll och person räknas en gång.")
    rows = []
    for position, (label, period, is_year) in enumerate(_periods(stats)):
        texts, values = cells_of(period)
        rows.append(StatRow((label, *texts), (position, *values), summary=is_year))
    return StatTable(key, title, explanation, (first, *columns), tuple(rows))


def _sex_groups(*groups: Callable[[Stats], SexCounts]):
    def cells(period: Stats) -> tuple[list[str], list[Any]]:
        texts: list[str] = []
        values: list[Any] = []
        for group in groups:
            t, v = _counts(group(period))
            texts += t
            values += v
        return texts, values

    return cells


DECISION_HOUSEHOLDS = (
    "Hushåll med minst ett signerat beslut för månaden (alla beslutstyper, även avslag). "
    "Kön är den sökandes."
)
SUPPORT_HOUSEHOLDS = (
    "Hushåll som har beviljats försörjningsstöd (mer än 0 kr) för månaden. Kön är den sökandes."
)


def households_table(stats: Stats) -> StatTable:
    return _period_table(
        stats,
        "households",
        "Beslutshushåll och bidragshushåll",
        "Beslutshushåll: " + DECISION_HOUSEHOLDS + " Bidragshushåll: " + SUPPORT_HOUSEHOLDS,
        _sex_columns("Beslutshushåll", DECISION_HOUSEHOLDS)
        + _sex_columns("Bidragshushåll", SUPPORT_HOUSEHOLDS),
        _sex_groups(lambda p: p.decision_households.total, lambda p: p.support_households.total),
    )


GRANTED = (
    "Beviljat ekonomiskt bistånd (försörjningsstöd, livsföring i övrigt och bistånd utöver "
    "rätten) i signerade beslut, för de månader biståndet gäller: ett beslut för flera "
    "månader fördelas på dem efter hur stor del av varje månad perioden täcker. Ersatta "
    "beslut räknas inte."
)
GRANTED_SUPPORT = "Den del av det beviljade som är försörjningsstöd."
PAID = (
    "Beviljat i beslut som är registrerade som verkställda (utbetalda), för de månader "
    "biståndet gäller. Beslut som ännu inte är verkställda räknas inte."
)
COST = "Beviljat försörjningsstöd delat med antalet bidragshushåll."


def money_table(stats: Stats) -> StatTable:
    def cells(p: Stats) -> tuple[list[str], list[Any]]:
        households = p.support_households.total.total
        return (
            [
                money_text(p.amount_granted),
                money_text(p.amount_granted_support),
                money_text(p.amount_paid),
                count_text(households),
                money_text(p.cost_per_support_household),
            ],
            [
                p.amount_granted,
                p.amount_granted_support,
                p.amount_paid,
                households,
                p.cost_per_support_household,
            ],
        )

    return _period_table(
        stats,
        "money",
        "Beviljat, utbetalt och kostnad per hushåll",
        "Beviljat: " + GRANTED + " Utbetalt: " + PAID + " Kostnad per bidragshushåll: " + COST,
        [
            StatColumn("Totalt", group="Beviljat", explanation=GRANTED),
            StatColumn("Försörjningsstöd", group="Beviljat", explanation=GRANTED_SUPPORT),
            StatColumn("Utbetalt", explanation=PAID),
            StatColumn("Bidragshushåll", explanation=SUPPORT_HOUSEHOLDS),
            StatColumn("Kostnad per bidragshushåll", explanation=COST),
        ],
        cells,
    )


def _of_type(code: str) -> Callable[[HouseholdCounts], SexCounts]:
    """The counts of one hushållstyp (a function per code, as a lambda in a loop sees the last)."""
    return lambda h: h.by_type.get(code, SexCounts())


def _type_rows(groups: Sequence[HouseholdCounts]) -> tuple[StatRow, ...]:
    """One row per hushållstyp, then barnfamiljer, ungdomshushåll and all households (bold),
    with kvinnor, män and totalt of each group of households side by side."""
    labels: list[tuple[str, Callable[[HouseholdCounts], SexCounts], bool]] = [
        (
            f"{code} {label}",
            _of_type(code),
            False,
        )
        for code, label in household_type.HOUSEHOLD_TYPES.items()
    ]
    labels += [
        ("Barnfamiljer", lambda h: h.with_children, False),
        ("Ungdomshushåll (sökande 18–24 år)", lambda h: h.young, False),
        ("Alla hushåll", lambda h: h.total, True),
    ]
    rows = []
    for position, (label, counts_of, summary) in enumerate(labels):
        texts: list[str] = []
        values: list[Any] = []
        for group in groups:
            t, v = _counts(counts_of(group))
            texts += t
            values += v
        rows.append(StatRow((label, *texts), (position, *values), summary))
    return tuple(rows)


TYPES = (
    "Socialstyrelsens hushållstyper (kod och benämning enligt variabelförteckningen för "
    "registret över ekonomiskt bistånd). Barnfamiljer: hushåll med barn under 18 år som bor "
    "där (umgängesbarn räknas inte). Ungdomshushåll: den sökande är 18–24 år."
)
TYPE_COLUMN = StatColumn("Hushållstyp", explanation="Socialstyrelsens kod och benämning.")


def _types_explanation(stats: Stats, last_month: str) -> str:
    """The types' explanation, and for a year which month's type a household is counted
    with (`last_month`: 'den sista månaden det ingick i gruppen')."""
    if isinstance(stats, YearStatistics):
        once = "Under helåret räknas varje hushåll en gång, med den typ det hade"
        return f"{TYPES} {once} {last_month}."
    return TYPES


def household_types_table(stats: Stats) -> StatTable:
    """By Socialstyrelsen's hushållstyp, with barnfamiljer and ungdomshushåll."""
    return StatTable(
        "household_types",
        f"Hushållstyp {period_title(stats)}",
        _types_explanation(stats, "den sista månaden det ingick i gruppen"),
        (
            TYPE_COLUMN,
            *_sex_columns("Beslutshushåll", DECISION_HOUSEHOLDS),
            *_sex_columns("Bidragshushåll", SUPPORT_HOUSEHOLDS),
        ),
        _type_rows([stats.decision_households, stats.support_households]),
    )


NEW = "Ärendet registrerades, eller öppnades igen efter avslut, under månaden."
CLOSED = "Ärendet fick status avslutat under månaden."


def new_and_closed_table(stats: Stats) -> StatTable:
    return _period_table(
        stats,
        "new_closed",
        "Nya och avslutade hushåll",
        "Nya hushåll: " + NEW + " Avslutade hushåll: " + CLOSED + " Kön är den sökandes.",
        _sex_columns("Nya hushåll", NEW) + _sex_columns("Avslutade hushåll", CLOSED),
        _sex_groups(lambda p: p.new_households.total, lambda p: p.closed_households.total),
    )


def new_and_closed_types_table(stats: Stats) -> StatTable:
    """New and closed households by hushållstyp, as household_types_table shows beslutshushåll
    and bidragshushåll: which kinds of household come and go."""
    return StatTable(
        "new_closed_types",
        f"Nya och avslutade hushåll efter hushållstyp {period_title(stats)}",
        _types_explanation(stats, "den sista månaden det var nytt respektive avslutades")
        + " Kön är den sökandes.",
        (
            TYPE_COLUMN,
            *_sex_columns("Nya hushåll", NEW),
            *_sex_columns("Avslutade hushåll", CLOSED),
        ),
        _type_rows([stats.new_households, stats.closed_households]),
    )


def _code_table(
    key: str,
    title: str,
    explanation: str,
    first: StatColumn,
    counts: dict[str, SexCounts],
    list_name: str,
    sum_label: str,
) -> StatTable:
    rows = []
    total = SexCounts()
    for position, (code, c) in enumerate(counts.items()):
        texts, values = _counts(c)
        rows.append(StatRow((code_lists.label(list_name, code), *texts), (position, *values)))
        total += c
    texts, values = _counts(total)
    rows.append(StatRow((sum_label, *texts), (len(rows), *values), summary=True))
    return StatTable(key, title, explanation, (first, *_sex_columns("")), tuple(rows))


def closing_reasons_table(stats: Stats) -> StatTable:
    return _code_table(
        "closing_reasons",
        f"Avslutsorsak {period_title(stats)}",
        "Avslutade hushåll efter orsak till avslutet. Kön är den sökandes.",
        StatColumn("Avslutsorsak"),
        stats.closing_reasons,
        code_lists.CLOSING_REASON,
        "Alla avslutade",
    )


def long_term_table(stats: Stats) -> StatTable:
    year = isinstance(stats, YearStatistics)
    return _period_table(
        stats,
        "long_term",
        "Långvarigt bistånd",
        "10 av 12 månader: bistånd 10–12 av de senaste 12 månaderna. 32 av 36 månader: "
        "bistånd minst 32 av de senaste 36 månaderna."
        + (
            " Helår: bistånd minst 10 av årets 12 månader, respektive 32 av de 36 månader "
            "som slutar med december."
            if year
            else ""
        )
        + " Kön är den sökandes.",
        _sex_columns("10 av 12 månader", LONG_TERM_12_TEXT)
        + _sex_columns("32 av 36 månader", LONG_TERM_36_TEXT),
        _sex_groups(lambda p: p.long_term_10_of_12.total, lambda p: p.long_term_32_of_36.total),
    )


def long_term_types_table(stats: Stats) -> StatTable:
    """Långvarigt bistånd by hushållstyp: which kinds of household stay long on bistånd."""
    return StatTable(
        "long_term_types",
        f"Långvarigt bistånd efter hushållstyp {period_title(stats)}",
        _types_explanation(stats, "den sista månaden med bistånd under året")
        + " 10 av 12 och 32 av 36 månader räknas som i tabellen Långvarigt bistånd."
        + " Kön är den sökandes.",
        (
            TYPE_COLUMN,
            *_sex_columns("10 av 12 månader", LONG_TERM_12_TEXT),
            *_sex_columns("32 av 36 månader", LONG_TERM_36_TEXT),
        ),
        _type_rows([stats.long_term_10_of_12, stats.long_term_32_of_36]),
    )


DURATION = (
    "Antal månader med försörjningsstöd hittills (all historik), i genomsnitt för månadens "
    "bidragshushåll."
)


def duration_table(stats: Stats) -> StatTable:
    def cells(p: Stats) -> tuple[list[str], list[Any]]:
        a: SexAverages = p.average_duration_months
        values = [a.women, a.men, a.total]
        return [decimal_text(v) for v in values], values

    return _period_table(
        stats,
        "duration",
        "Genomsnittlig varaktighet, månader",
        DURATION + " Kön är den sökandes.",
        _sex_columns("Månader i genomsnitt", DURATION),
        cells,
    )


def support_barriers_table(stats: Stats) -> StatTable:
    year = isinstance(stats, YearStatistics)
    return _code_table(
        "support_barriers",
        f"Försörjningshinder per vuxen {period_title(stats)}",
        "Vuxna (sökande och medsökande) med registrerat försörjningshinder, efter kön."
        + (
            " Under helåret räknas varje vuxen en gång per försörjningshinder; den som har haft "
            "två olika räknas under båda."
            if year
            else ""
        ),
        StatColumn("Försörjningshinder"),
        stats.support_barriers,
        code_lists.SUPPORT_BARRIER,
        "Alla registreringar",
    )


CHILD_DOCUMENTATION = (
    "Granskning av beslut som inte är fullt bifall i hushåll med barn (umgängesbarn "
    "inräknade). Ett barn namnges när beslutet har en bedömning för barnet eller hänvisar "
    "till en signerad barnkonsekvensanalys (BKA) med en del för barnet. Andelarna för BKA "
    "räknas på barnen med BKA. Under varje andel visar raden märkt (antal) hur många barn, "
    "respektive beslut, andelen avser."
)

COUNT_SUFFIX = " (antal)"
"""Marks the row with the count behind the share on the row above it ('Barnet namnges i
beslutet (antal)')."""


def child_documentation_table(stats: Stats) -> StatTable:
    d = stats.child_documentation

    number, in_per_cent = ValueKind.NUMBER, ValueKind.SHARE

    def counts(label: str, c: SexCounts) -> tuple[str, list[str], list[Any], ValueKind]:
        texts, values = _counts(c)
        return label, texts, values, number

    def shares(label: str, s: SexShares) -> tuple[str, list[str], list[Any], ValueKind]:
        values = [s.women, s.men, s.total]
        return label, [percent_text(v) for v in values], values, in_per_cent

    all_named = share(d.decisions_all_named, d.decisions)
    lines: list[tuple[str, list[str], list[Any], ValueKind]] = [
        (
            "Granskade beslut",
            ["", "", count_text(d.decisions)],
            [None, None, d.decisions],
            number,
        ),
        (
            "Beslut där alla barn namnges",
            ["", "", percent_text(all_named)],
            [None, None, all_named],
            in_per_cent,
        ),
        (
            "Beslut där alla barn namnges" + COUNT_SUFFIX,
            ["", "", count_text(d.decisions_all_named)],
            [None, None, d.decisions_all_named],
            number,
        ),
        counts("Barn i granskade beslut", d.children),
        shares("Barnet namnges i beslutet", d.named_share),
        counts("Barnet namnges i beslutet" + COUNT_SUFFIX, d.named),
        counts("Barn med barnkonsekvensanalys", d.with_bka),
        shares("BKA beskriver barnets situation", d.bka_situation_share),
        counts("BKA beskriver barnets situation" + COUNT_SUFFIX, d.bka_situation),
        shares("BKA beskriver barnets behov", d.bka_needs_share),
        counts("BKA beskriver barnets behov" + COUNT_SUFFIX, d.bka_needs),
        shares("BKA beskriver hur barnet påverkas", d.bka_consequences_share),
        counts("BKA beskriver hur barnet påverkas" + COUNT_SUFFIX, d.bka_consequences),
    ]
    return StatTable(
        "child_documentation",
        f"Barnens dokumentation {period_title(stats)}",
        CHILD_DOCUMENTATION,
        (StatColumn("Uppgift"), *_sex_columns("", titles=CHILD_TITLES)),
        tuple(
            StatRow((label, *texts), (position, *values), kind=kind)
            for position, (label, texts, values, kind) in enumerate(lines)
        ),
    )


SIP = "Signerade journalanteckningar av typen SIP (samordnad individuell plan) i månaden."
HOME_VISITS = "Signerade journalanteckningar av typen hembesök i månaden."


def events_table(stats: Stats) -> StatTable:
    def cells(p: Stats) -> tuple[list[str], list[Any]]:
        values = [
            p.sip.events,
            p.sip.households.women,
            p.sip.households.men,
            p.home_visits.events,
            p.home_visits.households.women,
            p.home_visits.households.men,
        ]
        return [count_text(v) for v in values], values

    households = "Hushåll med minst ett tillfälle, efter den sökandes kön."
    return _period_table(
        stats,
        "events",
        "SIP och hembesök",
        "SIP: " + SIP + " Hembesök: " + HOME_VISITS + " Hushåll efter den sökandes kön.",
        [
            StatColumn("Tillfällen", "SIP", SIP),
            StatColumn("Hushåll, kvinnor", "SIP", households),
            StatColumn("Hushåll, män", "SIP", households),
            StatColumn("Tillfällen", "Hembesök", HOME_VISITS),
            StatColumn("Hushåll, kvinnor", "Hembesök", households),
            StatColumn("Hushåll, män", "Hembesök", households),
        ],
        cells,
    )


RESPONSE = (
    "Första återkoppling på ansökningar som kom in under månaden. Målet är 24 timmar räknat "
    "på vardagar. Obesvarade ansökningar som ännu är inom tiden räknas inte in i andelen."
)


def _decision_text(target: int) -> str:
    return (
        "Dagar från det att ansökan kom in till beslut. Målet är "
        f"{target} dagar. Ansökningar utan beslut som ännu är inom målet räknas inte in i "
        "andelen."
    )


def times_table(stats: Stats) -> StatTable:
    target = stats.time_to_decision.target_days

    def cells(p: Stats) -> tuple[list[str], list[Any]]:
        r, t = p.first_response, p.time_to_decision
        return (
            [
                count_text(r.received),
                decimal_text(r.median_hours),
                percent_text(r.share_in_time),
                decimal_text(t.median_days, "#,##0.#"),
                percent_text(t.share_in_time),
            ],
            [r.received, r.median_hours, r.share_in_time, t.median_days, t.share_in_time],
        )

    return _period_table(
        stats,
        "times",
        "Tid till första återkoppling och till beslut",
        "Återkoppling: " + RESPONSE + " Beslut: " + _decision_text(target),
        [
            StatColumn("Ansökningar", explanation="Ansökningar som kom in under månaden."),
            StatColumn("Median, timmar", "Återkoppling", RESPONSE),
            StatColumn("Inom 24 timmar", "Återkoppling", RESPONSE, ValueKind.SHARE),
            StatColumn("Median, dagar", "Beslut", _decision_text(target)),
            StatColumn(f"Inom {target} dagar", "Beslut", _decision_text(target), ValueKind.SHARE),
        ],
        cells,
    )


ANSWERED = (
    "Ansökningar som kom in under månaden och har fått sin första återkoppling, och av dem de "
    "som fick den inom 24 timmar räknat på vardagar."
)


def _decided_text(target: int) -> str:
    return (
        "Ansökningar som kom in under månaden och har fått beslut, och av dem de som fick det "
        f"inom målet {target} dagar."
    )


def times_counts_table(stats: Stats) -> StatTable:
    """The counts behind the shares of times_table: how many applications were answered and
    decided, how many of them in time, and the target the decisions are measured against."""
    target = stats.time_to_decision.target_days

    def cells(p: Stats) -> tuple[list[str], list[Any]]:
        r, t = p.first_response, p.time_to_decision
        values = [
            r.received,
            r.answered,
            r.answered_in_time,
            t.decided,
            t.decided_in_time,
            t.target_days,
        ]
        return [count_text(v) for v in values], values

    return _period_table(
        stats,
        "times_counts",
        "Besvarade och beslutade ansökningar",
        "Antalen bakom andelarna i tabellen ovan. Återkoppling: "
        + ANSWERED
        + " Beslut: "
        + _decided_text(target),
        [
            StatColumn("Inkomna ansökningar", explanation="Ansökningar som kom in under månaden."),
            StatColumn("Besvarade", "Återkoppling", ANSWERED),
            StatColumn("Inom 24 timmar", "Återkoppling", ANSWERED),
            StatColumn("Beslutade", "Beslut", _decided_text(target)),
            StatColumn(f"Inom {target} dagar", "Beslut", _decided_text(target)),
            StatColumn("Mål, dagar", "Beslut", "Målet för tiden från ansökan till beslut."),
        ],
        cells,
    )


# --- överklaganden ---------------------------------------------------------------------------
SPLIT_GROUPS = (
    ("Kvinnor", "Sökandens kön"),
    ("Män", "Sökandens kön"),
    ("Med barn", "Barn i hushållet"),
    ("Utan barn", "Barn i hushållet"),
)
SPLIT_TEXT = (
    "Kön är den sökandes. Med barn: ett barn (umgängesbarn inräknade) hörde till hushållet "
    "under det överklagade beslutets period."
)


def _split_columns() -> list[StatColumn]:
    return [StatColumn(title, group, SPLIT_TEXT) for title, group in SPLIT_GROUPS] + [
        StatColumn("Totalt")
    ]


def _split(c: Any) -> tuple[list[str], list[Any]]:
    """A Split (appeal_statistics): kvinnor, män, med barn, utan barn, totalt."""
    values = [c.women, c.men, c.with_children, c.without_children, c.total]
    return [count_text(v) for v in values], values


APPEALS = (
    "Inkomna: överklaganden som kom in till nämnden under perioden; av dem de som avvisats "
    "som för sent inkomna och de som återkallats. Omprövade: överklaganden som omprövades "
    "under perioden; ändrade helt eller delvis, och andelen ändrade av de omprövade. "
) + SPLIT_TEXT


def appeals_table(stats: Stats) -> StatTable | None:
    a = stats.appeals
    if a is None:
        return None
    lines: list[tuple[str, Any, bool]] = [
        ("Inkomna överklaganden", a.received, True),
        ("Avvisade som för sent inkomna", a.dismissed_late, False),
        ("Återkallade", a.withdrawn, False),
        ("Omprövade", a.reconsidered, True),
        ("Ändrade vid omprövning (helt eller delvis)", a.changed, False),
        ("Varav ändrade helt", a.changed_fully, False),
    ]
    rows = []
    for position, (label, counts, summary) in enumerate(lines):
        texts, values = _split(counts)
        rows.append(StatRow((label, *texts), (position, *values), summary))
    shares = [
        share(a.changed.women, a.reconsidered.women),
        share(a.changed.men, a.reconsidered.men),
        share(a.changed.with_children, a.reconsidered.with_children),
        share(a.changed.without_children, a.reconsidered.without_children),
        a.changed_share,
    ]
    rows.append(
        StatRow(
            ("Andel ändrade av de omprövade", *(percent_text(v) for v in shares)),
            (len(rows), *shares),
            kind=ValueKind.SHARE,
        )
    )
    return StatTable(
        "appeals",
        f"Överklaganden och omprövning {period_title(stats)}",
        APPEALS,
        (StatColumn("Uppgift"), *_split_columns()),
        tuple(rows),
    )


RULINGS = (
    "Domar och beslut som domstolen meddelade under perioden, efter utfall. Överklagat av: "
    "vem som förde ärendet till domstolen. Andel: av instansens alla domar. "
) + SPLIT_TEXT


def rulings_table(stats: Stats, instance: str) -> StatTable | None:
    """One court instance's rulings by outcome, as seed 001 reports them."""
    a = stats.appeals
    if a is None:
        return None
    found = a.rulings[instance]
    total = a.instance_totals[instance]
    columns = (
        StatColumn("Utfall"),
        StatColumn("Den enskilde", "Överklagat av", RULINGS),
        StatColumn("Nämnden", "Överklagat av", RULINGS),
        StatColumn("Kvinnor", "Sökandens kön", SPLIT_TEXT),
        StatColumn("Män", "Sökandens kön", SPLIT_TEXT),
        StatColumn("Med barn", explanation=SPLIT_TEXT),
        StatColumn("Totalt"),
        StatColumn("Andel", kind=ValueKind.SHARE, explanation="Andel av instansens domar."),
    )
    rows = []
    lines = [(RulingOutcome(o).label, c, False) for o, c in found.items()]
    lines.append(("Alla domar", total, True))
    for position, (label, counts, summary) in enumerate(lines):
        c = counts.total
        values = [c.women, c.men, c.with_children, c.total]  # utan barn: totalt - med barn
        texts = [count_text(v) for v in values]
        part = share(counts.total.total, total.total.total)
        rows.append(
            StatRow(
                (
                    label,
                    count_text(counts.appealed_by_applicant),
                    count_text(counts.appealed_by_board),
                    *texts,
                    percent_text(part),
                ),
                (position, counts.appealed_by_applicant, counts.appealed_by_board, *values, part),
                summary,
            )
        )
    name = CourtInstance(instance).label
    return StatTable(
        f"rulings_{instance}",
        f"Domar i {name[0].lower()}{name[1:]} {period_title(stats)}",
        RULINGS,
        columns,
        tuple(rows),
    )


RULINGS_PER_MONTH = (
    "Domar och beslut i alla instanser, efter den månad de meddelades. Ej PT: kammarrätten "
    "eller Högsta förvaltningsdomstolen meddelade inte prövningstillstånd, så att den lägre "
    "instansens dom står fast."
)
SHORT_OUTCOME = {RulingOutcome.LEAVE_REFUSED.value: "Ej PT"}
"""Column titles: the long outcome is explained in the table's text."""


def rulings_per_month_table(stats: Stats) -> StatTable | None:
    """The months down (and the year), the outcomes across: the courts' rulings over time."""
    a = stats.appeals
    if a is None:
        return None
    rows = []
    for position, m in enumerate(a.months):
        values = [*m.by_outcome.values(), m.total]
        label = month_label(m.month) if len(a.months) > 1 else month_name(m.month).capitalize()
        texts = [count_text(v) for v in values]
        rows.append(StatRow((label, *texts), (position, *values)))
    if len(a.months) > 1:
        sums = [sum(m.by_outcome[o.value] for m in a.months) for o in RulingOutcome]
        values = [*sums, sum(sums)]
        texts = [count_text(v) for v in values]
        rows.append(StatRow((f"Helår {a.first.year}", *texts), (len(rows), *values), True))
    return StatTable(
        "rulings_months",
        f"Domar per månad {period_title(stats)}",
        RULINGS_PER_MONTH,
        (
            StatColumn("Månad"),
            *(
                StatColumn(SHORT_OUTCOME.get(o.value, o.label), "Utfall", RULINGS_PER_MONTH)
                for o in RulingOutcome
            ),
            StatColumn("Alla domar"),
        ),
        tuple(rows),
    )


# --- synpunkter och klagomål -------------------------------------------------------------
COMPLAINTS = (
    "Synpunkter som kom in under perioden. Besvarade: ett signerat svar finns; dagar från det "
    "att synpunkten kom in till att svaret signerades. Obesvarade: svar önskas men har inte "
    "skickats. Svar önskas inte: den som lämnade synpunkten vill inte ha svar eller har inte "
    "lämnat någon adress."
)


def complaints_table(stats: Stats) -> StatTable | None:
    """The figures down, the kinds across (and all synpunkter)."""
    c = stats.complaints
    if c is None:
        return None
    groups = [*c.by_kind.values(), c.total]

    def days(value: int | None) -> str:
        return NONE if value is None else count_text(value)

    lines: list[tuple[str, Callable[[Any], Any], Callable[[Any], str], bool]] = [
        ("Inkomna", lambda k: k.received, count_text, True),
        ("Besvarade", lambda k: k.answered, count_text, False),
        ("Obesvarade", lambda k: k.unanswered, count_text, False),
        ("Svar önskas inte", lambda k: k.no_answer_wanted, count_text, False),
        ("Lex Sarah-rapporter", lambda k: k.lex_sarah_reported, count_text, False),
        (
            "Dagar till svar, median",
            lambda k: k.median_days_to_answer,
            lambda v: decimal_text(v, "#,##0.#"),
            False,
        ),
        ("Dagar till svar, längsta", lambda k: k.longest_days_to_answer, days, False),
    ]
    rows = []
    for position, (label, value_of, text_of, summary) in enumerate(lines):
        values = [value_of(k) for k in groups]
        rows.append(StatRow((label, *(text_of(v) for v in values)), (position, *values), summary))
    return StatTable(
        "complaints",
        f"Synpunkter och klagomål {period_title(stats)}",
        COMPLAINTS,
        (
            StatColumn("Uppgift"),
            *(StatColumn(FeedbackKind(k).label, "Slag", COMPLAINTS) for k in c.by_kind),
            StatColumn("Alla synpunkter"),
        ),
        tuple(rows),
    )


def _kind_table(
    key: str, title: str, explanation: str, first: str, found: dict, label_of
) -> StatTable:
    rows = []
    for position, (code, by_kind) in enumerate(found.items()):
        values = list(by_kind.values())
        rows.append(
            StatRow((label_of(code), *(count_text(v) for v in values)), (position, *values))
        )
    return StatTable(
        key,
        title,
        explanation,
        (
            StatColumn(first),
            *(StatColumn(k.label, "Slag") for k in FeedbackKind),
            StatColumn("Totalt"),
        ),
        tuple(rows),
    )


THEMES_TEXT = (
    "Synpunkter som kom in under perioden, efter tema. En synpunkt med två teman räknas under "
    "båda, så temana kan tillsammans bli fler än synpunkterna."
)


def complaint_themes_table(stats: Stats) -> StatTable | None:
    c = stats.complaints
    if c is None:
        return None
    return _kind_table(
        "complaint_themes",
        f"Synpunkter efter tema {period_title(stats)} (en synpunkt med flera teman räknas "
        "under vart och ett)",
        THEMES_TEXT,
        "Tema",
        c.themes,
        theme_label,
    )


def complaint_via_table(stats: Stats) -> StatTable | None:
    c = stats.complaints
    if c is None:
        return None
    return _kind_table(
        "complaint_via",
        f"Synpunkter efter hur de kom in {period_title(stats)}",
        "Synpunkter som kom in under perioden, efter hur de lämnades.",
        "Inkommit via",
        c.received_via,
        lambda code: ReceivedVia(code).label,
    )


# --- förslag från e-ansökan -----------------------------------------------------------------
PROPOSALS = (
    "Beslut som signerades under perioden och som utgick från ett förslag från e-ansökan "
    "(kostnader från ansökan, inkomster från registren). Oförändrade: normår, poster och "
    "inkomster signerades som de föreslogs. Visar hur långt förslagen räcker; handläggaren "
    "bedömer och signerar alltid själv."
)


def proposals_table(stats: Stats) -> StatTable | None:
    """The months down (and the year), signed and unchanged across."""
    p = stats.proposals
    if p is None or not p.has_data:
        return None
    lines = [
        (month_label(m.month) if len(p.months) > 1 else month_name(m.month).capitalize(), m.counts)
        for m in p.months
    ]
    if len(p.months) > 1:
        lines.append((f"Helår {p.first.year}", p.total))
    rows = []
    for position, (label, counts) in enumerate(lines):
        values = [counts.signed, counts.unchanged, counts.share]
        texts = [
            count_text(counts.signed),
            count_text(counts.unchanged),
            percent_text(counts.share),
        ]
        rows.append(
            StatRow((label, *texts), (position, *values), summary=label.startswith("Helår"))
        )
    return StatTable(
        "proposals",
        f"{PROPOSALS_LABEL} {period_title(stats)}: {proposal_counts_text(p.total)}",
        PROPOSALS,
        (
            StatColumn("Månad"),
            StatColumn("Signerade", explanation=PROPOSALS),
            StatColumn("Varav oförändrade", explanation=PROPOSALS),
            StatColumn("Andel oförändrade", explanation=PROPOSALS, kind=ValueKind.SHARE),
        ),
        tuple(rows),
    )


def after_decision_tables(stats: Stats) -> list[StatTable]:
    """Överklaganden, synpunkter and förslag från e-ansökan (none for the months of a year)."""
    made = [
        appeals_table(stats),
        *(rulings_table(stats, i) for i in ("forvaltningsratten", "kammarratten", "hfd")),
        rulings_per_month_table(stats),
        complaints_table(stats),
        complaint_themes_table(stats),
        complaint_via_table(stats),
        proposals_table(stats),
    ]
    return [t for t in made if t is not None]


def all_tables(stats: Stats) -> list[StatTable]:
    """Every table, in the order the report, the view and the CSV file show them."""
    return [
        households_table(stats),
        money_table(stats),
        household_types_table(stats),
        new_and_closed_table(stats),
        new_and_closed_types_table(stats),
        closing_reasons_table(stats),
        long_term_table(stats),
        long_term_types_table(stats),
        duration_table(stats),
        support_barriers_table(stats),
        child_documentation_table(stats),
        events_table(stats),
        times_table(stats),
        times_counts_table(stats),
        *after_decision_tables(stats),
    ]


# --- chart data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChartSeries:
    name: str
    values: tuple[float, ...]
    colour: str


@dataclass(frozen=True)
class ChartData:
    title: str
    categories: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    unit: str = ""
    """'kr' for amounts, '' for counts."""


WOMEN_COLOUR = "#7b3f8c"
MEN_COLOUR = "#2f7d6d"
WOMEN_LIGHT = "#c9a3d4"
MEN_LIGHT = "#9fd0c4"
AMOUNT_COLOUR = "#35608f"
PAID_COLOUR = "#9db8d6"
"""A lighter shade of AMOUNT_COLOUR: utbetalt is part of beviljat."""


def _month_categories(stats: Stats) -> tuple[str, ...]:
    if isinstance(stats, YearStatistics):
        return tuple(
            format_date(m.month, format="LLL", locale=LOCALE).rstrip(".") for m in stats.months
        )
    return (month_name(stats.month),)


def _months(stats: Stats) -> list[MonthStatistics]:
    return list(stats.months) if isinstance(stats, YearStatistics) else [stats]


def households_chart(stats: Stats) -> ChartData:
    """Beslutshushåll and bidragshushåll per month, by the sökande's sex. A single month:
    the two groups side by side, women and men."""
    if isinstance(stats, MonthStatistics):
        groups = (stats.decision_households.total, stats.support_households.total)
        return ChartData(
            f"Beslutshushåll och bidragshushåll {period_title(stats)}",
            ("Beslutshushåll", "Bidragshushåll"),
            (
                ChartSeries("Kvinnor", tuple(c.women for c in groups), WOMEN_COLOUR),
                ChartSeries("Män", tuple(c.men for c in groups), MEN_COLOUR),
            ),
        )
    months = _months(stats)
    return ChartData(
        "Beslutshushåll och bidragshushåll per månad",
        _month_categories(stats),
        (
            ChartSeries(
                "Beslutshushåll, kvinnor",
                tuple(m.decision_households.total.women for m in months),
                WOMEN_COLOUR,
            ),
            ChartSeries(
                "Beslutshushåll, män",
                tuple(m.decision_households.total.men for m in months),
                MEN_COLOUR,
            ),
            ChartSeries(
                "Bidragshushåll, kvinnor",
                tuple(m.support_households.total.women for m in months),
                WOMEN_LIGHT,
            ),
            ChartSeries(
                "Bidragshushåll, män",
                tuple(m.support_households.total.men for m in months),
                MEN_LIGHT,
            ),
        ),
    )


def amounts_chart(stats: Stats) -> ChartData:
    months = _months(stats)
    return ChartData(
        "Beviljat och utbetalt per månad",
        _month_categories(stats),
        (
            ChartSeries("Beviljat", tuple(float(m.amount_granted) for m in months), AMOUNT_COLOUR),
            ChartSeries("Utbetalt", tuple(float(m.amount_paid) for m in months), PAID_COLOUR),
        ),
        unit="kr",
    )


def support_barriers_chart(stats: Stats) -> ChartData:
    """The försörjningshinder registered for anyone in the period, by sex."""
    found = [(code, c) for code, c in stats.support_barriers.items() if c.total]
    return ChartData(
        f"Försörjningshinder per vuxen {period_title(stats)}",
        tuple(code_lists.label(code_lists.SUPPORT_BARRIER, code) for code, _c in found),
        (
            ChartSeries("Kvinnor", tuple(c.women for _code, c in found), WOMEN_COLOUR),
            ChartSeries("Män", tuple(c.men for _code, c in found), MEN_COLOUR),
        ),
    )


def nice_ticks(maximum: float, count: int = 5) -> list[float]:
    """Round axis values from 0 to at least `maximum` (1, 2 or 5 times a power of ten apart)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    power = 10 ** len(str(int(raw))) / 10 if raw >= 1 else 1.0
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    step = max(step, 1.0)
    ticks = [0.0]
    while ticks[-1] < maximum:
        ticks.append(ticks[-1] + step)
    return ticks


def axis_text(value: float, unit: str = "") -> str:
    """Axis labels: whole numbers with Swedish grouping ('250 000 kr')."""
    text = count_text(round(value))
    return f"{text}\xa0{unit}" if unit else text
