"""Presidential results by congressional district (Daily Kos Elections / The Downballot).

Files (congress/SOURCES.md section 2), all under congress/presidential_by_cd/:
- cd_info_long.csv: every line set x election, as Republican two-party shares (`pct`) with
  `presvotes_DR` (Dem+Rep votes) and `presvotes_total` (all presidential votes) where known;
- cd_info_2024.csv: the 2024 election on 2024 (119th Congress) lines. The package docs call
  `pct_trump` the 2020 result, but the numbers are 2024 (AK-01 total 338,177 = Alaska 2024);
- downballot_2020_2024_presidential_by_cd.csv: 2024 and 2020 on 2024 lines, rounded percentages
  of all votes and the published all-vote margin, no counts;
- presidential_results_by_2022_cd.csv: Biden/Trump/total raw votes for 2020 on 2022 lines.

Output table 'presidential', one row per (state_po, district, lines_year, pres_year, source):
margin in points, Democratic minus Republican. margin_basis says of what:
- 'two_party' (dke_cd_info, pres_by_2022_cd): 100 * (D - R) / (D + R), the project convention
  (normalize.py), rebuilt from two-party shares as 100 * (1 - 2 * pct_R) or from raw votes;
- 'all_votes' (downballot_119): the Downballot's own margin over all votes (rounded to whole
  points except very close districts), since only rounded percentages are published.
dem_votes / rep_votes are rebuilt from shares as pct * presvotes_DR (SOURCES.md 2a); they are
fractional where DKE allocated split precincts. total_votes = all presidential votes.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.normalize import canonical_district
from analysis.sources.base import PRESIDENTIAL_COLUMNS, SourceResult, rel
from analysis.sources.house_members import state_codes
from analysis.sources.medsl_house import read_strict_csv, read_text, to_number

SOURCE = "dke_cd"
DIR = "congress/presidential_by_cd"
LONG = f"{DIR}/cd_info_long.csv"
CD2024 = f"{DIR}/cd_info_2024.csv"
DOWNBALLOT = f"{DIR}/downballot_2020_2024_presidential_by_cd.csv"
BY2022 = f"{DIR}/presidential_results_by_2022_cd.csv"
DOWNBALLOT_NAMES = [
    "district",
    "incumbent",
    "party",
    "harris24",
    "trump24",
    "margin24",
    "biden20",
    "trump20",
    "margin20",
]

# cd_info_long's 2008 and 2012 results on the 2018 lines disagree with the same results on the
# 2016 lines by 1.2 points on average where lines did not change (all states but PA), even for
# statewide Alaska (Romney 0.592 vs 0.573 on the 2016 lines and in the official count): a
# source inconsistency, so those rows are rejected rather than trusted.
UNRELIABLE = {(2018, 2008), (2018, 2012)}


def _district_ids(state_po: pd.Series, number: pd.Series, group: pd.Series) -> pd.Series:
    """'NN' -> canonical district; a state with one district in its line set is at-large ('AL').

    cd_info codes at-large as ST-01 and the 2022-cd file as seat 1, so at-large is decided from
    the line set itself (MT has 1 seat on the 2012-2020 lines, 2 from 2022).
    """
    frame = pd.DataFrame({"s": state_po, "n": number, "g": group})
    seats = frame.groupby(["g", "s"])["n"].transform("nunique")
    keys = frame.assign(al=seats.eq(1)).drop_duplicates(["s", "n", "al"])
    lookup = {
        (s, n, al): canonical_district(s, "us_house", n, at_large=al) for s, n, _, al in keys.itertuples(index=False)
    }
    return pd.Series([lookup[k] for k in zip(frame["s"], frame["n"], seats.eq(1), strict=True)], index=state_po.index)


def _split_cd(cd: pd.Series, file: str, rows: pd.Series, column: str = "cd") -> tuple[pd.Series, pd.Series]:
    parts = cd.str.strip().str.upper().str.extract(r"^([A-Z]{2})-(\d{1,2}|AL)$")
    bad = parts[0].isna()
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(
            file, f"bad district code {cd.iloc[pos]!r} (expected ST-NN)", row=int(rows.iloc[pos]), column=column
        )
    return parts[0], parts[1]


def _read_long(mirror: Path, result: SourceResult) -> pd.DataFrame:
    path = Path(mirror) / LONG
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, ["lines", "cd", "elec", "party", "pct", "presvotes_DR", "presvotes_total"])
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    frame = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "lines_year": to_number(raw["lines"], file, "lines", rows),
            "pres_year": to_number(raw["elec"], file, "elec", rows),
            "party": raw["party"].str.strip().str.upper(),
            "pct": to_number(raw["pct"], file, "pct", rows),
            "dr": to_number(raw["presvotes_DR"], file, "presvotes_DR", rows),
            "total": to_number(raw["presvotes_total"], file, "presvotes_total", rows),
        }
    )
    frame["state_po"], frame["number"] = _split_cd(raw["cd"], file, rows)
    for col in ("lines_year", "pres_year"):
        if frame[col].isna().any():
            raise InputError(
                file,
                f"missing {col}",
                row=int(rows[frame[col].isna()].iloc[0]),
                column="lines" if col == "lines_year" else "elec",
            )
    frame[["lines_year", "pres_year"]] = frame[["lines_year", "pres_year"]].astype(int)
    bad_party = ~frame["party"].isin(["D", "R"])
    result.reject(frame[bad_party], "party is not D or R", column="party")
    frame = frame[~bad_party]
    unreliable = pd.Series(list(zip(frame["lines_year"], frame["pres_year"], strict=True)), index=frame.index).isin(
        UNRELIABLE
    )
    result.reject(
        frame[unreliable],
        "2008/2012 share on the 2018 lines inconsistent with the 2016 lines (source bug)",
        column="pct",
    )
    frame = frame[~unreliable]
    no_share = frame["pct"].isna()
    result.reject(frame[no_share], "no two-party share", column="pct")
    frame = frame[~no_share]

    key = ["state_po", "number", "lines_year", "pres_year"]
    rep = frame[frame["party"] == "R"].drop_duplicates(key)
    dem = frame[frame["party"] == "D"].drop_duplicates(key)
    dupes = frame[frame.duplicated(key + ["party"])]
    result.reject(dupes, "duplicate district/line set/election row", column="cd")
    pair = rep.merge(dem[key + ["pct", "source_row"]], on=key, how="outer", suffixes=("", "_d"), indicator=True)
    lonely = pair[pair["_merge"] != "both"]
    if len(lonely):
        lone_rows = pd.concat(
            [
                rep[rep.set_index(key).index.isin(lonely.set_index(key).index)],
                dem[dem.set_index(key).index.isin(lonely.set_index(key).index)],
            ]
        )
        result.reject(lone_rows, "D or R row missing for this district/election", column="party")
    pair = pair[pair["_merge"] == "both"]
    off = (pair["pct"] + pair["pct_d"] - 1).abs() > 1e-6
    if off.any():
        result.notes.append(f"dke_cd: {int(off.sum())} cd_info_long D+R shares do not sum to 1; R share used.")
    pair = pair.assign(lines_group=pair["lines_year"])
    return _from_shares(pair, "R")


def _from_shares(frame: pd.DataFrame, _: str) -> pd.DataFrame:
    """Rows with state_po, number, lines_year, pres_year, pct (R two-party share), dr, total -> presidential rows."""
    district = _district_ids(
        frame["state_po"], frame["number"], frame["lines_year"].astype(str) + "|" + frame["pres_year"].astype(str)
    )
    return pd.DataFrame(
        {
            "state_po": frame["state_po"].to_numpy(),
            "office": "us_house",
            "district": district.to_numpy(),
            "lines_year": frame["lines_year"].astype(int).to_numpy(),
            "pres_year": frame["pres_year"].astype(int).to_numpy(),
            "dem_votes": ((1 - frame["pct"]) * frame["dr"]).to_numpy(),
            "rep_votes": (frame["pct"] * frame["dr"]).to_numpy(),
            "total_votes": frame["total"].to_numpy(),
            "margin": (100.0 * (1 - 2 * frame["pct"])).to_numpy(),
            "margin_basis": "two_party",
            "source": "dke_cd_info",
        }
    )


def _read_2024(mirror: Path, result: SourceResult) -> pd.DataFrame:
    path = Path(mirror) / CD2024
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, ["year", "cd", "pct_trump", "presvotes_DR", "presvotes_total"])
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    state_po, number = _split_cd(raw["cd"], file, rows)
    lines = to_number(raw["year"], file, "year", rows)
    frame = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "state_po": state_po,
            "number": number,
            "lines_year": lines,
            "pres_year": 2024,
            "pct": to_number(raw["pct_trump"], file, "pct_trump", rows),
            "dr": to_number(raw["presvotes_DR"], file, "presvotes_DR", rows),
            "total": to_number(raw["presvotes_total"], file, "presvotes_total", rows),
        }
    )
    # Quirk (SOURCES.md 2a): pct_trump here is the 2024 result on the 2024 lines, not 2020.
    if not lines.eq(2024).all():
        raise InputError(
            file, "expected line set year 2024 on every row", row=int(rows[~lines.eq(2024)].iloc[0]), column="year"
        )
    missing = frame["pct"].isna()
    result.reject(frame[missing], "no two-party share", column="pct_trump")
    return _from_shares(frame[~missing], "R")


def _read_downballot(mirror: Path, result: SourceResult) -> pd.DataFrame:
    """Three header lines; check they still say what the column order assumes."""
    path = Path(mirror) / DOWNBALLOT
    file = rel(path, mirror)
    head = list(csv.reader(io.StringIO(read_text(path, file))))[:3]
    expect = {
        (1, 3): "2024",
        (1, 6): "2020",
        (2, 3): "Harris",
        (2, 4): "Trump",
        (2, 5): "Margin",
        (2, 6): "Biden",
        (2, 7): "Trump",
        (2, 8): "Margin",
    }
    for (line, col), text in expect.items():
        found = head[line][col].strip() if len(head) > line and len(head[line]) > col else None
        if found != text:
            raise InputError(
                file,
                f"header line {line + 1} column {col + 1} is {found!r}, expected {text!r}: layout changed",
                column=DOWNBALLOT_NAMES[col],
            )
    raw = read_strict_csv(path, mirror, skiprows=3, names=DOWNBALLOT_NAMES)
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    state_po, number = _split_cd(raw["district"], file, rows, column="district")
    district = pd.Series(
        [canonical_district(s, "us_house", n, at_large=(n == "AL")) for s, n in zip(state_po, number, strict=True)],
        index=raw.index,
    )
    out = []
    for year, dem, rep, margin in ((2024, "harris24", "trump24", "margin24"), (2020, "biden20", "trump20", "margin20")):
        d = to_number(raw[dem], file, dem, rows)
        r = to_number(raw[rep], file, rep, rows)
        m = to_number(raw[margin], file, margin, rows)
        # Rounded inputs: the published margin may differ from D% - R% by up to 1 point.
        off = (m - (d - r)).abs() > 1.0 + 1e-9
        if off.any():
            result.notes.append(
                f"dke_cd: downballot {year}: {int(off.sum())} districts where margin differs from "
                f"D% - R% by more than 1 point (rounding cannot explain): " + ", ".join(raw.loc[off, "district"])
            )
        out.append(
            pd.DataFrame(
                {
                    "state_po": state_po,
                    "office": "us_house",
                    "district": district,
                    "lines_year": 2024,
                    "pres_year": year,
                    "dem_votes": np.nan,
                    "rep_votes": np.nan,
                    "total_votes": np.nan,
                    "margin": m,
                    "margin_basis": "all_votes",
                    "source": "downballot_119",
                }
            )
        )
    return pd.concat(out, ignore_index=True)


def _read_2022(mirror: Path, result: SourceResult) -> pd.DataFrame:
    path = Path(mirror) / BY2022
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, ["state", "seat_number", "biden_2020", "trump_2020", "total_2020"])
    result.rows_read += len(raw)
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)
    names = state_codes().set_index("name")["state_po"]
    state_po = raw["state"].str.strip().map(names)
    if state_po.isna().any():
        pos = int(state_po.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {raw['state'].iloc[pos]!r}", row=pos + 1, column="state")
    number = raw["seat_number"].str.strip()
    dem = to_number(raw["biden_2020"], file, "biden_2020", rows)
    rep = to_number(raw["trump_2020"], file, "trump_2020", rows)
    total = to_number(raw["total_2020"], file, "total_2020", rows)
    return pd.DataFrame(
        {
            "state_po": state_po,
            "office": "us_house",
            "district": _district_ids(state_po, number, pd.Series("2022", index=raw.index)),
            "lines_year": 2022,
            "pres_year": 2020,
            "dem_votes": dem,
            "rep_votes": rep,
            "total_votes": total,
            "margin": 100.0 * (dem - rep) / (dem + rep).where(dem + rep > 0),
            "margin_basis": "two_party",
            "source": "pres_by_2022_cd",
        }
    )


def read(mirror: Path) -> SourceResult:
    """Read the four presidential-by-CD files into one 'presidential' table (columns in the module doc)."""
    result = SourceResult(source=SOURCE)
    parts = [
        _read_2022(mirror, result),
        _read_long(mirror, result),
        _read_2024(mirror, result),
        _read_downballot(mirror, result),
    ]
    pres = pd.concat(parts, ignore_index=True)[PRESIDENTIAL_COLUMNS]
    numeric = ["dem_votes", "rep_votes", "total_votes", "margin"]
    pres[numeric] = pres[numeric].astype("float64")  # plain NaN, not pandas NA, for every consumer
    pres = pres.sort_values(["state_po", "district", "lines_year", "pres_year", "source"], ignore_index=True)
    result.tables["presidential"] = pres
    counts = pres.groupby(["source", "lines_year", "pres_year"]).size()
    result.notes.extend(
        [
            "dke_cd: rows per (source, lines_year, pres_year): "
            + "; ".join(f"{s} {ly}/{py}: {n}" for (s, ly, py), n in counts.items()),
            "dke_cd: margin_basis 'two_party' for dke_cd_info and pres_by_2022_cd (100*(D-R)/(D+R)); 'all_votes' for "
            "downballot_119 (published margin over all votes, whole points). Do not difference margins across bases.",
            "dke_cd: cd_info lines 2010 repeat lines 2008 and lines 2014 repeat 2012 (same maps); 2008/2012 results on the "
            "2016 and 2020 lines come from DKE's one-decimal percentages (about +-0.1 pt) and have no vote totals; prefer "
            "the own-lines version from counts when a plan has both.",
            "dke_cd: cd_info_2024 pct_trump is the 2024 result (documented as 2020 in the R package); 2020 on the 2024 "
            "lines comes from cd_info_long (lines 2024, elec 2020). cd_info_2022 totals are fractional (split precincts).",
        ]
    )
    return result
