"""Staffing planner (analysis/plan.py): hand-worked optima on tiny synthetic chambers, brute force, properties,
constraints, seed, CLI and page smoke tests on the real warehouse."""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import config, model, plan

REAL_DB = config.DATA_DIR / "flippable.duckdb"
ROOT = Path(__file__).resolve().parent.parent


def chamber(
    mu,
    chamber_state="XX",
    office="state_house",
    votes=10_000,
    sd_seat=0.01,
    sd_state=0.0,
    sd_national=0.0,
    state=None,
    unit=None,
    district=None,
):
    """A synthetic chamber: one seat per margin (points, + = D), each its own district unless `unit` says."""
    n = len(mu)
    district = district if district is not None else [str(i + 1) for i in range(n)]
    state = state if state is not None else chamber_state
    states = [state] * n if isinstance(state, str) else list(state)
    return pd.DataFrame(
        {
            "chamber_state": chamber_state,
            "office": office,
            "state_po": states,
            "district": district,
            "unit": unit if unit is not None else [f"{s}|{office}|{d}|" for s, d in zip(states, district, strict=True)],
            "holder_party": ["DEM" if m > 0 else "REP" for m in mu],
            "target_year": 2026,
            "expected_margin": np.asarray(mu, dtype=float),
            "sd_seat": sd_seat,
            "sd_state": sd_state,
            "sd_national": sd_national,
            "votes_cast": votes,
        }
    )


def simulate(frame: pd.DataFrame, n_draws: int = 500, seed: int = 1) -> model.Simulation:
    return model.Simulation(frame, n_draws=n_draws, seed=seed)


def run(frame, sim=None, **kwargs) -> plan.Plan:
    sim = sim or simulate(frame)
    kwargs.setdefault("max_points", None)
    return plan.make_plan(sim, frame, plan.PlanRequest(**kwargs))


def teams_by_race(result: plan.Plan) -> dict[str, int]:
    return dict(zip(result.races["race_id"], result.races["teams"], strict=True))


def brute_force_seats(sim: model.Simulation, frame: pd.DataFrame, n: int, votes: float, decay: float, k: int, cap=None):
    """Best expected seats gained over EVERY allocation of n teams (one race per seat), computed independently."""
    base = sim.mu
    p0 = sim.p_dem(base)
    best = -np.inf
    for alloc in itertools.product(range(k + 1), repeat=len(frame)):
        if sum(alloc) != min(n, k * len(frame)):
            continue
        j = np.array(alloc, dtype=float)
        moved = votes * j if decay == 1 else votes * (1 - decay**j) / (1 - decay)
        if cap is not None:
            moved = np.minimum(moved, cap * frame["votes_cast"].to_numpy(dtype=float) / 100)
        best = max(best, float(np.sum(sim.p_dem(base + sim.points(moved)) - p0)))
    return best


# --------------------------------------------------------------------------- pure pieces


def test_diminishing_returns_by_hand():
    req = plan.PlanRequest(teams=3, votes_per_team=500, decay=0.5)
    assert req.team_votes([1, 2, 3]).tolist() == [500.0, 250.0, 125.0]
    assert req.race_votes([0, 1, 2, 3]).tolist() == [0.0, 500.0, 750.0, 875.0]
    flat = plan.PlanRequest(teams=3, votes_per_team=400, decay=1.0)
    assert flat.race_votes([0, 2, 3]).tolist() == [0.0, 800.0, 1200.0]


def test_race_ids():
    assert plan.race_id("PA", "us_house", "7") == "PA-us_house-7"
    assert plan.race_id("WA", "state_house", "1", "2") == "WA-state_house-1-2"
    assert plan.race_id("NH", "state_house", "Belknap-1", None) == "NH-state_house-Belknap-1"
    assert plan.race_id("NH", "state_house", "Belknap-1", float("nan")) == "NH-state_house-Belknap-1"
    assert plan.chamber_name("NE", "state_senate") == "NE Legislature"
    assert plan.chamber_name("US", "us_house") == "US House"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"teams": -1},
        {"teams": 2.5},
        {"votes_per_team": 0},
        {"decay": 0},
        {"decay": 1.5},
        {"max_per_race": 0},
        {"objective": "votes"},
        {"method": "magic"},
        {"offices": ("us_senate",)},
        {"max_points": 0},
        {"include": ("A",), "exclude": ("a",)},
    ],
)
def test_request_validation(kwargs):
    args = {"teams": 3, "votes_per_team": 500} | kwargs
    with pytest.raises(ValueError):
        plan.PlanRequest(**args)


# --------------------------------------------------------------------------- hand-worked optima


def test_seats_plan_matches_hand_worked_optimum_where_greedy_fails():
    # 10,000 votes cast, 500 votes per team, no decay: each team moves 5 points. Seats at R+4, R+7,
    # R+12 and D+20, almost no uncertainty. Three teams: one flips R+4 (1 team), R+7 needs two
    # (to D+3), R+12 needs three. Best: R+4 x1 + R+7 x2 = 2 seats. A one-team-at-a-time greedy
    # sees no gain from a first team in R+7 and stalls at 1 seat.
    frame = chamber([-4.0, -7.0, -12.0, 20.0])
    sim = simulate(frame)
    best = run(frame, sim, teams=3, votes_per_team=500, decay=1.0, max_per_race=3, objective="seats")
    assert teams_by_race(best) == {"XX-state_house-1": 1, "XX-state_house-2": 2}
    assert best.summary["expected_seats_gained"] == pytest.approx(2.0, abs=1e-6)
    assert best.races["margin_after"].tolist() == pytest.approx([3.0, 1.0])  # sorted by teams: R+7 first
    assert best.summary["method"].startswith("exact")
    assert brute_force_seats(sim, frame, 3, 500, 1.0, 3) == pytest.approx(2.0, abs=1e-6)
    greedy = run(frame, sim, teams=3, votes_per_team=500, decay=1.0, max_per_race=3, method="greedy")
    assert greedy.summary["expected_seats_gained"] == pytest.approx(1.0, abs=1e-6)
    # The naive plan (closest first: R+4, R+7, R+12, one team each) wins only R+4.
    assert best.summary["naive_expected_seats_gained"] == pytest.approx(1.0, abs=1e-6)
    assert set(best.naive["race_id"]) == {"XX-state_house-1", "XX-state_house-2", "XX-state_house-3"}


def test_majority_plan_matches_hand_worked_optimum():
    # Chamber XX (3 seats, majority 2): D+30, R+4, R+30 -> flipping R+4 wins the majority.
    # Chamber YY (5 seats, majority 3): Democrats already hold 3 safe seats; R+2 is the closest race
    # in the country but cannot change the majority. One team of 5 points.
    frame = pd.concat(
        [chamber([30.0, -4.0, -30.0]), chamber([30.0, 30.0, 30.0, -2.0, -30.0], chamber_state="YY")],
        ignore_index=True,
    )
    result = run(frame, teams=1, votes_per_team=500, objective="majority")
    assert teams_by_race(result) == {"XX-state_house-2": 1}
    assert result.summary["p_majority_gain"] == pytest.approx(1.0)
    assert result.races["d_p_majority"].iloc[0] == pytest.approx(1.0, abs=1e-6)
    ch = result.chambers.iloc[0]
    assert (ch["chamber"], ch["p_dem_majority_before"], ch["p_dem_majority_after"]) == ("XX House", 0.0, 1.0)
    assert result.summary["expected_seats_gained"] == pytest.approx(1.0, abs=1e-6)
    # The naive plan staffs the closest race (YY R+2): a seat, but no majority.
    assert result.naive["race_id"].tolist() == ["YY-state_house-4"]
    assert result.summary["naive_p_majority_gain"] == pytest.approx(0.0)
    assert result.summary["naive_expected_seats_gained"] == pytest.approx(1.0, abs=1e-6)
    assert result.summary["gain_over_naive"] == pytest.approx(1.0)
    # One more team: no majority left to win, so it goes by expected seats (YY R+2).
    assert result.summary["next_team_race"] == "YY-state_house-4"
    assert result.summary["next_team_expected_seats"] == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_greedy_equals_brute_force_when_gains_are_concave(seed):
    # Every seat leans Democratic (margin >= 0): P(win) is concave there, and with decay <= 1 each
    # race's gains shrink team after team, so greedy is optimal for the separable seats objective.
    rng = np.random.default_rng(seed)
    frame = chamber(rng.uniform(0.5, 12, 5), votes=rng.integers(5_000, 40_000, 5), sd_seat=rng.uniform(3, 8, 5))
    sim = simulate(frame)
    n, votes, decay, k = int(rng.integers(1, 8)), float(rng.uniform(200, 2000)), float(rng.uniform(0.4, 1.0)), 3
    best = brute_force_seats(sim, frame, n, votes, decay, k)
    greedy = run(frame, sim, teams=n, votes_per_team=votes, decay=decay, max_per_race=k, method="greedy")
    exact = run(frame, sim, teams=n, votes_per_team=votes, decay=decay, max_per_race=k)
    assert greedy.summary["expected_seats_gained"] == pytest.approx(best, abs=1e-9)
    assert exact.summary["expected_seats_gained"] == pytest.approx(best, abs=1e-9)
    assert greedy.curve["objective_value"].iloc[-1] == pytest.approx(best, abs=1e-9)


@pytest.mark.parametrize("seed", [10, 11, 12])
def test_dynamic_programme_equals_brute_force_on_any_gains(seed):
    # Republican-leaning seats (convex P(win)), a ceiling: the exact method still finds the optimum.
    rng = np.random.default_rng(seed)
    frame = chamber(rng.uniform(-20, 5, 5), votes=rng.integers(3_000, 30_000, 5), sd_seat=rng.uniform(1, 6, 5))
    sim = simulate(frame)
    n, votes, decay, k = int(rng.integers(1, 9)), float(rng.uniform(200, 2000)), float(rng.uniform(0.4, 1.0)), 3
    best = brute_force_seats(sim, frame, n, votes, decay, k, cap=10.0)
    exact = run(frame, sim, teams=n, votes_per_team=votes, decay=decay, max_per_race=k, max_points=10.0)
    assert exact.summary["expected_seats_gained"] == pytest.approx(best, abs=1e-9)
    assert exact.curve["objective_value"].iloc[-1] == pytest.approx(best, abs=1e-9)


def test_exact_majority_search_is_at_least_as_good_as_greedy_and_naive():
    rng = np.random.default_rng(4)
    frame = chamber(rng.normal(-1, 6, 6), sd_seat=4.0, sd_state=2.0, sd_national=2.0, votes=15_000)
    sim = simulate(frame, n_draws=2000, seed=3)
    kwargs = {"teams": 4, "votes_per_team": 600, "max_per_race": 2, "objective": "majority"}
    exact = run(frame, sim, method="exact", **kwargs)
    greedy = run(frame, sim, **kwargs)
    assert exact.summary["p_majority_gain"] >= greedy.summary["p_majority_gain"] - 1e-12
    assert exact.summary["p_majority_gain"] >= exact.summary["naive_p_majority_gain"] - 1e-12
    assert greedy.summary["p_majority_gain"] > 0
    with pytest.raises(ValueError, match="too many"):
        run(chamber(np.linspace(-5, 5, 40)), teams=12, votes_per_team=500, objective="majority", method="exact")


# --------------------------------------------------------------------------- properties


@functools.cache
def two_chambers() -> tuple[pd.DataFrame, model.Simulation]:
    rng = np.random.default_rng(21)
    frame = pd.concat(
        [
            chamber(
                rng.normal(0, 6, 7), votes=rng.integers(4_000, 30_000, 7), sd_seat=4.0, sd_state=2.0, sd_national=3.0
            ),
            chamber(
                rng.normal(1, 6, 5),
                chamber_state="YY",
                office="state_senate",
                votes=rng.integers(8_000, 60_000, 5),
                sd_seat=4.0,
                sd_state=2.0,
                sd_national=3.0,
            ),
        ],
        ignore_index=True,
    )
    return frame, simulate(frame, n_draws=1000, seed=9)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(0, 12),
    votes=st.floats(50, 3000),
    decay=st.floats(0.2, 1.0),
    k=st.integers(1, 4),
    objective=st.sampled_from(sorted(plan.OBJECTIVES)),
    cap=st.one_of(st.none(), st.floats(1, 20)),
)
def test_more_teams_never_lower_expected_seats(n, votes, decay, k, objective, cap):
    frame, sim = two_chambers()
    kwargs = {"votes_per_team": votes, "decay": decay, "max_per_race": k, "objective": objective, "max_points": cap}
    fewer = plan.make_plan(sim, frame, plan.PlanRequest(teams=n, **kwargs)).summary
    more = plan.make_plan(sim, frame, plan.PlanRequest(teams=n + 1, **kwargs)).summary
    assert more["expected_seats_gained"] >= fewer["expected_seats_gained"] - 1e-9
    assert more["teams_assigned"] == min(n + 1, k * len(frame))
    if objective == "majority":  # greedy plans are nested and the draws are shared: P(majority) cannot fall
        assert more["p_majority_gain"] >= fewer["p_majority_gain"] - 1e-12
    assert 0.0 <= fewer["expected_seats_gained"] <= min(n, len(frame)) + 1e-9


@settings(max_examples=25, deadline=None)
@given(
    states=st.sets(st.sampled_from(["XA", "XB", "XC"]), max_size=2),
    offices=st.sets(st.sampled_from(["us_house", "state_house"]), max_size=1),
    n=st.integers(1, 8),
    objective=st.sampled_from(sorted(plan.OBJECTIVES)),
)
def test_a_race_outside_the_filters_is_never_chosen(states, offices, n, objective):
    frame, sim = three_states()
    result = plan.make_plan(
        sim,
        frame,
        plan.PlanRequest(
            teams=n, votes_per_team=800, offices=tuple(offices), states=tuple(states), objective=objective
        ),
    )
    for staffed in (result.races, result.naive):
        if states:
            assert set(staffed["state_po"]) <= states
        if offices:
            assert set(staffed["office"]) <= offices
    assert result.summary["teams_assigned"] == min(n, plan.DEFAULT_MAX_PER_RACE * result.summary["candidate_races"])


@functools.cache
def three_states() -> tuple[pd.DataFrame, model.Simulation]:
    # The best races of all (tiny, close) sit in XC; the filters must still keep them out.
    frame = pd.concat(
        [
            chamber([-1.0, 2.0, -3.0], chamber_state="US", office="us_house", state=["XA", "XB", "XC"], votes=300_000),
            chamber([-2.0, -5.0, 4.0], chamber_state="XA", state="XA", votes=12_000, sd_seat=3.0),
            chamber([-1.0, -6.0, 1.0], chamber_state="XB", state="XB", votes=9_000, sd_seat=3.0),
            chamber([-0.5, -1.0, -1.5], chamber_state="XC", state="XC", votes=2_000, sd_seat=3.0),
        ],
        ignore_index=True,
    )
    return frame, simulate(frame)


# --------------------------------------------------------------------------- constraints


def test_include_and_exclude_are_honoured():
    # 5 points per team, seat sd 3: one team adds 0.595 seats at R+2.5, 0.539 at R+1, 0.452 at R+5,
    # nothing at R+30 (Phi(5/3) - Phi(-0.833) etc., by hand).
    frame = chamber([-1.0, -2.5, -5.0, -30.0], votes=10_000, sd_seat=3.0)
    sim = simulate(frame)
    base = run(frame, sim, teams=2, votes_per_team=500, max_per_race=1)
    assert teams_by_race(base) == {"XX-state_house-1": 1, "XX-state_house-2": 1}
    without = run(frame, sim, teams=2, votes_per_team=500, max_per_race=1, exclude=("XX-state_house-2",))
    assert teams_by_race(without) == {"XX-state_house-1": 1, "XX-state_house-3": 1}
    assert "XX-state_house-2" not in set(without.naive["race_id"])
    # A hopeless race that must be staffed gets its team; the other team goes to the best race.
    forced = run(frame, sim, teams=2, votes_per_team=500, max_per_race=1, include=("xx-state_house-4",))
    assert teams_by_race(forced) == {"XX-state_house-2": 1, "XX-state_house-4": 1}
    assert "XX-state_house-4" in set(forced.naive["race_id"])
    greedy = run(
        frame, sim, teams=2, votes_per_team=500, max_per_race=1, include=("XX-state_house-4",), method="greedy"
    )
    assert teams_by_race(greedy) == teams_by_race(forced)


def test_constraint_errors():
    frame, sim = three_states()
    make = functools.partial(plan.make_plan, sim, frame)
    with pytest.raises(ValueError, match="unknown race"):
        make(plan.PlanRequest(teams=2, votes_per_team=500, include=("XA-state_house-99",)))
    with pytest.raises(ValueError, match="outside the office/state filters"):
        make(plan.PlanRequest(teams=2, votes_per_team=500, states=("XA",), include=("XB-state_house-1",)))
    with pytest.raises(ValueError, match="only 1 teams"):
        make(plan.PlanRequest(teams=1, votes_per_team=500, include=("XA-state_house-1", "XB-state_house-1")))


def test_at_most_k_teams_per_race_and_capacity():
    frame = chamber([-1.0, -2.0, -3.0, -4.0], sd_seat=3.0)
    for objective in plan.OBJECTIVES:
        result = run(frame, teams=20, votes_per_team=300, max_per_race=2, objective=objective)
        assert result.races["teams"].max() <= 2
        assert result.summary["teams_assigned"] == 8
        assert result.summary["next_team_race"] is None


def test_bloc_district_is_one_race_and_the_ceiling_holds():
    # A two-seat bloc district (one unit) and a 1,000-vote seat: 500 votes would be 50 points there.
    frame = chamber([-3.0, -4.0, -40.0], votes=[10_000, 10_000, 1_000], unit=["XX|b|", "XX|b|", "XX|s|"])
    frame.loc[[0, 1], "district"] = "Bloc-1"
    sim = simulate(frame)
    both = run(frame, sim, teams=1, votes_per_team=500, max_per_race=1)
    assert both.races["race_id"].tolist() == ["XX-state_house-Bloc-1"]
    assert both.races["seats_up"].iloc[0] == 2
    assert both.races["expected_seats_gained"].iloc[0] == pytest.approx(2.0, abs=1e-6)  # both seats move 5 pts
    uncapped = run(frame, sim, teams=2, votes_per_team=500, max_per_race=1, max_points=None)
    assert uncapped.races.set_index("race_id").loc["XX-state_house-3", "points"] == pytest.approx(50.0)
    capped = run(frame, sim, teams=2, votes_per_team=500, max_per_race=1, max_points=10.0).races.set_index("race_id")
    assert capped.loc["XX-state_house-3", "points"] == pytest.approx(10.0)
    assert capped.loc["XX-state_house-3", "votes"] == pytest.approx(100.0)
    assert bool(capped.loc["XX-state_house-3", "capped"]) and not bool(capped.loc["XX-state_house-Bloc-1", "capped"])


def test_zero_teams_is_an_empty_plan():
    frame = chamber([-1.0, 1.0])
    result = run(frame, teams=0, votes_per_team=500)
    assert result.races.empty and result.chambers.empty and result.naive.empty
    assert result.summary["expected_seats_gained"] == 0.0
    assert list(result.races.columns) == plan.PLAN_COLUMNS


def test_reproducible_with_a_seed():
    rng = np.random.default_rng(30)
    frame = chamber(rng.normal(0, 5, 12), votes=rng.integers(5_000, 20_000, 12), sd_seat=4.0, sd_national=4.0)
    request = plan.PlanRequest(teams=6, votes_per_team=400, objective="majority")
    a = plan.make_plan(simulate(frame, 1500, seed=7), frame, request)
    b = plan.make_plan(simulate(frame, 1500, seed=7), frame, request)
    c = plan.make_plan(simulate(frame, 1500, seed=8), frame, request)
    pd.testing.assert_frame_equal(a.races, b.races)
    pd.testing.assert_frame_equal(a.chambers, b.chambers)
    assert {k: v for k, v in a.summary.items() if k != "seconds"} == {
        k: v for k, v in b.summary.items() if k != "seconds"
    }
    assert (a.summary["seed"], c.summary["seed"]) == (7, 8)
    assert a.summary["p_majority_gain"] != c.summary["p_majority_gain"]


# --------------------------------------------------------------------------- real warehouse

needs_db = pytest.mark.skipif(not REAL_DB.exists(), reason="real warehouse data/flippable.duckdb not built")
# Each loads the model over the whole warehouse (seconds): marked slow like the other real-warehouse tests.


@pytest.fixture(scope="module")
def ranker():
    import duckdb

    from analysis.rank import Ranker

    with duckdb.connect(str(REAL_DB), read_only=True) as con:
        return Ranker.from_connection(con, n_draws=2000)


@pytest.mark.slow
@needs_db
def test_real_plan_beats_the_naive_plan_and_respects_filters(ranker):
    result = plan.plan_from_ranker(ranker, plan.PlanRequest(teams=10, votes_per_team=500))
    s = result.summary
    assert result.races["teams"].sum() == 10 and result.races["teams"].max() <= plan.DEFAULT_MAX_PER_RACE
    assert result.races["race_id"].is_unique
    # The seats plan is the exact optimum, and the naive plan is one of the allocations it beat.
    assert s["expected_seats_gained"] >= s["naive_expected_seats_gained"] > 0
    assert (result.races["points"] <= plan.DEFAULT_MAX_POINTS + 1e-9).all()
    pa = plan.plan_from_ranker(
        ranker, plan.PlanRequest(teams=5, votes_per_team=2000, states=("pa",), offices=("us_house",))
    )
    assert set(pa.races["state_po"]) == {"PA"} and set(pa.races["office"]) == {"us_house"}
    assert pa.races["race_id"].str.startswith("PA-us_house-").all()
    # 2,000 net votes in a House seat of ~350,000 two-party votes: well under a point.
    assert (pa.races["points"] < 1.0).all()
    assert 0 < pa.summary["expected_seats_gained"] < 5


@pytest.mark.slow
@needs_db
def test_cli_smoke_on_the_real_warehouse(tmp_path, capsys, ranker, monkeypatch):
    out = tmp_path / "plan.csv"
    code = plan.main(
        ["--teams", "10", "--votes-per-team", "500", "--draws", "1000", "--format", "csv", "--out", str(out)]
    )
    assert code == 0
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert frame["teams"].sum() == 10
    assert set(plan.PLAN_COLUMNS) <= set(frame.columns)
    assert (frame["expected_seats_gained"] > 0).all()
    # The other runs reuse the loaded model (the load itself was just exercised).
    from analysis.rank import Ranker

    monkeypatch.setattr(Ranker, "from_connection", classmethod(lambda cls, *a, **k: ranker))
    code = plan.main(["--teams", "4", "--votes-per-team", "500", "--state", "MI", "--objective", "majority"])
    text = capsys.readouterr().out
    assert code == 0 and "Naive plan" in text and "One more team" in text
    chamber_lines = [line for line in text.splitlines() if line.startswith("  ") and "P(majority)" in line]
    assert chamber_lines and all(line.startswith("  MI ") for line in chamber_lines)
    xlsx = tmp_path / "plan.xlsx"
    assert plan.main(["--teams", "3", "--votes-per-team", "500", "--format", "xlsx", "--out", str(xlsx)]) == 0
    sheets = pd.read_excel(xlsx, sheet_name=None)
    assert set(sheets) == {"plan", "chambers", "naive plan", "summary"} and sheets["plan"]["teams"].sum() == 3
    assert plan.main(["--teams", "2", "--votes-per-team", "500", "--include", "ZZ-us_house-1"]) == 2


@pytest.mark.slow
@needs_db
def test_planner_page_on_the_real_warehouse(monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("FLIPPABLE_DB", str(REAL_DB))
    at = AppTest.from_file(str(ROOT / "pages" / "planner.py"), default_timeout=120)
    at.query_params.update({"teams": "10", "votes": "500", "include": "PA-us_house-7"})
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(frame.value for frame in at.dataframe if "teams" in frame.value.columns and "race_id" in frame.value)
    assert table["teams"].sum() == 10
    assert "PA-us_house-7" in set(table["race_id"])
    assert {m.label: m.value for m in at.metric}["Teams assigned"] == "10 of 10"
    assert at.query_params["teams"] == "10" and at.query_params["votes"] == "500"
    # A changed widget round-trips into the URL.
    at.number_input(key="pl_teams").set_value(12).run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Teams assigned"] == "12 of 12"
    assert at.query_params["teams"] == "12"
