"""One search field: personnummer in any common spelling, name, or case number.

Every query shape is answered from an index (personnummer unique index, name-key range
scans, case-number unique index) so a search stays far below 50 ms on 100k households.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from app.models import Case, CaseStatus, HouseholdMember, MemberRole, Person, Role, User
from app.services import audit
from app.services.actor import Actor
from app.services.identity_number import (
    InvalidIdentityNumber,
    format_identity_number,
    parse_identity_number,
)
from app.services.text_input import search_key

MAX_HITS = 200
# "EB-2026-000123", "eb 2026 123" or "2026-123"
# (a personnummer never has 4 digits before its hyphen)
_CASE_NUMBER = re.compile(r"^(?:EB[\s-]*(\d{4})[\s-]*(\d{1,6})|(\d{4})-(\d{1,6}))$", re.IGNORECASE)
_DIGITS = re.compile(r"^[\d\s+-]+$")


@dataclass(frozen=True)
class SearchHit:
    case_id: uuid.UUID
    case_number: str
    status: CaseStatus
    person_id: uuid.UUID
    person_name: str
    personal_number: str  # display form ÅÅÅÅMMDD-NNNN
    role: MemberRole
    responsible_name: str


@dataclass(frozen=True)
class SearchResult:
    hits: list[SearchHit]
    message: str = ""
    """Why nothing was found, or a hint on how to search; empty when hits speak for themselves."""
    truncated: bool = False


def _prefix_range(column, prefix: str):
    """`column LIKE 'prefix%'` written as a range, which every database answers from an index."""
    return and_(column >= prefix, column < prefix + "\U0010ffff")


def _person_filter(query: str):
    """Build the WHERE clause on Person for the query, or return a message for the user."""
    text = query.strip()
    if _DIGITS.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) in (10, 12):
            try:
                number = parse_identity_number(text)
            except InvalidIdentityNumber as exc:
                return None, f"{exc} Sökningen gav inga träffar."
            return Person.personal_number == number.digits, ""
        if len(digits) == 8:
            return _prefix_range(Person.personal_number, digits), ""
        if len(digits) == 6:
            return or_(
                _prefix_range(Person.personal_number, "19" + digits),
                _prefix_range(Person.personal_number, "20" + digits),
            ), ""
        return (
            None,
            "Skriv hela personnumret, födelsedatumet (ÅÅMMDD), ett namn eller ett ärendenummer.",
        )
    tokens = [t for t in search_key(text).replace("-", " ").split() if t]
    if not tokens:
        return None, "Skriv ett namn, ett personnummer eller ett ärendenummer."
    clauses = [
        or_(_prefix_range(Person.first_name_key, tok), _prefix_range(Person.last_name_key, tok))
        for tok in tokens
    ]
    return and_(*clauses), ""


def search(session: Session, actor: Actor, query: str) -> SearchResult:
    """Find cases by personnummer, name or case number, limited to what the actor may read."""
    if actor.role is Role.ADMINISTRATOR:
        return SearchResult([], "Administratörer har inte tillgång till ärendeinnehåll.")
    # Control characters and lone surrogates (pasted junk) would make the database driver
    # fail (UTF-8 encoding; NUL on PostgreSQL): they separate words like a space.
    text = "".join(
        " " if unicodedata.category(ch) in ("Cc", "Cs") else ch for ch in (query or "")
    ).strip()[:100]
    if not text:
        return SearchResult([], "")
    stmt = (
        select(Case, Person, HouseholdMember.role, User.full_name)
        .join(HouseholdMember, HouseholdMember.household_id == Case.household_id)
        .join(Person, Person.id == HouseholdMember.person_id)
        .outerjoin(User, User.id == Case.responsible_user_id)
        .where(Case.unit_id == actor.unit_id)
    )
    match = _CASE_NUMBER.match(text)
    if match:
        year, number = match.group(1) or match.group(3), match.group(2) or match.group(4)
        stmt = stmt.where(Case.case_number == f"EB-{year}-{int(number):06d}").where(
            HouseholdMember.role == MemberRole.APPLICANT
        )
        message = ""
    else:
        where, message = _person_filter(text)
        if where is None:
            return SearchResult([], message)
        stmt = stmt.where(where)
    rows = session.execute(
        stmt.order_by(
            Case.status == CaseStatus.CLOSED,
            Person.last_name_key,
            Person.first_name_key,
            Case.case_number,
        ).limit(MAX_HITS + 1)
    ).all()
    truncated = len(rows) > MAX_HITS
    rows = rows[:MAX_HITS]
    protected_households = _households_with_protected_members(
        session, {case.household_id for case, *_ in rows}
    )
    hits = []
    for case, person, role, responsible_name in rows:
        if (
            case.household_id in protected_households
            and not actor.is_manager
            and case.responsible_user_id != actor.id
        ):
            continue
        hits.append(
            SearchHit(
                case.id,
                case.case_number,
                case.status,
                person.id,
                person.full_name,
                format_identity_number(person.personal_number),
                role,
                responsible_name or "Ej tilldelad",
            )
        )
    audit.record(
        session,
        actor,
        audit.Action.SEARCH,
        "search",
        detail=f"{len(hits)} träffar för sökning ({len(text)} tecken)",
    )
    for person_id in {h.person_id for h in hits[:50]}:
        audit.record(session, actor, audit.Action.SEARCH, "person", person_id=person_id)
    if not hits and not message:
        message = f"Inga ärenden hittades för ”{text}”."
    return SearchResult(hits, message, truncated)


def _households_with_protected_members(session: Session, household_ids: set[uuid.UUID]) -> set:
    if not household_ids:
        return set()
    return set(
        session.scalars(
            select(HouseholdMember.household_id)
            .join(Person, Person.id == HouseholdMember.person_id)
            .where(HouseholdMember.household_id.in_(household_ids))
            .where(Person.protected_identity.is_(True))
        )
    )
