"""Planning time for 50 teams over every race, against plain baselines measured in the same run.

First load (once per process, as the dashboard caches it): read the warehouse, fit, draw the
simulation. Then, per objective, analysis.plan.plan_from_ranker for 50 teams x 500 net votes over all
races up (seats: exact dynamic programme; majority: greedy through Simulation.marginal_gains), which
includes scoring the plan and the naive plan on the same draws, the chamber table, the
leave-one-out gains and the next-team value. Baselines: one Simulation.evaluate() call for a
50-race vote shift (the least a plan scored through the simulation could cost) and a pandas
`sort_values` of the ranked frame (the naive "closest races" list). Goal (issue #5): < 2 s per plan.

Usage: python bench/planner.py [--db PATH] [--teams 50] [--votes 500] [--repeat 5] [--draws N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from analysis import config, model, plan  # noqa: E402
from devtools.bench import load_ranker  # noqa: E402

GOAL_S = 2.0


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(median s, max s, last result) over `repeat` calls."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), max(times), out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=str(config.db_path()))
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--votes", type=float, default=500.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--draws", type=int, default=model.DEFAULT_DRAWS)
    args = parser.parse_args(argv)
    loaded = load_ranker(args.db, args.draws)
    if loaded is None:
        return 1
    ranker, first_load = loaded
    ranked = ranker.rank(0.0)
    shifts = ranker.vote_shifts({int(i): args.votes for i in ranked["seat_index"].head(args.teams)})

    rows = []
    base_eval, base_eval_max, _ = timed(lambda: ranker.sim.evaluate(shifts, 0.0), max(args.repeat, 11))
    base_sort, base_sort_max, _ = timed(
        lambda: ranked.assign(abs_margin=ranked["expected_margin"].abs()).sort_values("abs_margin"),
        max(args.repeat, 11),
    )
    results = {}
    for objective in ("seats", "majority"):
        request = plan.PlanRequest(teams=args.teams, votes_per_team=args.votes, objective=objective)
        med, worst, result = timed(lambda request=request: plan.plan_from_ranker(ranker, request), args.repeat)
        results[objective] = result
        rows.append((f"plan {args.teams} teams, objective {objective} ({result.summary['method']})", med, worst))

    print(
        f"races: {results['seats'].summary['candidate_races']:,} (every race up); simulation: {args.draws:,} draws x "
        f"{len(ranker.sim.mu):,} seats in {len(ranker.sim.groups)} chamber elections"
    )
    print(f"first load (read + fit + draw, once per process): {first_load:.2f} s")
    print("| step | median ms | max ms | ratio to evaluate() | ratio to sort |")
    print("|---|---:|---:|---:|---:|")
    for label, med, worst in rows:
        print(f"| {label} | {1000 * med:.0f} | {1000 * worst:.0f} | {med / base_eval:.0f}x | {med / base_sort:.0f}x |")
    print(
        f"| baseline: one Simulation.evaluate() of a {args.teams}-race shift | {1000 * base_eval:.1f} | "
        f"{1000 * base_eval_max:.1f} | 1x | {base_eval / base_sort:.0f}x |"
    )
    print(
        f"| baseline: pandas sort of {len(ranked):,} races by closeness | {1000 * base_sort:.1f} | "
        f"{1000 * base_sort_max:.1f} | {base_sort / base_eval:.2f}x | 1x |"
    )
    for objective, result in results.items():
        s = result.summary
        print(
            f"{objective}: plan +{s['expected_seats_gained']:.2f} seats, {s['p_majority_gain']:+.3f} summed P(majority); "
            f"naive (closest {args.teams}) +{s['naive_expected_seats_gained']:.2f} seats, "
            f"{s['naive_p_majority_gain']:+.3f}"
        )
    worst_median = max(med for _, med, _ in rows)
    verdict = "meets" if worst_median < GOAL_S else "MISSES"
    print(f"goal < {GOAL_S:.0f} s per plan of {args.teams} teams: {verdict} (slowest median {worst_median:.2f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
