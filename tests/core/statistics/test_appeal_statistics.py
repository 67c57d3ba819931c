"""The statistics of appeals, omprövningar, court rulings and complaints on a small dataset
built by hand, where every figure is known, on SQLite and PostgreSQL.

Appeals (unit Norr unless said otherwise; "barn" = a child in the household during the
appealed decision's period):
 1 Anna K + Alma (barn): avslag for September, appeal received 2026-10-05, omprövad
   2026-10-08 (ändras inte); förvaltningsrätten avslag 2026-11-20, kammarrätten
   prövningstillstånd ej meddelat 2026-12-15 (both appealed by her)
 2 Bertil M: avslag for October, appeal received 2026-10-20, late (for_sent)
 3 Cecilia K: 4000 for October, appeal received 2026-10-10, omprövad 2026-10-12: ändras, a
   new signed decision of 5000 replaces the appealed one
 4 David M + Dan (barn): avslag for August, appeal received 2026-08-25, omprövad 2026-09-01
   (ändras delvis); förvaltningsrätten delvis bifall 2026-10-15, the nämnd appeals:
   kammarrätten bifall 2026-12-01
 5 Erik M: avslag for September, appeal received 2026-09-10, withdrawn 2026-09-20
 6 Olle M, unit Söder: appeal received 2026-10-03, förvaltningsrätten avslag 2026-10-20
 7 Gustav M: appeal received 2025-12-01; HFD prövningstillstånd ej meddelat 2026-03-03

Complaints (unit Norr unless said otherwise):
 C1 klagomål 2026-10-01 blankett, bemötande + tillgänglighet, lex Sarah reported; answer
    signed 2026-10-11 (10 days)
 C2 klagomål 2026-10-10 e-post, bemötande; answer signed 2026-10-30 23:30 UTC, which is
    31 October in Sweden (21 days)
 C3 klagomål 2026-11-02 telefon, rättssäkerhet; only a draft answer: unanswered
 C4 beröm 2026-09-15 brev, theme beröm, anonymous without an address
 C5 förslag 2026-06-01 webb, no theme; answer signed 2026-06-05 (4 days)
 C6 klagomål 2026-10-02, unit Söder
 C7 klagomål 2025-12-20
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from app.cli import main
from app.common.errors import AccessDenied
from app.db.database import open_database
from app.models import Decision, MemberRole, Outcome
from app.models.appeal import (
    Appeal,
    AppealRuling,
    CourtInstance,
    Party,
    Reconsideration,
    RulingOutcome,
    Timeliness,
)
from app.models.complaint import Complaint, FeedbackKind, ReceivedVia
from app.models.letter import Letter, LetterKind
from app.printing.statistics_report import render_statistics_report
from app.statistics import statistics_csv, tables
from app.statistics.appeal_statistics import Split
from app.statistics.statistics import as_json_dict, month_statistics, year_statistics
from tests.core.security.test_server_access_control import on_postgresql
from tests.core.statistics.test_statistics import Builder

A, CHILD = MemberRole.APPLICANT, MemberRole.CHILD
OCT = date(2026, 10, 1)
FR, KR, HFD = (
    CourtInstance.ADMINISTRATIVE_COURT,
    CourtInstance.COURT_OF_APPEAL,
    CourtInstance.SUPREME_COURT,
)


class AppealBuilder(Builder):
    def appeal(self, number: int, decision: Decision, received: date, **values) -> Appeal:
        appeal = Appeal(
            case_id=self.data.cases[number].id,
            decision_id=decision.id,
            received_on=received,
            registered_by=self.staff.caseworker.id,
            **values,
        )
        self.session.add(appeal)
        self.session.flush()
        return appeal

    def ruling(self, appeal: Appeal, instance, on: date, outcome, by=Party.APPLICANT) -> None:
        self.session.add(
            AppealRuling(
                case_id=appeal.case_id,
                appeal_id=appeal.id,
                instance=instance,
                appealed_by=by,
                ruled_on=on,
                outcome=outcome,
                recorded_by=self.staff.caseworker.id,
            )
        )

    def complaint(
        self, number: int, kind, received: date, via, themes, *, unit=None, **values
    ) -> Complaint:
        complaint = Complaint(
            number=f"SYN-{received.year}-{number:04d}",
            unit_id=(unit or self.staff.unit).id,
            kind=kind,
            received_on=received,
            received_via=via,
            themes=json.dumps(themes),
            registered_by=self.staff.caseworker.id,
            **values,
        )
        self.session.add(complaint)
        self.session.flush()
        return complaint

    def answer(self, complaint: Complaint, signed_at: datetime | None) -> None:
        self.session.add(
            Letter(
                kind=LetterKind.COMPLAINT_ANSWER,
                unit_id=complaint.unit_id,
                complaint_id=complaint.id,
                body="Tack för din synpunkt.",
                author_id=self.staff.manager.id,
                signed_by=self.staff.manager.id if signed_at else None,
                signed_at=signed_at,
                decided_on=signed_at.date() if signed_at else None,
            )
        )


def build(session, staff) -> None:
    b = AppealBuilder(session, staff)
    refused = {"outcome": Outcome.REFUSED}
    b.household(
        1,
        [
            ("Anna", "K", date(1980, 5, 5), A, None, False),
            ("Alma", "K", date(2015, 3, 3), CHILD, date(2026, 1, 1), False),
        ],
    )
    a1 = b.appeal(
        1,
        b.decision(1, date(2026, 9, 1), 0, **refused),
        date(2026, 10, 5),
        timeliness=Timeliness.IN_TIME,
        reconsidered_on=date(2026, 10, 8),
        reconsideration=Reconsideration.NOT_CHANGED,
        forwarded_on=date(2026, 10, 9),
    )
    b.ruling(a1, FR, date(2026, 11, 20), RulingOutcome.REFUSED)
    b.ruling(a1, KR, date(2026, 12, 15), RulingOutcome.LEAVE_REFUSED)
    b.household(2, [("Bertil", "M", date(1990, 3, 1), A, None, False)])
    b.appeal(2, b.decision(2, OCT, 0, **refused), date(2026, 10, 20), timeliness=Timeliness.LATE)
    b.household(3, [("Cecilia", "K", date(1985, 7, 7), A, None, False)])
    appealed = b.decision(3, OCT, 4000, outcome=Outcome.PARTLY)
    new = b.decision(3, OCT, 5000, decided_on=date(2026, 10, 12), replaces=appealed)
    b.appeal(
        3,
        appealed,
        date(2026, 10, 10),
        timeliness=Timeliness.IN_TIME,
        reconsidered_on=date(2026, 10, 12),
        reconsideration=Reconsideration.CHANGED,
        replacing_decision_id=new.id,
    )
    b.household(
        4,
        [
            ("David", "M", date(1970, 1, 15), A, None, False),
            ("Dan", "M", date(2012, 1, 1), CHILD, None, False),
        ],
    )
    a4 = b.appeal(
        4,
        b.decision(4, date(2026, 8, 1), 0, **refused),
        date(2026, 8, 25),
        reconsidered_on=date(2026, 9, 1),
        reconsideration=Reconsideration.PARTLY_CHANGED,
    )
    b.ruling(a4, FR, date(2026, 10, 15), RulingOutcome.PARTLY_GRANTED)
    b.ruling(a4, KR, date(2026, 12, 1), RulingOutcome.GRANTED, by=Party.BOARD)
    b.household(5, [("Erik", "M", date(1975, 2, 2), A, None, False)])
    b.appeal(
        5,
        b.decision(5, date(2026, 9, 1), 0, **refused),
        date(2026, 9, 10),
        withdrawn_on=date(2026, 9, 20),
    )
    b.household(6, [("Olle", "M", date(1960, 1, 1), A, None, False)], unit=staff.other_unit)
    a6 = b.appeal(6, b.decision(6, OCT, 0, **refused), date(2026, 10, 3))
    b.ruling(a6, FR, date(2026, 10, 20), RulingOutcome.REFUSED)
    b.household(7, [("Gustav", "M", date(1965, 1, 1), A, None, False)])
    a7 = b.appeal(7, b.decision(7, date(2025, 11, 1), 0, **refused), date(2025, 12, 1))
    b.ruling(a7, HFD, date(2026, 3, 3), RulingOutcome.LEAVE_REFUSED)

    K, B, F = FeedbackKind.COMPLAINT, FeedbackKind.PRAISE, FeedbackKind.SUGGESTION
    address = {"sender_name": "Namn", "sender_address": "Gatan 1"}
    c1 = b.complaint(
        1,
        K,
        date(2026, 10, 1),
        ReceivedVia.FORM,
        ["bemotande", "tillganglighet"],
        lex_sarah_reported_on=date(2026, 10, 5),
        **address,
    )
    b.answer(c1, datetime(2026, 10, 11, 10, tzinfo=UTC))
    c2 = b.complaint(2, K, date(2026, 10, 10), ReceivedVia.EMAIL, ["bemotande"], **address)
    b.answer(c2, datetime(2026, 10, 30, 23, 30, tzinfo=UTC))
    c3 = b.complaint(3, K, date(2026, 11, 2), ReceivedVia.PHONE, ["rattssakerhet"], **address)
    b.answer(c3, None)
    b.complaint(4, B, date(2026, 9, 15), ReceivedVia.LETTER, ["berom"])
    c5 = b.complaint(5, F, date(2026, 6, 1), ReceivedVia.WEB, [], **address)
    b.answer(c5, datetime.combine(date(2026, 6, 5), time(9), tzinfo=UTC))
    b.complaint(6, K, date(2026, 10, 2), ReceivedVia.FORM, ["annat"], unit=staff.other_unit)
    b.complaint(7, K, date(2025, 12, 20), ReceivedVia.FORM, ["annat"], **address)
    session.flush()


@pytest.fixture
def data(session, staff) -> None:
    build(session, staff)
    session.commit()


def split(women, men, with_children, without_children) -> Split:
    return Split(women, men, with_children, without_children, women + men)


def test_the_year_appeals_and_omprovning(session, data, manager):
    a = year_statistics(session, manager, 2026).appeals
    assert a is not None
    assert a.received == split(2, 3, 2, 3)  # 1-5; not 6 (Söder) nor 7 (2025)
    assert a.dismissed_late == split(0, 1, 0, 1)  # Bertil
    assert a.withdrawn == split(0, 1, 0, 1)  # Erik
    assert a.reconsidered == split(2, 1, 2, 1)  # Anna, Cecilia, David
    assert a.changed == split(1, 1, 1, 1)  # Cecilia (ändras), David (delvis)
    assert a.changed_fully == split(1, 0, 0, 1)
    assert a.changed_share == Decimal("0.6667")


def test_the_year_court_rulings_per_instance_and_month(session, data, manager):
    a = year_statistics(session, manager, 2026).appeals
    assert a is not None
    found = {
        (instance, outcome): (c.total, c.appealed_by_applicant, c.appealed_by_board)
        for instance, outcomes in a.rulings.items()
        for outcome, c in outcomes.items()
        if c.total.total
    }
    assert found == {
        ("forvaltningsratten", "avslag"): (split(1, 0, 1, 0), 1, 0),  # Anna
        ("forvaltningsratten", "delvis_bifall"): (split(0, 1, 1, 0), 1, 0),  # David
        ("kammarratten", "pt_ej_meddelat"): (split(1, 0, 1, 0), 1, 0),  # Anna
        ("kammarratten", "bifall"): (split(0, 1, 1, 0), 0, 1),  # the nämnd appealed
        ("hfd", "pt_ej_meddelat"): (split(0, 1, 0, 1), 1, 0),  # Gustav, received 2025
    }
    assert a.instance_totals["kammarratten"].total == split(1, 1, 2, 0)
    assert a.instance_totals["kammarratten"].appealed_by_board == 1
    per_month = {m.month.month: m.total for m in a.months if m.total}
    assert per_month == {3: 1, 10: 1, 11: 1, 12: 2}
    december = a.months[11].by_outcome
    assert december["bifall"] == 1 and december["pt_ej_meddelat"] == 1
    assert sum(december.values()) == 2


def test_october_for_the_unit_and_for_all_units(session, data, manager, admin):
    a = month_statistics(session, manager, OCT).appeals
    assert a is not None and a.first == OCT and a.last == date(2026, 10, 31)
    assert a.received == split(2, 1, 1, 2)  # Anna, Bertil, Cecilia
    assert a.reconsidered == split(2, 0, 1, 1) and a.changed == split(1, 0, 0, 1)
    assert a.changed_share == Decimal("0.5000")
    assert a.instance_totals["forvaltningsratten"].total == split(0, 1, 1, 0)  # David
    assert [m.total for m in a.months] == [1]
    everyone = month_statistics(session, admin, OCT).appeals
    assert everyone is not None
    assert everyone.received.total == 4  # Olle in Söder too
    assert everyone.rulings["forvaltningsratten"]["avslag"].total.total == 1


def test_the_year_complaints(session, data, manager):
    c = year_statistics(session, manager, 2026).complaints
    assert c is not None
    k, b, f = (c.by_kind[kind] for kind in ("klagomal", "berom", "forslag"))
    assert (k.received, b.received, f.received, c.total.received) == (3, 1, 1, 5)
    assert (k.answered, k.unanswered, k.no_answer_wanted, k.lex_sarah_reported) == (2, 1, 0, 1)
    assert (k.median_days_to_answer, k.longest_days_to_answer) == (Decimal("15.5"), 21)
    assert (b.answered, b.unanswered, b.no_answer_wanted) == (0, 0, 1)  # anonymous
    assert (f.answered, f.median_days_to_answer, f.longest_days_to_answer) == (1, 4, 4)
    t = c.total
    assert (t.answered, t.unanswered, t.no_answer_wanted, t.lex_sarah_reported) == (3, 1, 1, 1)
    assert (t.median_days_to_answer, t.longest_days_to_answer) == (Decimal("10"), 21)
    themes = {code: by["totalt"] for code, by in c.themes.items() if by["totalt"]}
    assert themes == {
        "bemotande": 2,
        "tillganglighet": 1,
        "rattssakerhet": 1,
        "berom": 1,
        "utan_tema": 1,
    }
    assert c.themes["berom"]["berom"] == 1 and c.themes["utan_tema"]["forslag"] == 1
    via = {code: by["totalt"] for code, by in c.received_via.items() if by["totalt"]}
    assert via == {"blankett": 1, "e_post": 1, "telefon": 1, "brev": 1, "webb": 1}


def test_october_complaints_of_the_unit_only(session, data, manager, admin):
    c = month_statistics(session, manager, OCT).complaints
    assert c is not None and c.total.received == 2  # C1, C2; not C6 in Söder
    assert c.total.median_days_to_answer == Decimal("15.5")
    everyone = month_statistics(session, admin, OCT).complaints
    assert everyone is not None and everyone.total.received == 3


def test_the_changed_decision_replaces_the_appealed_one_in_the_decision_figures(
    session, data, manager
):
    """Cecilia's omprövning: the new 5000 counts, the appealed 4000 no longer does."""
    s = month_statistics(session, manager, OCT)
    assert s.amount_granted == Decimal("5000.00")
    assert (s.support_households.total.women, s.support_households.total.men) == (1, 0)


def test_only_chefs_and_administrators(session, data, caseworker, manager, staff):
    with pytest.raises(AccessDenied):
        year_statistics(session, caseworker, 2026)
    with pytest.raises(AccessDenied):
        year_statistics(session, manager, 2026, unit_id=staff.other_unit.id)


def test_tables_csv_and_pdf_hold_the_figures(session, data, manager, tmp_path):
    s = year_statistics(session, manager, 2026)
    by_key = {t.key: t for t in tables.all_tables(s)}
    appeals = by_key["appeals"]
    assert appeals.cell("Inkomna överklaganden", 5) == "5"
    assert appeals.cell("Inkomna överklaganden", 3) == "2"  # med barn
    assert appeals.cell("Andel ändrade av de omprövade", 5) == "66,7\xa0%"
    kr = by_key["rulings_kammarratten"]
    assert kr.title == "Domar i kammarrätten 2026"
    assert kr.cell("Bifall", 2) == "1"  # överklagat av nämnden
    assert kr.cell("Alla domar", 6) == "2"
    assert kr.cell("Alla domar", 7) == "100,0\xa0%"
    months = by_key["rulings_months"]
    assert months.columns[7].title == "Ej PT"  # prövningstillstånd meddelas inte
    assert months.cell("Helår 2026", 8) == "5" and months.cell("December", 8) == "2"
    assert months.cell("Mars", 7) == "1"  # HFD
    complaints = by_key["complaints"]
    assert complaints.cell("Inkomna", 1) == "3"  # klagomål
    assert complaints.cell("Dagar till svar, median", 1) == "15,5"
    assert complaints.cell("Dagar till svar, median", 2) == "–"  # beröm: none answered
    assert complaints.cell("Dagar till svar, längsta", 4) == "21"  # alla synpunkter
    themes = by_key["complaint_themes"]
    assert "flera teman" in themes.title
    assert themes.cell("Bemötande", 4) == "2" and themes.cell("Utan tema", 3) == "1"

    path = tmp_path / "s.csv"
    statistics_csv.write_statistics_csv(s, path)
    csv = path.read_text(encoding="utf-8-sig")
    assert "Överklaganden och omprövning 2026" in csv
    assert "Andel ändrade av de omprövade;50,0;100,0;50,0;100,0;66,7" in csv
    assert "Inkomna;3;1;1;5" in csv
    assert "Dagar till svar, median;15,5;;4;10" in csv

    pdf = render_statistics_report(s, printed="Utskriven", organisation="Socialnämnden")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
        .replace("\xa0", " ")
        .split()
    )
    assert "Överklaganden och omprövning 2026" in text
    assert "Inkomna överklaganden 2 3 2 3 5" in text
    assert "Domar i förvaltningsrätten 2026" in text
    assert "Inkomna 3 1 1 5" in text
    assert "Dagar till svar, median 15,5 – 4 10" in text
    assert "Bemötande 2 0 0 2" in text


def test_stats_json_holds_the_figures(db, data, capsys, cli_as):
    eva = cli_as("eva.lind")
    assert main([*eva.before, "stats", "--year", "2026", "--json", *eva.after]) == 0
    out = json.loads(capsys.readouterr().out)
    appeals, complaints = out["appeals"], out["complaints"]
    assert appeals["received"] == {
        "women": 2,
        "men": 3,
        "with_children": 2,
        "without_children": 3,
        "total": 5,
    }
    assert appeals["changed_share"] == "0.6667"
    assert appeals["rulings"]["kammarratten"]["bifall"]["appealed_by_board"] == 1
    assert [m["total"] for m in appeals["months"]][9:] == [1, 1, 2]
    assert complaints["total"]["received"] == 5
    assert complaints["by_kind"]["klagomal"]["median_days_to_answer"] == "15.5"
    assert complaints["themes"]["bemotande"]["totalt"] == 2
    assert "Namn" not in json.dumps(out) and "Gatan" not in json.dumps(out)


def _after_decision(session, actor, unit_id=None) -> list:
    return [
        {key: found[key] for key in ("appeals", "complaints")}
        for found in (
            as_json_dict(year_statistics(session, actor, 2026, unit_id=unit_id)),
            as_json_dict(month_statistics(session, actor, OCT, unit_id=unit_id)),
        )
    ]


def _as_login(url: str, work):
    database = open_database(url, upgrade=False)
    try:
        with database.sessions.begin() as session:
            return work(session)
    finally:
        database.dispose()


@on_postgresql
def test_the_users_own_logins_get_the_owners_figures(
    session, data, staff, admin, manager, login_roles
):
    """On the shared server the administrator's and the chef's own logins read through the
    server's functions (row-level security hides the cases from an administrator): the
    figures are those read as the owner, all units and one."""
    expected_all = _after_decision(session, admin)
    expected_norr = _after_decision(session, manager)
    assert expected_all[0]["appeals"]["received"]["total"] == 6  # Olle in Söder too
    assert expected_norr[0]["complaints"]["total"]["received"] == 5
    assert _as_login(login_roles["ada.admin"], lambda s: _after_decision(s, admin)) == expected_all
    assert (
        _as_login(login_roles["ada.admin"], lambda s: _after_decision(s, admin, staff.unit.id))
        == expected_norr
    )
    assert _as_login(login_roles["eva.lind"], lambda s: _after_decision(s, manager)) == (
        expected_norr
    )
