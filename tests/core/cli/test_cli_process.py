"""A command as a process of its own, as IT runs it (`arendestod stats --json > fil`): it
freezes its objects at exit instead of collecting them (app.common.gc_tuning.freeze_at_exit,
issue 21), and still hands over all of its output and its exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from app.cli import main
from app.common import gc_tuning
from tests.core.conftest import PASSWORD
from tests.file_keyring import shared_with_process

AS_THE_SCRIPT = "from app.cli import main; raise SystemExit(main())"
"""main() reading the process's own command line, as the `arendestod` script calls it."""
AS_A_TEST = "import sys; from app.cli import main; raise SystemExit(main(sys.argv[1:]))"
"""main(argv): the arguments handed in, as a test calls it: nothing is frozen at exit."""


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_stats_json_as_a_process_prints_all_of_it(db, staff, tmp_path) -> None:
    env = shared_with_process(dict(os.environ), tmp_path)
    arguments = ["--db", db.url, "stats", "--year", "2026", "--json"]
    arguments += ["--user", "ada.admin", "--password-stdin"]
    outputs = []
    for start in (AS_THE_SCRIPT, AS_A_TEST):
        result = subprocess.run(
            [sys.executable, "-c", start, *arguments],
            input=PASSWORD + "\n",
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    assert len(outputs[0]) > 65536  # more than a pipe holds: written while the reader reads
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0])["unit_name"] == "Alla enheter"


def test_only_a_command_run_as_its_own_process_freezes_at_exit(monkeypatch) -> None:
    frozen: list[bool] = []
    monkeypatch.setattr(gc_tuning, "freeze_at_exit", lambda: frozen.append(True))
    assert main(["stats"]) == 2  # a test's call: no period, so no database either
    assert frozen == []
    monkeypatch.setattr(sys, "argv", ["arendestod", "stats"])
    assert main() == 2
    assert frozen == [True]
    monkeypatch.setattr(sys, "argv", ["arendestod", "--version"])
    assert main() == 0  # the parser's answer: no command run
    assert frozen == [True]
