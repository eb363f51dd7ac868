"""OpenElections Pennsylvania 2016 and 2018 general results, county level: state legislative rows.

Mirror folder statelegislative/openelections_pa/ (statelegislative/SOURCES.md section 7). A
cross-check of PA House and Senate results, source 'openelections_pa'. Each row is a county's
piece of a district, so votes are summed over counties per district and candidate line; the
candidate row cites the first county row (source_row) of the line.

Cross-filed candidates (won both the Democratic and the Republican primary) are published with
party 'DEMREP'. That is genuinely ambiguous, so: if the same candidate also has a DEM or REP line in
the contest, the DEMREP votes count under that major party (build_contests collapses the lines);
otherwise the party is OTHER (party_map.csv: openelections_pa,DEMREP) and the names are listed in the
notes. In 2016 and 2018 no DEMREP candidate has another line, so all are OTHER.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.normalize import canonical_district, fold_ws
from analysis.sources.base import SourceResult, require_columns, to_votes
from analysis.sources.princeton import OUTPUT_COLUMNS, map_parties, read_csv_strict

SOURCE = "openelections_pa"
FOLDER = "statelegislative/openelections_pa"
FILES = ("20161108__pa__general_county.csv", "20181106__pa__general__county.csv")
OFFICES = {"STATE HOUSE": "state_house", "STATE SENATE": "state_senate"}


def _read_file(mirror: Path, name: str, result: SourceResult) -> pd.DataFrame:
    file = f"{FOLDER}/{name}"
    raw = read_csv_strict(mirror / file, mirror)
    require_columns(raw, ["county", "office", "district", "party", "candidate", "votes"], file)
    result.rows_read += len(raw)
    # The election date is in the file name (OpenElections naming: YYYYMMDD__pa__...).
    stamp = re.match(r"(\d{4})(\d{2})(\d{2})__", name)
    if not stamp:
        raise ValueError(f"unexpected OpenElections file name {name!r}")
    frame = raw.assign(
        source_file=file,
        source_row=np.arange(1, len(raw) + 1),
        year=int(stamp.group(1)),
        election_date=f"{stamp.group(1)}-{stamp.group(2)}-{stamp.group(3)}",
    )
    office = frame["office"].map(fold_ws).str.upper()
    keep = office.isin(OFFICES)
    result.reject(frame[~keep], "not a state legislative office", column="office")
    frame = frame[keep].copy()
    frame["office"] = office[keep].map(OFFICES)
    frame["votes"] = to_votes(frame["votes"], file, "votes", frame["source_row"])
    empty = frame["district"].map(fold_ws).eq("")
    if empty.any():
        row = int(frame.loc[empty, "source_row"].iloc[0])
        raise InputError(file, "empty district for a legislative office", row=row, column="district")
    return frame


def read(mirror: Path) -> SourceResult:
    """PA House/Senate candidate rows for 2016 and 2018 (docs/CONTRACT.md; `seat` always None).

    Votes are counts summed over counties; won_reported and incumbent are None (not published).
    """
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    frame = pd.concat([_read_file(mirror, name, result) for name in FILES], ignore_index=True)
    frame["state_po"] = "PA"
    frame["district"] = [
        canonical_district("PA", o, d) for o, d in zip(frame["office"], frame["district"], strict=True)
    ]
    frame["candidate"] = frame["candidate"].map(fold_ws)
    frame["party_raw"] = frame["party"].map(fold_ws).str.upper()

    key = ["source_file", "year", "election_date", "office", "district", "candidate", "party_raw"]
    rows = frame.groupby(key, sort=False, as_index=False).agg(
        source_row=("source_row", "min"),
        votes=("votes", "sum"),
        counties=("county", "nunique"),
        state_po=("state_po", "first"),
    )
    rows["party"], result.unmapped_labels = map_parties(rows["party_raw"], SOURCE)
    _resolve_cross_filed(rows, result)
    rows["source"] = SOURCE
    rows["kind"] = "general"
    rows["seats"] = 1
    rows["seat"] = None
    rows["writein"] = False
    rows["incumbent"] = None
    rows["won_reported"] = None
    rows["votes"] = rows["votes"].astype(float)
    result.tables["candidates"] = rows[OUTPUT_COLUMNS].reset_index(drop=True)
    result.notes.append(
        f"openelections_pa: {len(rows)} candidate lines from {int(len(frame))} county rows "
        f"({int((rows['counties'] > 1).sum())} lines span several counties)."
    )
    return result


def _resolve_cross_filed(rows: pd.DataFrame, result: SourceResult) -> None:
    """DEMREP lines: the candidate's own DEM/REP line's party if one exists in the contest, else OTHER."""
    contest = ["year", "office", "district"]
    cross = rows["party_raw"].eq("DEMREP")
    if not cross.any():
        return
    major = rows[rows["party"].isin(["DEM", "REP"])][contest + ["candidate", "party"]]
    major = major.drop_duplicates(contest + ["candidate"]).rename(columns={"party": "_major"})
    matched = rows[contest + ["candidate"]].merge(major, on=contest + ["candidate"], how="left")["_major"]
    upgrade = cross & matched.notna().to_numpy()
    rows.loc[upgrade, "party"] = matched[upgrade.to_numpy()].to_numpy()
    other = rows[cross & ~upgrade]
    for year, group in other.groupby("year"):
        listed = "; ".join(f"{o.office.split('_')[1].title()} {o.district} {o.candidate}" for o in group.itertuples())
        result.notes.append(
            f"openelections_pa: {year}: {len(group)} cross-filed (DEMREP) candidates with no separate major "
            f"line, party OTHER: {listed}."
        )
