"""A failed build leaves the previous database untouched, and says which file, row and column."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from analysis import build


def symlink_mirror(mirror: Path, dest: Path, replace: dict[str, str]) -> Path:
    """A copy of the mirror made of symlinks, with some files replaced by given text."""
    for path in mirror.rglob("*"):
        if path.is_file():
            rel = path.relative_to(mirror).as_posix()
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if rel in replace:
                target.write_text(replace[rel])
            else:
                os.symlink(path, target)
    return dest


@pytest.fixture
def previous_db(tmp_path):
    out = tmp_path / "flippable.duckdb"
    with duckdb.connect(str(out)) as con:
        con.execute("CREATE TABLE build_info AS SELECT 'previous' AS build_id, 1 AS schema_version")
    return out


def house_text(mirror: Path, lines: int) -> str:
    with open(mirror / "congress/house_results/1976-2024-house.tab") as fh:
        return "".join(next(fh) for _ in range(lines))


def test_non_numeric_vote_names_file_row_column(mirror, tmp_path, previous_db, capsys):
    text = house_text(mirror, 6).splitlines(keepends=True)
    header = text[0].rstrip("\n").split(",")
    col = header.index("candidatevotes")
    # Corrupt the 3rd data row's vote count (fields may be quoted; split is safe for these rows).
    fields = text[3].rstrip("\n").split(",")
    fields[col] = "12x45"
    text[3] = ",".join(fields) + "\n"
    bad = symlink_mirror(mirror, tmp_path / "m", {"congress/house_results/1976-2024-house.tab": "".join(text)})
    before = previous_db.read_bytes()
    assert build.main(["--mirror", str(bad), "--out", str(previous_db)]) == 1
    err = capsys.readouterr().err
    assert "1976-2024-house.tab" in err and "row 3" in err and "candidatevotes" in err
    assert previous_db.read_bytes() == before
    assert not list(tmp_path.glob("flippable.duckdb.tmp-*"))


def test_missing_column_is_reported(mirror, tmp_path, previous_db, capsys):
    text = house_text(mirror, 4).replace("candidatevotes", "cand_votes", 1)
    bad = symlink_mirror(mirror, tmp_path / "m", {"congress/house_results/1976-2024-house.tab": text})
    assert build.main(["--mirror", str(bad), "--out", str(previous_db)]) == 1
    assert "candidatevotes" in capsys.readouterr().err
    with duckdb.connect(str(previous_db), read_only=True) as con:
        assert con.execute("SELECT build_id FROM build_info").fetchone()[0] == "previous"


def test_truncated_file_fails_the_build(mirror, tmp_path, previous_db, capsys):
    # A file cut mid-line: the last row has too few fields.
    text = house_text(mirror, 5)
    text = text[: len(text) - 40]
    bad = symlink_mirror(mirror, tmp_path / "m", {"congress/house_results/1976-2024-house.tab": text})
    before = previous_db.read_bytes()
    assert build.main(["--mirror", str(bad), "--out", str(previous_db)]) == 1
    assert "1976-2024-house.tab" in capsys.readouterr().err
    assert previous_db.read_bytes() == before


def test_explicit_missing_mirror_is_an_error_not_a_download(tmp_path, previous_db, capsys):
    assert build.main(["--mirror", str(tmp_path / "nope"), "--out", str(previous_db)]) == 1
    assert "mirror directory not found" in capsys.readouterr().err
    assert not (tmp_path / "cache").exists()


def test_fingerprint_changes_with_raw_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.csv").write_text("x\n1\n")
    before = build.fingerprint(raw)
    assert build.fingerprint(raw) == before
    (raw / "a.csv").write_text("x\n12\n")
    assert build.fingerprint(raw) != before
