"""Build time against DuckDB's plain read of the same raw files, measured in the same run.

Baseline: DuckDB reads every raw file the build reads (CSV with read_csv, JSON/GeoJSON with
read_json, zip members extracted then read_csv), counting rows, nothing else.
Goal (issue #2): build < 2x baseline and < 60 s on a 2-core machine.

Usage: python bench/build.py [--mirror DIR] [--repeat N]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis import config  # noqa: E402


def plain_read(mirror: Path) -> tuple[float, int]:
    """Seconds for DuckDB to read every raw file once, and the rows it saw."""
    con = duckdb.connect()
    rows = 0
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(mirror.rglob("*")):
            if not path.is_file() or path.suffix in (".md", ".rda") or path.name.endswith(".yaml"):
                continue
            name = path.name
            if name.endswith(".zip"):
                with zipfile.ZipFile(path) as zf:
                    for member in zf.namelist():
                        if not member.endswith("/") and (
                            member.endswith(".csv") or "." not in member.rsplit("/", 1)[-1]
                        ):
                            target = zf.extract(member, tmp)
                            rows += con.execute(
                                "SELECT count(*) FROM read_csv(?, all_varchar=true, ignore_errors=true)", [target]
                            ).fetchone()[0]
                continue
            if name.endswith((".json", ".json.gz")):
                rows += con.execute(
                    "SELECT count(*) FROM read_json(?, maximum_object_size=200000000, format='auto')", [str(path)]
                ).fetchone()[0]
                continue
            if name.endswith((".csv", ".tab")):
                enc = "latin-1" if "medsl_2018" in str(path) else "utf-8"
                rows += con.execute(
                    "SELECT count(*) FROM read_csv(?, all_varchar=true, ignore_errors=true, encoding=?, sample_size=-1)",
                    [str(path), enc],
                ).fetchone()[0]
    return time.perf_counter() - t0, rows


def full_build(mirror: Path) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "bench.duckdb"
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "analysis.build", "--mirror", str(mirror), "--out", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=config.PROJECT_ROOT,
        )
        return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mirror", type=Path, default=config.default_mirror())
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    base = min(plain_read(args.mirror)[0] for _ in range(args.repeat))
    _, rows = plain_read(args.mirror)
    build_s = min(full_build(args.mirror) for _ in range(args.repeat))
    print(f"plain DuckDB read of all raw files: {base:6.1f} s ({rows:,} rows)")
    print(f"full build (python -m analysis.build): {build_s:6.1f} s")
    print(f"ratio build / plain read: {build_s / base:.2f}x   (goal < 2x and < 60 s)")


if __name__ == "__main__":
    main()
