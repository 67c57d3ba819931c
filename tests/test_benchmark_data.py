"""The benchmark's data files: it never replaces a file it did not make."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.generate import ensure_database, meta_file


@pytest.mark.parametrize("rebuild", [False, True])
def test_a_file_without_the_benchmarks_metadata_is_refused_not_replaced(
    tmp_path: Path, rebuild: bool
) -> None:
    """A copy of a benchmark file without its metadata (or a user's database given by
    mistake) was deleted and generated anew: a helper lost a 6.9 GB copy that way."""
    path = tmp_path / "kopia.sqlite3"
    path.write_bytes(b"not ours to delete")
    with pytest.raises(SystemExit, match="is not a benchmark database"):
        ensure_database(10, f"sqlite:///{path}", rebuild=rebuild)
    assert path.read_bytes() == b"not ours to delete"
    assert not meta_file(path).exists()
