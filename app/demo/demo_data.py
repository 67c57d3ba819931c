"""Fictional demo data: households, cases and two years of journal, fast enough for 100k.

Every person is invented: names are drawn from common Swedish and immigrant first names and
surnames, and personnummer are generated to pass the check digit. Household types follow the
proportions of the bidragshushåll table in seed 001 (2011): ensamstående kvinna/man utan barn
1 114 / 1 653, med barn 794 / 251, sambo utan barn 213, med barn 678.

Rows go in through bulk INSERTs (not the per-row service path) because a benchmark database of
100k households must be built in about a minute; the same rules are respected (valid codes,
signed journal entries carry a content hash).
"""

from __future__ import annotations

import hashlib
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from app.common import clock, code_lists, periods
from app.common.codes import JournalType, PlanKind
from app.common.identity_number import age_on, with_check_digit
from app.common.text_input import search_key
from app.deadlines import application_facts
from app.decisions import decisions
from app.decisions.decisions import DecisionLetter
from app.demo import demo_after_decision, demo_intake
from app.demo.demo_decisions import DemoPerson, decisions_for_case
from app.demo.demo_forms import DemoForms
from app.journal.journal import hash_content
from app.models import (
    Application,
    AuditEntry,
    Base,
    Case,
    CaseNumberSeries,
    CaseStatus,
    CaseStatusChange,
    Decision,
    DecisionItem,
    DecisionKind,
    Delegation,
    DelegationScope,
    FollowUpTask,
    FormInstance,
    Household,
    HouseholdMember,
    JournalEntry,
    MemberRole,
    Person,
    Plan,
    PlanItem,
    Role,
    SupportBarrier,
    Unit,
    User,
)
from app.security.accounts import hash_password
from app.security.actor import Actor
from app.statistics import facts

DEMO_PASSWORD = "demo-demo-2026"
"""Password of every demo account (shown in the first-run dialog and README)."""
DEMO_MUNICIPALITY_CODE = "0180"
"""A kommunkod of the right form (Stockholm's) for the fictional Exempelstad: the individual
data export needs one."""

FEMALE_NAMES = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Emma",
    "Fatima",
    "Amina",
    "Linnea",
    "Elin",
    "Johanna",
    "Sofia",
    "Hanna",
    "Ida",
    "Leila",
    "Nour",
    "Maja",
    "Alva",
    "Ebba",
    "Selma",
    "Ingrid",
    "Aisha",
    "Zeynep",
    "Tove",
    "Julia",
    "Agnes",
    "Meron",
    "Hawa",
    "Ronja",
    "Vera",
]
MALE_NAMES = [
    "Erik",
    "Lars",
    "Karl",
    "Johan",
    "Anders",
    "Mohammed",
    "Ali",
    "Omar",
    "Ahmed",
    "Oskar",
    "Lucas",
    "William",
    "Hugo",
    "Elias",
    "Adam",
    "Yusuf",
    "Noah",
    "Liam",
    "Viktor",
    "Filip",
    "Samir",
    "Daniel",
    "Mattias",
    "Tobias",
    "Emil",
    "Hassan",
    "Abdi",
    "Kevin",
    "Leo",
    "Arvid",
]
SURNAMES = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindström",
    "Åberg",
    "Öberg",
    "Hassan",
    "Mohamed",
    "Ali",
    "Yilmaz",
    "Nguyen",
    "Kowalski",
    "Ahmadi",
    "Hussein",
    "Abdullahi",
    "Lindqvist",
    "Holm",
    "Sjöberg",
    "Ek",
    "Björk",
    "Forsberg",
    "Berglund",
    "Sandberg",
    "Lundgren",
    "Mäkinen",
    "Petrović",
    "Haddad",
]
STREETS = [
    "Storgatan",
    "Kvarngatan",
    "Skolvägen",
    "Björkvägen",
    "Industrigatan",
    "Ängsvägen",
    "Parkgatan",
    "Hamngatan",
    "Kyrkogatan",
    "Lärkvägen",
]
HOUSEHOLD_TYPES: list[tuple[str, int]] = [
    ("kvinna_utan_barn", 1114),
    ("man_utan_barn", 1653),
    ("kvinna_med_barn", 794),
    ("man_med_barn", 251),
    ("sambo_utan_barn", 213),
    ("sambo_med_barn", 678),
]
JOURNAL_TEXTS = {
    JournalType.FIRST_VISIT: (
        "Nybesök. Sökande informerades om rätten till ekonomiskt bistånd, vilka handlingar som "
        "behövs och hur ärendet handläggs. Initial bedömning påbörjad."
    ),
    JournalType.VISIT: (
        "Uppföljande besök. Vi gick igenom planen och vad som hänt sedan förra mötet. Sökande "
        "har varit på de möten som var överenskomna."
    ),
    JournalType.HOME_VISIT: (
        "Hembesök. Bostaden är ändamålsenligt möblerad. Barnen var hemma och vi pratade kort "
        "om skolan."
    ),
    JournalType.PHONE_CALL: "Telefonsamtal med sökande om kompletterande handlingar till ansökan.",
    JournalType.FIRST_RESPONSE: (
        "Återkoppling till sökande: ansökan är mottagen och handläggs. Besökstid erbjuden."
    ),
    JournalType.SIP: (
        "SIP-möte med samtycke från sökande. Närvarande: handläggare, vårdcentral och "
        "Arbetsförmedlingen. Samordnad plan upprättad."
    ),
    JournalType.COOPERATION: "Avstämning med Arbetsförmedlingen om insatser och planerad praktik.",
    JournalType.NOTE: "Handlingar inkomna: kontoutdrag, hyresavi och lönebesked.",
}
PLAN_STEPS = [
    ("Skriva in sig på Arbetsförmedlingen", "Sökande"),
    ("Söka minst fem arbeten i månaden", "Sökande"),
    ("Påbörja SFI", "Sökande"),
    ("Boka läkarbesök för bedömning av arbetsförmåga", "Sökande"),
    ("Kontakta Försäkringskassan om bostadsbidrag", "Sökande"),
    ("Ta fram underlag till FIA", "Handläggare"),
    ("Avstämning med Arbetsförmedlingen", "Handläggare"),
]
DEMO_STAFF: list[tuple[str, str, str, Role]] = [
    ("Mottagningen", "eva.lind", "Eva Lind", Role.MANAGER),
    ("Mottagningen", "sara.nilsson", "Sara Nilsson", Role.CASEWORKER),
    ("Mottagningen", "omar.haddad", "Omar Haddad", Role.CASEWORKER),
    ("Mottagningen", "johan.ek", "Johan Ek", Role.CASEWORKER),
    ("Enhet Arbete", "karin.holm", "Karin Holm", Role.MANAGER),
    ("Enhet Arbete", "leila.ahmadi", "Leila Ahmadi", Role.CASEWORKER),
    ("Enhet Arbete", "anders.berg", "Anders Berg", Role.CASEWORKER),
    ("Enhet Arbete", "maria.sund", "Maria Sund", Role.CASEWORKER),
]
CHUNK = 20_000


@dataclass
class DemoSummary:
    households: int = 0
    persons: int = 0
    cases: int = 0
    journal_entries: int = 0
    applications: int = 0
    decisions: int = 0
    forms: int = 0
    appeals: int = 0
    complaints: int = 0
    e_applications: int = 0
    usernames: list[str] = field(default_factory=list)


class _Rows:
    """Collects rows per model and flushes them in chunks with executemany inserts."""

    def __init__(self, session: Session, progress: Callable[[int], None] | None):
        self.session = session
        self.pending: dict[type[Base], list[dict]] = {}
        self.progress = progress
        self.counts: dict[type[Base], int] = {}

    def add(self, model: type[Base], row: dict) -> None:
        bucket = self.pending.setdefault(model, [])
        bucket.append(row)
        if len(bucket) >= CHUNK:
            self.flush(model)

    def flush(self, model: type[Base] | None = None) -> None:
        order = [
            Person,
            Household,
            HouseholdMember,
            Case,
            Application,
            Decision,
            DecisionItem,
            CaseStatusChange,
            JournalEntry,
            SupportBarrier,
            Plan,
            PlanItem,
            FormInstance,
            FollowUpTask,
        ]
        for m in order if model is None else [model]:
            if model is not None:
                # parents must exist before children (foreign keys)
                for parent in order[: order.index(m)]:
                    self.flush(parent)
            rows = self.pending.pop(m, [])
            if rows:
                table = m.__table__
                assert isinstance(table, Table)  # each model maps one table
                connection = self.session.connection()
                if not _insert_sqlite(connection, table, rows):
                    connection.execute(table.insert(), rows)
                self.counts[m] = self.counts.get(m, 0) + len(rows)


def _insert_sqlite(connection: Connection, table: Table, rows: list[dict]) -> bool:
    """Insert `rows` with one plain executemany of tuples, if the database is SQLite.

    Values are converted by each column type's own bind processor, exactly as
    `connection.execute(table.insert(), rows)` would, but column by column and memoised
    for the repetitive ones (dates, times, codes), which takes most of the per-row cost
    out of a 100k-household build. Returns False, inserting nothing, when the fast path
    does not apply (another database, or rows that leave columns to their defaults).
    """
    dialect = connection.dialect
    width = len(table.columns)
    if dialect.name != "sqlite" or any(len(row) != width for row in rows):
        return False
    try:
        columns = [[row[column.name] for row in rows] for column in table.columns]
    except KeyError:
        return False
    for index, column in enumerate(table.columns):
        process = column.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            columns[index] = _bind_values(columns[index], process)
    quote = dialect.identifier_preparer.quote
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        dialect.identifier_preparer.format_table(table),
        ", ".join(quote(column.name) for column in table.columns),
        ", ".join("?" for _ in table.columns),
    )
    connection.exec_driver_sql(sql, list(zip(*columns, strict=True)))
    return True


def _uuid_texts(values: list) -> list:
    return [value.hex for value in values if type(value) is uuid.UUID or _mismatch()]


def _date_texts(values: list) -> list:
    return [
        None if value is None else value.isoformat()
        for value in values
        if value is None or type(value) is date or _mismatch()
    ]


def _utc_texts(values: list) -> list:
    return [
        None if value is None else value.isoformat(" ", "microseconds")[:26]
        for value in values
        if value is None or (type(value) is datetime and value.tzinfo is UTC) or _mismatch()
    ]


def _mismatch() -> bool:
    raise TypeError


def _bind_values(values: list, process: Callable) -> list:
    """`[process(v) for v in values]`: the same values, computed faster.

    Ids are all different and cheap to format; other columns (dates, times, codes, flags)
    repeat a lot, so each distinct value is converted once.
    """
    if type(values[0]) is uuid.UUID:
        return _converted(values, process)
    try:
        distinct = list(set(values))
    except TypeError:  # unhashable values
        return _converted(values, process)
    mapping = dict(zip(distinct, _converted(distinct, process), strict=True))
    return list(map(mapping.__getitem__, values))


def _converted(values: list, process: Callable) -> list:
    """UUIDs, dates and UTC datetimes formatted directly (after checking a sample against
    `process`, the column type's bind processor); anything else through `process`."""
    for fast in (_uuid_texts, _date_texts, _utc_texts):
        try:
            result = fast(values)
        except (TypeError, AttributeError):
            continue
        first = next((i for i, value in enumerate(values) if value is not None), 0)
        sample = {0, first, len(values) // 2, len(values) - 1}
        if all(result[i] == process(values[i]) for i in sample):
            return result
    return list(map(process, values))


_HASHED_FIELDS = ("id", "case_id", "entry_date", "entry_type", "title", "text", "author_id")


def _content_hasher() -> Callable[[dict], str]:
    """`journal.hash_content` of a journal entry row, several times faster.

    The JSON text hash_content hashes is assembled here from parts, the text/title/type part
    encoded once per distinct combination. The first entry of each combination is also
    hashed by hash_content itself; should the two ever differ, hash_content is used.
    """
    tails: dict[tuple[str, str, str], str | None] = {}

    def content_hash(entry: dict) -> str:
        key = (entry["text"], entry["title"], entry["entry_type"])
        tail = tails.get(key, "")
        if tail is None:
            return hash_content(**{name: entry[name] for name in _HASHED_FIELDS})
        checked = bool(tail)
        if not checked:
            text, title, entry_type = key
            tail = json.dumps(
                {"text": text, "title": title, "type": entry_type},
                ensure_ascii=False,
                sort_keys=True,
            )[1:]
        payload = (
            f'{{"author": "{entry["author_id"]}", "case": "{entry["case_id"]}", '
            f'"date": "{entry["entry_date"].isoformat()}", "id": "{entry["id"]}", {tail}'
        )
        digest = hashlib.sha256(payload.encode()).hexdigest()
        if not checked:
            expected = hash_content(**{name: entry[name] for name in _HASHED_FIELDS})
            tails[key] = tail if digest == expected else None
            return expected
        return digest

    return content_hash


def _versioned(row: dict, at: datetime, by: uuid.UUID | None) -> dict:
    row.update(version=1, created_at=at, updated_at=at, updated_by=by)
    return row


CASES_PER_CASEWORKER = 70
"""Seed 002: one handläggare carries 45–80 households."""


def _staff_list(households: int) -> list[tuple[str, str, str, Role]]:
    """The fixed demo staff, plus generated handläggare so caseloads stay realistic."""
    staff = list(DEMO_STAFF)
    fixed = sum(1 for *_, role in DEMO_STAFF if role is Role.CASEWORKER)
    extra = max(0, households // CASES_PER_CASEWORKER - fixed)
    rng = random.Random(7)
    unit_names = sorted({unit for unit, *_ in DEMO_STAFF})
    for number in range(1, extra + 1):
        first = rng.choice(FEMALE_NAMES + MALE_NAMES)
        last = rng.choice(SURNAMES)
        staff.append(
            (
                unit_names[number % len(unit_names)],
                f"hl{number:04d}",
                f"{first} {last}",
                Role.CASEWORKER,
            )
        )
    return staff


def _ensure_staff(session: Session, households: int) -> dict[str, list[User]]:
    """Demo units and staff; reused if they already exist."""
    units: dict[str, Unit] = {u.name: u for u in session.scalars(select(Unit))}
    existing = {u.username: u for u in session.scalars(select(User))}
    staff: dict[str, list[User]] = {}
    password_hash = hash_password(DEMO_PASSWORD)
    for unit_name, username, full_name, role in _staff_list(households):
        unit = units.get(unit_name)
        if unit is None:
            unit = Unit(
                name=unit_name,
                board_name="Socialnämnden",
                municipality="Exempelstads kommun",
                # Exempelstad is fictional; its statistics need a code of the right form
                municipality_code=DEMO_MUNICIPALITY_CODE,
                phone="010-123 45 00",
                postal_address="Socialförvaltningen, Box 100, 123 45 Exempelstad",
            )
            session.add(unit)
            units[unit_name] = unit
        user = existing.get(username)
        if user is None:
            user = User(
                username=username,
                full_name=full_name,
                role=role,
                unit=unit,
                title="Enhetschef" if role is Role.MANAGER else "Socialsekreterare",
                password_hash=password_hash,
            )
            session.add(user)
        staff.setdefault(unit_name, []).append(user)
    session.flush()
    _ensure_delegations(session, [u for users in staff.values() for u in users])
    return staff


CASEWORKER_DELEGATION_LIMIT = Decimal("30000")


def _ensure_delegations(session: Session, users: list[User]) -> None:
    """Demo delegationsordning: handläggare grant försörjningsstöd and livsföring i övrigt
    up to 30 000 kr and refuse applications of up to 30 000 kr; chefs decide every kind
    without limit."""
    existing = {(d.user_id, d.kind, d.scope) for d in session.scalars(select(Delegation))}
    for user in users:
        kinds = (
            list(DecisionKind)
            if user.role is Role.MANAGER
            else [DecisionKind.SUPPORT, DecisionKind.OTHER_LIVING]
        )
        for kind in kinds:
            for scope in DelegationScope:
                if (user.id, kind, scope) in existing:
                    continue
                session.add(
                    Delegation(
                        user_id=user.id,
                        kind=kind,
                        scope=scope,
                        max_amount=None
                        if user.role is Role.MANAGER
                        else CASEWORKER_DELEGATION_LIMIT,
                    )
                )
    session.flush()


def generate(
    session: Session,
    households: int,
    seed: int = 1,
    progress: Callable[[int], None] | None = None,
    render_letter: Callable[[DecisionLetter], bytes] | None = None,
) -> DemoSummary:
    """Add `households` fictional households with cases to the database in `session`.

    `progress` is called with the units of work done so far: one per household, then (with
    `render_letter`) one per archived letter, so a progress bar should allow for up to twice
    `households`. With `render_letter`, each case's latest decision gets its archived letter;
    the older ones are history imported without letters, which keeps a 100k-household
    benchmark database quick to build.
    """
    rng = random.Random(seed)
    decision_rng = random.Random(seed * 7919 + 1)  # separate: the rest stays seed-identical
    latest_decisions: dict[uuid.UUID, datetime] = {}
    """Each case's latest decision -> when it is signed (with `render_letter`)."""
    today = clock.today()
    now = clock.now()
    staff = _ensure_staff(session, households)
    units: dict[str, uuid.UUID] = {}
    for name, users in staff.items():
        assert users[0].unit_id is not None  # the demo staff all have their unit
        units[name] = users[0].unit_id
    caseworkers = {
        name: [u for u in users if u.role is Role.CASEWORKER] for name, users in staff.items()
    }
    managers = {
        name: next(u for u in users if u.role is Role.MANAGER) for name, users in staff.items()
    }
    used_numbers = set(session.scalars(select(Person.personal_number)))
    next_number = {s.year: s.last_number for s in session.scalars(select(CaseNumberSeries))}
    rows = _Rows(session, progress)
    forms = DemoForms(seed, today, now)
    summary = DemoSummary(usernames=[u.username for users in staff.values() for u in users])
    type_names = [name for name, _ in HOUSEHOLD_TYPES]
    type_weights = [weight for _, weight in HOUSEHOLD_TYPES]

    def new_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def new_person(sex: str, birth: date, last_name: str) -> dict:
        while True:
            serial = rng.randrange(0, 100) * 10 + (
                rng.choice((1, 3, 5, 7, 9)) if sex == "M" else rng.choice((0, 2, 4, 6, 8))
            )
            digits = with_check_digit(f"{birth:%Y%m%d}{serial:03d}")
            if digits not in used_numbers:
                used_numbers.add(digits)
                break
        first = rng.choice(FEMALE_NAMES if sex == "K" else MALE_NAMES)
        row = _versioned(
            {
                "id": new_uuid(),
                "personal_number": digits,
                "is_coordination_number": False,
                "first_name": first,
                "last_name": last_name,
                "first_name_key": search_key(first),
                "last_name_key": search_key(last_name),
                "birth_date": birth,
                "sex": sex,
                "protected_identity": rng.random() < 0.005,
                "phone": f"070-{rng.randrange(10**6, 10**7)}",
            },
            now,
            None,
        )
        rows.add(Person, row)
        return row

    def birth_for_age(lo: int, hi: int) -> date:
        return today - timedelta(days=rng.randrange(lo * 365 + 1, hi * 365 + 364))

    def child_birth(parent_birth: date) -> date:
        """A child under 18, born when the parent (the sökande) was at least 18."""
        parent_adult = parent_birth.replace(year=parent_birth.year + 18, day=28)
        if parent_birth.day > 28:
            parent_adult += timedelta(days=parent_birth.day - 28)
        earliest = max(today - timedelta(days=17 * 365 + 364), parent_adult)
        return today - timedelta(days=rng.randrange(1, max(2, (today - earliest).days)))

    journal_types = list(JOURNAL_TEXTS)
    content_hash = _content_hasher()
    for index in range(households):
        unit_name = rng.choice(list(units))
        responsible = rng.choice(caseworkers[unit_name])
        kind = rng.choices(type_names, type_weights)[0]
        young = rng.random() < 0.25
        applicant_sex = (
            "K"
            if kind.startswith("kvinna") or (kind.startswith("sambo") and rng.random() < 0.4)
            else "M"
        )
        last_name = rng.choice(SURNAMES)
        household_id = new_uuid()
        opened = today - timedelta(days=rng.randrange(0, 730))
        at = min(now, datetime.combine(opened, time(9, 0), tzinfo=UTC))
        rows.add(
            Household,
            _versioned(
                {
                    "id": household_id,
                    "street_address": f"{rng.choice(STREETS)} {rng.randrange(1, 80)}",
                    "postal_code": f"{rng.randrange(100, 999)} {rng.randrange(10, 99)}",
                    "city": "Exempelstad",
                    "housing_type": rng.choice(
                        [c.code for c in code_lists.codes(code_lists.HOUSING_TYPE)]
                    ),
                },
                at,
                responsible.id,
            ),
        )
        members: list[tuple[dict, MemberRole, bool]] = []
        applicant = new_person(
            applicant_sex, birth_for_age(18, 24) if young else birth_for_age(25, 64), last_name
        )
        members.append((applicant, MemberRole.APPLICANT, False))
        if kind.startswith("sambo"):
            partner_sex = "M" if applicant_sex == "K" else "K"
            age = (today - applicant["birth_date"]).days // 365
            members.append(
                (
                    new_person(
                        partner_sex,
                        birth_for_age(max(18, age - 5), age + 5),
                        rng.choice([last_name, rng.choice(SURNAMES)]),
                    ),
                    MemberRole.CO_APPLICANT,
                    False,
                )
            )
        if kind.endswith("med_barn"):
            for _ in range(rng.choices([1, 2, 3, 4], [40, 35, 18, 7])[0]):
                members.append(
                    (
                        new_person(
                            rng.choice("KM"), child_birth(applicant["birth_date"]), last_name
                        ),
                        MemberRole.CHILD,
                        rng.random() < 0.08,
                    )
                )
        for order, (person, role, visiting) in enumerate(members):
            rows.add(
                HouseholdMember,
                _versioned(
                    {
                        "id": new_uuid(),
                        "household_id": household_id,
                        "person_id": person["id"],
                        "role": role,
                        "visiting_child": visiting,
                        "member_from": opened,
                        "member_until": None,
                        "sort_order": order,
                    },
                    at,
                    responsible.id,
                ),
            )
        status = rng.choices(list(CaseStatus), [5, 10, 70, 15])[0]
        case_id = new_uuid()
        year = opened.year
        next_number[year] = next_number.get(year, 0) + 1
        closed_on = (
            opened + timedelta(days=rng.randrange(30, max(31, (today - opened).days + 1)))
            if status is CaseStatus.CLOSED
            else None
        )
        if closed_on and closed_on > today:
            closed_on = today
        case_number = f"EB-{year}-{next_number[year]:06d}"
        rows.add(
            Case,
            _versioned(
                {
                    "id": case_id,
                    "case_number": case_number,
                    "unit_id": units[unit_name],
                    "household_id": household_id,
                    "responsible_user_id": responsible.id,
                    "status": status,
                    "opened_on": opened,
                    "closed_on": closed_on,
                    "closing_reason": rng.choice(
                        [c.code for c in code_lists.codes(code_lists.CLOSING_REASON)]
                    )
                    if closed_on
                    else None,
                },
                at,
                responsible.id,
            ),
        )
        history: list[tuple[CaseStatus | None, CaseStatus, date]] = [
            (None, CaseStatus.REGISTERED, opened)
        ]
        if status is not CaseStatus.REGISTERED:
            history.append((CaseStatus.REGISTERED, CaseStatus.INVESTIGATION, opened))
        if status in (CaseStatus.ACTIVE, CaseStatus.CLOSED):
            history.append(
                (CaseStatus.INVESTIGATION, CaseStatus.ACTIVE, opened + timedelta(days=7))
            )
        if closed_on:
            history.append((CaseStatus.ACTIVE, CaseStatus.CLOSED, closed_on))
        for old, new, on in history:
            rows.add(
                CaseStatusChange,
                {
                    "id": new_uuid(),
                    "case_id": case_id,
                    "from_status": old,
                    "to_status": new,
                    "reason": None,
                    "changed_on": min(on, today),
                    "changed_at": min(now, datetime.combine(min(on, today), time(10), tzinfo=UTC)),
                    "changed_by": responsible.id,
                },
            )
        # One application per month of assistance; the newest may still await a decision.
        last_day = closed_on or today
        months = list(periods.months(opened, last_day))
        decided_months: list[tuple[date, date]] = []
        for position, month in enumerate(months):
            received = (
                max(opened, month - timedelta(days=rng.randrange(0, 10))) if position else opened
            )
            received_at = datetime.combine(
                received, time(rng.randrange(8, 16), rng.randrange(60)), tzinfo=UTC
            )
            newest = position == len(months) - 1
            pending = newest and status is not CaseStatus.CLOSED and rng.random() < 0.4
            if pending:  # an application awaiting decision came in during the last two weeks
                received = max(opened, today - timedelta(days=rng.randrange(0, 14)))
                received_at = datetime.combine(received, received_at.time(), tzinfo=UTC)
            received_at = min(now, received_at)  # nothing is dated after the clock
            # only the newest applications still wait for their first återkoppling
            responded = not (pending and (today - received).days <= 1 and rng.random() < 0.7)
            # drawn in the order they always were (the same seed gives the same data)
            application_id = new_uuid()
            channel = rng.choice(["papper", "e_ansokan", "e_ansokan", "besok", "telefon"])
            complete_on = (
                None if pending else min(today, received + timedelta(days=rng.randrange(0, 8)))
            )
            first_response = (
                min(now, received_at + timedelta(hours=rng.randrange(1, 30))) if responded else None
            )
            decided_on = (
                None if pending else min(today, received + timedelta(days=rng.randrange(2, 20)))
            )
            rows.add(
                Application,
                _versioned(
                    {
                        "id": application_id,
                        "case_id": case_id,
                        "received_at": received_at,
                        "channel": channel,
                        "period_start": month,
                        "period_end": periods.month_end(month),
                        "complete_on": complete_on,
                        "first_response_at": first_response,
                        "decided_on": decided_on,
                        "note": "",
                        **application_facts.facts(received_at, first_response, decided_on),
                    },
                    received_at,
                    responsible.id,
                ),
            )
            summary.applications += 1
            if not pending:
                decided_months.append((month, min(today, received + timedelta(days=2))))
        people = [
            DemoPerson(
                p["id"],
                f"{p['first_name']} {p['last_name']}",
                age_on(p["birth_date"], today),
                role is MemberRole.CHILD,
                visiting,
            )
            for p, role, visiting in members
        ]
        decision_rows, item_rows = decisions_for_case(
            decision_rng, case_id, people, decided_months, responsible.id, now
        )
        if decision_rows and render_letter is not None:
            # signed below with its hash and letter in one go, as sign_decision does: the
            # server refuses any change of a row that is already signed (migration 0008)
            latest = decision_rows[-1]
            latest_decisions[latest["id"]] = latest["signed_at"]
            latest["signed_at"] = latest["signed_recorded_at"] = None
        for row in decision_rows:
            if row["kind"] is DecisionKind.BEYOND_RIGHT:
                row["author_id"] = row["decided_by"] = managers[unit_name].id
            rows.add(Decision, row)
        for row in item_rows:
            rows.add(DecisionItem, row)
        summary.decisions += len(decision_rows)
        adults = [p for p, role, _ in members if role is not MemberRole.CHILD]
        unemployed: list[str] = []
        for person in adults:
            code = rng.choice([c.code for c in code_lists.codes(code_lists.SUPPORT_BARRIER)])
            if code == "arbetslos":
                unemployed.append(f"{person['first_name']} {person['last_name']}")
            for month in months[-3:]:
                rows.add(
                    SupportBarrier,
                    _versioned(
                        {
                            "id": new_uuid(),
                            "case_id": case_id,
                            "person_id": person["id"],
                            "month": month,
                            "code": code,
                        },
                        at,
                        responsible.id,
                    ),
                )
        # Journal: a nybesök first, then about one entry a month over up to two years.
        entry_dates = [opened] + sorted(
            min(
                last_day,
                opened + timedelta(days=rng.randrange(1, max(2, (last_day - opened).days + 1))),
            )
            for _ in range(max(1, len(months) + rng.randrange(-1, 3)))
        )
        has_children = any(role is MemberRole.CHILD for _, role, _ in members)
        for position, entry_day in enumerate(entry_dates):
            entry_type = (
                JournalType.FIRST_VISIT
                if position == 0
                else rng.choice(
                    [
                        t
                        for t in journal_types
                        if t != JournalType.FIRST_VISIT
                        and (t != JournalType.HOME_VISIT or has_children)
                    ]
                )
            )
            entry_at = min(now, datetime.combine(entry_day, time(rng.randrange(8, 17)), tzinfo=UTC))
            draft = position == len(entry_dates) - 1 and rng.random() < 0.15
            entry = _versioned(
                {
                    "id": new_uuid(),
                    "case_id": case_id,
                    "entry_date": entry_day,
                    "entry_type": entry_type,
                    "title": "",
                    "text": JOURNAL_TEXTS[entry_type],
                    "author_id": responsible.id,
                    "signed_at": None if draft else entry_at,
                    "signed_recorded_at": None if draft else entry_at,
                    "signed_by": None if draft else responsible.id,
                    "content_hash": None,
                    "corrects_id": None,
                },
                entry_at,
                responsible.id,
            )
            if not draft:
                entry["content_hash"] = content_hash(entry)
            rows.add(JournalEntry, entry)
            summary.journal_entries += 1
        if status is not CaseStatus.REGISTERED and rng.random() < 0.7:
            plan_id = new_uuid()
            # Plans are renewed: the current one started within the last five months.
            start = max(opened, (closed_on or today) - timedelta(days=rng.randrange(0, 150)))
            rows.add(
                Plan,
                _versioned(
                    {
                        "id": plan_id,
                        "case_id": case_id,
                        "kind": rng.choice([PlanKind.ACTION_PLAN, PlanKind.CHANGE_PLAN]),
                        "goal": "Egen försörjning genom arbete eller studier.",
                        "start_on": start,
                        "follow_up_on": start + timedelta(days=rng.randrange(60, 200)),
                        "closed_on": closed_on,
                    },
                    at,
                    responsible.id,
                ),
            )
            for order, (text, owner) in enumerate(rng.sample(PLAN_STEPS, rng.randrange(2, 5))):
                due = start + timedelta(days=rng.randrange(14, 180))
                rows.add(
                    PlanItem,
                    _versioned(
                        {
                            "id": new_uuid(),
                            "plan_id": plan_id,
                            "description": text,
                            "owner": owner,
                            "due_on": due,
                            "done_on": due if due < today and rng.random() < 0.9 else None,
                            "sort_order": order,
                        },
                        at,
                        responsible.id,
                    ),
                )
        forms.add_case(
            case_id=case_id,
            case_number=case_number,
            unit_id=units[unit_name],
            responsible=responsible,
            status=status,
            opened_on=opened,
            closed_on=closed_on,
            has_children=has_children,
            decided_months=(month for month, _ in decided_months),
            unemployed=unemployed,
        )
        summary.households += 1
        summary.persons += len(members)
        summary.cases += 1
        if progress and (index + 1) % 500 == 0:
            progress(index + 1)
    summary.forms = forms.write(
        session,
        rows.add,
        {units[name]: users for name, users in caseworkers.items()},
        {units[name]: manager for name, manager in managers.items()},
    )
    rows.flush()
    for year, last in next_number.items():
        existing = session.get(CaseNumberSeries, year)
        if existing is None:
            session.add(CaseNumberSeries(year=year, last_number=last))
        else:
            existing.last_number = max(existing.last_number, last)
    session.add(
        AuditEntry(
            at=now,
            user_id=None,
            action="create",
            entity="demo_data",
            detail=f"{households} fiktiva hushåll (seed {seed})",
        )
    )
    session.flush()
    if render_letter is not None:
        _archive_letters(
            session,
            latest_decisions,
            render_letter,
            lambda done: progress(households + done) if progress else None,
        )
    elif progress:
        progress(households)
    summary.appeals, summary.complaints = demo_after_decision.add_after_decision(
        session,
        seed,
        today,
        {
            units[name]: demo_after_decision.UnitStaff(users[0].id, managers[name].id)
            for name, users in caseworkers.items()
            if users
        },
    )
    summary.e_applications = demo_intake.add_e_applications(
        session,
        seed,
        now,
        {
            unit.id: unit.municipality_code or DEMO_MUNICIPALITY_CODE
            for unit in session.scalars(select(Unit).where(Unit.id.in_(list(units.values()))))
        },
    )
    # The rows went in as core inserts, past the statistics' upkeep (fact_upkeep): their
    # kept facts are built here, in the same transaction.
    session.flush()
    facts.rebuild(session)
    return summary


def _archive_letters(
    session: Session,
    signed_at: dict[uuid.UUID, datetime],
    render_letter: Callable[[DecisionLetter], bytes],
    progress: Callable[[int], None],
) -> None:
    """Sign each case's latest demo decision as signing would have: signing time, content
    hash and archived letter in the same update of the still unsigned row."""
    for done, (decision_id, at) in enumerate(signed_at.items(), start=1):
        decision = session.get_one(Decision, decision_id)
        decider = Actor.of(session.get_one(User, decision.decided_by))
        digest = decisions.content_hash(decision)  # reads the items: an autoflush
        decision.signed_at, decision.content_hash = at, digest
        decision.signed_recorded_at = at
        pdf = render_letter(decisions.letter_data(session, decider, decision))
        decision.letter_pdf = pdf
        decision.letter_sha256 = hashlib.sha256(pdf).hexdigest()
        if done % 10 == 0 or done == len(signed_at):
            progress(done)
    session.flush()
