"""Seats per party per legislative chamber, 1934-2021 (psthomas/state-partisan-composition).

Mirror folder statelegislative/chamber_composition/ (statelegislative/SOURCES.md section 8):
state_partisan_composition_1934_2021.csv (Klarner's State Partisan Balance before 2009, NCSL after)
and state_partisan_composition_2009_2021.csv (NCSL). The two agree wherever both have a year; the
2009-2021 NCSL file is used for those years and the long file's 2009+ rows are recorded as rejected
duplicates.

Output tables['chamber_composition'], one row per state, year and chamber:
state_po, year, office ('state_senate' | 'state_house'), total, dem, rep, other (seat counts as of
NCSL's snapshot date that year, so vacancies make dem + rep + other fall short of total), source
('ncsl' | 'klarner'), source_file, source_row.

Nebraska's unicameral is office 'state_senate'; its empty 'house' (total 0) is not a chamber and is
skipped (unicameral since 1937). NCSL lists Nebraska as nonpartisan: 49 'other' until 2020, and 0 / 0 / 0 of 49 in 2021,
kept as published (the 2021 zeros are not a count of anyone).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.base import SourceResult, require_columns, to_votes
from analysis.sources.princeton import STATE_PO, read_csv_strict

SOURCE = "chamber_composition"
FOLDER = "statelegislative/chamber_composition"
LONG_FILE = f"{FOLDER}/state_partisan_composition_1934_2021.csv"
NCSL_FILE = f"{FOLDER}/state_partisan_composition_2009_2021.csv"
CHAMBERS = {"senate": "state_senate", "house": "state_house"}
COUNTS = ["total", "dem", "rep", "other"]
OUTPUT_COLUMNS = ["state_po", "year", "office", "total", "dem", "rep", "other", "source", "source_file", "source_row"]


def _load(mirror: Path, file: str, label: str) -> pd.DataFrame:
    raw = read_csv_strict(mirror / file, mirror)
    columns = ["state", "year"] + [f"{c}_{n}" for c in CHAMBERS for n in COUNTS]
    require_columns(raw, columns, file)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    out = pd.DataFrame({"source_file": file, "source_row": rows, "source": label})
    out["state_po"] = raw["state"].str.strip().map(STATE_PO)
    if out["state_po"].isna().any():
        pos = int(out["state_po"].isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {raw['state'].iloc[pos]!r}", row=pos + 1, column="state")
    year = to_votes(raw["year"], file, "year", rows)
    if year.isna().any():
        pos = int(year.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, "missing year", row=pos + 1, column="year")
    out["year"] = year.astype(int)
    for column in columns[2:]:
        out[column] = to_votes(raw[column], file, column, rows)
    return out


def read(mirror: Path) -> SourceResult:
    """Chamber composition in long form (see module docstring for columns and units)."""
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    ncsl = _load(mirror, NCSL_FILE, "ncsl")
    long = _load(mirror, LONG_FILE, "klarner")
    result.rows_read = len(ncsl) + len(long)

    overlap = long.set_index(["state_po", "year"]).index.isin(ncsl.set_index(["state_po", "year"]).index)
    _note_agreement(result, long[overlap], ncsl)
    result.reject(long[overlap], "duplicate: year also in the 2009-2021 NCSL file, which is used")
    long = long[~overlap]
    # The long file's NCSL-era rows without a 2009-2021 twin would still be NCSL; none exist today.
    long.loc[long["year"] >= 2009, "source"] = "ncsl"
    wide = pd.concat([ncsl, long], ignore_index=True)

    parts = []
    for prefix, office in CHAMBERS.items():
        part = wide[["state_po", "year", "source", "source_file", "source_row"]].copy()
        part["office"] = office
        for n in COUNTS:
            part[n] = wide[f"{prefix}_{n}"]
        # Nebraska has had no house since 1937 (unicameral): its 0-seat or empty 'house' is not a chamber.
        part = part[~(part["office"].eq("state_house") & part["state_po"].eq("NE") & part["year"].ge(1937))]
        parts.append(part)
    long_rows = pd.concat(parts, ignore_index=True)
    empty = long_rows[COUNTS].isna().all(axis=1)
    # A source row with no counts for either chamber is rejected; one with a single chamber loads.
    blank = wide[wide[[f"{c}_{n}" for c in CHAMBERS for n in COUNTS]].isna().all(axis=1)]
    result.reject(blank, "no seat counts published (Klarner gap: 1934-35, most of 1936, NE, early MN/AK/HI/AL)")
    table = long_rows[~empty].copy()
    for n in COUNTS:
        table[n] = table[n].astype("Int64")
    table = table.sort_values(["state_po", "year", "office"], kind="stable")
    result.tables["chamber_composition"] = table[OUTPUT_COLUMNS].reset_index(drop=True)
    single = int((empty & ~long_rows["source_row"].isin(blank["source_row"]).to_numpy()).sum())
    result.notes += [
        f"chamber_composition: {len(table)} chamber-years, {table['year'].min()}-{table['year'].max()}; "
        f"{len(blank)} source rows without counts; {single} chamber-years missing where the other chamber "
        "has counts.",
        "chamber_composition: counts are as of NCSL's snapshot date, so vacancies make dem + rep + other "
        "fall short of total. Nebraska (unicameral, state_senate) is nonpartisan: 49 'other' through 2020, "
        "0 / 0 / 0 of 49 in 2021, as published.",
    ]
    return result


def _note_agreement(result: SourceResult, long: pd.DataFrame, ncsl: pd.DataFrame) -> None:
    key = ["state_po", "year"]
    cols = [f"{c}_{n}" for c in CHAMBERS for n in COUNTS]
    m = long[key + cols].merge(ncsl[key + cols], on=key, suffixes=("", "_n"))
    differ = np.zeros(len(m), dtype=bool)
    for c in cols:
        differ |= ~((m[c] == m[f"{c}_n"]) | (m[c].isna() & m[f"{c}_n"].isna())).to_numpy()
    result.notes.append(
        f"chamber_composition: 1934-2021 file agrees with the 2009-2021 NCSL file on "
        f"{len(m) - int(differ.sum())} of {len(m)} shared state-years."
    )
