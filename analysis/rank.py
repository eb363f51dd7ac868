"""`python -m analysis.rank`: rank every seat up in the target cycle by what extra effort is worth there.

Build once (`Ranker.from_connection`: load the warehouse, fit the margin model, draw the chamber
simulation), then `Ranker.rank(swing=...)` re-scores every seat for a new national swing with a
few vectorized operations (bench/rank.py times it). `write_rankings(con)` writes the `rankings`
table for the default settings; the build calls it.

Perspective: effort is Democratic. impact = change in the Democratic P(majority) of the seat's
chamber per 1,000 net votes toward Democrats in the seat; positive margins = Democratic.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis import config, features, model

SCORES = {
    "impact": "change in P(majority) per 1,000 net votes",
    "seats": "change in expected seats per 1,000 net votes",
    "p_flip": "probability the seat changes party",
}
RANKING_COLUMNS = [
    "state_po",
    "office",
    "district",
    "seat",
    "seat_no",
    "seats",
    "target_year",
    "holder_party",
    "holder_listed",
    "flip_party",
    "holder_note",
    "chamber_control",
    "category",
    "pres_margin",
    "pres_year",
    "pres_basis",
    "lean",
    "trend",
    "last_year",
    "last_margin",
    "last_winner",
    "last_status",
    "won_by_votes",
    "votes_to_flip",
    "votes_cast",
    "candidate_effect",
    "roll_off_dem",
    "roll_off_rep",
    "incumbent",
    "incumbent_known",
    "expected_margin",
    "sd_margin",
    "p_dem",
    "p_flip",
    "p_decisive",
    "impact",
    "impact_seats",
    "p_tipping",
    "chamber_p_dem_majority",
    "score",
    "rank",
    "reason",
    "model_pattern",
    "data_through",
    "seat_index",
]
OFFICE_LABEL = {"us_house": "House", "state_house": "House", "state_senate": "Senate"}
PARTY_WORDS = {"DEM": "a Democrat", "REP": "a Republican", "IND": "an independent", "OTHER": "a third-party member"}
PARTY_NOUNS = {"DEM": "Democrat", "REP": "Republican"}


def chamber_label(chamber_state, office) -> np.ndarray:
    """'US House', 'PA House', 'PA Senate', 'NE Legislature'."""
    out = []
    for st, off in zip(chamber_state, office, strict=True):
        if st == "NE" and off == "state_senate":
            out.append("NE Legislature")
        else:
            out.append(f"{st} {OFFICE_LABEL.get(off, off)}")
    return np.array(out, dtype=object)


def category(holder_party, last_status, up) -> np.ndarray:
    """'no_dem_ran' (held by another party and no Democrat was in the last final), 'no_rep_ran',
    'pickup' (held by another party), 'hold' (held by a Democrat), 'not_up'."""
    holder = pd.Series(holder_party, dtype=object).to_numpy()
    last = pd.Series(last_status, dtype=object).to_numpy()
    up = np.asarray(up, dtype=bool)
    out = np.where(
        holder == "DEM",
        np.where(last == "dem_only", "no_rep_ran", "hold"),
        np.where(last == "rep_only", "no_dem_ran", "pickup"),
    )
    return np.where(up, out, "not_up").astype(object)


# Why a seat's holding party is not simply the members list's (holder_note values).
HOLDER_NOTES = {
    "vacant": "vacant: measured against the party that last won the seat",
    "unknown": "holder not listed: measured against the party that last won the seat",
    "independent": "held by an independent or third-party member: measured against the party that last won it",
    "conflict_filed": "members list disagrees with the last result; the incumbent's filing confirms the last winner",
    "conflict_unconfirmed": "members list disagrees with the last result; holder kept, unconfirmed",
}
COALITION_NOTE = "(chamber run by a bipartisan coalition)"


def _labels(values: pd.Series, allowed: tuple[str, ...]) -> np.ndarray:
    """Object array of the allowed labels, None for anything else (NaN, VACANT, SPLIT, ...)."""
    return np.array([v if isinstance(v, str) and v in allowed else None for v in values], dtype=object)


def resolve_holders(s: pd.DataFrame) -> pd.DataFrame:
    """The party each seat's P(flip) is measured against, and why, from the members list and the last result.

    Input columns: holder_party (members list: DEM/REP/IND/OTHER, None for vacant or unlisted),
    last_winner (winner of the seat's last decisive regular contest on its current lines),
    incumbent / incumbent_known (the next contest's filed candidates), optional vacant_seats and
    gap_holder_conflict (districts view: holder party differs from the last general winner with no
    special since). Returns a copy with:
    - holder_listed: the members list's party ('VACANT' for a vacancy, None when unlisted);
    - holder_party: the holding party the model uses. A vacant or unlisted seat takes the party
      of its last general winner (a vacancy is filled by a special or the next general; the last
      winner's party is what the seat is defended by). Where the list conflicts with the last
      result (gap_holder_conflict) and the incumbent has filed for the next election under the
      last winner's party, that party: the list is wrong (MultiState lists NC House 34's Tim
      Longest, elected and filed as a Democrat, as a Republican). Otherwise the listed holder;
    - flip_party: the party P(flip) is measured against: holder_party when DEM/REP; for an
      independent or third-party holder the party that last won the seat when that was DEM/REP;
      else None (no P(flip));
    - holder_note: None, 'vacant', 'unknown', 'independent', 'conflict_filed' or
      'conflict_unconfirmed' (HOLDER_NOTES);
    - holder_fixed: the holder a seat NOT up this cycle counts for in the chamber simulation:
      vacancies count for nobody, as in the chamber's composition.
    """
    s = s.copy()
    listed_v = _labels(s["holder_party"], ("DEM", "REP", "IND", "OTHER"))
    last = _labels(s["last_winner"], model.PARTIES)
    has_last = np.asarray([v is not None for v in last], dtype=bool)
    missing = np.asarray([v is None for v in listed_v], dtype=bool)
    vacant_count = pd.to_numeric(s["vacant_seats"], errors="coerce") if "vacant_seats" in s else None
    vacant = missing & (
        (vacant_count.fillna(0).to_numpy() > 0) if vacant_count is not None else np.ones(len(s), dtype=bool)
    )
    third = np.isin(listed_v, ["IND", "OTHER"])
    conflict = (
        s["gap_holder_conflict"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        if "gap_holder_conflict" in s
        else np.zeros(len(s), dtype=bool)
    )
    conflict &= has_last & ~missing & ~third
    filed = s["incumbent_known"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    filed_as_last = filed & (s["incumbent"].to_numpy(dtype=float) == features.party_sign(last))
    confirmed = conflict & filed_as_last
    note = np.select(
        [vacant, missing, third, confirmed, conflict],
        ["vacant", "unknown", "independent", "conflict_filed", "conflict_unconfirmed"],
        default="",
    ).astype(object)
    s["holder_note"] = np.where(note == "", None, note)
    s["holder_listed"] = np.where(vacant, "VACANT", listed_v).astype(object)
    holder = np.where((missing & has_last) | confirmed, last, listed_v).astype(object)
    s["holder_party"] = holder
    is_major = np.isin(holder, model.PARTIES)
    s["flip_party"] = np.where(is_major, holder, np.where(third & has_last, last, None)).astype(object)
    s["holder_fixed"] = np.where(missing, None, holder).astype(object)
    return s


def chamber_control(seats: pd.DataFrame, chambers: pd.DataFrame | None) -> np.ndarray:
    """Each seat's chamber control_status from the chambers view ('D', 'R', 'Coalition', 'Power_Sharing', ...)."""
    if chambers is None or chambers.empty or "control_status" not in chambers:
        return np.full(len(seats), None, dtype=object)
    ctl = chambers[["state_po", "office", "control_status"]].drop_duplicates(["state_po", "office"])
    ctl = ctl.rename(columns={"state_po": "chamber_state", "control_status": "_ctl"})
    merged = seats[["chamber_state", "office"]].merge(ctl, on=["chamber_state", "office"], how="left")
    return merged["_ctl"].astype(object).where(merged["_ctl"].notna(), None).to_numpy(dtype=object)


def _won_by_words(won_by, margin, status, year: str) -> str:
    """' by 1,234 votes in 2024' / ' by 3.2 points in 2024' / ' in 2024' (unopposed or no D-vs-R count); '' without a result."""
    if not year:
        return ""
    if status == "contested" and pd.notna(won_by):
        return f" by {int(won_by):,} votes in {year}"
    if status == "contested" and pd.notna(margin):
        return f" by {abs(margin):.1f} points in {year}"
    return f" in {year}" if year else ""


def _holder_words(note, holder, listed, last_winner, won_words: str, target) -> str:
    """The holder part of a reason for a seat whose holder needed a decision (resolve_holders)."""
    last_words = f"last won by {PARTY_WORDS.get(last_winner, 'nobody on file')}{won_words}"
    if note == "vacant":
        return f"vacant; {last_words}"
    if note == "unknown":
        return f"holder not on file; {last_words}"
    if note == "independent":
        who = PARTY_WORDS.get(listed, "an independent")
        if last_winner in model.PARTIES:
            return f"held by {who} ({last_words})"
        if not won_words:  # no result on these lines yet
            return f"held by {who} (no flip probability)"
        return f"held by {who} (no Democrat or Republican won it last: no flip probability)"
    if note == "conflict_filed":
        year = f" for {int(target)}" if pd.notna(target) else ""
        return (
            f"held by {PARTY_WORDS[holder]} who won{won_words} and filed{year} as a {PARTY_NOUNS[holder]} "
            f"(the members list says {PARTY_NOUNS['REP' if holder == 'DEM' else 'DEM']})"
        )
    return f"held by {PARTY_WORDS.get(holder, 'nobody on file')}"


def static_reasons(s: pd.DataFrame) -> np.ndarray:
    """The part of each seat's reason that does not depend on the swing, in plain words.

    Needs the resolve_holders columns (holder_note, holder_listed) when present.
    """
    pres = model.pres_label(s["pres_margin"], s["pres_year"])
    n = len(s)
    notes = s["holder_note"] if "holder_note" in s else pd.Series([None] * n, index=s.index)
    listed = s["holder_listed"] if "holder_listed" in s else s["holder_party"]
    target = s["target_year"] if "target_year" in s else pd.Series([np.nan] * n, index=s.index)
    out = []
    cols = zip(
        pres,
        s["holder_party"],
        s["category"],
        s["last_year"],
        s["last_status"],
        s["last_winner"],
        s["won_by_votes"],
        s["last_margin"],
        s["incumbent_known"],
        s["incumbent"],
        s["seats"],
        s["seat_no"],
        notes,
        listed,
        target,
        strict=True,
    )
    for p, holder, cat, ly, ls, lw, won_by, lm, inc_known, inc, n_seats, seat_no, note, lst, tgt in cols:
        year = f"{int(ly)}" if pd.notna(ly) else ""
        where = f"{p} district" if p else "district with no presidential baseline on its lines"
        won_words = _won_by_words(won_by, lm, ls, year)
        if note in ("vacant", "unknown", "independent", "conflict_filed"):
            who = _holder_words(note, holder, lst, lw, won_words, tgt)
        else:
            who = f"held by {PARTY_WORDS.get(holder, 'nobody on file')}"
        if cat == "no_dem_ran":
            text = f"no Democrat ran in {year} in a {where}; {who}"
        elif cat == "no_rep_ran":
            text = f"no Republican ran in {year} in a {where}; {who}"
        else:
            sep = ", " if note in ("vacant", "unknown") else " "
            text = f"{p} seat{sep}{who}" if p else f"seat{sep}{who} (no presidential baseline on its lines)"
            if note in ("vacant", "unknown", "independent", "conflict_filed"):
                if pd.isna(ly):
                    text += "; no result yet on these lines"
            elif pd.isna(ly):
                text += "; no result yet on these lines"
            elif note == "conflict_unconfirmed":
                pass  # said below
            elif lw != holder and lw in model.PARTIES and holder in model.PARTIES:
                text += f" (won by the other party in {year}; changed hands since)"
            elif ls == "contested" and (pd.notna(won_by) or pd.notna(lm)):
                text += f" who won{won_words}"
        if note == "conflict_unconfirmed":
            text += f" (holder party unconfirmed: last won by {PARTY_WORDS.get(lw, 'another party')})"
        if n_seats > 1:
            text += f"; seat {int(seat_no)} of {int(n_seats)} in a bloc-vote district"
        elif inc_known:
            text += "; open seat" if inc == 0 else "; incumbent running"
        out.append(text)
    return np.array(out, dtype=object)


# A seat whose own chance of changing hands is below this gets no "majority comes down to it" clause:
# the other seats may leave the chamber hanging on it, but it almost never changes the outcome.
MIN_P_FLIP_FOR_DECISIVE = 0.01


def decisive_words(p_decisive, chamber, p_flip=None, p_dem=None) -> list[str]:
    """'the PA House majority comes down to this seat in 1 of 6 simulations' / '... in 35% of simulations' /
    'the PA House majority rarely comes down to this seat', or '' when the seat itself is out of play.

    p_decisive (model.py, _sensitivity) is the share of simulations in which the other seats leave
    Democrats exactly one seat short of a majority, so this seat's own result decides it. The clause is
    given only when the seat's own P(flip) is at least MIN_P_FLIP_FOR_DECISIVE (P(flip) unknown: the
    less likely party's P(win)); a Trump +38 seat at P(flip) 0% is not said to decide anything.
    """
    n = len(p_decisive)
    flip = np.full(n, np.nan) if p_flip is None else np.asarray(p_flip, dtype=float)
    if p_dem is not None:
        dem = np.asarray(p_dem, dtype=float)
        flip = np.where(np.isnan(flip), np.minimum(dem, 1.0 - dem), flip)
    out = []
    for p, ch, f in zip(p_decisive, chamber, flip, strict=True):
        if np.isfinite(f) and f < MIN_P_FLIP_FOR_DECISIVE:
            out.append("")
        elif not np.isfinite(p) or p < 0.001:
            out.append(f"the {ch} majority rarely comes down to this seat")
        elif p >= 0.2:
            out.append(f"the {ch} majority comes down to this seat in {p:.0%} of simulations")
        else:
            out.append(f"the {ch} majority comes down to this seat in 1 of {max(1, round(1 / p)):,} simulations")
    return out


@dataclass
class Ranker:
    """Everything computed once: seats with features and predictions, fitted models, simulation."""

    seats: pd.DataFrame
    models: dict
    sim: model.Simulation
    freshness: dict = field(default_factory=dict)
    timings: dict = field(default_factory=dict)

    @classmethod
    def from_inputs(
        cls,
        inputs: features.WarehouseInputs,
        target_year: int | None = None,
        n_draws: int = model.DEFAULT_DRAWS,
        seed: int = model.DEFAULT_SEED,
    ) -> Ranker:
        t0 = time.perf_counter()
        train = features.training_frame(inputs)
        models = model.fit_margin_model(train[train["margin"].notna()])
        t1 = time.perf_counter()
        seats = features.current_seats(inputs, target_year)
        pred = model.predict_margin(models, seats)
        seats = resolve_holders(pd.concat([seats, pred], axis=1))
        seats["chamber_control"] = chamber_control(seats, inputs.chambers)
        seats["up"] = seats["up"] & seats["expected_margin"].notna()
        seats["category"] = category(
            seats["flip_party"].where(seats["flip_party"].notna(), seats["holder_party"]),
            seats["last_status"],
            seats["up"],
        )
        seats["chamber"] = chamber_label(seats["chamber_state"], seats["office"])
        seats["static_reason"] = static_reasons(seats)
        # The simulation reads holder_party twice: P(flip) of the seats up is measured against
        # flip_party; the seats not up stay with holder_fixed (a vacancy counts for nobody).
        sim_seats = seats.assign(
            target_year=seats["target_year"].where(seats["up"]),
            holder_party=np.where(seats["up"], seats["flip_party"], seats["holder_fixed"]),
        )
        sim = model.Simulation(
            sim_seats[model.SIM_SEAT_COLUMNS + model.SIM_OPTIONAL_COLUMNS], inputs.chambers, n_draws=n_draws, seed=seed
        )
        t2 = time.perf_counter()
        fresh = dict(inputs.freshness)
        ranker = cls(
            seats=seats, models=models, sim=sim, freshness=fresh, timings={"fit_s": t1 - t0, "simulate_s": t2 - t1}
        )
        return ranker

    @classmethod
    def from_connection(
        cls, con, target_year: int | None = None, n_draws: int = model.DEFAULT_DRAWS, seed: int = model.DEFAULT_SEED
    ) -> Ranker:
        t0 = time.perf_counter()
        inputs = features.load_inputs(con)
        ranker = cls.from_inputs(inputs, target_year, n_draws, seed)
        ranker.timings["load_s"] = time.perf_counter() - t0 - sum(ranker.timings.values())
        return ranker

    def data_through(self) -> str:
        """One line on data freshness: latest general result, latest special, presidential baseline."""
        f = self.freshness

        def day(value) -> str | None:
            return None if value is None or pd.isna(value) else pd.Timestamp(value).date().isoformat()

        general, any_result = day(f.get("latest_general_date")), day(f.get("latest_result_date"))
        text = f"general results through {general or 'unknown'}"
        if any_result and general and any_result > general:
            text += f" (specials through {any_result})"
        pres = f.get("latest_pres_year")
        pres = int(pres) if pres is not None and not pd.isna(pres) else "unknown"
        return f"{text}; presidential baseline through {pres}"

    def rank(
        self,
        swing: float = 0.0,
        office: str | list[str] | None = None,
        state: str | list[str] | None = None,
        score: str = "impact",
        include_not_up: bool = False,
    ) -> pd.DataFrame:
        """Seats up in the target cycle, best first, at a national swing (points toward Democrats).

        Re-scores from the stored draws (no refit, no re-draw): cheap enough to call per slider move.
        score: 'impact' (P(majority) per 1,000 votes), 'seats' (expected seats per 1,000 votes) or
        'p_flip'. Ties (e.g. chambers whose majority is out of reach) fall back to the other scores.
        """
        if score not in SCORES:
            raise ValueError(f"score must be one of {sorted(SCORES)}")
        dyn, chambers = self.sim.at_swing(swing)
        s = self.seats
        keep = np.ones(len(s), dtype=bool) if include_not_up else s["up"].to_numpy(dtype=bool, copy=True)
        if office:
            keep &= s["office"].isin([office] if isinstance(office, str) else office).to_numpy()
        if state:
            keep &= s["state_po"].isin([state] if isinstance(state, str) else state).to_numpy()
        idx = np.flatnonzero(keep)
        out = s.iloc[idx][[c for c in RANKING_COLUMNS if c in s.columns]].copy()
        for col in ("expected_margin", "p_dem", "p_flip", "p_decisive", "impact", "impact_seats", "p_tipping"):
            out[col] = dyn[col].to_numpy()[idx]
        out["sd_margin"] = self.sim.sd_margin[idx]
        out["model_pattern"] = s["pattern"].to_numpy()[idx]
        group = self.sim.group_of[idx]
        p_major = chambers["p_dem_majority"].to_numpy() if len(chambers) else np.array([])
        out["chamber_p_dem_majority"] = np.where(
            group >= 0, p_major[np.clip(group, 0, None)] if len(p_major) else np.nan, np.nan
        )
        main = {"impact": out["impact"], "seats": out["impact_seats"], "p_flip": out["p_flip"]}[score]
        out["score"] = main.to_numpy()
        order = np.lexsort(
            (
                -out["p_flip"].fillna(0).to_numpy(),
                -out["impact_seats"].fillna(0).to_numpy(),
                -out["impact"].fillna(0).to_numpy(),
                -out["score"].fillna(-np.inf).to_numpy(),
            )
        )
        out = out.iloc[order]
        out["rank"] = np.arange(1, len(out) + 1)
        out["seat_index"] = idx[order]  # position in self.seats / self.sim, for per-seat vote shifts
        static = s["static_reason"].to_numpy()[idx][order]
        words = decisive_words(
            out["p_decisive"].to_numpy(),
            s["chamber"].to_numpy()[idx][order],
            out["p_flip"].to_numpy(dtype=float),
            out["p_dem"].to_numpy(dtype=float),
        )
        control = s["chamber_control"].to_numpy()[idx][order] if "chamber_control" in s else np.full(len(idx), None)
        coalition = control == "Coalition"
        out["reason"] = [
            (f"{a}; {b}" if b else a) + (f" {COALITION_NOTE}" if c else "")
            for a, b, c in zip(static, words, coalition, strict=True)
        ]
        out["data_through"] = self.data_through()
        return out[[c for c in RANKING_COLUMNS if c in out.columns]].reset_index(drop=True)

    def vote_shifts(self, votes_by_seat: dict[int, float] | pd.Series) -> np.ndarray:
        """Per-seat net votes toward Democrats as the array Simulation.evaluate/marginal_gains take.

        Keys are `seat_index` values from rank(). For the planner (issue #5):
        `ranker.sim.evaluate(ranker.vote_shifts({i: 2_000}), swing)` -> expected seats and P(majority)
        per chamber election, on the same draws as the ranking (common random numbers).
        """
        shifts = np.zeros(len(self.seats))
        for i, v in dict(votes_by_seat).items():
            shifts[int(i)] += float(v)
        return shifts

    def chambers(self, swing: float = 0.0) -> pd.DataFrame:
        """Per chamber election: P(majority) for each party, expected seats, the tipping-point seat."""
        _, ch = self.sim.at_swing(swing)
        if ch.empty:
            return ch
        tip = ch["tipping_point"].to_numpy()
        seats = self.seats
        label = np.where(tip >= 0, seats["district"].astype(str).to_numpy()[np.clip(tip, 0, None)], None)
        seat_no = np.where(tip >= 0, seats["seat_no"].to_numpy()[np.clip(tip, 0, None)], None)
        state = np.where(tip >= 0, seats["state_po"].to_numpy()[np.clip(tip, 0, None)], None)
        ch = ch.assign(tipping_point_state=state, tipping_point_district=label, tipping_point_seat_no=seat_no)
        ch["chamber"] = chamber_label(ch["chamber_state"], ch["office"])
        return ch.drop(columns="tipping_point")


def write_rankings(con, swing: float = 0.0, n_draws: int = model.DEFAULT_DRAWS, seed: int = model.DEFAULT_SEED) -> None:
    """Write tables `rankings` (default settings), `rankings_chambers` and `rankings_info` into `con`."""
    ranker = Ranker.from_connection(con, n_draws=n_draws, seed=seed)
    ranked = ranker.rank(swing=swing)
    chambers = ranker.chambers(swing=swing)
    info = pd.DataFrame(
        [
            {
                "swing": swing,
                "n_draws": n_draws,
                "seed": seed,
                "data_through": ranker.data_through(),
                "score": "impact",
                "impact_votes": model.IMPACT_VOTES,
                "models": "; ".join(
                    f"{o}: n={m.n_train}, sd_national={m.sigma_national:.2f}, sd_state={m.sigma_state:.2f}, "
                    + ", ".join(f"{k}={v:+.3f}" for k, v in m.coef.items())
                    for o, m in ranker.models.items()
                ),
            }
        ]
    )
    for name, frame in (("rankings", ranked), ("rankings_chambers", chambers), ("rankings_info", info)):
        con.register("_rank_frame", frame)
        con.execute(f'CREATE OR REPLACE TABLE "{name}" AS SELECT * FROM _rank_frame')
        con.unregister("_rank_frame")


# --------------------------------------------------------------------------- CLI

TABLE_COLUMNS = [
    "rank",
    "state_po",
    "office",
    "district",
    "seat_no",
    "holder_party",
    "pres_margin",
    "last_margin",
    "expected_margin",
    "p_flip",
    "p_decisive",
    "impact",
    "reason",
]


def _format_table(frame: pd.DataFrame, limit: int) -> str:
    view = frame[[c for c in TABLE_COLUMNS if c in frame.columns]].head(limit).copy()
    for col in ("pres_margin", "last_margin", "expected_margin"):
        view[col] = view[col].map(lambda v: "" if pd.isna(v) else f"{v:+.1f}")
    for col in ("p_flip", "p_decisive"):
        view[col] = view[col].map(lambda v: "" if pd.isna(v) else f"{v:.3f}")
    view["impact"] = view["impact"].map(lambda v: "" if pd.isna(v) else f"{v:.5f}")
    return view.to_string(index=False, max_colwidth=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Rank seats by the value of extra effort (see docs/METHODOLOGY.md).")
    parser.add_argument("--office", choices=["us_house", "state_house", "state_senate"], action="append")
    parser.add_argument("--state", action="append", help="two-letter state code (repeatable)")
    parser.add_argument("--target-year", type=int, default=None, help="default: each seat's next election")
    parser.add_argument(
        "--swing",
        type=float,
        default=0.0,
        help="national swing toward Democrats, points (0 = the model's expected environment: see docs/METHODOLOGY.md)",
    )
    parser.add_argument("--score", choices=sorted(SCORES), default="impact")
    parser.add_argument("--format", choices=["csv", "table"], default="table")
    parser.add_argument("--out", default=None, help="file to write (default: standard output)")
    parser.add_argument("--limit", type=int, default=50, help="rows shown in table format")
    parser.add_argument("--chambers", action="store_true", help="show P(majority) per chamber instead of seats")
    parser.add_argument("--draws", type=int, default=model.DEFAULT_DRAWS)
    parser.add_argument("--seed", type=int, default=model.DEFAULT_SEED)
    parser.add_argument("--db", default=None, help="warehouse path (default data/flippable.duckdb)")
    parser.add_argument("--write-db", action="store_true", help="write the rankings tables for the default settings")
    args = parser.parse_args(argv)

    import duckdb

    path = args.db or str(config.db_path())
    if args.write_db:
        with duckdb.connect(path) as con:
            write_rankings(con, n_draws=args.draws, seed=args.seed)
        print(f"wrote rankings, rankings_chambers, rankings_info to {path}", file=sys.stderr)
        return 0
    with duckdb.connect(path, read_only=True) as con:
        ranker = Ranker.from_connection(con, target_year=args.target_year, n_draws=args.draws, seed=args.seed)
    states = [s.upper() for s in args.state] if args.state else None
    header = (
        f"# {ranker.data_through()}; swing {args.swing:+.1f} pts toward Democrats "
        f"(0 = the model's expected environment for the cycle); score: {SCORES[args.score]}; "
        f"{args.draws:,} simulations, seed {args.seed}"
    )
    if args.chambers:
        frame = ranker.chambers(args.swing)
        if states:
            frame = frame[frame["chamber_state"].isin(states + ["US"])]
        if args.office:
            frame = frame[frame["office"].isin(args.office)]
    else:
        frame = ranker.rank(args.swing, office=args.office, state=states, score=args.score)
    if args.format == "csv":
        text = frame.to_csv(index=False)
    else:
        body = frame.head(args.limit).to_string(index=False) if args.chambers else _format_table(frame, args.limit)
        text = f"{header}\n{body}\n({len(frame):,} rows; showing {min(args.limit, len(frame))})\n"
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
        print(header, file=sys.stderr)
    else:
        if args.format == "csv":
            print(header, file=sys.stderr)  # keep standard output pure CSV
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
