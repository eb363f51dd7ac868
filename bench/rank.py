"""Re-rank time for a new national swing against a plain pandas sort of the same frame, same run.

First load (once per process): read the warehouse, fit the margin model, draw the simulation
(10,000 draws x every seat). Each re-rank after that: Ranker.rank(swing) for a new swing, i.e.
every seat's P(flip), P(decisive) and impact and every chamber's P(majority) recomputed from the
stored draws, sorted, with reasons. Baseline: `frame.sort_values('impact')` on the ranked frame
(~7,800 rows), the least a re-rank could cost. Goal (issue #3): re-rank < 300 ms after the first load.

Usage: python bench/rank.py [--db PATH] [--repeat N] [--draws N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis import config, model  # noqa: E402
from devtools.bench import load_ranker  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(config.db_path()))
    parser.add_argument("--repeat", type=int, default=21, help="re-ranks timed (swings spread over -5..+5 points)")
    parser.add_argument("--draws", type=int, default=model.DEFAULT_DRAWS)
    args = parser.parse_args(argv)
    loaded = load_ranker(args.db, args.draws)
    if loaded is None:
        return 1
    ranker, first_load = loaded
    frame = ranker.rank(0.0)

    swings = [-5 + 10 * i / max(args.repeat - 1, 1) for i in range(args.repeat)]
    rerank, plain = [], []
    for swing in swings:
        t = time.perf_counter()
        ranker.rank(swing)
        rerank.append(time.perf_counter() - t)
        t = time.perf_counter()
        frame.sort_values("impact", ascending=False)
        plain.append(time.perf_counter() - t)

    med_rank, med_plain = statistics.median(rerank), statistics.median(plain)
    seats = len(frame)
    print(
        f"seats ranked: {seats:,}; simulation: {args.draws:,} draws x {len(ranker.sim.mu):,} seats in "
        f"{len(ranker.sim.groups)} chamber elections"
    )
    print(
        f"first load (read + fit + draw): {first_load:.2f} s "
        f"(read {ranker.timings.get('load_s', 0):.2f}, fit {ranker.timings['fit_s']:.2f}, "
        f"simulate {ranker.timings['simulate_s']:.2f})"
    )
    print("| step | median ms | max ms | ratio to baseline |")
    print("|---|---:|---:|---:|")
    print(
        f"| re-rank for a new swing ({args.repeat} swings) | {1000 * med_rank:.1f} | {1000 * max(rerank):.1f} | "
        f"{med_rank / med_plain:.0f}x |"
    )
    print(
        f"| baseline: pandas sort_values of the same {seats:,}-row frame | {1000 * med_plain:.1f} | "
        f"{1000 * max(plain):.1f} | 1x |"
    )
    verdict = "meets" if med_rank < 0.3 else "MISSES"
    print(f"goal < 300 ms per re-rank after the first load: {verdict} ({1000 * med_rank:.0f} ms median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
