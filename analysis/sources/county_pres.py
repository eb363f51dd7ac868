"""County presidential results 2000-2024, the county context layer.

Mirror folder county/ (county/SOURCES.md), following its suggested coverage:
- 2000-2016: MEDSL countypres_2000-2016.csv (official state records; source 'medsl_countypres');
- 2020 and 2024: tonmcg's scraped county files (source 'tonmcg'; 2024 was scraped in Dec 2024 and
  runs about 0.6M votes per party below the certified totals).
The other tonmcg files (2016, 08-16, 12-16) are not read: MEDSL is preferred for 2008-2016.

Output tables['county_presidential'], one row per county (or county-equivalent) and year:
state_po, county_fips (5 characters), county_name, year, dem_votes, rep_votes, total_votes (all
presidential votes in the county), margin = 100 * (dem - rep) / total: Democratic minus Republican
in points of ALL votes (not two-party), positive = Democratic; NULL when a count is missing.

Quirks (county/SOURCES.md): MEDSL writes missing values as the text 'NA' and FIPS as an integer
(padded here to 5). 48 MEDSL rows have no FIPS: CT 'Statewide writein', 'Maine UOCAVA', RI
'Federal Precinct'. Where they carry votes (2012 CT and ME, 2016 ME and RI) they are kept as rows
with county_fips NULL so national sums stay whole; the empty ones are rejected. AK 'District 99'
has FIPS 2099 but no state_po (taken from the state name). total_votes is the sum of the candidate
lines (see _medsl). AK is by state house / election district, not borough
(2000-2016 MEDSL; 2020 pseudo-FIPS 02901-02940; 2024 02001-02040), and DC 2024 is by 8 wards
(11001-11008, where 11001 is also DC's real county FIPS). Kept as published.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.sources.base import SourceResult, require_columns, to_votes
from analysis.sources.princeton import STATE_PO, read_csv_strict

SOURCE = "county_pres"
MEDSL_FILE = "county/countypres_2000-2016.csv"
TONMCG_FILES = {
    2020: "county/2020_US_County_Level_Presidential_Results.csv",
    2024: "county/2024_US_County_Level_Presidential_Results.csv",
}
OUTPUT_COLUMNS = [
    "state_po",
    "county_fips",
    "county_name",
    "year",
    "dem_votes",
    "rep_votes",
    "total_votes",
    "margin",
    "source",
]


def _margin(dem: pd.Series, rep: pd.Series, total: pd.Series) -> pd.Series:
    """Democratic minus Republican, points of all votes cast for president; NULL without a positive total."""
    return 100.0 * (dem - rep) / total.where(total > 0)


def _state_po(names: pd.Series, file: str, rows: pd.Series) -> pd.Series:
    po = names.str.strip().map(STATE_PO)
    if po.isna().any():
        pos = int(po.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {names.iloc[pos]!r}", row=int(rows.iloc[pos]), column="state")
    return po


def _medsl(mirror: Path, result: SourceResult) -> pd.DataFrame:
    raw = read_csv_strict(mirror / MEDSL_FILE, mirror)
    require_columns(
        raw, ["year", "state", "state_po", "county", "FIPS", "party", "candidatevotes", "totalvotes"], MEDSL_FILE
    )
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    frame = pd.DataFrame({"source_file": MEDSL_FILE, "source_row": rows})
    fips = raw["FIPS"].str.strip().replace("NA", "")
    bad = ~fips.str.fullmatch(r"\d{0,5}")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(MEDSL_FILE, f"bad FIPS {fips.iloc[pos]!r}", row=int(rows.iloc[pos]), column="FIPS")
    frame = frame.assign(
        year=to_votes(raw["year"], MEDSL_FILE, "year", rows).astype(int),
        county_fips=fips.where(fips.eq(""), fips.str.zfill(5)),
        county_name=raw["county"].str.strip(),
        # 'NA' state_po on AK 'District 99' and the no-FIPS lines: the state name is there.
        state_po=raw["state_po"].where(~raw["state_po"].isin(["", "NA"]), _state_po(raw["state"], MEDSL_FILE, rows)),
        party=raw["party"].str.strip().str.lower(),
        votes=to_votes(raw["candidatevotes"], MEDSL_FILE, "candidatevotes", rows),
    )
    # One row per county-year (the no-FIPS lines by name). total_votes is the sum of the published
    # candidate lines (D, R, Other, Nader in 2000), which equals MEDSL's totalvotes everywhere except
    # 4 counties MEDSL fixed after this version (2016 AZ Gila/Graham/Greenlee, NE Keya Paha) and the
    # non-county lines, whose totalvotes (74,045 / 5,056) belong to none of them.
    key = ["year", "state_po", "county_fips", "county_name"]
    out = frame.groupby(key, sort=False)["votes"].sum(min_count=1).rename("total_votes").to_frame()
    for party, column in (("democrat", "dem_votes"), ("republican", "rep_votes")):
        part = frame[frame["party"].eq(party)].groupby(key)["votes"].sum(min_count=1)
        out[column] = part.reindex(out.index)
    out = out.reset_index()
    # Lines outside any county (CT 'Statewide writein', 'Maine UOCAVA', RI 'Federal Precinct') keep
    # their votes, with no FIPS, so state and national sums stay whole; those with no votes at all
    # carry nothing and are rejected.
    no_fips = out["county_fips"].eq("")
    void = no_fips & out["total_votes"].isna()
    void_rows = frame.merge(out.loc[void, key], on=key)
    result.reject(void_rows, "line outside any county with no candidate votes", column="candidatevotes")
    out = out[~void].copy()
    out["county_fips"] = out["county_fips"].replace("", None)
    out["source"] = "medsl_countypres"
    missing = out["dem_votes"].isna() | out["rep_votes"].isna()
    result.notes.append(
        f"county_pres: MEDSL 2000-2016: {len(out)} county-years; {int(missing.sum())} with a missing D or R count "
        "(NULL margin): "
        + ", ".join(f"{r.state_po} {r.county_name} {r.year}" for r in out[missing].head(8).itertuples())
    )
    return out


def _tonmcg(mirror: Path, year: int, file: str, result: SourceResult) -> pd.DataFrame:
    raw = read_csv_strict(mirror / file, mirror)
    require_columns(raw, ["state_name", "county_fips", "county_name", "votes_gop", "votes_dem", "total_votes"], file)
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    fips = raw["county_fips"].str.strip()
    if not fips.str.fullmatch(r"\d{5}").all():
        pos = int((~fips.str.fullmatch(r"\d{5}")).to_numpy().nonzero()[0][0])
        raise InputError(file, f"bad county_fips {fips.iloc[pos]!r}", row=pos + 1, column="county_fips")
    return pd.DataFrame(
        {
            "state_po": _state_po(raw["state_name"], file, rows),
            "county_fips": fips,
            "county_name": raw["county_name"].str.strip(),
            "year": year,
            "dem_votes": to_votes(raw["votes_dem"], file, "votes_dem", rows),
            "rep_votes": to_votes(raw["votes_gop"], file, "votes_gop", rows),
            "total_votes": to_votes(raw["total_votes"], file, "total_votes", rows),
            "source": "tonmcg",
        }
    )


def read(mirror: Path) -> SourceResult:
    """County presidential votes and all-vote margins, 2000-2024 (see module docstring)."""
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    parts = [_medsl(mirror, result)] + [_tonmcg(mirror, y, f, result) for y, f in TONMCG_FILES.items()]
    table = pd.concat(parts, ignore_index=True)
    for column in ("dem_votes", "rep_votes", "total_votes"):
        table[column] = table[column].astype(float)
    table["year"] = table["year"].astype(int)
    table["margin"] = _margin(table["dem_votes"], table["rep_votes"], table["total_votes"])
    table = table.sort_values(["year", "county_fips"], kind="stable").reset_index(drop=True)
    result.tables["county_presidential"] = table[OUTPUT_COLUMNS]
    sums = table.groupby("year")[["dem_votes", "rep_votes"]].sum()
    result.notes.append(
        "county_pres: national sums D / R: "
        + "; ".join(f"{y} {int(r.dem_votes):,} / {int(r.rep_votes):,}" for y, r in sums.iterrows())
        + " (2024 scraped Dec 2024, ~0.6M per party below certified)."
    )
    return result
