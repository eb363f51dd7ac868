"""Shared steps of the model benchmarks (bench/rank.py, bench/planner.py)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import duckdb

from analysis.rank import Ranker


def load_ranker(db: str, draws: int) -> tuple[Ranker, float] | None:
    """The model from warehouse `db` and the seconds the first load took; None (with a message) if absent."""
    if not Path(db).exists():
        print(f"no warehouse at {db}: run `python -m analysis.build` first", file=sys.stderr)
        return None
    t0 = time.perf_counter()
    with duckdb.connect(db, read_only=True) as con:
        ranker = Ranker.from_connection(con, n_draws=draws)
    return ranker, time.perf_counter() - t0
