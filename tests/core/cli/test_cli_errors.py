"""Every command line error is a Swedish sentence on stderr and exit status 2, never a
traceback: each sub-command (found in the parser, so a new one is covered too) with bad
arguments, and the inputs that once ended in tracebacks."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import make_url

from app import cli
from app.cli import cli_errors

ENGLISH = re.compile(
    r"Traceback|\b(error|usage|the following|invalid|unrecognized|expected|required|not allowed|"
    r"choose from|out of range|No such file|Errno|Exception)\b",
    re.IGNORECASE,
)
SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(är|och|ett|en|inte|kan|finns|måste|Ange)\b")


def _leaves(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    """(command words, parser) for every sub-command that takes no further sub-command."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, child in subs[0].choices.items():
        yield from _leaves(child, (*path, name))


LEAVES = dict(_leaves(cli._parser()))
COMMANDS = sorted(LEAVES)


def _required(parser: argparse.ArgumentParser, value: str) -> list[str]:
    """Arguments the sub-command cannot do without, each given `value`."""
    argv: list[str] = []
    for action in parser._actions:
        if not action.option_strings and action.nargs != 0:
            argv.append(value)
        elif action.required:
            argv += [action.option_strings[0], value]
    for group in parser._mutually_exclusive_groups:
        if group.required:
            argv += [group._group_actions[0].option_strings[0], value]
    return argv


def _run(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = cli.main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else 2
    out, err = capsys.readouterr()
    return code, out, err


def _assert_swedish_failure(code: int, out: str, err: str) -> None:
    assert code == 2, (out, err)
    assert "Traceback" not in out + err
    message = err.strip().splitlines()[-1] if err.strip() else out
    assert message, "no message"
    assert not ENGLISH.search(message.replace("Användning", "")), message
    assert SWEDISH.search(message), message


def test_every_command_is_found() -> None:
    assert {("decision", "pdf"), ("export", "csv"), ("db", "status"), ("stats",)} <= set(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_unknown_option_is_refused_in_swedish(command, capsys) -> None:
    code, out, err = _run([*command, "--finns-inte"], capsys)
    _assert_swedish_failure(code, out, err)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_missing_or_bad_values_are_refused_in_swedish(command, capsys) -> None:
    """Each sub-command without its required arguments, and with nonsense in them."""
    parser = LEAVES[command]
    if _required(parser, "x"):
        _assert_swedish_failure(*_run(list(command), capsys))
    for value in ("x", "-5", "99999999999999999999"):
        code, out, err = _run(["--db", "nonsense://", *command, *_required(parser, value)], capsys)
        if code == 0:  # config, selftest, norm: no database in the way, nothing to refuse
            assert "Traceback" not in out + err
            continue
        _assert_swedish_failure(code, out, err)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_database_in_a_folder_that_cannot_be_made(command, capsys, tmp_path) -> None:
    if command in (("selftest",), ("config",), ("norm",)):
        pytest.skip("uses no database of the user's")
    url = "sqlite:////proc/finns-inte/arendestod.sqlite3"
    code, out, err = _run(["--db", url, *command, *_required(LEAVES[command], "1")], capsys)
    _assert_swedish_failure(code, out, err)


# --- the inputs of issue 20 ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export", "csv", "--year", "2026", "--out", "/proc/x.csv"], "Filen /proc/x.csv"),
        (["decision", "list", "--limit", "99999999999999999999"], "heltal mellan 1 och"),
        (["decision", "list", "--limit", "0"], "heltal mellan 1 och"),
        (["stats", "--year", "-5"], "Året måste vara mellan 2000 och 2100"),
        (["stats", "--year", "99999"], "Året måste vara mellan 2000 och 2100"),
        (["stats", "--month", "0000-01"], "Ogiltig månad: 0000-01"),
        (["stats", "--month", "2026-13"], "Ogiltig månad: 2026-13"),
        (["export", "underlag", "--month", "1999-12", "--out", "x"], "Ogiltig månad"),
        (["demo", "--households", "0"], "heltal mellan 1 och 1 000 000"),
    ],
)
def test_inputs_that_ended_in_tracebacks(argv, expected, db, cli_as, capsys) -> None:
    ada = cli_as("ada.admin")
    code, out, err = _run([*ada.before, *argv, *ada.after], capsys)
    _assert_swedish_failure(code, out, err)
    assert expected in err


def test_out_is_a_directory(db, cli_as, tmp_path, capsys) -> None:
    ada = cli_as("ada.admin")
    argv = ["export", "csv", "--year", "2026", "--out", str(tmp_path)]
    code, out, err = _run([*ada.before, *argv, *ada.after], capsys)
    _assert_swedish_failure(code, out, err)
    assert f"Filen {tmp_path} kunde inte användas: det är en mapp" in err


@pytest.mark.parametrize("url", ["nonsense://", "nonsense", "postgresql+nosuchdriver://h/db"])
def test_database_address_that_cannot_be_read(url, capsys) -> None:
    code, out, err = _run(["--db", url, "db", "status"], capsys)
    _assert_swedish_failure(code, out, err)
    assert "Databasadressen går inte att förstå" in err


def test_database_folder_that_cannot_be_made(capsys) -> None:
    code, out, err = _run(["--db", "sqlite:////proc/finns-inte/a.sqlite3", "db", "status"], capsys)
    _assert_swedish_failure(code, out, err)
    assert "/proc/finns-inte" in err


def test_unreachable_server_does_not_echo_the_password(capsys) -> None:
    url = "postgresql://sara:Hemligt-99@127.0.0.1:1/arendestod?connect_timeout=2"
    code, out, err = _run(["--db", url, "db", "status"], capsys)
    _assert_swedish_failure(code, out, err)
    assert "Databasservern svarar inte" in err
    assert "Hemligt-99" not in out + err


def test_wrong_password_on_the_server(pg_server, capsys) -> None:
    url = make_url(pg_server.url_string("postgres")).set(password="fel-lösenord-123")
    code, out, err = _run(
        ["--db", url.render_as_string(hide_password=False), "db", "status"], capsys
    )
    _assert_swedish_failure(code, out, err)
    assert "Inloggningen till databasservern misslyckades" in err
    assert "fel-lösenord-123" not in out + err


def test_debug_shows_the_traceback(monkeypatch, capsys) -> None:
    monkeypatch.setenv(cli_errors.DEBUG_VARIABLE, "1")
    with pytest.raises(Exception, match="SQLAlchemy URL"):
        cli.main(["--db", "nonsense", "db", "status"])
    monkeypatch.delenv(cli_errors.DEBUG_VARIABLE)
    with pytest.raises(Exception, match="SQLAlchemy URL"):
        cli.main(["--debug", "--db", "nonsense", "db", "status"])


def test_help_is_in_swedish(capsys) -> None:
    assert cli.main(["stats", "--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Användning: arendestod stats")
    assert "flaggor:" in out and "visa den här hjälpen" in out
