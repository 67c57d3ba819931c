"""Delegation by kind and outcome (issue 19, defect 7): granting up to an amount and refusing
(avslag, avvisning) are separate rights; a refusal is checked against what was applied for,
not against the 0 kr it grants. A delvis bifall needs both."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.common.errors import AccessDenied
from app.decisions import decisions
from app.models import DecisionKind, Delegation, DelegationScope
from tests.core.decisions.test_decisions import (
    avslag,
    bifall,
    item,
    partly,
    plain,
)

D = Decimal
GRANT, REFUSE = DelegationScope.GRANT, DelegationScope.REFUSE


def refuse_message(amount: str, kind: str = "försörjningsstöd") -> str:
    return (
        f"Du har inte delegation att avslå eller avvisa en ansökan om {kind} på {amount} kr "
        "(det sökta beloppet)."
    )


def grant_message(amount: str, kind: str = "försörjningsstöd") -> str:
    return f"Du har inte delegation att fatta beslut om {kind} på {amount} kr."


def delegation_problems(session, caseworker, case, draft) -> list[str]:
    decision = decisions.save_draft(session, caseworker, case.id, draft)
    return [
        plain(p)
        for p in decisions.signing_problems(session, caseworker, decision)
        if p.startswith("Du har inte delegation")
    ]


def test_a_refusal_is_checked_against_what_was_applied_for(
    session, admin, caseworker, case, render
) -> None:
    """Defect 7: an avslag of 11 720 kr passed a 5 000 kr delegation (0 kr granted)."""
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, D("5000"))
    decision = decisions.save_draft(session, caseworker, case.id, avslag())
    assert decision.granted_total == 0
    with pytest.raises(AccessDenied) as refused:
        decisions.sign_decision(session, caseworker, decision.id, render)
    assert plain(str(refused.value)) == refuse_message("11 720,00")
    assert not decision.is_signed and render.letters == []


def test_a_refusal_within_the_limit_signs(session, admin, caseworker, case, render) -> None:
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, D("11720"))
    decision = decisions.save_draft(session, caseworker, case.id, avslag())
    assert decisions.sign_decision(session, caseworker, decision.id, render).is_signed


def test_the_applied_amount_is_net_of_the_income_counted(session, admin, caseworker, case) -> None:
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, D("10000"))
    assert decisions.applied_total([item("riksnorm", "5220", "0")], D("1000")) == D("4220.00")
    assert decisions.applied_total([item("riksnorm", "5220", "0")], D("9000")) == D("0.00")
    draft = avslag(income_counted=D("1720"))  # 11 720 applied, 1 720 own income: 10 000
    assert delegation_problems(session, caseworker, case, draft) == []


def test_granting_and_refusing_are_separate_rights(session, admin, caseworker, case) -> None:
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, None, scope=GRANT)
    assert delegation_problems(session, caseworker, case, bifall()) == []
    assert delegation_problems(session, caseworker, case, avslag()) == [refuse_message("11 720,00")]
    assert delegation_problems(session, caseworker, case, avslag(dismissed=True)) == [
        refuse_message("11 720,00")
    ]
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, None, scope=GRANT, granted=False
    )
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, None, scope=REFUSE
    )
    assert delegation_problems(session, caseworker, case, avslag()) == []
    assert delegation_problems(session, caseworker, case, bifall()) == [grant_message("11 720,00")]


def test_a_delvis_bifall_needs_both(session, admin, caseworker, case) -> None:
    """Granted 11 020 kr of 11 720 kr applied for."""
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("20000"), scope=GRANT
    )
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("11000"), scope=REFUSE
    )
    assert delegation_problems(session, caseworker, case, partly()) == [refuse_message("11 720,00")]
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("11720"), scope=REFUSE
    )
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("11000"), scope=GRANT
    )
    assert delegation_problems(session, caseworker, case, partly()) == [grant_message("11 020,00")]


def test_has_delegation_by_scope(session, admin, caseworker) -> None:
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("500"), scope=REFUSE
    )
    assert decisions.has_delegation(session, caseworker, DecisionKind.SUPPORT, D("500"), REFUSE)
    assert not decisions.has_delegation(session, caseworker, DecisionKind.SUPPORT, D("501"), REFUSE)
    assert not decisions.has_delegation(session, caseworker, DecisionKind.SUPPORT, D("1"))


def test_without_a_scope_both_rights_are_given_and_taken(
    session, admin, caseworker, count_rows
) -> None:
    """What the migration does with an existing row: the same limit to grant, and to refuse
    an application of at most that amount."""
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, D("30000"))
    rows = {(d.scope, d.max_amount) for d in session.query(Delegation)}
    assert rows == {(GRANT, D("30000")), (REFUSE, D("30000"))}
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, None, granted=False
    )
    assert count_rows(Delegation) == 0


def test_the_delegation_list_shows_both(session, admin, caseworker, manager) -> None:
    decisions.set_delegation(session, admin, caseworker.id, DecisionKind.SUPPORT, D("30000"))
    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.OTHER_LIVING, D("5000"), scope=GRANT
    )
    decisions.set_delegation(
        session, admin, manager.id, DecisionKind.BEYOND_RIGHT, None, scope=REFUSE
    )
    rows = {row.user_name: row.rights for row in decisions.list_delegations(session)}
    assert rows["Sara Nilsson"] == {
        (DecisionKind.SUPPORT, GRANT): D("30000"),
        (DecisionKind.SUPPORT, REFUSE): D("30000"),
        (DecisionKind.OTHER_LIVING, GRANT): D("5000"),
    }
    assert rows["Eva Lind"] == {(DecisionKind.BEYOND_RIGHT, REFUSE): None}
    assert rows["Omar Haddad"] == {}


def test_the_change_is_audited_with_its_scope(session, admin, caseworker) -> None:
    from sqlalchemy import select

    from app.models import AuditEntry

    decisions.set_delegation(
        session, admin, caseworker.id, DecisionKind.SUPPORT, D("100"), scope=REFUSE
    )
    detail = session.scalars(
        select(AuditEntry.detail).where(AuditEntry.entity == "delegation")
    ).one()
    assert detail == "Försörjningsstöd, avslå eller avvisa: beviljad 100,00\xa0kr"
