"""The one search field: personnummer, birth date, names and case numbers, within access rules."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import event, func, select

from app.cases import case_search
from app.cases.case_register import PersonInput, change_status
from app.cases.case_search import SearchHit, SearchResult, search
from app.models import AuditEntry, Case, CaseStatus, MemberRole, Person
from app.security import integrity
from app.security.actor import Actor

ANNA = "19850312-1249"
HUGO = "20150607-3459"  # Anna's son
JOSE = "19780915-5679"
LARS = "19640404-4049"
PER = "19550505-3214"
MAJA = "19880808-8887"  # skyddade personuppgifter
NOUR = "19930303-3337"  # her household has a protected child
NOUR_CHILD = "20090909-0995"
ANNA_N = "19721010-1015"  # the colleague's case
ANNA_K = "19450101-0112"  # other unit
TOLVAN = "19121212-1212"
TOLVAN_CHILD = "20121212-1212"


@dataclass
class World:
    anna: Case
    jose: Case
    lars: Case
    per: Case
    maja: Case
    nour: Case
    anna_n: Case
    anna_k: Case
    tolvan: Case


@pytest.fixture
def world(session, make_case, colleague, manager, other_unit_caseworker) -> World:
    return World(
        anna=make_case(
            ANNA,
            "Anna",
            "Andersson",
            members=[PersonInput(HUGO, "Hugo", "Andersson", MemberRole.CHILD)],
        ),
        jose=make_case(JOSE, "José", "Östberg"),
        lars=make_case(LARS, "Lars", "Ostberg"),
        per=make_case(PER, "Per", "Åberg", actor=manager),
        maja=make_case(MAJA, "Maja", "Svensson", protected=True),
        nour=make_case(
            NOUR,
            "Nour",
            "Haddad",
            members=[
                PersonInput(NOUR_CHILD, "Sami", "Haddad", MemberRole.CHILD, protected_identity=True)
            ],
        ),
        anna_n=make_case(ANNA_N, "Anna", "Nilsson", actor=colleague),
        anna_k=make_case(ANNA_K, "Anna", "Karlsson", actor=other_unit_caseworker),
        tolvan=make_case(
            TOLVAN,
            "Tolvan",
            "Tolvansson",
            members=[PersonInput(TOLVAN_CHILD, "Lilla", "Tolvansson", MemberRole.CHILD)],
        ),
    )


def names(result: SearchResult) -> list[str]:
    return [hit.person_name for hit in result.hits]


class TestPersonalNumber:
    def test_every_spelling_finds_the_person(self, session, caseworker, world, subtests):
        anna_id = session.scalar(select(Person.id).where(Person.personal_number == "198503121249"))
        for query in (
            "19850312-1249",
            "198503121249",
            "850312-1249",
            "8503121249",
            "850312 1249",
            "  19850312 1249  ",
            "1985 0312 1249",
        ):
            with subtests.test(query=query):
                result = search(session, caseworker, query)
                assert result.message == ""
                assert result.truncated is False
                assert result.hits == [
                    SearchHit(
                        world.anna.id,
                        "EB-2026-000001",
                        CaseStatus.REGISTERED,
                        anna_id,
                        "Anna Andersson",
                        "19850312-1249",
                        MemberRole.APPLICANT,
                        "Sara Nilsson",
                    )
                ]

    def test_child_found_with_role(self, session, caseworker, world) -> None:
        (hit,) = search(session, caseworker, "150607-3459").hits
        assert (hit.person_name, hit.role, hit.case_number) == (
            "Hugo Andersson",
            MemberRole.CHILD,
            "EB-2026-000001",
        )

    def test_unknown_valid_number(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "19900101-2385")
        assert result.hits == []
        assert result.message == "Inga ärenden hittades för ”19900101-2385”."

    def test_invalid_check_digit_gives_message(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "19850312-1248")
        assert result.hits == []
        assert "Kontrollsiffran" in result.message
        assert result.message.endswith("Sökningen gav inga träffar.")

    def test_invalid_date_gives_message(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "19851332-1249")
        assert result.hits == []
        assert "giltigt datum" in result.message

    def test_arabic_indic_digits_give_message_not_error(self, session, caseworker, world):
        result = search(session, caseworker, "١٩٨٥٠٣١٢١٢٤٩")
        assert result.hits == []
        assert "siffror" in result.message

    def test_too_few_digits_give_a_hint(self, session, caseworker, world, subtests) -> None:
        for query in ("1234", "19850", "198503121", "12345678901", "+"):
            with subtests.test(query=query):
                result = search(session, caseworker, query)
                assert result.hits == []
                assert result.message == (
                    "Skriv hela personnumret, födelsedatumet (ÅÅMMDD), ett namn eller ett "
                    "ärendenummer."
                )


class TestBirthDate:
    def test_six_digits(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "850312")) == ["Anna Andersson"]

    def test_eight_digits(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "19850312")) == ["Anna Andersson"]

    def test_six_digits_match_both_centuries(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "121212")
        assert sorted(h.personal_number for h in result.hits) == [
            "19121212-1212",
            "20121212-1212",
        ]

    def test_eight_digits_pick_one_century(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "20121212")) == ["Lilla Tolvansson"]

    def test_birth_date_without_match(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "19850313")
        assert result.hits == []
        assert result.message == "Inga ärenden hittades för ”19850313”."


class TestNames:
    def test_first_name(self, session, caseworker, world) -> None:
        # Anna Karlsson belongs to the other unit; Anna Nilsson is the colleague's case.
        assert names(search(session, caseworker, "Anna")) == ["Anna Andersson", "Anna Nilsson"]

    def test_last_name(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "andersson")) == [
            "Anna Andersson",
            "Hugo Andersson",
        ]

    def test_first_and_last_name(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "Anna Andersson")) == ["Anna Andersson"]

    def test_last_and_first_name(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "andersson anna")) == ["Anna Andersson"]

    def test_prefixes(self, session, caseworker, world, subtests) -> None:
        for query, expected in (
            ("ann and", ["Anna Andersson"]),
            ("an and", ["Anna Andersson", "Hugo Andersson"]),  # "an" is a prefix of Andersson
            ("and", ["Anna Andersson", "Hugo Andersson"]),
            ("h and", ["Hugo Andersson"]),
            ("tolv", ["Lilla Tolvansson", "Tolvan Tolvansson"]),
            ("ANNA NIL", ["Anna Nilsson"]),
            ("  anna    nilsson  ", ["Anna Nilsson"]),
        ):
            with subtests.test(query=query):
                assert names(search(session, caseworker, query)) == expected

    def test_name_inside_a_word_does_not_match(self, session, caseworker, world) -> None:
        assert search(session, caseworker, "nna").hits == []

    def test_accents_are_folded(self, session, caseworker, world, subtests) -> None:
        for query in ("Jose", "josé", "JOSÉ", "Jose\u0301", "jos", "jose östberg"):
            with subtests.test(query=query):
                assert names(search(session, caseworker, query)) == ["José Östberg"]

    def test_o_does_not_find_o_umlaut(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "ostberg")) == ["Lars Ostberg"]

    def test_o_umlaut_does_not_find_o(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "Östberg")) == ["José Östberg"]
        assert names(search(session, caseworker, "öst")) == ["José Östberg"]

    def test_a_ring_is_its_own_letter(self, session, caseworker, world) -> None:
        assert names(search(session, caseworker, "åberg")) == ["Per Åberg"]
        assert names(search(session, caseworker, "ÅBERG")) == ["Per Åberg"]
        assert search(session, caseworker, "aberg").hits == []

    def test_unassigned_case_shows_so(self, session, caseworker, world) -> None:
        (hit,) = search(session, caseworker, "Per Åberg").hits
        assert hit.responsible_name == "Ej tilldelad"

    def test_closed_cases_come_last(self, session, caseworker, world) -> None:
        change_status(
            session, caseworker, world.anna.id, CaseStatus.CLOSED, closing_reason="arbete"
        )
        result = search(session, caseworker, "anna")
        assert [(h.person_name, h.status) for h in result.hits] == [
            ("Anna Nilsson", CaseStatus.REGISTERED),
            ("Anna Andersson", CaseStatus.CLOSED),
        ]

    def test_person_with_old_and_new_case(self, session, caseworker, world, make_case) -> None:
        change_status(
            session, caseworker, world.anna.id, CaseStatus.CLOSED, closing_reason="arbete"
        )
        new = make_case(ANNA, "Anna", "Andersson")
        result = search(session, caseworker, ANNA)
        assert [h.case_number for h in result.hits] == [new.case_number, "EB-2026-000001"]
        assert new.case_number == "EB-2026-000010"

    def test_truncated(self, session, caseworker, world, monkeypatch) -> None:
        monkeypatch.setattr(case_search, "MAX_HITS", 2)
        result = search(session, caseworker, "a")
        assert result.truncated is True
        assert len(result.hits) == 2


class TestCaseNumber:
    def test_spellings(self, session, caseworker, world, subtests) -> None:
        for query in (
            "EB-2026-000001",
            "eb 2026 1",
            "2026-1",
            "eb-2026-1",
            "EB2026000001",
            " Eb - 2026 - 01 ",
        ):
            with subtests.test(query=query):
                result = search(session, caseworker, query)
                # Only the applicant's row, although the household has two members.
                assert [(h.case_number, h.person_name, h.role) for h in result.hits] == [
                    ("EB-2026-000001", "Anna Andersson", MemberRole.APPLICANT)
                ]

    def test_unknown_case_number(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "2026-999")
        assert result.hits == []
        assert result.message == "Inga ärenden hittades för ”2026-999”."

    def test_case_number_of_other_unit(self, session, caseworker, world) -> None:
        assert search(session, caseworker, world.anna_k.case_number).hits == []
        (hit,) = search(session, caseworker, world.anna_n.case_number).hits
        assert hit.person_name == "Anna Nilsson"


class TestAccess:
    def test_only_own_unit(self, session, other_unit_caseworker, world) -> None:
        assert names(search(session, other_unit_caseworker, "anna")) == ["Anna Karlsson"]
        assert search(session, other_unit_caseworker, ANNA).hits == []

    def test_manager_sees_the_whole_unit(self, session, manager, world) -> None:
        assert names(search(session, manager, "anna")) == ["Anna Andersson", "Anna Nilsson"]

    def test_colleague_sees_unprotected_cases_of_others(self, session, colleague, world):
        assert names(search(session, colleague, "anna andersson")) == ["Anna Andersson"]

    def test_protected_person_hidden_from_colleague(self, session, colleague, world, subtests):
        for query in ("Maja", "svensson", MAJA, "880808", "EB-2026-000005"):
            with subtests.test(query=query):
                result = search(session, colleague, query)
                assert result.hits == []
                assert result.message == f"Inga ärenden hittades för ”{query}”."

    def test_protected_person_visible_to_responsible_and_manager(
        self, session, caseworker, manager, world, subtests
    ) -> None:
        for query in ("Maja", "svensson", MAJA, "EB-2026-000005"):
            for actor in (caseworker, manager):
                with subtests.test(query=query, actor=actor.username):
                    result = search(session, actor, query)
                    assert [(h.person_name, h.case_id) for h in result.hits] == [
                        ("Maja Svensson", world.maja.id)
                    ]

    def test_household_with_protected_child_hidden_when_searching_the_parent(
        self, session, colleague, caseworker, world
    ) -> None:
        assert search(session, colleague, "Nour Haddad").hits == []
        assert search(session, colleague, NOUR).hits == []
        assert names(search(session, caseworker, "haddad")) == ["Nour Haddad", "Sami Haddad"]

    def test_protected_case_of_colleague_hidden_from_responsible_of_others(
        self, session, make_case, colleague, caseworker, world
    ) -> None:
        make_case("19900101-2385", "Vera", "Holm", actor=colleague, protected=True)
        assert search(session, caseworker, "Vera Holm").hits == []
        assert names(search(session, colleague, "Vera Holm")) == ["Vera Holm"]

    def test_administrator_gets_no_hits_and_a_message(self, session, admin, world) -> None:
        for query in ("anna", ANNA, "EB-2026-000001"):
            result = search(session, admin, query)
            assert result.hits == []
            assert result.message == "Administratörer har inte tillgång till ärendeinnehåll."


class TestOddInput:
    def test_sql_and_like_syntax_is_plain_text(self, session, caseworker, world, subtests):
        persons = session.scalar(select(func.count()).select_from(Person))
        for query in (
            "1' OR '1'='1",
            "' OR 1=1 --",
            "'; DROP TABLE persons; --",
            "anna'; DELETE FROM cases; --",
            "%",
            "_",
            "a%",
            "\\",
            '"',
            "*",
        ):
            with subtests.test(query=query):
                result = search(session, caseworker, query)
                assert result.hits == []
                assert result.message == f"Inga ärenden hittades för ”{query}”."
        assert session.scalar(select(func.count()).select_from(Person)) == persons
        assert session.scalar(select(func.count()).select_from(Case)) == 9

    def test_empty_query(self, session, caseworker, world) -> None:
        assert search(session, caseworker, "   ") == SearchResult([], "")
        assert search(session, caseworker, None) == SearchResult([], "")

    def test_hyphens_only(self, session, caseworker, world) -> None:
        result = search(session, caseworker, " - - ")
        assert result.hits == []
        assert result.message.startswith("Skriv hela personnumret")

    def test_nothing_left_after_folding(self, session, caseworker, world) -> None:
        result = search(session, caseworker, "\u0301")  # a lone combining accent
        assert result.hits == []
        assert result.message == "Skriv ett namn, ett personnummer eller ett ärendenummer."

    def test_very_long_query_is_cut_at_100_characters(self, session, caseworker, world):
        result = search(session, caseworker, "Anna " + "x" * 100_000)
        assert result.hits == []
        assert result.message == "Inga ärenden hittades för ”Anna " + "x" * 95 + "”."

    def test_control_characters_and_lone_surrogates_separate_words(
        self, session, caseworker, world, subtests
    ) -> None:
        for query in (
            "anna\tandersson",
            "anna\x00andersson",
            "\ud800anna andersson\x1b",
            "19850312\t1249",
            "19850312\n1249",
        ):
            with subtests.test(query=query):
                assert names(search(session, caseworker, query)) == ["Anna Andersson"]

    def test_odd_unicode_gives_no_hits_and_no_error(self, session, caseworker, world, subtests):
        for query in ("anna\u200b", "\u200b", "анна", "أنا", "🙂", "\U0010ffff", "zz\ud800"):
            with subtests.test(query=query):
                result = search(session, caseworker, query)
                assert result.hits == []
                assert result.message.startswith("Inga ärenden hittades")


class TestAudit:
    @staticmethod
    def rows(session, actor: Actor) -> list[AuditEntry]:
        return list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.user_id == actor.id)
                .where(AuditEntry.action == "search")
            )
        )

    def test_search_with_hits_is_audited(self, session, caseworker, world) -> None:
        search(session, caseworker, "andersson")
        rows = self.rows(session, caseworker)
        summary = [r for r in rows if r.entity == "search"]
        assert [(r.detail, r.case_id, r.person_id) for r in summary] == [
            ("2 träffar för sökning (9 tecken)", None, None)
        ]
        anna, hugo = (
            session.scalar(
                select(Person.id).where(Person.first_name == name, Person.last_name == "Andersson")
            )
            for name in ("Anna", "Hugo")
        )
        per_person = {r.person_id for r in rows if r.entity == "person"}
        assert per_person == {anna, hugo}

    def test_the_persons_shown_are_logged_in_their_order_in_one_statement(
        self, db, session, caseworker, world
    ) -> None:
        """One row per person in the order of the hits, after the summary, all chained at
        commit; the summary and the persons in one statement (audit.record_persons): on
        PostgreSQL one INSERT … SELECT over arrays, not one INSERT per row; on SQLite one
        executemany."""
        session.commit()  # the world's own rows
        inserts: list[bool] = []

        def seen(_conn, _cursor, statement, _parameters, _context, executemany) -> None:
            if statement.startswith("INSERT INTO audit_log"):
                inserts.append(executemany)

        event.listen(db.engine, "before_cursor_execute", seen)
        try:
            result = search(session, caseworker, "an")
        finally:
            event.remove(db.engine, "before_cursor_execute", seen)
        session.commit()
        shown = list(dict.fromkeys(hit.person_id for hit in result.hits))
        assert len(shown) >= 3
        rows = sorted(self.rows(session, caseworker), key=lambda row: row.seq)
        assert [row.entity for row in rows] == ["search"] + ["person"] * len(shown)
        assert [row.person_id for row in rows[1:]] == shown
        assert [row.seq for row in rows] == list(range(rows[0].seq, rows[0].seq + len(rows)))
        assert integrity.verify_audit_chain(session).intact
        if db.engine.dialect.name == "postgresql":
            assert inserts == [False]  # one INSERT … SELECT, no executemany
        else:
            assert inserts == [True]

    def test_search_without_hits_is_audited(self, session, caseworker, world) -> None:
        search(session, caseworker, "1' OR '1'='1")
        rows = self.rows(session, caseworker)
        assert [(r.entity, r.detail) for r in rows] == [
            ("search", "0 träffar för sökning (12 tecken)")
        ]

    def test_each_search_writes_one_summary_row(self, session, caseworker, world) -> None:
        for query in ("anna", ANNA, "850312", "19850312", "2026-1", "zzz"):
            search(session, caseworker, query)
        summary = [r for r in self.rows(session, caseworker) if r.entity == "search"]
        assert len(summary) == 6

    def test_hidden_hits_are_not_logged_as_seen(self, session, colleague, world) -> None:
        search(session, colleague, "svensson")
        rows = self.rows(session, colleague)
        assert [(r.entity, r.detail) for r in rows] == [
            ("search", "0 träffar för sökning (8 tecken)")
        ]
