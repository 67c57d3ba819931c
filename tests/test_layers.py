"""The layer contracts in pyproject.toml ([tool.importlinter]; docs/ARCHITECTURE.md), run
here too so that `uv run pytest` alone catches an import that crosses a layer or makes a
cycle between areas. CI also runs `uv run lint-imports` on its own, with the same result."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_are_kept() -> None:
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert command is not None, "import-linter is not installed (uv sync installs the dev group)"
    result = subprocess.run(
        [command, "--no-cache", "--no-logo"],
        cwd=ROOT,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
