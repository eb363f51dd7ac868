"""`python -m analysis.build`: raw public files -> checks -> data/flippable.duckdb, atomically.

Steps (each prints progress):
1. find the raw files: the mirror (--mirror, $FLIPPABLE_MIRROR, ../shared/data) or the verified
   download cache (analysis.manifest);
2. run every source reader (analysis/sources/*), one per public source;
3. combine: one source per contest by the documented order of trust (TRUST below), the others
   kept as cross-checks; presidential baselines likewise; plans (district lines) assigned;
4. checks: district counts, coverage, disagreements -> build_report; a failed check aborts;
5. write everything into a temporary DuckDB file, create the SQL views (analysis/sql/*.sql, in
   layers), then rename it over the previous database. A failed build leaves it untouched.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from analysis import config, manifest
from analysis import normalize as nz
from analysis.errors import BuildCheckError, InputError
from analysis.sources.base import SourceResult

SCHEMA_VERSION = 1

READERS = [
    "medsl_house",
    "fte_specials",
    "dke_cd",
    "house_members",
    "multistate",
    "medsl_precinct_2024",
    "princeton",
    "medsl_2018",
    "openelections_pa",
    "dke_sld",
    "jdjohn215",
    "chamber_composition",
    "county_pres",
    "boundaries",
]

# Order of trust for contest results, most trusted first. One source per contest: a contest
# (state, office, district, seat, year, kind) is taken from the first source here that has it;
# the others are compared with it (table source_checks). Why this order:
# - medsl_house: MIT Election Lab, from the Clerk of the House; the House source of record.
# - fte_specials: the only source with vote counts for House specials since 2017.
# - medsl_precinct_2024: official precinct returns (MEDSL), complete for its 9 states in 2024
#   where MultiState misses contests (e.g. NH House).
# - multistate: broadest coverage 2012-2025 (Ballotpedia-derived), candidate level, district
#   numbers as they were at the time (VA 2017 HD-94 is filed under 94).
# - medsl_2018: official 2018 constituency returns; fills WA House 2018, which MultiState lacks.
#   Below MultiState because of its KS party mislabels (statelegislative/SOURCES.md 3).
# - princeton: Klarner SLERs (1971-2012) and Ballotpedia scrapes (2013-2018); the source for
#   older lower-house years; its 2018 file is a pre-certification snapshot.
# - openelections_pa: county pieces summed; a cross-check for PA 2016/2018.
TRUST = [
    "medsl_house",
    "fte_specials",
    "medsl_precinct_2024",
    "multistate",
    "medsl_2018",
    "princeton",
    "openelections_pa",
]
# Named districts (MA, NH, VT) were renamed with new maps, and MultiState files older results
# under current names (statelegislative/SOURCES.md 1a), so on older lines the native-named
# sources come first there.
NAMED_DISTRICT_STATES = {"MA", "NH", "VT"}
TRUST_OLD_NAMED = [
    "medsl_house",
    "fte_specials",
    "medsl_precinct_2024",
    "medsl_2018",
    "princeton",
    "multistate",
    "openelections_pa",
]

# Presidential baselines: raw vote counts first, then shares rebuilt from counts, then rounded.
PRES_TRUST = [
    "pres_by_2022_cd",
    "dke_cd_info",
    "downballot_119",
    "medsl_precinct_2024",
    "jdjohn215",
    "multistate",
    "dke_sld",
]

CONTEST_ID = ["state_po", "office", "district", "seat", "year", "kind"]


@dataclass
class Build:
    """Everything a build produces before it is written."""

    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    report: list[dict] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def log(msg: str) -> None:
    print(f"[build {dt.datetime.now():%H:%M:%S}] {msg}", flush=True)


def _read_one(name: str, raw: Path) -> tuple[SourceResult, float]:
    t0 = time.perf_counter()
    result = importlib.import_module(f"analysis.sources.{name}").read(raw)
    return result, time.perf_counter() - t0


# Readers that take longest go first so two workers finish together.
SLOW_FIRST = ["boundaries", "medsl_precinct_2024", "multistate", "princeton"]


def run_readers(
    raw: Path, names: list[str] | None = None, progress=log, workers: int | None = None
) -> dict[str, SourceResult]:
    """Run every reader; in parallel processes when there is more than one core.

    Results come back in READERS order whatever order they finish in, so the build does not
    depend on scheduling. The first reader error is raised as is (InputError names the file).
    """
    names = names or READERS
    workers = workers if workers is not None else min(len(names), os.cpu_count() or 1, 4)
    done: dict[str, SourceResult] = {}
    order = sorted(names, key=lambda n: SLOW_FIRST.index(n) if n in SLOW_FIRST else len(SLOW_FIRST))
    if workers <= 1:
        for name in order:
            done[name], secs = _read_one(name, raw)
            progress(f"[{len(done)}/{len(names)}] read {name}: {done[name].rows_read:,} rows in {secs:.1f}s")
    else:
        from concurrent.futures import ProcessPoolExecutor, as_completed

        pool = ProcessPoolExecutor(max_workers=workers)
        try:
            futures = {pool.submit(_read_one, name, raw): name for name in order}
            for fut in as_completed(futures):
                name = futures[fut]
                done[name], secs = fut.result()
                progress(f"[{len(done)}/{len(names)}] read {name}: {done[name].rows_read:,} rows in {secs:.1f}s")
        finally:
            # On the first error, readers not yet started are cancelled instead of run.
            pool.shutdown(wait=True, cancel_futures=True)
    return {name: done[name] for name in names}


def _contest_frame(rows: pd.DataFrame) -> pd.DataFrame:
    out = rows.copy()
    if "seat" not in out:
        out["seat"] = None
    out["seat"] = out["seat"].fillna("").astype(str)
    # Specials are told apart by date; regular contests by kind alone.
    special = out["kind"].str.startswith("special")
    out["_key_date"] = out["election_date"].fillna("").where(special, "")
    return out


def select_contests(sources: dict[str, pd.DataFrame], plans: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pick one source per contest by TRUST; return (chosen rows, table of which source each contest came from)."""
    frames = []
    for name, rows in sources.items():
        if rows is None or rows.empty:
            continue
        f = _contest_frame(rows)
        f["source"] = name
        frames.append(f)
    allrows = pd.concat(frames, ignore_index=True)
    allrows["year"] = allrows["year"].astype(int)
    key = CONTEST_ID + ["_key_date"]
    per_source = allrows[key + ["source"]].drop_duplicates()
    # Is the contest on the chamber's current plan? (latest plan start <= year)
    latest = plans.groupby(["state_po", "office"])["first_year"].max().rename("_latest_plan").reset_index()
    per_source = per_source.merge(latest, on=["state_po", "office"], how="left")
    old_named = (per_source["year"] < per_source["_latest_plan"].fillna(0)) & per_source["state_po"].isin(
        NAMED_DISTRICT_STATES
    )
    rank = {s: i for i, s in enumerate(TRUST)}
    rank_old_named = {s: i for i, s in enumerate(TRUST_OLD_NAMED)}
    per_source["_rank"] = per_source["source"].map(rank).where(~old_named, per_source["source"].map(rank_old_named))
    per_source["_rank"] = per_source["_rank"].fillna(len(TRUST))
    per_source = per_source.sort_values(key + ["_rank"])
    chosen = per_source.drop_duplicates(key, keep="first")[key + ["source"]]
    chosen_rows = allrows.merge(chosen, on=key + ["source"], how="inner")
    alternatives = per_source.merge(chosen.rename(columns={"source": "chosen_source"}), on=key)
    alternatives = alternatives[alternatives["source"] != alternatives["chosen_source"]]
    return chosen_rows.drop(columns="_key_date"), alternatives.drop(columns=["_rank", "_latest_plan"])


def compare_sources(chosen_races: pd.DataFrame, other_races: pd.DataFrame) -> pd.DataFrame:
    """Disagreements between the chosen source and the others for the same contest.

    A disagreement is a different winner party, or a margin differing by more than 1 point.
    """
    if other_races.empty:
        return pd.DataFrame(
            columns=[
                "state_po",
                "office",
                "district",
                "seat",
                "year",
                "kind",
                "chosen_source",
                "other_source",
                "chosen_winner",
                "other_winner",
                "chosen_margin",
                "other_margin",
                "issue",
            ]
        )
    key = ["state_po", "office", "district", "seat", "year", "kind"]
    a = chosen_races[key + ["source", "winner_party", "margin"]].rename(
        columns={"source": "chosen_source", "winner_party": "chosen_winner", "margin": "chosen_margin"}
    )
    b = other_races[key + ["source", "winner_party", "margin"]].rename(
        columns={"source": "other_source", "winner_party": "other_winner", "margin": "other_margin"}
    )
    for f in (a, b):
        f["seat"] = f["seat"].fillna("")
    m = a.merge(b, on=key)
    winner_diff = m["chosen_winner"].fillna("?") != m["other_winner"].fillna("?")
    margin_diff = (m["chosen_margin"] - m["other_margin"]).abs() > 1.0
    m["issue"] = None
    m.loc[margin_diff, "issue"] = "margin differs by more than 1 point"
    m.loc[winner_diff, "issue"] = "different winner"
    m["seat"] = m["seat"].replace("", None)
    return m[m["issue"].notna()].reset_index(drop=True)


def load_plans(results: dict[str, SourceResult]) -> pd.DataFrame:
    house = pd.read_csv(config.REFERENCE_DIR / "plans_us_house.csv")
    house = house.assign(source="reference")[["state_po", "office", "first_year", "source"]]
    frames = [house]
    for res in results.values():
        if "plans" in res.tables:
            frames.append(res.tables["plans"][["state_po", "office", "first_year", "source"]])
    plans = pd.concat(frames, ignore_index=True)
    plans["first_year"] = plans["first_year"].astype(int)
    # State legislatures before the sources' first listed plan (2011/2012): the decennial
    # redistricting, first used in 1972/1982/1992/2002 (1971/... where elections are in odd years).
    # An approximation: court-ordered mid-decade redraws before 2012 are not listed.
    sld = plans[plans["office"] != "us_house"].groupby(["state_po", "office"])["first_year"].min().reset_index()
    odd = {"VA", "NJ", "LA", "MS"}
    extra = [
        {"state_po": st, "office": of, "first_year": y - (1 if st in odd else 0), "source": "decennial default"}
        for st, of, first in sld.itertuples(index=False)
        for y in (1972, 1982, 1992, 2002)
        if y - (1 if st in odd else 0) < first
    ]
    plans = pd.concat([plans, pd.DataFrame(extra)], ignore_index=True)
    return plans.drop_duplicates(["state_po", "office", "first_year"]).sort_values(["state_po", "office", "first_year"])


def combine(results: dict[str, SourceResult], progress=log) -> Build:
    """Readers' outputs -> the warehouse's tables (not yet written)."""
    b = Build()
    plans = load_plans(results)
    b.tables["plans"] = plans
    races, cands, alternatives, ties = combine_contests(results, plans, progress)
    b.tables["contest_results"] = races
    b.tables["contest_candidates"] = cands
    b.tables["source_checks"] = cross_check(results, races, alternatives, ties)
    b.tables["contest_alternatives"] = alternatives.drop(columns="_key_date")
    b.tables["presidential_all"], b.tables["presidential_best"] = combine_presidential(results, plans)
    b.tables.update(passthrough_tables(results, plans))
    b.tables["house_districts"] = current_house_districts(results, b.tables["shapes_raw"])
    b.tables["coverage"] = coverage(races, results)
    b.report = report_rows(results, races)
    b.tables["rejected_rows"] = pd.concat(
        [r.rejected for r in results.values() if len(r.rejected)]
        or [pd.DataFrame(columns=["source", "source_file", "source_row", "column", "reason"])],
        ignore_index=True,
    )
    b.tables["unmapped_labels"] = pd.concat(
        [r.unmapped_labels for r in results.values()] or [pd.DataFrame()], ignore_index=True
    )
    return b


def candidate_sources(results: dict[str, SourceResult]) -> dict[str, pd.DataFrame]:
    return {n: r.tables["candidates"] for n, r in results.items() if "candidates" in r.tables}


def combine_contests(results: dict[str, SourceResult], plans: pd.DataFrame, progress=log):
    """One source per contest (TRUST), decided: winners, margins, status, plan."""
    chosen_rows, alternatives = select_contests(candidate_sources(results), plans)
    ties = pd.read_csv(config.REFERENCE_DIR / "tie_overrides.csv", dtype={"district": str})
    t0 = time.perf_counter()
    races, cands = nz.build_contests(chosen_rows, ties)
    progress(f"decided {len(races):,} contests ({len(cands):,} candidates) in {time.perf_counter() - t0:.1f}s")
    # A special fills the rest of a term, on the lines that term was elected on: the plan in force
    # the year before (PA-15's November 2018 special was on the 2012 lines, its general on 2018's).
    special = races["kind"].str.startswith("special").astype(int)
    races["plan"] = nz.assign_plans(races.assign(year=races["year"].astype(int) - special), plans)
    races["non_voting"] = races["state_po"].isin(nz.NON_VOTING)
    mark_unusable(races, results)
    mark_incomplete(races, cands)
    mark_conflicting(races, cands)
    return races, cands, alternatives, ties


def cross_check(
    results: dict[str, SourceResult], races: pd.DataFrame, alternatives: pd.DataFrame, ties: pd.DataFrame
) -> pd.DataFrame:
    """Every contest a less trusted source also has, decided the same way and compared."""
    other = []
    for name, rows in candidate_sources(results).items():
        alt_keys = alternatives.loc[alternatives["source"] == name, CONTEST_ID + ["_key_date"]]
        if alt_keys.empty:
            continue
        f = _contest_frame(rows).assign(source=name)
        f["year"] = f["year"].astype(int)
        other.append(f.merge(alt_keys, on=CONTEST_ID + ["_key_date"]).drop(columns="_key_date"))
    alt_races = nz.build_contests(pd.concat(other, ignore_index=True), ties)[0] if other else pd.DataFrame()
    return compare_sources(races, alt_races)


def combine_presidential(results: dict[str, SourceResult], plans: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """All presidential-by-district rows with their plan, and the most trusted one per
    (state, office, district, plan, presidential year)."""
    pres = pd.concat(
        [r.tables["presidential"] for r in results.values() if "presidential" in r.tables], ignore_index=True
    )
    # MultiState's 2024 margins are on each chamber's current lines, which for MS are the 2025
    # court-ordered redraw: put them on the latest plan, not the 2024 one.
    latest = plans.groupby(["state_po", "office"])["first_year"].max()
    ms = pres["source"] == "multistate"
    cur = [latest.get((st, of), 0) for st, of in zip(pres.loc[ms, "state_po"], pres.loc[ms, "office"])]
    pres.loc[ms, "lines_year"] = pres.loc[ms, "lines_year"].astype(int).clip(lower=pd.Series(cur, index=pres.index[ms]))
    pres["lines_year"] = pres["lines_year"].astype(int)
    pres["plan"] = nz.assign_plans(pres.assign(year=pres["lines_year"]), plans)
    # Most trusted source first; within a source, rows computed from vote counts, then the line
    # set closest to the election itself (cd_info's 2008/2012 results on later line sets come
    # from rounded shares).
    order = pres.assign(
        _rank=pres["source"].map({s: i for i, s in enumerate(PRES_TRUST)}).fillna(len(PRES_TRUST)),
        _no_counts=pres["total_votes"].isna(),
        _distance=(pres["lines_year"] - pres["pres_year"]).abs(),
    ).sort_values(["state_po", "office", "district", "plan", "pres_year", "_rank", "_no_counts", "_distance"])
    order = order.drop(columns=["_rank", "_no_counts", "_distance"])
    return order, order.drop_duplicates(["state_po", "office", "district", "plan", "pres_year"])


def passthrough_tables(results: dict[str, SourceResult], plans: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Per-source tables kept as they are (src_<source>_<name>), plus districts and shapes."""
    out: dict[str, pd.DataFrame] = {}
    parts: dict[str, list[pd.DataFrame]] = {"districts": [], "shapes": []}
    for name, res in results.items():
        for tname, frame in res.tables.items():
            if tname in ("candidates", "presidential", "plans", "known_bad"):
                continue
            if tname in parts:
                parts[tname].append(frame)
            else:
                out[f"src_{name}_{tname}"] = frame
    for tname, frames in parts.items():
        out[f"{tname}_raw"] = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    shapes = out["shapes_raw"]
    if not shapes.empty:
        shapes["plan"] = nz.assign_plans(shapes.assign(year=shapes["lines_year"]), plans)
    return out


def report_rows(results: dict[str, SourceResult], races: pd.DataFrame) -> list[dict]:
    """One build_report row per source: read = loaded + rejected, reasons, labels, match rate."""
    rows = []
    cand_names = set(candidate_sources(results))
    for name, res in results.items():
        # Rejections a reader summarizes by reason instead of row by row (e.g. MultiState's 65k
        # primary-election rows) still count as rejected: read = loaded + rejected, always.
        summary = res.tables.get("rejected_summary")
        summarized = int(summary["rows"].sum()) if summary is not None else 0
        rejected = int(len(res.rejected)) + summarized
        reasons = res.rejected["reason"].value_counts().to_dict() if len(res.rejected) else {}
        if summary is not None:
            reasons.update(dict(zip(summary["reason"], summary["rows"])))
        detail = {
            "tables": {k: len(t) for k, t in res.tables.items()},
            "rejected_by_reason": reasons,
            "unmapped_labels": res.unmapped_labels.to_dict("records"),
            "notes": res.notes,
        }
        if name in cand_names:
            detail["contests_chosen"] = int((races["source"] == name).sum())
        match_rate = None
        if "shape_match" in res.tables:
            sm = res.tables["shape_match"]
            match_rate = float(
                sm["matched"].sum() / max(int(sm["n_districts"].sum()) - int(sm["n_floterial"].sum()), 1)
            )
            detail["geometry_match_by_chamber"] = sm[["state_po", "office", "matched", "n_districts", "rate"]].to_dict(
                "records"
            )
        rows.append(
            {
                "source": name,
                "rows_read": int(res.rows_read),
                "rows_loaded": int(res.rows_read) - rejected,
                "rows_rejected": rejected,
                "unmapped_labels": int(len(res.unmapped_labels)),
                "geometry_match_rate": match_rate,
                "detail": json.dumps(detail, default=str),
            }
        )
    return rows


def current_house_districts(results: dict[str, SourceResult], shapes: pd.DataFrame) -> pd.DataFrame:
    """The 119th Congress districts (2024 lines; DC and PR non-voting) with their current holders.

    Holders come from legislators-current (unitedstates, CC0); a district with no current
    member is vacant. The next regular election is 2026 everywhere.
    """
    if shapes.empty:
        return pd.DataFrame()
    cur = shapes[
        (shapes["office"] == "us_house")
        & (shapes["lines_year"] == shapes.loc[shapes["office"] == "us_house", "lines_year"].max())
    ]
    out = cur[["state_po", "office", "district", "name"]].drop_duplicates(["state_po", "district"]).copy()
    members = results["house_members"].tables.get("current_members", pd.DataFrame())
    if not members.empty:
        m = members.groupby(["state_po", "district"]).agg(
            holder_party=("party", "first"), holder_names=("name", "first")
        )
        out = out.merge(m.reset_index(), on=["state_po", "district"], how="left")
    out["holder_party"] = out.get("holder_party").fillna("VACANT")
    out["seats"] = 1
    out["seat"] = None
    out["next_election"] = 2026
    out["non_voting"] = out["state_po"].isin(nz.NON_VOTING)
    return out.reset_index(drop=True)


def coverage(races: pd.DataFrame, results: dict[str, SourceResult]) -> pd.DataFrame:
    """Per chamber and cycle: regular-general contests found and seats they filled, against the
    seats that were up (US House: the districts MEDSL lists; state chambers: MultiState's
    expected seats up, from term lengths and classes)."""
    gen = races[races["kind"].isin(["general", "runoff"]) & ~races["non_voting"]]
    gen = gen.sort_values("kind").drop_duplicates(["state_po", "office", "district", "seat", "year"])
    found = gen.groupby(["state_po", "office", "year"]).agg(
        contests=("race_id", "size"),
        seats_filled=("seats", "sum"),
        sources=("source", lambda s: ", ".join(sorted(set(s)))),
    )
    found = found.reset_index()
    ms = results.get("multistate")
    if ms is not None and "coverage" in ms.tables:
        exp = ms.tables["coverage"][["state_po", "office", "year", "chamber_seats", "seats_up_expected"]]
        found = found.merge(exp, on=["state_po", "office", "year"], how="outer")
    # House seats up per state and cycle: the districts the source of record (MEDSL, from the
    # Clerk's reports) lists that year; the whole-House check holds them to 435 per cycle.
    medsl = results["medsl_house"].tables["candidates"]
    up = medsl.drop_duplicates(["state_po", "year", "district"]).groupby(["state_po", "year"]).size()
    house = found["office"] == "us_house"
    found.loc[house, "seats_up_expected"] = [
        up.get((st, int(y))) for st, y in zip(found.loc[house, "state_po"], found.loc[house, "year"])
    ]
    # Where MultiState gives no expected count (before 2022), estimate seats up from each
    # current seat's next election and term: up in year Y when (next - Y) is a multiple of the
    # term. Staggered senates reset by redistricting (2-4-4 terms, e.g. IL, TX in 2012) make
    # this an estimate; it is marked as such.
    found["seats_up_source"] = found["seats_up_expected"].notna().map({True: "source", False: None})
    d = results["multistate"].tables.get("districts") if "multistate" in results else None
    if d is not None and not d.empty:
        est = []
        for (st, of), grp in d.groupby(["state_po", "office"]):
            term = grp["term_length"].fillna(2).astype(int).clip(lower=1)
            nxt = grp["next_election"].astype(int)
            for year in range(2012, 2022):
                up = int(grp.loc[((nxt - year) % term) == 0, "seats"].sum())
                if up:
                    est.append({"state_po": st, "office": of, "year": year, "_est": up})
        est = pd.DataFrame(est)
        if len(est):
            found = found.merge(est, on=["state_po", "office", "year"], how="outer")
            fill = found["seats_up_expected"].isna() & found["_est"].notna()
            found.loc[fill, "seats_up_expected"] = found.loc[fill, "_est"]
            found.loc[fill, "seats_up_source"] = "estimate (current seats, terms)"
            found = found.drop(columns="_est")
    found["contests"] = found["contests"].fillna(0).astype(int)
    found["seats_filled"] = found["seats_filled"].fillna(0).astype(int)
    found["gap"] = found["seats_up_expected"] - found["seats_filled"]
    return found.sort_values(["state_po", "office", "year"]).reset_index(drop=True)


def mark_unusable(races: pd.DataFrame, results: dict[str, SourceResult]) -> None:
    """Contests a reader listed as known bad (e.g. ME-02 2022: RCV rounds summed) get status
    'unusable' and no margin; they stay visible."""
    frames = [r.tables["known_bad"] for r in results.values() if "known_bad" in r.tables]
    if not frames:
        return
    bad = pd.concat(frames, ignore_index=True)
    key = ["state_po", "office", "district", "year", "kind"]
    bad = bad.assign(year=bad["year"].astype(int))[key].drop_duplicates().assign(_bad=True)
    hit = races[key].merge(bad, on=key, how="left")["_bad"].fillna(False).astype(bool).to_numpy()
    races.loc[hit, "status"] = "unusable"
    races.loc[hit, ["margin", "votes_to_flip"]] = None


def mark_incomplete(races: pd.DataFrame, cands: pd.DataFrame) -> None:
    """MultiState multi-member contests that list fewer winners than seats (mostly NH House):
    the loser list is not complete, so ranking would turn losers into winners. Winners come from
    the source's flags, status 'incomplete', no margin."""
    if "list_complete" not in cands:
        return
    ids = cands.loc[cands["list_complete"].eq(False), "race_id"].unique()
    if not len(ids):
        return
    rows = cands["race_id"].isin(ids)
    cands.loc[rows, "won"] = cands.loc[rows, "won_reported"].astype("boolean").fillna(False).astype(bool)
    hit = races["race_id"].isin(ids)
    won = cands[rows & cands["won"]]
    dem = won[won["party"] == "DEM"].groupby("race_id").size()
    rep = won[won["party"] == "REP"].groupby("race_id").size()
    races.loc[hit, "seats_won_dem"] = races.loc[hit, "race_id"].map(dem).fillna(0).astype(int)
    races.loc[hit, "seats_won_rep"] = races.loc[hit, "race_id"].map(rep).fillna(0).astype(int)
    races.loc[hit, "status"] = "incomplete"
    races.loc[hit, ["margin", "votes_to_flip"]] = None


def report_markdown(b: Build) -> str:
    """A human-readable build report: sources, coverage gaps, disagreements, unmapped labels."""
    lines = [
        "# Build report",
        "",
        "| source | rows read | loaded | rejected | unmapped labels | geometry match |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for r in b.report:
        gm = f"{r['geometry_match_rate']:.1%}" if r["geometry_match_rate"] is not None else ""
        lines.append(
            f"| {r['source']} | {r['rows_read']:,} | {r['rows_loaded']:,} | {r['rows_rejected']:,} | "
            f"{r['unmapped_labels']} | {gm} |"
        )
    cov = b.tables["coverage"]
    gaps = cov[cov["gap"].fillna(0) > 0]
    lines += [
        "",
        f"## Coverage gaps: {len(gaps)} chamber-cycles with fewer seats found than were up",
        "",
        "| state | office | year | seats up | seats found | sources |",
        "|---|---|---:|---:|---:|---|",
    ]
    for g in gaps.itertuples():
        lines.append(
            f"| {g.state_po} | {g.office} | {g.year} | {int(g.seats_up_expected)} | {g.seats_filled} | "
            f"{g.sources if isinstance(g.sources, str) else ''} |"
        )
    checks = b.tables["source_checks"]
    lines += ["", f"## Disagreements between sources: {len(checks)} (table source_checks)", ""]
    if len(checks):
        summary = checks.groupby(["chosen_source", "other_source", "issue"]).size().rename("contests").reset_index()
        lines += ["| chosen | other | issue | contests |", "|---|---|---|---:|"]
        lines += [f"| {r.chosen_source} | {r.other_source} | {r.issue} | {r.contests} |" for r in summary.itertuples()]
    un = b.tables["unmapped_labels"]
    lines += ["", f"## Unmapped party labels: {len(un)} (never counted as a party; listed here)", ""]
    lines += [f"- {r.source}: {r.label!r} ({r.rows} rows)" for r in un.itertuples()]
    return "\n".join(lines) + "\n"


def mark_conflicting(races: pd.DataFrame, cands: pd.DataFrame) -> None:
    """Single-seat contests whose source flags two or more winners (MultiState MA 1st Bristol 2024
    mixes in a candidate from another district): status 'conflicting', no margin, so no model input."""
    if "result" not in cands:
        return
    won = cands[cands["result"].eq("Won")].groupby("race_id").size()
    bad = races["race_id"].map(won).fillna(0).gt(1) & races["seats"].eq(1) & races["source"].eq("multistate")
    races.loc[bad, "status"] = "conflicting"
    races.loc[bad, ["margin", "votes_to_flip"]] = None


def check(b: Build) -> list[str]:
    """Whole-build checks. Returns warnings; raises BuildCheckError on a failure."""
    warnings = []
    races = b.tables["contest_results"]
    # Texas replaced some 1996/2006 generals with court-ordered specials held on general-election
    # day (MEDSL files them as specials), so those count toward the cycle's 435.
    house = races[
        (races["office"] == "us_house")
        & ~races["non_voting"]
        & (
            (races["kind"] == "general")
            | (races["kind"].str.startswith("special") & (races["source"] == "medsl_house"))
        )
    ]
    per_year = house.drop_duplicates(["year", "state_po", "district"]).groupby("year").size()
    short = per_year[per_year < 435]
    if len(short):
        raise BuildCheckError(f"US House general districts per cycle below 435: {short.to_dict()}")
    dup = races["race_id"].duplicated()
    if dup.any():
        raise BuildCheckError(f"duplicate contests: {races.loc[dup, 'race_id'].head(10).tolist()}")
    # Normalization must never merge two districts: canonical ids per chamber must be as many
    # as the source's own keys (e.g. MN '1A'/'1B', '10' vs '105').
    d = b.tables["districts_raw"]
    if not d.empty and "district_number" in d:
        per = d.groupby(["state_po", "office"]).agg(
            raw=("district_number", "nunique"), canonical=("district", "nunique")
        )
        dropped = per[per["canonical"] < per["raw"]]
        if len(dropped):
            raise BuildCheckError(f"district count dropped after normalization: {dropped.to_dict('index')}")
    for row in b.report:
        if row["rows_loaded"] < 0:
            warnings.append(f"{row['source']}: rejected more rows than read; its accounting is off")
    unmapped = b.tables["unmapped_labels"]
    if len(unmapped):
        warnings.append(f"{len(unmapped)} unmapped party labels (see table unmapped_labels)")
    return warnings


_PLAIN = {"string", "empty", "boolean", "integer", "floating", "mixed-integer-float", "decimal"}


def write_db(b: Build, out: Path, mirror: Path, progress=log, rank: bool = True) -> Path:
    """Write to a temporary file next to `out`, create views, then atomically replace `out`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.name}.tmp-{os.getpid()}-{uuid.uuid4().hex[:6]}")
    try:
        con = duckdb.connect(str(tmp))
        for name, frame in b.tables.items():
            if frame is None:
                continue
            frame = frame.copy()
            for col in frame.columns:
                # Columns mixing types (e.g. lists, or ints beside strings) are stored as text.
                if frame[col].dtype == object and pd.api.types.infer_dtype(frame[col], skipna=True) not in _PLAIN:
                    frame[col] = frame[col].map(lambda v: v if v is None or isinstance(v, str) else str(v))
            con.register("_frame", frame)
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM _frame')
            con.unregister("_frame")
        con.register("_report", pd.DataFrame(b.report))
        con.execute("CREATE TABLE build_report_md AS SELECT ? AS markdown", [report_markdown(b)])
        con.execute("CREATE TABLE build_report AS SELECT * FROM _report")
        con.unregister("_report")
        build_id = uuid.uuid4().hex
        con.execute(
            "CREATE TABLE build_info AS SELECT ? AS build_id, ?::TIMESTAMP AS built_at, ? AS mirror, ? AS schema_version, "
            "? AS fingerprint",
            [build_id, dt.datetime.now(dt.UTC).replace(tzinfo=None), str(mirror), SCHEMA_VERSION, fingerprint(mirror)],
        )
        for sql_file in sorted(config.SQL_DIR.glob("*.sql")):
            con.execute(sql_file.read_text())
        if rank:
            # The model's default ranking is part of the warehouse (table `rankings`).
            from analysis import rank as ranking

            t0 = time.perf_counter()
            ranking.write_rankings(con)
            progress(f"wrote rankings in {time.perf_counter() - t0:.1f}s")
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
        wal = Path(str(tmp) + ".wal")
        if wal.exists():
            wal.unlink()
    return out


def build(mirror: Path | None = None, out: Path | None = None, progress=log, rank: bool = True) -> Path:
    t_start = time.perf_counter()
    raw = manifest.ensure_raw_dir(mirror, progress=progress)
    progress(f"reading raw files from {raw}")
    results = run_readers(raw, progress=progress)
    b = combine(results, progress=progress)
    for w in check(b):
        progress("warning: " + w)
    out = out or config.db_path()
    write_db(b, out, raw, progress=progress, rank=rank)
    report = out.with_name(out.stem + "_report.md")
    report.write_text(report_markdown(b))
    progress(f"report: {report}")
    progress(f"built {out} in {time.perf_counter() - t_start:.1f}s")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build data/flippable.duckdb from the raw public files.")
    parser.add_argument("--mirror", type=Path, default=None, help="directory laid out like ../shared/data")
    parser.add_argument("--out", type=Path, default=None, help="database path (default data/flippable.duckdb)")
    parser.add_argument("--if-needed", action="store_true", help="do nothing when the database exists and is current")
    parser.add_argument("--no-rank", action="store_true", help="skip the model's rankings table (debugging)")
    args = parser.parse_args(argv)
    out = args.out or config.db_path()
    source_dir = args.mirror or config.default_mirror() or config.cache_dir()
    if args.if_needed and is_current(out, source_dir):
        log(f"{out} is current (same raw files, same code); nothing to do")
        return 0
    try:
        build(args.mirror, out, rank=not args.no_rank)
    except (InputError, BuildCheckError, FileNotFoundError, RuntimeError) as exc:
        print(f"build failed: {exc}\nthe previous database (if any) was left untouched", file=sys.stderr)
        return 1
    return 0


def fingerprint(raw: Path | None) -> str:
    """What the database was built from: schema version, the raw files (path, size, mtime) and
    the code and reference tables that turn them into tables. A change in any of these makes
    `--if-needed` rebuild."""
    digest = hashlib.sha256(f"schema {SCHEMA_VERSION}".encode())
    if raw is not None and Path(raw).is_dir():
        for path in sorted(Path(raw).rglob("*")):
            if path.is_file():
                st = path.stat()
                digest.update(f"{path.relative_to(raw)}|{st.st_size}|{st.st_mtime_ns}".encode())
    code_dir = Path(__file__).resolve().parent
    for path in sorted(code_dir.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".sql", ".csv"):
            digest.update(path.relative_to(code_dir).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def is_current(out: Path, raw: Path | None = None) -> bool:
    """The database exists and was built from these raw files with this code."""
    if not out.exists():
        return False
    try:
        with duckdb.connect(str(out), read_only=True) as con:
            built = con.execute("SELECT max(fingerprint) FROM build_info").fetchone()[0]
    except duckdb.Error:
        return False
    return built == fingerprint(raw)


if __name__ == "__main__":
    raise SystemExit(main())
