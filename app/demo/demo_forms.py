"""Signed demo forms: ärendegenomgångar of every handläggare and FIA where it is due.

Called by `demo_data.generate`, which reports each generated case here (`DemoForms.add_case`)
and then lets `DemoForms.write` add the forms to its bulk rows. Every form is stored as
`app.forms.filled_forms.sign_form` leaves it: answers valid for the shipped definition and
serialised as the service does, signed (`signed_at`, `signed_by`), and with the content hash
of `forms.content_hash`. The agreed actions of an ärendegenomgång get their FollowUpTask
rows, as signing creates them; those already due are marked done, so the demo is not full
of overdue bevakningar.

- Ärendegenomgång (seed 000 §5.2.1, at least three a year): 0–4 per handläggare in the last
  twelve months, most 3–4, a minority under three (each unit has both). Signed by the
  unit's chef, about the handläggare (`subject_user_id`), with one to three of the
  handläggare's cases discussed.
- FIA (seed 002 L78): about 60 % of the open cases where `deadlines.fia.fia_candidates` would
  ask for one (an arbetslös adult, five or more decided months in the last twelve) get a
  signed FIA, signed by the case's handläggare in the last few weeks. The rest keep their
  "FIA bör erbjudas" bevakning.

Only the fictional people of the demo data appear. A separate random generator (from the
seed) keeps everything else generate() makes identical to what it was without forms.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.common.clock import STOCKHOLM
from app.common.periods import twelve_months_start
from app.deadlines.fia import FIA_AFTER_MONTHS
from app.forms.answers import Answers, FormContext, initial_answers
from app.forms.definition import FormDefinition
from app.forms.filled_forms import content_hash, dump_answers
from app.forms.form_definitions import definition_of, latest_record
from app.forms.validation import validate
from app.models import (
    CaseStatus,
    FollowUpTask,
    FormDefinitionRecord,
    FormInstance,
    FormKey,
    User,
)

AddRow = Callable[[type, dict], None]
"""How rows are handed to generate()'s bulk insert: add_row(model, row)."""

FIA_SHARE = 0.6
"""Share of the cases due for FIA that have had one."""
REVIEW_COUNTS = ((0, 4), (1, 7), (2, 14), (3, 40), (4, 35))
"""Ärendegenomgångar in the last twelve months per handläggare, with weights."""
REVIEW_TARGET = 3
FOLLOW_UP_DAYS = (14, 60)
"""Agreed actions are due this many days after the genomgång."""


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What the forms need to know about one generated case (kept for every case until the
    forms are written, so small)."""

    case_id: uuid.UUID
    case_number: str
    unit_id: uuid.UUID
    responsible: User
    status: CaseStatus
    opened_on: date
    closed_on: date | None
    has_children: bool
    fia_due: date | None
    """Start of the month FIA became due (see `DemoForms.add_case`), None if it is not."""
    unemployed: tuple[str, ...]
    """When FIA is due: names of the adults registered arbetslös."""


# --- texts (short, fictional) -----------------------------------------------------------------

WORKLOAD = [
    "Arbetsbelastningen är hanterbar. Inga ansökningar väntar längre än tio dagar på beslut.",
    "Hög arbetsbelastning den senaste månaden; några utredningar har dragit ut på tiden.",
    "Ärendestocken är i balans. Planerna följs i regel upp i tid.",
    "Flera nya ärenden har tillkommit. Vi prioriterade vilka uppföljningar som ska göras först.",
    "Handläggaren har god överblick. Två ärenden väntar på kompletterande handlingar.",
]
WITHOUT_PLAN = [
    "Några ärenden saknar aktuell plan; de ska vara klara inom en månad.",
    "Alla aktuella ärenden har en plan.",
    "Planerna i de nyaste ärendena upprättas vid nästa besök.",
]
FAMILIES = [
    "Barnens situation är beskriven i de flesta utredningar. Barnkonsekvensanalys behövs inför "
    "avslag i barnfamiljer.",
    "Vi gick igenom barnfamiljerna. I ett par ärenden behöver barnens behov beskrivas tydligare.",
    "Barnfamiljerna har aktuella planer. Inga beslut om avslag har fattats utan övervägande.",
]
LONG_TERM = [
    "Hushållen med långvarigt bistånd har samverkan med Arbetsförmedlingen. FIA har erbjudits "
    "där det är aktuellt.",
    "Några hushåll har haft bistånd länge utan tydlig väg framåt; FIA ska erbjudas.",
    "Vi diskuterade SIP för två hushåll med kontakter hos vården.",
]
SUPPORT = [
    "Handledning i ärenden med skulder.",
    "Inget särskilt stöd behövs just nu.",
    "Kollegial konsultation i ärenden med våld i nära relation.",
    "Färre nya ärenden under de närmaste veckorna.",
]
DIVERSITY = [
    "Tolk bokas vid behov. Barnperspektivet syns i utredningarna.",
    "Vi diskuterade likvärdig bedömning av hembesök.",
    "Information på lätt svenska ges vid nybesök.",
]
# (observation, agreed action); the second list only for households with children
CASE_NOTES = [
    ("Planen är inte uppföljd sedan i våras.", "Följa upp planen med sökande"),
    ("Kontoutdrag saknas för de senaste månaderna.", "Begära in kontoutdrag"),
    ("Bistånd länge utan kontakt med Arbetsförmedlingen.", "Boka trepartsmöte med AF"),
    ("Sökande har berättat om hälsoproblem.", "Begära läkarintyg om arbetsförmåga"),
    ("Senaste besöket var för flera månader sedan.", "Boka uppföljande besök"),
    ("Sökande har hyresskuld.", "Kontakta budget- och skuldrådgivningen"),
    ("Arbetslös sedan länge, oklart vad som hindrar arbete.", "Erbjuda FIA-intervju"),
]
FAMILY_NOTES = [
    ("Barnens situation är inte beskriven i utredningen.", "Beskriva barnens behov"),
    ("Hembesök har inte gjorts i barnfamiljen.", "Göra hembesök"),
]

LIFE_AREAS = {
    # item key: (description when it affects work, support needed)
    "boende": ("Bor i andrahand, kontraktet löper ut snart.", "Stöd i bostadssökande."),
    "situationen_hemma": ("Ansvarar ensam för hemmet och barnen.", "Barnomsorg på kvällstid."),
    "socialt_natverk": ("Har få kontakter utanför familjen.", "Information om föreningar."),
    "kroppslig_halsa": ("Ont i ryggen, klarar inte tunga lyft.", "Bedömning av arbetsförmåga."),
    "psykisk_halsa": ("Sover dåligt och känner oro.", "Kontakt med vårdcentralen."),
    "funktionsnedsattning": ("Har svårt att läsa längre texter.", "Anpassad information."),
    "levnadsvanor": ("Oregelbundna dygnsrytmer.", "Stöd att hitta rutiner."),
    "skulder": ("Skulder hos Kronofogden.", "Budget- och skuldrådgivning."),
    "vald_i_nara_relation": ("Berättar om en tidigare våldsam relation.", "Samtalsstöd."),
    "fritid": ("Har inga aktiviteter utanför hemmet.", "Förslag på fritidsaktiviteter."),
    "ekonomi": ("Svårt att få pengarna att räcka hela månaden.", "Budgetrådgivning."),
    "kriminalitet": ("Har en dom som påverkar vissa yrken.", "Stöd att söka andra yrken."),
    "vardagsfungerande": ("Behöver påminnelser om tider.", "Hjälp med planering."),
}
NO_PROBLEM = "Inga svårigheter enligt klienten."
GOALS = [
    "Arbete inom vård och omsorg.",
    "Arbete i lager eller logistik.",
    "Gå klart SFI och sedan yrkesutbildning.",
    "Arbete inom restaurang.",
    "Körkort och arbete som chaufför.",
    "Studera till barnskötare.",
]
EDUCATION = [
    "Grundskola i hemlandet.",
    "Gymnasieexamen, samhällsprogrammet.",
    "Påbörjad yrkesutbildning.",
    "Nio års skolgång.",
]
EXPERIENCE = [
    "Har arbetat som städare och i butik.",
    "Timanställningar inom hemtjänsten.",
    "Har arbetat på lager i två år.",
    "Ingen tidigare arbetslivserfarenhet i Sverige.",
]
STRENGTHS = ["Noggrann och punktlig.", "Tycker om att arbeta med människor.", "Praktisk."]
PLACEMENTS = [
    "Har haft praktik via Arbetsförmedlingen som fungerade bra.",
    "En tidigare praktik avbröts på grund av sjukdom.",
    "Har inte deltagit i några insatser tidigare.",
]
WISHED = ["Praktik med handledare.", "Yrkessvenska.", "Kortare arbetsdagar i början."]
DEMANDS = [
    "Tror sig klara heltid om tiderna passar barnomsorgen.",
    "Tror sig klara 20 timmar i veckan till att börja med.",
    "Har inget emot krav men vill ha en tydlig plan.",
]
ASSESSMENTS = [
    "Klienten har förutsättningar för arbete på heltid med stöd från Arbetsförmedlingen.",
    "Kraven behöver anpassas: deltid i början och uppföljning varannan vecka.",
    "Hälsan behöver utredas innan krav på heltid ställs.",
]


def _local(day: date, hour: int, minute: int) -> datetime:
    """A Swedish wall-clock time as an aware UTC datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=STOCKHOLM).astimezone(UTC)


class DemoForms:
    """Collects the generated cases, then writes the signed forms for them."""

    def __init__(self, seed: int, today: date, now: datetime):
        self.rng = random.Random(seed * 7919 + 2)  # separate: generate()'s rows stay the same
        self.today = today
        self.now = now
        self.cases: list[CaseFacts] = []
        self.year_ago = twelve_months_start(today)

    def add_case(
        self,
        *,
        case_id: uuid.UUID,
        case_number: str,
        unit_id: uuid.UUID,
        responsible: User,
        status: CaseStatus,
        opened_on: date,
        closed_on: date | None,
        has_children: bool,
        decided_months: Iterable[date],
        unemployed: Sequence[str],
    ) -> None:
        """Note a generated case: `decided_months` are the period starts of its decided
        applications, `unemployed` the names of the adults whose latest försörjningshinder
        is arbetslös."""
        fia_due = None
        if status is not CaseStatus.CLOSED and unemployed:
            # as deadlines.fia.fia_candidates decides: the fifth decided month of the twelve up to
            # and including this one
            months = sorted({m for m in decided_months if m >= self.year_ago})
            if len(months) >= FIA_AFTER_MONTHS:
                fia_due = months[FIA_AFTER_MONTHS - 1]
        self.cases.append(
            CaseFacts(
                case_id,
                case_number,
                unit_id,
                responsible,
                status,
                opened_on,
                closed_on,
                has_children,
                fia_due,
                tuple(unemployed) if fia_due else (),
            )
        )

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def _signed_at(self, day: date) -> datetime:
        return min(self.now, _local(day, self.rng.randrange(9, 16), self.rng.randrange(60)))

    def write(
        self,
        session: Session,
        add_row: AddRow,
        caseworkers: dict[uuid.UUID, list[User]],
        managers: dict[uuid.UUID, User],
    ) -> int:
        """Add the forms (and follow-up tasks) through `add_row(model, row)`: FIA for the
        collected cases, ärendegenomgångar for the `caseworkers` (by unit id) who have none
        yet, signed by the unit's chef in `managers`. Returns the number of forms."""
        written = self._fia_forms(latest_record(session, FormKey.FIA), add_row)
        reviewed = set(
            session.scalars(
                select(FormInstance.subject_user_id).where(
                    FormInstance.form_key == FormKey.CASELOAD_REVIEW
                )
            )
        )
        record = latest_record(session, FormKey.CASELOAD_REVIEW)
        by_caseworker: dict[uuid.UUID, list[CaseFacts]] = {}
        for facts in self.cases:
            by_caseworker.setdefault(facts.responsible.id, []).append(facts)
        for unit_id, users in caseworkers.items():
            fresh = [u for u in users if u.id not in reviewed]
            for user, count in zip(fresh, self._review_counts(len(fresh)), strict=True):
                for day in self._review_days(count):
                    written += self._review(
                        record,
                        add_row,
                        managers[unit_id],
                        user,
                        unit_id,
                        day,
                        by_caseworker.get(user.id, []),
                    )
        return written

    # --- ärendegenomgång ----------------------------------------------------------------------

    def _review_counts(self, caseworkers: int) -> list[int]:
        """Reviews in the last year per handläggare of a unit: mostly three or four, and when
        the unit has two or more, at least one under and one at the target of three."""
        values = [n for n, _ in REVIEW_COUNTS]
        weights = [w for _, w in REVIEW_COUNTS]
        counts = self.rng.choices(values, weights, k=caseworkers)
        if caseworkers >= 2:
            if all(n >= REVIEW_TARGET for n in counts):
                counts[self.rng.randrange(caseworkers)] = self.rng.choice([1, 2])
            if all(n < REVIEW_TARGET for n in counts):
                counts[self.rng.randrange(caseworkers)] = REVIEW_TARGET
        return counts

    def _review_days(self, count: int) -> list[date]:
        """`count` dates spread over the last twelve months (each in its own slot)."""
        if not count:
            return []
        span = 355  # days back; well inside "the last twelve months" of review_status
        slot = span // count
        return sorted(
            self.today - timedelta(days=span - i * slot - self.rng.randrange(slot))
            for i in range(count)
        )

    def _review(
        self,
        record: FormDefinitionRecord,
        add_row: AddRow,
        chef: User,
        caseworker: User,
        unit_id: uuid.UUID,
        day: date,
        cases: list[CaseFacts],
    ) -> int:
        rng = self.rng
        definition = definition_of(record)
        current = [
            c for c in cases if c.opened_on <= day and (c.closed_on is None or c.closed_on > day)
        ]
        answers = initial_answers(definition, FormContext())
        answers["genomgang"] = {
            "datum": day.isoformat(),
            "chef": chef.full_name,
            "handlaggare": caseworker.full_name,
        }
        count = f"{len(current)} aktuella ärenden" if len(current) != 1 else "Ett aktuellt ärende"
        answers["arendestock"] = {"arendestock": f"{count} vid genomgången. {rng.choice(WORKLOAD)}"}
        if rng.random() < 0.6:
            answers["arendestock"]["utan_plan"] = rng.choice(WITHOUT_PLAN)
        if any(c.has_children for c in current) and rng.random() < 0.8:
            answers["barnfamiljer"] = {"barnfamiljer": rng.choice(FAMILIES)}
        for key, field, texts, share in (
            ("langvarigt", "langvarigt", LONG_TERM, 0.6),
            ("stod", "stodbehov", SUPPORT, 0.5),
            ("mangfald", "mangfald", DIVERSITY, 0.4),
        ):
            if rng.random() < share:
                answers[key] = {field: rng.choice(texts)}
        form_id = self._uuid()
        signed_at = self._signed_at(day)
        created_at = signed_at - timedelta(minutes=rng.randrange(30, 120))
        tasks = []
        discussed = rng.sample(current, min(len(current), rng.randrange(1, 4)))
        for facts in sorted(discussed, key=lambda c: c.case_number):
            notes = CASE_NOTES + (FAMILY_NOTES if facts.has_children else [])
            observation, action = rng.choice(notes)
            due = day + timedelta(days=rng.randrange(*FOLLOW_UP_DAYS))
            answers["atgarder"].append(
                {
                    "_item": f"{rng.getrandbits(128):032x}",
                    "_label": "",
                    "arende": facts.case_number,
                    "iakttagelser": observation,
                    "atgard": action,
                    "ansvarig": caseworker.full_name,
                    "senast": due.isoformat(),
                }
            )
            tasks.append(self._task(facts, form_id, action, caseworker, chef, due, day, signed_at))
        self._check(definition, answers)
        self._add_form(
            add_row,
            record,
            definition,
            answers,
            form_id=form_id,
            unit_id=unit_id,
            case_id=None,
            subject_user_id=caseworker.id,
            author=chef,
            created_at=created_at,
            signed_at=signed_at,
        )
        for task in tasks:
            add_row(FollowUpTask, task)
        return 1

    def _task(
        self,
        facts: CaseFacts,
        form_id: uuid.UUID,
        action: str,
        caseworker: User,
        chef: User,
        due: date,
        day: date,
        signed_at: datetime,
    ) -> dict:
        """The FollowUpTask signing creates for an agreed action; done already when it is
        due before today or the case has been closed since."""
        row = {
            "id": self._uuid(),
            "version": 1,
            "created_at": signed_at,
            "updated_at": signed_at,
            "updated_by": chef.id,
            "case_id": facts.case_id,
            "description": action,
            "owner": caseworker.full_name,
            "due_on": due,
            "done_on": None,
            "source_form_id": form_id,
        }
        if due < self.today or facts.closed_on is not None:
            last = min(due, facts.closed_on or due, self.today)
            done = day + timedelta(days=self.rng.randint(1, max(1, (last - day).days)))
            row.update(
                done_on=done,
                version=2,
                updated_at=max(signed_at, self._signed_at(done)),
                updated_by=caseworker.id,
            )
        return row

    # --- FIA ----------------------------------------------------------------------------------

    def _fia_forms(self, record: FormDefinitionRecord, add_row: AddRow) -> int:
        definition = definition_of(record)
        written = 0
        for facts in self.cases:
            due = facts.fia_due
            if due is None or self.rng.random() >= FIA_SHARE:
                continue
            # signed some weeks ago, not before the fifth month of assistance
            latest = max(due, self.today - timedelta(days=7))
            earliest = min(latest, max(due, self.today - timedelta(days=70)))
            day = earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))
            day = min(day, self.today)
            interview = max(facts.opened_on, day - timedelta(days=self.rng.randrange(0, 8)))
            answers = self._fia_answers(definition, facts, interview)
            signed_at = self._signed_at(day)
            self._add_form(
                add_row,
                record,
                definition,
                answers,
                form_id=self._uuid(),
                unit_id=facts.unit_id,
                case_id=facts.case_id,
                subject_user_id=None,
                author=facts.responsible,
                created_at=min(signed_at, _local(interview, 9, 0)),
                signed_at=signed_at,
            )
            written += 1
        return written

    def _fia_answers(self, definition: FormDefinition, facts: CaseFacts, on: date) -> Answers:
        rng = self.rng
        client = rng.choice(facts.unemployed)
        answers = initial_answers(definition, FormContext(facts.case_number))
        present = f"{client}, handläggare {facts.responsible.full_name}"
        if rng.random() < 0.3:
            present += " och tolk"
        answers["introduktion"] = {
            "datum": on.isoformat(),
            "narvarande": present,
            "information_given": "ja",
            "samtycke": "ja",
        }
        affecting = []
        for group in answers["livsomraden"]:
            problem, support = LIFE_AREAS.get(group["_item"], ("", ""))
            answer = rng.choices(["nej", "delvis", "ja", "vet_ej"], [65, 15, 10, 10])[0]
            group["paverkar_arbete"] = answer
            if answer in ("ja", "delvis") and problem:
                group["beskrivning"] = problem
                group["stodbehov"] = support
                affecting.append(group["_label"].lower())
            elif answer == "nej" and rng.random() < 0.3:
                group["beskrivning"] = NO_PROBLEM
        answers["mal_och_arbete"] = {
            "mal": rng.choice(GOALS),
            "utbildning": rng.choice(EDUCATION),
            "arbetslivserfarenhet": rng.choice(EXPERIENCE),
            "styrkor": rng.choice(STRENGTHS),
        }
        answers["insatser_och_krav"] = {
            "tidigare_insatser": rng.choice(PLACEMENTS),
            "onskade_insatser": rng.choice(WISHED),
            "syn_pa_krav": rng.choice(DEMANDS),
        }
        summary = "Klienten är motiverad att arbeta. " + (
            f"Det som påverkar möjligheten att arbeta är: {', '.join(affecting)}."
            if affecting
            else "Inget livsområde bedöms hindra arbete."
        )
        answers["bedomning"] = {"sammanstallning": summary, "bedomning": rng.choice(ASSESSMENTS)}
        self._check(definition, answers)
        return answers

    # --- common -------------------------------------------------------------------------------

    @staticmethod
    def _check(definition: FormDefinition, answers: Answers) -> None:
        """Refuse answers that signing would refuse."""
        errors = validate(definition, answers, for_signing=True)
        if errors:
            raise ValueError(f"Demo {definition.key}: {errors}")

    def _add_form(
        self,
        add_row: AddRow,
        record: FormDefinitionRecord,
        definition: FormDefinition,
        answers: Answers,
        *,
        form_id: uuid.UUID,
        unit_id: uuid.UUID,
        case_id: uuid.UUID | None,
        subject_user_id: uuid.UUID | None,
        author: User,
        created_at: datetime,
        signed_at: datetime,
    ) -> None:
        row = {
            "id": form_id,
            "version": 2,  # created as a draft, then signed
            "created_at": created_at,
            "updated_at": signed_at,
            "updated_by": author.id,
            "definition_id": record.id,
            "form_key": definition.key,
            "form_version": definition.version,
            "unit_id": unit_id,
            "case_id": case_id,
            "subject_user_id": subject_user_id,
            "author_id": author.id,
            "answers_json": dump_answers(answers),
            "signed_at": signed_at,
            "signed_recorded_at": signed_at,
            "signed_by": author.id,
            "content_hash": None,
            "supersedes_id": None,
        }
        row["content_hash"] = content_hash(
            FormInstance(
                id=form_id,
                form_key=row["form_key"],
                form_version=row["form_version"],
                answers_json=row["answers_json"],
                author_id=author.id,
            )
        )
        add_row(FormInstance, row)
