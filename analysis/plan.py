"""Staffing planner (issue #5): which races to send N volunteer teams to, through the model's own simulation.

Leadership's question: "We have N teams, each able to move roughly V net votes in a race. Which races
do we staff to win the most seats and chamber majorities?" V is the user's assumption.

- **Race**: what a team can work, one district (or one position seat, WA/ID style). Every seat a
  bloc-vote district elects moves with the team's votes (the simulation's `unit`). Id
  `ST-office-district[-seat]`, e.g. `PA-us_house-7`, `NH-state_house-Belknap-1`, `WA-state_house-1-2`.
- **Votes and diminishing returns**: the j-th team in one race moves `V * d**(j - 1)` net votes
  toward Democrats (D minus R gains that many), so j teams move `V (1 - d**j) / (1 - d)`; d is the
  `decay` (default 0.7, an assumption: a second team reaches voters the first already contacted).
  Votes become margin points with the seat's votes cast (model.votes_to_points): 500 votes are 0.15
  points in a 330,000-vote House seat and 10 points in a 5,000-vote Maine House seat.
- **Ceiling**: whatever the teams, a race's margin moves at most `max_points` (default 10 points;
  None = no ceiling). Without it, V = 500 would move a 1,000-vote race by 50 points: the model's votes
  cast of a seat where one party ran nobody is the lone candidate's votes (e.g. ND House 23, 2022),
  and no field operation moves a margin that far.
- **Objectives** (perspective: Democratic), both read off the model's simulation (analysis/model.py,
  `Simulation`, common random numbers: every plan is scored on the same draws):
  - `seats`: expected Democratic seats gained, the sum over seats of P(Democrat wins | plan) -
    P(Democrat wins), the model's seat probabilities (`Simulation.p_dem`, the numbers `evaluate()` sums).
    This is separable across races, so it is solved **exactly** by dynamic programming over races (a
    multiple-choice knapsack: each race takes 0..k teams, N teams in all), optimal whatever the shape
    of a race's gain curve (a P(win) curve is convex below 50%, so a greedy can miss two-team races).
  - `majority`: the sum over chamber elections of the change in the Democratic P(majority). Within a
    chamber this is not separable (a seat matters only in draws where the others leave the majority
    one seat short), so it is **greedy**: each team goes where `Simulation.marginal_gains` says its
    next team adds most, and that chamber's gains are recomputed after every assignment (so a
    chamber made safe stops attracting teams). When no race moves any majority by more than
    MAJORITY_TOL, the remaining teams go by expected seats. Greedy is optimal when gains diminish
    (concave); for majorities it is a heuristic, checked against exhaustive search in the tests.
    `method='exact'` enumerates every allocation for small inputs (EXACT_MAX_ALLOCATIONS).
- **Constraints**: at most k teams per race; only races up, of the chosen offices and states (a race
  outside the filters is never chosen); `exclude` never staffed; each `include` race gets at least
  one team (assigned first).
- **Reproducible**: the search is deterministic (ties go to the earlier race in the seats' order);
  the only randomness is the simulation's draws, fixed by its seed (`Ranker.from_connection(seed=)`).

Outputs (Plan): per staffed race the teams, votes, expected seats gained and the change in its
chamber's P(majority) attributable to it (leave-one-out: the drop if this race's teams were withdrawn,
the rest of the plan kept); per chamber election P(majority) and expected seats before and after
(`Simulation.evaluate`, exact on the draws); the marginal value of one more team (where it would go,
what it adds); and the naive plan "staff the N closest races" (smallest |expected margin|, one team
each, same filters, exclusions and inclusions) scored on the same draws.
Bloc-vote districts: a persuaded voter votes the whole slate (the model's slate assumption), so a
team's net votes count in every seat the district elects; this is why the seats objective favours
New Hampshire's multi-member House districts. A race's P(majority) gain is the sum of its seats'
gains each moved alone (Simulation.marginal_gains treats sibling seats as given); chamber totals come
from evaluate() exactly.
Speed (bench/planner.py): the dynamic programme first drops races that provably cannot be in an
optimal plan (see `_Planner.dynamic_programme`); the greedy recomputes one chamber per team.

CLI: `python -m analysis.plan --teams 10 --votes-per-team 500 [--office ...] [--state ...] ...`
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import config, exports, model

OFFICES = ("us_house", "state_senate", "state_house")
OBJECTIVES = {
    "seats": "expected Democratic seats gained",
    "majority": "sum over chambers of the change in the Democratic P(majority)",
}
METHODS = ("auto", "greedy", "exact")
DEFAULT_DECAY = 0.7
DEFAULT_MAX_PER_RACE = 3
DEFAULT_MAX_POINTS = 10.0
MAJORITY_TOL = 1e-6  # a change in P(majority) below one in a million counts as none (fall back to seats)
EXACT_MAX_ALLOCATIONS = 20_000
OFFICE_WORDS = {"us_house": "House", "state_house": "House", "state_senate": "Senate"}

PLAN_COLUMNS = [
    "race_id",
    "state_po",
    "office",
    "district",
    "seat",
    "chamber",
    "target_year",
    "holder_party",
    "seats_up",
    "teams",
    "votes",
    "votes_cast",
    "points",
    "capped",
    "expected_margin",
    "margin_after",
    "p_win_before",
    "p_win_after",
    "expected_seats_gained",
    "d_p_majority",
    "reason",
]
CHAMBER_COLUMNS = [
    "chamber",
    "chamber_state",
    "office",
    "target_year",
    "races",
    "teams",
    "expected_dem_seats_before",
    "expected_dem_seats_after",
    "expected_seats_gained",
    "p_dem_majority_before",
    "p_dem_majority_after",
    "d_p_majority",
]


@dataclass(frozen=True)
class PlanRequest:
    """What the user asks for. votes_per_team: net votes toward Democrats one team moves (assumption);
    decay: the j-th team in a race moves votes_per_team * decay**(j-1); max_points: ceiling on the margin
    points one race can be moved (None = none); swing: national swing, points toward Democrats (0 = the
    model's expected environment)."""

    teams: int
    votes_per_team: float
    decay: float = DEFAULT_DECAY
    max_per_race: int = DEFAULT_MAX_PER_RACE
    offices: tuple[str, ...] = ()
    states: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    swing: float = 0.0
    objective: str = "seats"
    max_points: float | None = DEFAULT_MAX_POINTS
    method: str = "auto"

    def __post_init__(self) -> None:
        for name in ("offices", "states", "include", "exclude"):
            value = getattr(self, name)
            object.__setattr__(self, name, tuple([value] if isinstance(value, str) else value or ()))
        object.__setattr__(self, "states", tuple(s.strip().upper() for s in self.states))
        if int(self.teams) != self.teams or self.teams < 0:
            raise ValueError(f"teams must be a whole number >= 0, got {self.teams}")
        object.__setattr__(self, "teams", int(self.teams))
        if not (math.isfinite(self.votes_per_team) and self.votes_per_team > 0):
            raise ValueError(f"votes_per_team must be > 0, got {self.votes_per_team}")
        if not (0 < self.decay <= 1):
            raise ValueError(f"decay must be in (0, 1], got {self.decay}")
        if int(self.max_per_race) != self.max_per_race or self.max_per_race < 1:
            raise ValueError(f"max_per_race must be a whole number >= 1, got {self.max_per_race}")
        object.__setattr__(self, "max_per_race", int(self.max_per_race))
        if self.max_points is not None and not (self.max_points > 0):
            raise ValueError(f"max_points must be > 0 or None, got {self.max_points}")
        if not math.isfinite(self.swing):
            raise ValueError("swing must be finite")
        if self.objective not in OBJECTIVES:
            raise ValueError(f"objective must be one of {sorted(OBJECTIVES)}")
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {list(METHODS)}")
        bad = sorted(set(self.offices) - set(OFFICES))
        if bad:
            raise ValueError(f"unknown offices {bad}; choose from {list(OFFICES)}")
        both = {r.lower() for r in self.include} & {r.lower() for r in self.exclude}
        if both:
            raise ValueError(f"races both included and excluded: {sorted(both)}")

    def team_votes(self, j) -> np.ndarray:
        """Net votes the j-th team (1-based) in one race moves: V * d**(j - 1); 0 for j < 1."""
        j = np.asarray(j, dtype=float)
        return np.where(j >= 1, self.votes_per_team * self.decay ** np.maximum(j - 1, 0), 0.0)

    def race_votes(self, teams) -> np.ndarray:
        """Net votes j teams in one race move together: V (1 - d**j) / (1 - d), V j when d = 1."""
        j = np.asarray(teams, dtype=float)
        if self.decay == 1:
            return self.votes_per_team * j
        return self.votes_per_team * (1 - self.decay**j) / (1 - self.decay)


@dataclass
class Plan:
    """A staffing plan and how it scores. races: one row per staffed race (PLAN_COLUMNS); chambers: per
    chamber election the plan touches (CHAMBER_COLUMNS); naive: the naive plan's races (PLAN_COLUMNS);
    curve: objective value after n teams (n = 0..teams), the optimizer's own estimate; summary: totals."""

    request: PlanRequest
    races: pd.DataFrame
    chambers: pd.DataFrame
    naive: pd.DataFrame
    curve: pd.DataFrame
    summary: dict = field(default_factory=dict)

    def summary_frame(self) -> pd.DataFrame:
        """The summary as a two-column frame (for a spreadsheet sheet)."""
        return pd.DataFrame({"item": list(self.summary), "value": [str(v) for v in self.summary.values()]})


# --------------------------------------------------------------------------- races


def race_id(state_po, office, district, seat=None) -> str:
    """'PA-us_house-7'; a position seat is appended: 'WA-state_house-1-2'."""
    text = f"{state_po}-{office}-{district}"
    if seat is not None and not (isinstance(seat, float) and math.isnan(seat)) and str(seat).strip():
        text += f"-{seat}"
    return text


def chamber_name(chamber_state: str, office: str) -> str:
    """'US House', 'PA House', 'PA Senate', 'NE Legislature'."""
    if chamber_state == "NE" and office == "state_senate":
        return "NE Legislature"
    return f"{chamber_state} {OFFICE_WORDS.get(office, office)}"


def race_table(sim: model.Simulation, seats: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Every race up in the simulation: (races, seat_race). seat_race: per seat position, its race's row or -1.

    races columns: race_id, state_po, office, district, seat, chamber_state, chamber, target_year,
    holder_party (of the race's first seat), group (chamber election index in sim.groups), seats_up.
    `seats` is aligned with sim.seats (same rows, same order) and has at least district.
    """
    if len(seats) != len(sim.mu):
        raise ValueError("seats must be aligned with the simulation's seats")
    s = sim.seats
    up = np.flatnonzero(sim.up & (sim.group_of >= 0))
    district = seats["district"].astype(str).to_numpy()
    seat = seats["seat"].to_numpy() if "seat" in seats else np.full(len(seats), None)
    unit = s["unit"].astype(str).to_numpy()
    codes, _ = pd.factorize(unit[up])
    first = up[np.unique(codes, return_index=True)[1]]
    state = s["state_po"].astype(str).to_numpy()
    office = s["office"].astype(str).to_numpy()
    cstate = s["chamber_state"].astype(str).to_numpy()
    ids = [race_id(state[i], office[i], district[i], seat[i]) for i in first]
    if len(set(i.lower() for i in ids)) != len(ids):
        raise ValueError("race ids are not unique (two units share state, office, district and seat)")
    groups_of_race = sim.group_of[first]
    split = pd.Series(sim.group_of[up]).groupby(codes).nunique()
    if (split > 1).any():
        raise ValueError("a race spans two chamber elections")
    races = pd.DataFrame(
        {
            "race_id": ids,
            "state_po": state[first],
            "office": office[first],
            "district": district[first],
            "seat": [
                None if v is None or (isinstance(v, float) and math.isnan(v)) or not str(v) else v for v in seat[first]
            ],
            "chamber_state": cstate[first],
            "chamber": [chamber_name(c, o) for c, o in zip(cstate[first], office[first], strict=True)],
            "target_year": sim.target_year[first].astype(int),
            "holder_party": sim.holder[first],
            "group": groups_of_race,
            "seats_up": np.bincount(codes, minlength=len(first)),
        }
    )
    seat_race = np.full(len(sim.mu), -1)
    seat_race[up] = codes
    return races, seat_race


# --------------------------------------------------------------------------- the planner


class _Planner:
    """One planning problem: the candidate races and the gains of their next team."""

    def __init__(self, sim: model.Simulation, seats: pd.DataFrame, request: PlanRequest):
        self.sim, self.seats, self.req = sim, seats.reset_index(drop=True), request
        self.all_races, seat_race_all = race_table(sim, self.seats)
        races = self.all_races
        lower = {rid.lower(): i for i, rid in enumerate(races["race_id"])}
        unknown = [r for r in (*request.include, *request.exclude) if r.lower() not in lower]
        if unknown:
            raise ValueError(f"unknown race ids (or not up in the target cycle): {unknown}")
        keep = np.ones(len(races), dtype=bool)
        if request.offices:
            keep &= races["office"].isin(request.offices).to_numpy()
        if request.states:
            keep &= races["state_po"].isin(request.states).to_numpy()
        outside = [r for r in request.include if not keep[lower[r.lower()]]]
        if outside:
            raise ValueError(f"included races outside the office/state filters: {outside}")
        for r in request.exclude:
            keep[lower[r.lower()]] = False
        self.cand = np.flatnonzero(keep)  # candidate races, positions in all_races
        self.races = races.iloc[self.cand].reset_index(drop=True)
        # Positions (in self.races) of the included races, in the order given, without repeats.
        pos = {int(a): i for i, a in enumerate(self.cand)}
        self.include = list(dict.fromkeys(pos[lower[r.lower()]] for r in request.include))
        if len(self.include) > request.teams:
            raise ValueError(f"{len(self.include)} races must be included but there are only {request.teams} teams")
        # seat -> candidate race (or -1)
        remap = np.full(len(races) + 1, -1)
        remap[self.cand] = np.arange(len(self.cand))
        self.seat_race = np.where(seat_race_all >= 0, remap[seat_race_all], -1)
        self.cand_seats = np.flatnonzero(self.seat_race >= 0)
        self.seats_of = [np.array([], dtype=int)] * len(self.cand)
        if len(self.cand_seats):
            order = np.argsort(self.seat_race[self.cand_seats], kind="stable")
            sorted_seats = self.cand_seats[order]
            bounds = np.searchsorted(self.seat_race[sorted_seats], np.arange(len(self.cand) + 1))
            self.seats_of = [sorted_seats[bounds[i] : bounds[i + 1]] for i in range(len(self.cand))]
        self.group = self.races["group"].to_numpy()
        self.k = request.max_per_race
        self.n_target = min(request.teams, self.k * len(self.cand))
        self.base = sim.mu + request.swing
        # Net votes that move a seat by max_points (inf: no ceiling); NaN votes cast: no ceiling.
        cap = np.inf if request.max_points is None else request.max_points * sim.votes_cast / 100.0
        self.cap_votes = np.where(np.isnan(cap), np.inf, cap) * np.ones(len(sim.mu))

    # ---- per-seat votes from an allocation

    def _votes(self, teams_per_seat: np.ndarray) -> np.ndarray:
        """Net votes in each candidate seat when its race has the given number of teams, within the ceiling."""
        return np.minimum(self.req.race_votes(teams_per_seat), self.cap_votes[self.cand_seats])

    def seat_votes(self, teams: np.ndarray) -> np.ndarray:
        """Net votes toward Democrats per seat (aligned with the simulation) for `teams` per candidate race."""
        votes = np.zeros(len(self.sim.mu))
        votes[self.cand_seats] = self._votes(teams[self.seat_race[self.cand_seats]])
        return votes

    def next_votes(self, teams: np.ndarray) -> np.ndarray:
        """Net votes the next team would add in each seat's race (0 where the race is full or not a candidate)."""
        extra = np.zeros(len(self.sim.mu))
        j = teams[self.seat_race[self.cand_seats]]
        extra[self.cand_seats] = np.where(j < self.k, self._votes(j + 1) - self._votes(j), 0.0)
        return extra

    def race_sum(self, per_seat: np.ndarray) -> np.ndarray:
        on = self.cand_seats
        return np.bincount(self.seat_race[on], weights=np.nan_to_num(per_seat[on]), minlength=len(self.cand))

    def next_gains(self, teams: np.ndarray, groups: list[int] | None) -> tuple[np.ndarray, np.ndarray]:
        """(d_seats, d_p_majority) per candidate race from its next team, on top of `teams`.

        groups=[] skips the chamber simulation (d_p_majority = 0); None = every candidate's chamber.
        """
        if groups is None:
            groups = sorted(set(self.group.tolist()))
        votes = self.seat_votes(teams)
        gains = self.sim.marginal_gains(
            votes if votes.any() else None, self.next_votes(teams), self.req.swing, groups=groups
        )
        return self.race_sum(gains["d_seats"].to_numpy()), self.race_sum(gains["d_p_majority"].to_numpy())

    @staticmethod
    def pick(open_: np.ndarray, primary: np.ndarray, secondary: np.ndarray | None) -> int:
        """Best open race by `primary`; by `secondary` when no primary gain exceeds MAJORITY_TOL. -1 if none open."""
        if not open_.any():
            return -1
        score = np.where(open_, primary, -np.inf)
        best = int(np.argmax(score))
        if secondary is not None and score[best] <= MAJORITY_TOL:
            best = int(np.argmax(np.where(open_, secondary, -np.inf)))
        return best

    # ---- search methods

    def greedy(self) -> tuple[np.ndarray, list[float]]:
        """Greedy through the simulation: each team to the race whose next team adds most (included races first)."""
        majority = self.req.objective == "majority"
        teams = np.zeros(len(self.cand), dtype=int)
        curve = [0.0]
        groups = None if majority else []
        d_seats, d_pm = self.next_gains(teams, groups)
        forced = list(self.include)
        while int(teams.sum()) < self.n_target:
            if forced:
                r = forced.pop(0)
            else:
                r = self.pick(teams < self.k, d_pm if majority else d_seats, d_seats if majority else None)
            curve.append(curve[-1] + float(d_pm[r] if majority else d_seats[r]))
            teams[r] += 1
            # Only this race's seats moved, so only its chamber's gains change (and its own d_seats).
            new_seats, new_pm = self.next_gains(teams, [int(self.group[r])] if majority else [])
            d_seats = new_seats
            if majority:
                in_group = self.group == self.group[r]
                d_pm = np.where(in_group, new_pm, d_pm)
        return teams, curve

    def seat_gain_curves(self) -> np.ndarray:
        """Expected seats gained per candidate race with j = 0..k teams (exact model probabilities)."""
        sim, on = self.sim, self.cand_seats
        p0 = sim.p_dem(self.base)  # Simulation.p_dem takes every seat (its spreads are per seat)
        out = np.zeros((len(self.cand), self.k + 1))
        votes = np.zeros(len(sim.mu))
        for j in range(1, self.k + 1):
            votes[on] = self._votes(np.full(len(on), j))
            gain = (sim.p_dem(self.base + sim.points(votes)) - p0)[on]
            out[:, j] = np.bincount(self.seat_race[on], weights=gain, minlength=len(self.cand))
        return out

    def dynamic_programme(self) -> tuple[np.ndarray, list[float]]:
        """Exact optimum of the separable seats objective: max sum_r gain_r(t_r), sum t_r = N, t_r <= k.

        Pruning (safe): let tau be the 2N-th largest one-team gain. A race whose k-team gain is below
        tau is in no optimal plan: a plan uses at most N races, so at least N of the 2N races with a
        one-team gain >= tau are unused, and moving that race's j <= N teams to j of them, one each,
        gains at least j * tau > gain_r(k) >= gain_r(j) (gains grow with votes).
        """
        n, k = self.n_target, self.k
        curves = self.seat_gain_curves()
        keep = np.arange(len(self.cand))
        if len(self.cand) > 2 * n and n > 0:
            tau = np.partition(curves[:, 1], len(self.cand) - 2 * n)[len(self.cand) - 2 * n]
            mask = curves[:, k] >= tau
            mask[self.include] = True
            keep = np.flatnonzero(mask)
        best = np.full(n + 1, -np.inf)
        best[0] = 0.0
        choice = np.zeros((len(keep), n + 1), dtype=np.int16)
        must = np.zeros(len(self.cand), dtype=bool)
        must[self.include] = True
        cols = np.arange(n + 1)
        for row, r in enumerate(keep):
            cand = np.full((k + 1, n + 1), -np.inf)
            for j in range(1 if must[r] else 0, min(k, n) + 1):
                cand[j, j:] = best[: n + 1 - j] + curves[r, j]
            choice[row] = np.argmax(cand, axis=0)  # ties: fewest teams here (earlier races keep them)
            best = cand[choice[row], cols]
        teams = np.zeros(len(self.cand), dtype=int)
        left = n
        for row in range(len(keep) - 1, -1, -1):
            j = int(choice[row, left])
            teams[keep[row]] = j
            left -= j
        return teams, [float(v) if np.isfinite(v) else float("nan") for v in best]

    def exhaustive(self) -> tuple[np.ndarray, list[float]]:
        """Every allocation of the teams (small inputs only), scored by evaluate() on the same draws."""
        n, k, r_count = self.n_target, self.k, len(self.cand)
        lows = np.zeros(r_count, dtype=int)
        lows[self.include] = 1
        count = _count_allocations(n, lows, k)
        if count > EXACT_MAX_ALLOCATIONS:
            raise ValueError(f"{count:,} allocations: too many for the exact method (max {EXACT_MAX_ALLOCATIONS:,})")
        best_key, best_teams = None, None
        for alloc in _allocations(n, lows, k):
            teams = np.array(alloc, dtype=int)
            key = self.score(teams)
            if self.req.objective == "majority":
                key = (round(key[1], 12), key[0])
            else:
                key = (round(key[0], 12), key[1])
            if best_key is None or key > best_key:
                best_key, best_teams = key, teams
        teams = best_teams if best_teams is not None else np.zeros(r_count, dtype=int)
        return teams, [float("nan")] * n + [float(best_key[0]) if best_key else 0.0]

    # ---- scoring

    def score(self, teams: np.ndarray) -> tuple[float, float]:
        """(expected seats gained, sum of changes in Democratic P(majority)) of an allocation, on the same draws."""
        votes = self.seat_votes(teams)
        on = self.cand_seats  # only they move; seats the model cannot score (NaN) stay out of the sum
        gain = self.sim.p_dem(self.base + self.sim.points(votes)) - self.sim.p_dem(self.base)
        seats_gain = float(np.sum(gain[on]))
        after = self.sim.evaluate(votes, self.req.swing)["p_dem_majority"].to_numpy()
        before = self.before["p_dem_majority"].to_numpy()
        return seats_gain, float(np.sum(after - before))

    @property
    def before(self) -> pd.DataFrame:
        if not hasattr(self, "_before"):
            self._before = self.sim.evaluate(None, self.req.swing)
        return self._before

    def naive(self) -> np.ndarray:
        """The naive plan: included races first, then the closest races (smallest |expected margin| of any
        of its seats under the swing), one team each; a second round when teams outnumber races."""
        closeness = np.full(len(self.cand), np.inf)
        on = self.cand_seats
        np.minimum.at(closeness, self.seat_race[on], np.abs(self.base[on]))
        forced = set(self.include)
        rest = [int(i) for i in np.argsort(closeness, kind="stable") if int(i) not in forced]
        order = list(self.include) + rest
        teams = np.zeros(len(self.cand), dtype=int)
        left = self.n_target
        while left > 0:
            for r in order:
                if left == 0:
                    break
                if teams[r] < self.k:
                    teams[r] += 1
                    left -= 1
        return teams

    def describe(self, teams: np.ndarray) -> pd.DataFrame:
        """One row per staffed race (PLAN_COLUMNS), best first."""
        sim, req = self.sim, self.req
        staffed = np.flatnonzero(teams > 0)
        if len(staffed) == 0:
            return pd.DataFrame(columns=PLAN_COLUMNS)
        votes = self.seat_votes(teams)
        after = self.base + sim.points(votes)
        p_before, p_after = sim.p_dem(self.base), sim.p_dem(after)
        # Leave-one-out: each race's votes withdrawn alone, the rest of the plan kept (same draws).
        groups = sorted({int(self.group[r]) for r in staffed})
        loo = sim.marginal_gains(votes, -votes, req.swing, groups=groups)
        d_pm = 0.0 - self.race_sum(loo["d_p_majority"].to_numpy())  # 0.0 - x: no "-0.0000" for races without effect
        rows = []
        for r in staffed:
            members = self.seats_of[r]
            # A bloc-vote race's lead seat: the one the votes move most (then the closest).
            lead = members[np.lexsort((np.abs(self.base[members]), -(p_after - p_before)[members]))[0]]
            race = self.races.iloc[r]
            reason = self.seats["static_reason"].iloc[lead] if "static_reason" in self.seats else None
            rows.append(
                {
                    "race_id": race["race_id"],
                    "state_po": race["state_po"],
                    "office": race["office"],
                    "district": race["district"],
                    "seat": race["seat"],
                    "chamber": race["chamber"],
                    "target_year": int(race["target_year"]),
                    "holder_party": sim.holder[lead],
                    "seats_up": int(race["seats_up"]),
                    "teams": int(teams[r]),
                    "votes": float(votes[lead]),
                    "votes_cast": float(sim.votes_cast[lead]),
                    "points": float(after[lead] - self.base[lead]),
                    "capped": bool(votes[lead] < req.race_votes(teams[r])),
                    "expected_margin": float(self.base[lead]),
                    "margin_after": float(after[lead]),
                    "p_win_before": float(p_before[lead]),
                    "p_win_after": float(p_after[lead]),
                    "expected_seats_gained": float((p_after[members] - p_before[members]).sum()),
                    "d_p_majority": float(d_pm[r]),
                    "reason": reason,
                }
            )
        out = pd.DataFrame(rows, columns=PLAN_COLUMNS)
        key = "d_p_majority" if req.objective == "majority" else "expected_seats_gained"
        return out.sort_values(["teams", key, "expected_seats_gained"], ascending=False, kind="stable").reset_index(
            drop=True
        )

    def chamber_table(self, teams: np.ndarray) -> pd.DataFrame:
        """Per chamber election the plan touches: expected seats and P(majority) before and after (evaluate)."""
        staffed = np.flatnonzero(teams > 0)
        if len(staffed) == 0:
            return pd.DataFrame(columns=CHAMBER_COLUMNS)
        after = self.sim.evaluate(self.seat_votes(teams), self.req.swing)
        before = self.before
        groups = pd.Series(self.group[staffed])
        out = before.iloc[sorted(groups.unique())].copy()
        out["chamber"] = [chamber_name(c, o) for c, o in zip(out["chamber_state"], out["office"], strict=True)]
        out["races"] = groups.value_counts().reindex(out.index).to_numpy()
        out["teams"] = pd.Series(teams[staffed]).groupby(groups.to_numpy()).sum().reindex(out.index).to_numpy()
        out["expected_dem_seats_before"] = out["expected_dem_seats"]
        out["expected_dem_seats_after"] = after["expected_dem_seats"].iloc[out.index].to_numpy()
        out["expected_seats_gained"] = out["expected_dem_seats_after"] - out["expected_dem_seats_before"]
        out["p_dem_majority_before"] = out["p_dem_majority"]
        out["p_dem_majority_after"] = after["p_dem_majority"].iloc[out.index].to_numpy()
        out["d_p_majority"] = out["p_dem_majority_after"] - out["p_dem_majority_before"]
        out = out[CHAMBER_COLUMNS].sort_values(["d_p_majority", "expected_seats_gained"], ascending=False)
        return out.reset_index(drop=True)

    def next_team(self, teams: np.ndarray) -> dict:
        """Where one more team would go on top of `teams`, and what it adds (objective's own rule)."""
        majority = self.req.objective == "majority"
        d_seats, d_pm = self.next_gains(teams, None if majority else [])
        r = self.pick(teams < self.k, d_pm if majority else d_seats, d_seats if majority else None)
        if r < 0:
            return {"race_id": None, "teams_there": None, "expected_seats": 0.0, "p_majority": 0.0}
        if not majority:
            d_pm = self.next_gains(teams, [int(self.group[r])])[1]
        return {
            "race_id": self.races["race_id"].iloc[r],
            "teams_there": int(teams[r]) + 1,
            "expected_seats": float(d_seats[r]),
            "p_majority": float(d_pm[r]),
        }


def _count_allocations(n: int, lows: np.ndarray, k: int) -> int:
    """Allocations of exactly n teams with lows[r] <= t_r <= k (a small counting DP)."""
    ways = np.zeros(n + 1, dtype=object)
    ways[0] = 1
    for low in lows:
        new = np.zeros(n + 1, dtype=object)
        for j in range(int(low), k + 1):
            new[j:] += ways[: n + 1 - j]
        ways = new
    return int(ways[n])


def _allocations(n: int, lows: np.ndarray, k: int):
    """Yield every tuple t with lows[r] <= t_r <= k and sum t = n (first race varies slowest)."""
    r_count = len(lows)
    highs_after = np.concatenate([np.cumsum([k] * r_count)[::-1], [0]])[1:]  # max teams the later races take

    def rec(i: int, left: int, prefix: tuple):
        if i == r_count:
            if left == 0:
                yield prefix
            return
        for j in range(int(lows[i]), min(k, left) + 1):
            if left - j <= highs_after[i]:
                yield from rec(i + 1, left - j, (*prefix, j))

    yield from rec(0, n, ())


def make_plan(sim: model.Simulation, seats: pd.DataFrame, request: PlanRequest) -> Plan:
    """Plan the teams (see the module docstring for method, objective and outputs).

    sim: the model's Simulation; seats: a frame aligned with sim.seats with at least `district`
    (optional `seat`, `static_reason`). Raises ValueError for an unknown race id, an included race
    outside the filters, or more included races than teams.
    """
    t0 = time.perf_counter()
    planner = _Planner(sim, seats, request)
    method = request.method
    if method == "auto":
        method = "exact" if request.objective == "seats" else "greedy"
    if method == "exact" and request.objective == "seats":
        teams, curve = planner.dynamic_programme()
        label = "exact (dynamic programme over races)"
    elif method == "exact":
        teams, curve = planner.exhaustive()
        label = "exact (every allocation, scored by evaluate)"
    else:
        teams, curve = planner.greedy()
        label = "greedy (marginal gains through the simulation)"
    naive_teams = planner.naive()
    plan_seats, plan_pm = planner.score(teams)
    naive_seats, naive_pm = planner.score(naive_teams)
    races = planner.describe(teams)
    next_team = planner.next_team(teams)
    objective_of = {"seats": (plan_seats, naive_seats), "majority": (plan_pm, naive_pm)}
    plan_value, naive_value = objective_of[request.objective]
    summary = {
        "teams": request.teams,
        "teams_assigned": int(teams.sum()),
        "votes_per_team": request.votes_per_team,
        "decay": request.decay,
        "max_per_race": request.max_per_race,
        "offices": ", ".join(request.offices) or "all",
        "states": ", ".join(request.states) or "all",
        "include": ", ".join(request.include),
        "exclude": ", ".join(request.exclude),
        "swing": request.swing,
        "objective": request.objective,
        "objective_meaning": OBJECTIVES[request.objective],
        "method": label,
        "n_draws": sim.n_draws,
        "seed": sim.seed,
        "candidate_races": int(len(planner.cand)),
        "races_staffed": int((teams > 0).sum()),
        "expected_seats_gained": plan_seats,
        "p_majority_gain": plan_pm,
        "objective_value": plan_value,
        "naive_races_staffed": int((naive_teams > 0).sum()),
        "naive_expected_seats_gained": naive_seats,
        "naive_p_majority_gain": naive_pm,
        "naive_objective_value": naive_value,
        "gain_over_naive": plan_value - naive_value,
        "next_team_race": next_team["race_id"],
        "next_team_teams_there": next_team["teams_there"],
        "next_team_expected_seats": next_team["expected_seats"],
        "next_team_p_majority": next_team["p_majority"],
        "seconds": time.perf_counter() - t0,
    }
    curve_frame = pd.DataFrame({"teams": np.arange(len(curve)), "objective_value": curve})
    return Plan(
        request=request,
        races=races,
        chambers=planner.chamber_table(teams),
        naive=planner.describe(naive_teams),
        curve=curve_frame,
        summary=summary,
    )


def plan_from_ranker(ranker, request: PlanRequest) -> Plan:
    """make_plan on a loaded analysis.rank.Ranker (its simulation and seats), adding data freshness."""
    result = make_plan(ranker.sim, ranker.seats, request)
    result.summary["data_through"] = ranker.data_through()
    return result


def races_for(ranker, offices=(), states=()) -> pd.DataFrame:
    """The race ids a Ranker can plan over (for pickers), optionally filtered; columns of race_table."""
    races, _ = race_table(ranker.sim, ranker.seats)
    if offices:
        races = races[races["office"].isin(list(offices))]
    if states:
        races = races[races["state_po"].isin([s.upper() for s in states])]
    return races.reset_index(drop=True)


# --------------------------------------------------------------------------- CLI

TABLE_COLUMNS = [
    "race_id",
    "holder_party",
    "seats_up",
    "teams",
    "votes",
    "votes_cast",
    "expected_margin",
    "margin_after",
    "p_win_before",
    "p_win_after",
    "expected_seats_gained",
    "d_p_majority",
]


def format_races(frame: pd.DataFrame) -> str:
    """A readable fixed-width table of plan rows."""
    if frame.empty:
        return "(no race staffed)"
    view = frame[TABLE_COLUMNS].copy()
    view["votes"] = view["votes"].map(lambda v: f"{v:,.0f}")
    view["votes_cast"] = view["votes_cast"].map(lambda v: f"{v:,.0f}")
    for col in ("expected_margin", "margin_after"):
        view[col] = view[col].map(lambda v: f"{v:+.1f}")
    for col in ("p_win_before", "p_win_after"):
        view[col] = view[col].map(lambda v: f"{v:.0%}")
    view["expected_seats_gained"] = view["expected_seats_gained"].map(lambda v: f"{v:.3f}")
    view["d_p_majority"] = view["d_p_majority"].map(lambda v: f"{v:+.4f}")
    return view.to_string(index=False)


def format_text(result: Plan, tables: bool = True) -> str:
    """The whole plan as text: header, plan, chambers, one more team, naive comparison (tables=False: no race rows)."""
    s, req = result.summary, result.request
    cap = "no ceiling on a race's shift" if req.max_points is None else f"a race moves at most {req.max_points:g} pts"
    lines = [
        f"# {s.get('data_through', 'data freshness unknown')}",
        f"# {req.teams} teams x {req.votes_per_team:,.0f} net votes (decay {req.decay:g}: team j in a race moves "
        f"{req.votes_per_team:,.0f} x {req.decay:g}^(j-1)), at most {req.max_per_race} teams per race, {cap}; "
        f"offices {s['offices']}; states {s['states']}; swing {req.swing:+.1f} pts",
        f"# objective: {s['objective_meaning']}; method: {s['method']}; {s['n_draws']:,} simulations, seed {s['seed']}",
        "",
        f"Plan: {s['teams_assigned']} teams in {s['races_staffed']} races (of {s['candidate_races']:,} candidates): "
        f"+{s['expected_seats_gained']:.3f} expected seats, {s['p_majority_gain']:+.4f} summed P(majority)",
        *([format_races(result.races)] if tables else []),
        "",
        "Chambers (P(Democratic majority) and expected Democratic seats, before -> after, same draws):",
    ]
    if result.chambers.empty:
        lines.append("(none)")
    else:
        for row in result.chambers.itertuples():
            lines.append(
                f"  {row.chamber} {row.target_year}: {row.teams} teams in {row.races} races; P(majority) "
                f"{row.p_dem_majority_before:.4f} -> {row.p_dem_majority_after:.4f} ({row.d_p_majority:+.4f}); "
                f"seats {row.expected_dem_seats_before:.2f} -> {row.expected_dem_seats_after:.2f}"
            )
    lines += [
        "",
        f"One more team: {s['next_team_race']} (team {s['next_team_teams_there']} there): "
        f"+{s['next_team_expected_seats']:.4f} expected seats, {s['next_team_p_majority']:+.5f} P(majority)",
        f"Naive plan (the {req.teams} closest races, one team each): +{s['naive_expected_seats_gained']:.3f} "
        f"expected seats, {s['naive_p_majority_gain']:+.4f} summed P(majority); the plan gains "
        f"{s['gain_over_naive']:+.4f} more on the objective",
        *([format_races(result.naive)] if tables else []),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Plan volunteer teams over races (see analysis/plan.py).")
    parser.add_argument("--teams", type=int, required=True, help="number of teams")
    parser.add_argument("--votes-per-team", type=float, required=True, help="net votes toward Democrats one team moves")
    parser.add_argument("--decay", type=float, default=DEFAULT_DECAY, help="team j in a race moves V * decay^(j-1)")
    parser.add_argument("--max-per-race", type=int, default=DEFAULT_MAX_PER_RACE)
    parser.add_argument(
        "--max-points",
        type=float,
        default=DEFAULT_MAX_POINTS,
        help="ceiling on the margin points one race can be moved (0 = none)",
    )
    parser.add_argument("--office", choices=list(OFFICES), nargs="+", action="extend", default=[])
    parser.add_argument("--state", nargs="+", action="extend", default=[], help="two-letter state codes")
    parser.add_argument("--include", nargs="+", action="extend", default=[], metavar="RACE", help="e.g. PA-us_house-7")
    parser.add_argument("--exclude", nargs="+", action="extend", default=[], metavar="RACE")
    parser.add_argument("--swing", type=float, default=0.0, help="national swing toward Democrats, points")
    parser.add_argument("--objective", choices=sorted(OBJECTIVES), default="seats")
    parser.add_argument("--method", choices=list(METHODS), default="auto")
    parser.add_argument("--seed", type=int, default=model.DEFAULT_SEED, help="simulation seed")
    parser.add_argument("--draws", type=int, default=model.DEFAULT_DRAWS)
    parser.add_argument("--format", choices=["table", "csv", "xlsx"], default="table")
    parser.add_argument("--out", default=None, help="file to write (required for xlsx)")
    parser.add_argument("--db", default=None, help="warehouse path (default data/flippable.duckdb)")
    args = parser.parse_args(argv)
    if args.format == "xlsx" and not args.out:
        parser.error("--format xlsx needs --out FILE")
    try:
        request = PlanRequest(
            teams=args.teams,
            votes_per_team=args.votes_per_team,
            decay=args.decay,
            max_per_race=args.max_per_race,
            offices=tuple(args.office),
            states=tuple(args.state),
            include=tuple(args.include),
            exclude=tuple(args.exclude),
            swing=args.swing,
            objective=args.objective,
            method=args.method,
            max_points=args.max_points if args.max_points > 0 else None,
        )
    except ValueError as exc:
        parser.error(str(exc))

    import duckdb

    from analysis.rank import Ranker

    path = args.db or str(config.db_path())
    if not Path(path).exists():
        print(f"no warehouse at {path}: run `python -m analysis.build` first", file=sys.stderr)
        return 1
    with duckdb.connect(path, read_only=True) as con:
        ranker = Ranker.from_connection(con, n_draws=args.draws, seed=args.seed)
    try:
        result = plan_from_ranker(ranker, request)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.format == "xlsx":
        sheets = {
            "plan": result.races,
            "chambers": result.chambers,
            "naive plan": result.naive,
            "summary": result.summary_frame(),
        }
        Path(args.out).write_bytes(exports.to_xlsx_workbook(sheets))
        print(format_text(result, tables=False), file=sys.stderr)
        return 0
    if args.format == "csv":
        if args.out:
            Path(args.out).write_bytes(exports.to_csv_bytes(result.races))
        else:
            sys.stdout.write(exports.safe_frame(result.races).to_csv(index=False))
        print(format_text(result, tables=False), file=sys.stderr)  # keep standard output pure CSV
        return 0
    text = format_text(result)
    if args.out:
        Path(args.out).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
