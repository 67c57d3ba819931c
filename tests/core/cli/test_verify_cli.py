"""`arendestod db verify` (issue 20): the audit chain and every signed item checked, what
does not match reported in Swedish, exit status 0 / 1, and 2 without an administrator.
Tampering is done as an attacker would: plain SQL on the test database's engine."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import delete, select, text, update

from app import cli
from app.journal import journal
from app.journal.journal import JournalDraft
from app.models import AuditEntry, Case, JournalEntry
from tests.core.conftest import PASSWORD
from tests.core.security.test_server_access_control import on_postgresql


@pytest.fixture
def verify(db, monkeypatch, capsys):
    url = db.engine.url.render_as_string(hide_password=False)
    sqlite = db.engine.dialect.name == "sqlite"

    def run(*extra: str, user: str | None = "ada.admin", password: str = PASSWORD):
        args = ["--db", url, "db", "verify", *extra]
        if sqlite and user is not None:
            args += ["--user", user, "--password-stdin"]
            monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
        code = cli.main(args)
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


@pytest.fixture
def signed_entry(session, make_case, caseworker) -> JournalEntry:
    case = make_case()
    entry = journal.create_entry(
        session,
        caseworker,
        case.id,
        JournalDraft(date(2026, 11, 20), "telefon", "Samtal", "Ringde om ansökan."),
    )
    journal.sign_entry(session, caseworker, entry.id)
    session.commit()
    return entry


def test_all_is_well(verify, signed_entry) -> None:
    code, out, err = verify()
    assert code == 0, out + err
    assert "Loggkedjan: stämmer." in out
    assert "Signerat innehåll: alla 1 stämmer med sina signaturer." in out
    assert "Anteckna kedjans huvud för nästa kontroll: " in out
    assert "Resultat: allt stämmer." in out


def test_tampering_is_reported(verify, db, signed_entry, session) -> None:
    case_number = session.get_one(Case, signed_entry.case_id).case_number
    rows = session.scalars(select(AuditEntry.id).order_by(AuditEntry.seq)).all()
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "postgresql":
            # a DBA gets past the server's own rule on signed rows (0008) by switching
            # the triggers off for her session
            connection.execute(text("SET LOCAL session_replication_role = replica"))
        connection.execute(
            update(JournalEntry)
            .where(JournalEntry.id == signed_entry.id)
            .values(text="Beviljas 50 000 kr.")
        )
        connection.execute(delete(AuditEntry).where(AuditEntry.id.in_(rows[2:6])))
    code, out, _err = verify()
    assert code == 1
    assert "Loggkedjan: STÄMMER INTE från nummer 3." in out
    assert "4 rader saknas, i 1 lucka (efter nummer 2)." in out
    assert "Signerat innehåll: 1 av 1 stämmer INTE med signaturen" in out
    assert (
        f"journalanteckning · ärende {case_number} · signerad 2026-11-23 10:00 av Sara Nilsson"
        in out
    )
    assert "Resultat: något stämmer inte" in out


def test_a_noted_head_finds_a_shortened_log(verify, db, signed_entry) -> None:
    _code, out, _err = verify()
    head = out.split("Anteckna kedjans huvud för nästa kontroll: ")[1].split()[0]
    number = int(head.split(":")[0])
    with db.engine.begin() as connection:
        connection.execute(delete(AuditEntry).where(AuditEntry.seq >= number - 1))
    code, out, _err = verify("--expect-head", head)
    assert "Loggkedjan: stämmer." in out  # cut at the end: the chain alone cannot tell
    assert f"Det noterade huvudet (nummer {number}) STÄMMER INTE" in out
    assert code == 1


def test_only_an_administrator(verify, db, signed_entry) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("on the server: the login role decides (the owner here)")
    code, _out, err = verify(user="sara.nilsson")
    assert code == 2 and "Bara en administratör" in err
    code, _out, err = verify(password="fel-lösenord")
    assert code == 2 and "Fel användarnamn eller lösenord." in err
    code, _out, err = verify(user=None)
    assert code == 2 and "--user" in err


def test_a_malformed_head_is_refused(verify) -> None:
    code, _out, err = verify("--expect-head", "12:kort")
    assert code == 2 and "NUMMER:HASH" in err


@on_postgresql
def test_on_the_server_an_administrators_own_role(signed_entry, login_roles, capsys) -> None:
    """The whole log, which an administrator may read; no case content, which she may not."""
    assert cli.main(["--db", login_roles["ada.admin"], "db", "verify"]) == 0
    out = capsys.readouterr().out
    assert "Loggkedjan: stämmer." in out
    assert "Signerat innehåll: kontrolleras bara som databasens ägare" in out
    assert cli.main(["--db", login_roles["sara.nilsson"], "db", "verify"]) == 2
    assert "Bara en administratör" in capsys.readouterr().err
