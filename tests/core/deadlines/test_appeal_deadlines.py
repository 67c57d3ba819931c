"""The deadlines after a decision on hand-built dates, weekends and holidays included."""

from __future__ import annotations

from datetime import date

import pytest

from app.deadlines import after_decision_rules as rules
from app.deadlines import appeal_deadlines as deadlines
from app.models.appeal import DeliveryMethod, Timeliness


@pytest.mark.parametrize(
    ("delivered", "last_day", "why"),
    [
        (date(2026, 11, 10), date(2026, 12, 1), "a Tuesday: the Tuesday three weeks on"),
        (date(2026, 11, 14), date(2026, 12, 7), "three weeks on is a Saturday: Monday"),
        (date(2026, 12, 3), date(2026, 12, 28), "julafton, juldagen, annandag, weekend"),
        (date(2026, 12, 10), date(2027, 1, 4), "nyårsafton Thursday, nyårsdagen Friday"),
        (date(2026, 12, 16), date(2027, 1, 7), "trettondedag jul on the Wednesday"),
        (date(2027, 3, 5), date(2027, 3, 30), "långfredagen 26 March to annandag påsk: Tuesday"),
        (date(2026, 6, 5), date(2026, 6, 26), "no holiday: the Friday"),
        (date(2026, 5, 29), date(2026, 6, 22), "midsommarafton 19 June 2026 is a Friday"),
    ],
)
def test_the_last_day_to_appeal(delivered: date, last_day: date, why: str) -> None:
    assert deadlines.appeal_last_day(delivered) == last_day, why


def test_the_day_of_delgivning_follows_how_the_decision_was_delivered() -> None:
    sent, given = date(2026, 11, 2), date(2026, 11, 4)
    assert deadlines.delivered_on(DeliveryMethod.SIMPLIFIED, sent, None) == date(2026, 11, 16)
    assert deadlines.delivered_on(DeliveryMethod.SIMPLIFIED, None, given) is None
    assert deadlines.delivered_on(DeliveryMethod.RECEIPT, sent, given) == given
    assert deadlines.delivered_on(DeliveryMethod.HANDED_OVER, None, given) == given
    assert deadlines.delivered_on(DeliveryMethod.POST, sent, None) is None
    assert deadlines.delivered_on(DeliveryMethod.POST, sent, given) == given


def test_an_appeal_one_day_late_is_flagged() -> None:
    delivered = date(2026, 11, 10)  # last day Tuesday 1 December
    assert deadlines.timeliness(delivered, date(2026, 12, 1)) is Timeliness.IN_TIME
    assert deadlines.timeliness(delivered, date(2026, 12, 2)) is Timeliness.LATE
    assert (
        deadlines.timeliness(delivered, date(2026, 12, 2), date(2026, 11, 30))
        is Timeliness.LATE_EXCUSED
    )
    assert deadlines.timeliness(None, date(2027, 6, 1)) is Timeliness.UNKNOWN


def test_an_appeal_received_in_time_when_the_last_day_moved_past_christmas() -> None:
    delivered = date(2026, 12, 3)  # three weeks on: julafton
    assert deadlines.timeliness(delivered, date(2026, 12, 28)) is Timeliness.IN_TIME
    assert deadlines.timeliness(delivered, date(2026, 12, 29)) is Timeliness.LATE


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 10), date(2026, 11, 17)),  # Tuesday: the next Tuesday
        (date(2026, 11, 14), date(2026, 11, 20)),  # a Saturday: the Friday before the Saturday
        (date(2026, 12, 18), date(2026, 12, 23)),  # julafton and a week on: 23 December
        (date(2026, 12, 29), date(2027, 1, 5)),  # over the new year: Tuesday 5 January
    ],
)
def test_the_appeal_is_forwarded_within_a_week(received: date, due: date) -> None:
    assert deadlines.forwarding_due(received) == due


def test_the_board_counts_its_own_three_weeks_from_the_ruling() -> None:
    assert deadlines.board_appeal_last_day(date(2026, 12, 4)) == date(2026, 12, 28)
    assert deadlines.board_appeal_last_day(date(2026, 11, 17)) == date(2026, 12, 8)


def test_every_rule_has_a_source_and_unconfirmed_ones_are_refused_in_signed_letters() -> None:
    for rule in rules.rules().values():
        assert rule.source.note or rule.source, rule.code
    for method, rule in rules.delivery_rules().items():
        assert rule.source, method
    assert rules.signing_problems([rules.APPEAL_PERIOD]) == []
    (problem,) = rules.signing_problems([rules.BOARD_APPEAL_PERIOD])
    assert "inte kontrollerad" in problem


def test_the_rules_are_confirmed_only_where_the_paragraph_itself_was_read() -> None:
    """Issue 23: each rule checked against the statute text. A confirmed rule quotes the
    paragraph's own words and says where they were read (repository and commit, or page);
    what could not be read stays unconfirmed and is refused in a signed letter."""
    unconfirmed = {code for code, r in rules.rules().items() if not r.confirmed}
    # FPL 6 a § and SoL (2001:453) 14 kap. 3 § were not found in a readable copy
    assert unconfirmed == {rules.BOARD_APPEAL_PERIOD, rules.LEX_SARAH}
    for code, r in rules.rules().items():
        if r.confirmed:
            assert r.paragraph and r.source.sfs, code
            assert "'" in r.source.note, code  # the decisive words, quoted
            assert "Läst" in r.source.note or "läst" in r.source.note, code
    fl_commit = "se-lex/sfs, 2017/sfs-2017-900.md, commit 39b8e0c90b3bc7cd93ca71bb3950954c6b1b4694"
    for code in (
        rules.APPEAL_PERIOD,
        rules.LATE_DISMISSAL,
        rules.RECONSIDERATION,
        rules.FORWARDING,
    ):
        assert fl_commit in rules.rule(code).source.note, code
    # where the appeal covers the changed decision: 46 §, not 39 §
    reconsideration = rules.rule(rules.RECONSIDERATION)
    assert "46 § andra stycket" in reconsideration.paragraph
    assert "Överklagandet ska anses omfatta det nya beslutet." in reconsideration.source.note
    assert "skyndsamt" in rules.rule(rules.FORWARDING).source.note
    # the new law's paragraphs: lex Sarah 27 kap. 2 §, prövningstillstånd 35 kap. 4 §
    assert rules.rule(rules.LEX_SARAH_2025).paragraph == "27 kap. 2 § socialtjänstlagen (2025:400)"
    assert "ska genast rapportera" in rules.rule(rules.LEX_SARAH_2025).source.note
    assert "35 kap. 4 §" in rules.rule(rules.LEAVE_TO_APPEAL).paragraph
    assert "laga kraft" in rules.rule(rules.RULING_ENFORCED).text
    assert rules.rule("appeal_transition").confirmed
    # förenklad delgivning: the two weeks are applied, but their paragraph was not read
    delivery = rules.delivery_rules()
    assert not delivery[DeliveryMethod.SIMPLIFIED].confirmed
    assert all(r.confirmed for m, r in delivery.items() if m is not DeliveryMethod.SIMPLIFIED)
