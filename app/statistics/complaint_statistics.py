"""Statistics of synpunkter och klagomål for a unit and a period of whole months (a month or a
calendar year, as statistics.py): what seed 001 reports in its chapter 12, "Synpunkter".

Definitions:
- The unit is the complaint's unit (Complaint.unit_id); all units when none is given.
- Every figure is of the synpunkter whose received_on is in the period, as they stand when
  asked, per kind (klagomål, beröm, förslag) and for all of them.
- Teman: a synpunkt counts once under each of its themes (the 'klagomalstema' code list), so
  one with two themes counts under both and the themes add up to more than the synpunkter;
  one without a theme counts under "Utan tema".
- Inkommit via: the way it was received (blankett, brev, e-post, webb, telefon, besök).
- Lex Sarah-rapporter: those reported to the designated function (lex_sarah_reported_on set).
- Besvarade: those with a signed letter of kind svar_synpunkt; the days to the answer are
  from received_on to the Swedish date of the first signed answer's signing, their median
  and the longest. Obesvarade: not answered although the sender wants an answer and gave an
  address for it; the others without an answer (the sender wants none, or is anonymous
  without an address) are "svar önskas inte".
- Only counts and days: never names, addresses or free text.

On the shared PostgreSQL server an administrator's or a chef's own login reads the same rows
through the server (`arendestod_complaint_statistics`, migration 0044).
"""

from __future__ import annotations

import json
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from app.common import clock, code_lists
from app.common.periods import month_end, month_start
from app.models.complaint import Complaint, FeedbackKind, ReceivedVia
from app.models.letter import Letter, LetterKind
from app.statistics.appeal_statistics import server_role

THEME_LIST = "klagomalstema"
THEMES: dict[str, str] = {
    "tillganglighet": "Tillgänglighet",
    "inflytande": "Inflytande",
    "bemotande": "Bemötande",
    "kompetens": "Kompetens",
    "rattssakerhet": "Rättssäkerhet",
    "annat": "Annat",
    "berom": "Beröm",
}
"""The 'klagomalstema' codes (seed 001) in the order shown; their labels are the code list's
when it holds them (resources/code_lists.json)."""
NO_THEME = "utan_tema"
TOTAL = "totalt"


def theme_label(code: str) -> str:
    if code == NO_THEME:
        return "Utan tema"
    try:
        found = code_lists.label(THEME_LIST, code)
    except KeyError:  # the list not (yet) in resources/code_lists.json
        found = code
    return found if found != code else THEMES.get(code, code)


@dataclass(frozen=True)
class ComplaintCounts:
    """The synpunkter of one kind (or all), received in the period."""

    received: int = 0
    lex_sarah_reported: int = 0
    answered: int = 0
    unanswered: int = 0
    """No signed answer, and the sender wants one (and gave an address for it)."""
    no_answer_wanted: int = 0
    """No signed answer, and the sender wants none or gave no address for it."""
    median_days_to_answer: Decimal | None = None
    longest_days_to_answer: int | None = None


@dataclass(frozen=True)
class ComplaintStatistics:
    first: date
    last: date
    by_kind: dict[str, ComplaintCounts]
    """FeedbackKind value -> counts (every kind)."""
    total: ComplaintCounts
    themes: dict[str, dict[str, int]]
    """Theme code ('' for none) -> FeedbackKind value or 'totalt' -> synpunkter."""
    received_via: dict[str, dict[str, int]]
    """ReceivedVia value -> FeedbackKind value or 'totalt' -> synpunkter."""

    @property
    def has_data(self) -> bool:
        return self.total.received > 0


def median(values: Sequence[int]) -> Decimal | None:
    if not values:
        return None
    ordered = sorted(values)
    n = len(ordered)
    return Decimal(ordered[(n - 1) // 2] + ordered[n // 2]) / 2


def _counts(rows: list[tuple[bool, bool, int | None]]) -> ComplaintCounts:
    """rows: (lex Sarah reported, wants an answer, days to the answer or None)."""
    days = [d for _lex, _wants, d in rows if d is not None]
    return ComplaintCounts(
        received=len(rows),
        lex_sarah_reported=sum(1 for lex, _w, _d in rows if lex),
        answered=len(days),
        unanswered=sum(1 for _l, wants, d in rows if d is None and wants),
        no_answer_wanted=sum(1 for _l, wants, d in rows if d is None and not wants),
        median_days_to_answer=median(days),
        longest_days_to_answer=max(days) if days else None,
    )


def _themes_of(text: str) -> list[str]:
    try:
        found = json.loads(text or "[]")
    except ValueError:
        return [NO_THEME]
    codes = [str(c) for c in found] if isinstance(found, list) else []
    return list(dict.fromkeys(codes)) or [NO_THEME]


def compute(
    session: Session, months: Sequence[date], unit_id: uuid.UUID | None
) -> ComplaintStatistics:
    """The figures of the months `months` for `unit_id` (None: all units). Access is the
    caller's (statistics.require_statistics_access)."""
    first, last = month_start(months[0]), month_end(months[-1])
    answers = (
        select(Letter.complaint_id, func.min(Letter.signed_at).label("answered_at"))
        .where(Letter.kind == LetterKind.COMPLAINT_ANSWER)
        .where(Letter.signed_at.is_not(None))
        .where(Letter.complaint_id.is_not(None))
        .group_by(Letter.complaint_id)
        .subquery()
    )
    stmt = (
        select(
            Complaint.kind,
            Complaint.received_on,
            Complaint.received_via,
            Complaint.themes,
            and_(Complaint.wants_answer, Complaint.sender_address != "").label("wants"),
            Complaint.lex_sarah_reported_on.is_not(None).label("lex_sarah"),
            answers.c.answered_at,
        )
        .outerjoin(answers, answers.c.complaint_id == Complaint.id)
        .where(Complaint.received_on >= first, Complaint.received_on <= last)
    )
    if unit_id is not None:
        stmt = stmt.where(Complaint.unit_id == unit_id)
    if server_role(session) in ("administrator", "chef"):
        # for an administrator's or a chef's own login the server reads them (migration
        # 0044): the rows as this statement gives them, whatever row-level security hides
        function = func.arendestod_complaint_statistics(first, last, unit_id).table_valued(
            "r_kind",
            "r_received_on",
            "r_received_via",
            "r_themes",
            "r_wants",
            "r_lex_sarah",
            "r_answered_at",
        )
        rows = list(session.execute(select(function)))
    else:
        rows = list(session.execute(stmt))
    per_kind: dict[str, list[tuple[bool, bool, int | None]]] = {k.value: [] for k in FeedbackKind}
    themes: dict[str, Counter[str]] = {code: Counter() for code in THEMES}
    via: dict[str, Counter[str]] = {v.value: Counter() for v in ReceivedVia}
    for kind_value, received_on, received_via, theme_codes, wants, lex_sarah, answered_at in rows:
        kind = FeedbackKind(kind_value).value
        days = None
        if answered_at is not None:
            answered_on = answered_at.astimezone(clock.STOCKHOLM).date()
            days = (answered_on - received_on).days
        per_kind[kind].append((bool(lex_sarah), bool(wants), days))
        for theme in _themes_of(theme_codes):
            themes.setdefault(theme, Counter())[kind] += 1
        via[ReceivedVia(received_via).value][kind] += 1

    def with_total(found: Counter[str]) -> dict[str, int]:
        by = {k.value: found[k.value] for k in FeedbackKind}
        return {**by, TOTAL: sum(by.values())}

    every = [r for rows in per_kind.values() for r in rows]
    return ComplaintStatistics(
        first=first,
        last=last,
        by_kind={kind: _counts(rows) for kind, rows in per_kind.items()},
        total=_counts(every),
        themes={code: with_total(found) for code, found in themes.items()},
        received_via={code: with_total(found) for code, found in via.items()},
    )
