"""Current House members and historical House incumbency (congress/SOURCES.md section 5).

Files:
- congress/members/legislators-current.yaml (@unitedstates/congress-legislators, CC0): one record
  per current member of Congress; a person's last term says where they sit now.
- congress/members/historical_house_incumbents.csv (thisismactan/USA-2024): one row per seat
  per cycle 2000-2022: was the incumbent on the ballot, which major parties ran.

Also `state_codes()`: analysis/reference/states.csv (name, state_po, fips) for readers that get
full state names.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from analysis.config import REFERENCE_DIR
from analysis.errors import InputError
from analysis.normalize import canonical_district, canonical_party, fold_ws
from analysis.sources.base import SourceResult, rel
from analysis.sources.medsl_house import read_strict_csv, read_text, to_bool, to_number

SOURCE = "house_members"
CURRENT = "congress/members/legislators-current.yaml"
HISTORY = "congress/members/historical_house_incumbents.csv"
HISTORY_COLUMNS = [
    "year",
    "state",
    "seat_number",
    "incumbent_running",
    "incumbent_first_elected",
    "democrat_running",
    "republican_running",
    "redistricted",
]
# incumbent_running values. The literal 'None' means an open seat (pandas would read it as NaN,
# SOURCES.md 5b); 'Both (redistricting)' = two incumbents drawn together, one of each party.
INCUMBENT_RUNNING = {"REP": "REP", "DEM": "DEM", "IND": "IND", "Both (redistricting)": "BOTH", "None": None}
NON_STATES = {"DC", "PR", "GU", "VI", "AS", "MP"}


@lru_cache(maxsize=1)
def state_codes() -> pd.DataFrame:
    """name, state_po, fips (text, 2 digits) for 50 states, DC and 5 territories."""
    return pd.read_csv(REFERENCE_DIR / "states.csv", dtype=str, keep_default_na=False)


def _load_yaml(path: Path, mirror: Path) -> list:
    file = rel(path, mirror)
    text = read_text(path, file)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: 10x faster
    try:
        people = yaml.load(text, Loader=loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        raise InputError(
            file, f"invalid YAML ({getattr(err, 'problem', err)}" + (f" at line {mark.line + 1})" if mark else ")")
        ) from None
    if not isinstance(people, list) or not people:
        raise InputError(file, "expected a non-empty list of people (truncated file?)")
    return people


def _current_members(mirror: Path, result: SourceResult) -> pd.DataFrame:
    """One row per person whose latest term is in the House (6 delegates included, district 'AL')."""
    path = Path(mirror) / CURRENT
    file = rel(path, mirror)
    people = _load_yaml(path, mirror)
    result.rows_read += len(people)
    records, senators = [], []
    for i, person in enumerate(people, 1):  # ~540 records: a loop is fine
        try:
            term = person["terms"][-1]
            kind, state = term["type"], str(term["state"]).upper()
            bioguide = person["id"]["bioguide"]
        except (KeyError, IndexError, TypeError) as err:
            raise InputError(file, f"person record lacks {err}", row=i, column=str(err).strip("'")) from None
        if kind != "rep":
            senators.append(i)
            continue
        if "district" not in term or "party" not in term:
            raise InputError(file, "House term without district or party", row=i, column="district")
        name = person.get("name", {})
        full = name.get("official_full") or fold_ws(f"{name.get('first', '')} {name.get('last', '')}")
        records.append(
            {
                "source_row": i,
                "state_po": state,
                "district_raw": term["district"],
                "name": full,
                "party_raw": term["party"],
                "caucus": term.get("caucus"),
                "bioguide": bioguide,
                "term_start": str(term["start"]),
                "term_end": str(term["end"]),
            }
        )
    skipped = pd.DataFrame({"source_file": file, "source_row": senators})
    result.reject(skipped, "senator, not a House member", column="terms")
    frame = pd.DataFrame(records)
    # district 0 = at-large (SOURCES.md table); delegates of DC and the territories likewise.
    frame["district"] = [
        canonical_district(s, "us_house", d, at_large=(int(d) == 0 or s in NON_STATES))
        for s, d in zip(frame["state_po"], frame["district_raw"], strict=True)
    ]
    frame["office"] = "us_house"
    frame["party"] = [canonical_party(p, SOURCE) for p in frame["party_raw"]]
    missing = frame[frame["party"].isna()]
    if len(missing):
        result.unmapped_labels = pd.concat(
            [
                result.unmapped_labels,
                missing.groupby("party_raw")
                .size()
                .rename("rows")
                .reset_index()
                .rename(columns={"party_raw": "label"})
                .assign(source=SOURCE),
            ],
            ignore_index=True,
        )
    dupes = frame[frame.duplicated(["state_po", "district"], keep=False)]
    if len(dupes):
        result.notes.append(
            "house_members: more than one current member for "
            + ", ".join(sorted(set(dupes["state_po"] + "-" + dupes["district"])))
        )
    cols = [
        "state_po",
        "office",
        "district",
        "name",
        "party_raw",
        "party",
        "caucus",
        "bioguide",
        "term_start",
        "term_end",
        "source_row",
    ]
    return frame[cols].sort_values(["state_po", "district"], key=_district_sort).reset_index(drop=True)


def _district_sort(col: pd.Series) -> pd.Series:
    return col.str.zfill(3) if col.name == "district" else col


def _incumbency(mirror: Path, result: SourceResult) -> pd.DataFrame:
    path = Path(mirror) / HISTORY
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, HISTORY_COLUMNS)  # all text: the literal 'None' survives
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    names = state_codes().set_index("name")["state_po"]
    state_po = raw["state"].str.strip().map(names)
    if state_po.isna().any():
        pos = int(state_po.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {raw['state'].iloc[pos]!r}", row=pos + 1, column="state")
    year = to_number(raw["year"], file, "year", rows)
    seat = to_number(raw["seat_number"], file, "seat_number", rows)
    for col, values in (("year", year), ("seat_number", seat)):
        if values.isna().any():
            raise InputError(file, f"missing {col}", row=int(rows[values.isna()].iloc[0]), column=col)
    frame = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "state_po": state_po,
            "year": year.astype(int),
            "seat": seat.astype(int),
        }
    )
    running = raw["incumbent_running"].str.strip()
    unknown = ~running.isin(list(INCUMBENT_RUNNING))
    result.reject(frame[unknown], "unknown incumbent_running value", column="incumbent_running")
    # The file numbers an at-large seat 1: at-large when the state has one seat that cycle.
    seats = frame.groupby(["state_po", "year"])["seat"].transform("nunique")
    frame["district"] = [
        canonical_district(s, "us_house", str(n), at_large=(k == 1))
        for s, n, k in zip(frame["state_po"], frame["seat"], seats, strict=True)
    ]
    frame["office"] = "us_house"
    frame["incumbent_running"] = running.map(INCUMBENT_RUNNING).astype(object)
    frame["incumbent_running"] = frame["incumbent_running"].where(frame["incumbent_running"].notna(), None)
    frame["open_seat"] = running.eq("None")
    first = to_number(raw["incumbent_first_elected"], file, "incumbent_first_elected", rows)
    frame["incumbent_first_elected"] = first.astype("Int64")
    for col in ("democrat_running", "republican_running", "redistricted"):
        frame[col] = to_bool(raw[col], file, col, rows).astype("boolean")
    frame = frame[~unknown]
    cols = [
        "state_po",
        "office",
        "district",
        "year",
        "incumbent_running",
        "open_seat",
        "incumbent_first_elected",
        "democrat_running",
        "republican_running",
        "redistricted",
        "source_row",
    ]
    return frame[cols].reset_index(drop=True)


def read(mirror: Path) -> SourceResult:
    """Tables:

    current_members: state_po, office ('us_house'), district (canonical, 'AL' at-large and for the
      6 delegates), name, party_raw, party (canonical), caucus (None unless the member caucuses
      with another party), bioguide, term_start, term_end (ISO), source_row (1-based person record).
    incumbency: state_po, office, district, year (2000-2022), incumbent_running ('DEM' | 'REP' |
      'IND' | 'BOTH' | None = open seat), open_seat (bool), incumbent_first_elected (year; for
      open seats apparently the departing member's), democrat_running, republican_running,
      redistricted (bool), source_row.
    """
    result = SourceResult(source=SOURCE)
    members = _current_members(mirror, result)
    result.tables["current_members"] = members
    incumbency = _incumbency(mirror, result)
    result.tables["incumbency"] = incumbency
    voting = members[~members["state_po"].isin(NON_STATES)]
    result.notes.extend(
        [
            f"house_members: {len(members)} current House members ({len(voting)} voting: "
            + ", ".join(f"{p} {n}" for p, n in voting["party"].value_counts().items())
            + f"); {435 - len(voting)} voting seats vacant at the snapshot (legislators-current.yaml, 2026-06-15).",
            f"house_members: incumbency {incumbency['year'].min()}-{incumbency['year'].max()}, {len(incumbency)} seat-years; "
            f"{int(incumbency['open_seat'].sum())} open seats, "
            f"{int(incumbency['incumbent_running'].eq('BOTH').sum())} with two incumbents (redistricting). Its "
            "'redistricted' flag is the compiler's and misses mid-decade redraws such as GA 2006.",
        ]
    )
    return result
