"""Commands that read personal data need a user, apply that user's rights and log them."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app.cli import main
from app.demo import demo_data
from app.models import AuditEntry, Decision, Role, Unit
from app.security import audit
from app.security.accounts import create_user
from app.security.local_key import open_for_user
from tests.core.conftest import PASSWORD
from tests.core.decisions.test_decisions import (  # noqa: F401 (fixtures)
    bifall,
    case,
    delegated,
    render,
    sign,
    unit,
)

# The imported fixtures are used as arguments below, which "redefines" them for ruff.
# ruff: noqa: F811


@pytest.fixture
def signed(session, case, sign) -> Decision:
    decision = sign(case, bifall())
    session.commit()
    return decision


def _exports(session) -> list[AuditEntry]:
    session.expire_all()
    return list(
        session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == audit.Action.EXPORT)
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


def test_decision_pdf_is_logged_with_the_user(
    db, session, signed, cli_as, caseworker, tmp_path, capsys
) -> None:
    sara = cli_as("sara.nilsson")
    out = tmp_path / "beslut.pdf"
    argv = [*sara.before, "decision", "pdf", str(signed.id), "--out", str(out), *sara.after]
    assert main(argv) == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")
    [row] = _exports(session)
    assert row.entity == "decision_letter" and row.entity_id == signed.id
    assert row.user_id == caseworker.id


@pytest.mark.parametrize("command", [["decision", "list"], ["stats", "--year", "2026"]])
def test_without_a_user_nothing_is_read(db, session, signed, command, capsys) -> None:
    if not db.url.startswith("sqlite"):
        pytest.skip("on the server the URL's role is the user (its owner is no user)")
    assert main(["--db", db.url, *command]) == 2
    captured = capsys.readouterr()
    assert "--user" in captured.err and captured.out == ""
    assert _exports(session) == []


def test_decision_pdf_without_a_user_writes_no_file(db, signed, tmp_path, capsys) -> None:
    out = tmp_path / "beslut.pdf"
    code = main(["--db", db.url, "decision", "pdf", str(signed.id), "--out", str(out)])
    assert code == 2 and not out.exists()
    assert "Traceback" not in capsys.readouterr().err


def test_wrong_password_is_refused_and_logged(
    db, session, signed, tmp_path, monkeypatch, capsys
) -> None:
    if not db.url.startswith("sqlite"):
        pytest.skip("on the server the server checks the password (test_cli_errors)")
    monkeypatch.setattr("sys.stdin", io.StringIO("fel-lösenord\n"))
    out = tmp_path / "beslut.pdf"
    argv = ["--db", db.url, "decision", "pdf", str(signed.id), "--out", str(out)]
    assert main([*argv, "--user", "sara.nilsson", "--password-stdin"]) == 2
    assert "Fel användarnamn eller lösenord." in capsys.readouterr().err
    assert not out.exists()
    session.expire_all()
    failed = session.scalars(
        select(AuditEntry).where(AuditEntry.action == audit.Action.LOGIN_FAILED)
    ).all()
    assert len(failed) == 1
    assert _exports(session) == []


def test_password_asked_for_when_not_on_stdin(db, signed, tmp_path, monkeypatch, capsys) -> None:
    if not db.url.startswith("sqlite"):
        pytest.skip("SQLite: the program checks the password")
    asked: list[str] = []

    def getpass(prompt: str) -> str:
        asked.append(prompt)
        return PASSWORD

    monkeypatch.setattr("getpass.getpass", getpass)
    argv = ["--db", db.url, "decision", "list", "--user", "sara.nilsson"]
    assert main(argv) == 0
    assert asked == ["Lösenord för sara.nilsson: "]
    assert str(signed.id) in capsys.readouterr().out


def test_the_rights_of_the_window_apply(db, session, signed, make_case, pnr, cli_as, capsys):
    """Karin (another unit) sees no decision of Sara's unit and may not save its letter; an
    administrator manages the system and reads no case content."""
    karin = cli_as("karin.holm")
    assert main([*karin.before, "decision", "list", "--json", *karin.after]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    argv = [*karin.before, "decision", "pdf", str(signed.id), "--out", "x.pdf", *karin.after]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "behörighet" in err or "finns inte" in err
    ada = cli_as("ada.admin")
    assert main([*ada.before, "decision", "list", "--json", *ada.after]) == 0
    assert capsys.readouterr().out.strip() == "[]"
    sara = cli_as("sara.nilsson")
    assert main([*sara.before, "decision", "list", "--json", *sara.after]) == 0
    assert str(signed.id) in capsys.readouterr().out
    exports = _exports(session)
    assert exports and None not in {row.user_id for row in exports}


def test_demo_in_a_database_with_users_needs_an_administrator(
    tmp_path, monkeypatch, capsys, memory_keyring
) -> None:
    """Demo staff with a known password must not appear in a database in use."""
    url = f"sqlite:///{tmp_path / 'kommun.sqlite3'}"
    demo = ["--db", url, "demo", "--households", "2", "--no-letters"]
    assert main(demo) == 0  # empty: no user needed
    capsys.readouterr()
    assert main(demo) == 2
    assert "--user" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{demo_data.DEMO_PASSWORD}\n"))
    assert main([*demo, "--user", "sara.nilsson", "--password-stdin"]) == 2
    assert "Bara en administratör" in capsys.readouterr().err
    database = open_for_user(url)  # the key the commands put in the keyring
    with database.sessions.begin() as session:
        unit = session.scalars(select(Unit)).first()
        create_user(
            session,
            None,
            username="it.admin",
            full_name="It Admin",
            role=Role.ADMINISTRATOR,
            unit=unit,
            password=PASSWORD,
        )
    database.dispose()
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    again = [*demo, "--seed", "2", "--user", "it.admin", "--password-stdin"]
    assert main(again) == 0, capsys.readouterr().err


def test_demo_on_an_empty_database_needs_no_user(tmp_path, capsys, memory_keyring) -> None:
    url = f"sqlite:///{tmp_path / 'tom.sqlite3'}"
    assert main(["--db", url, "demo", "--households", "1", "--no-letters"]) == 0
    assert "1 hushåll" in capsys.readouterr().out
