"""MultiState "State Elections Tracker" exports: state legislative results, districts, composition.

Folder: statelegislative/multistate_elections/ of the mirror (statelegislative/SOURCES.md, section 1).
Each file may be the mirror's gzipped `X.json.gz` or the public original `X.json`.

`read(mirror)` returns SourceResult('multistate') with tables:

- 'candidates'   candidate rows (docs/CONTRACT.md) for held General / General_Runoff / Special /
                 Special_Runoff elections, all 50 states, plus the extra columns listed in CANDIDATE_EXTRA.
- 'upcoming'     same columns, for elections not yet held or not yet reported when the file was
                 generated (2026 generals with filed candidates, pending specials).
- 'districts'    one row per current district, or per seat where each seat is its own contest
                 (POSITION_SEATS); 'eliminated_districts' the same columns for districts MultiState
                 marks `eliminated` (old MA and NH names that still carry history).
- 'presidential' 2024 Harris minus Trump margin per current district, points of the TOTAL vote.
- 'plans'        first election year held on each set of lines (redistricting_cycles, translated).
- 'legislatures' chamber composition snapshot; 'control_history' party control by year (long);
  'flips' seat flips; 'nh_floterial' floterial -> base district pairs;
  'coverage' general contests found per state/chamber/year; 'rejected_summary' (reason, rows).

Row numbers: candidate rows of `districts/{ST}.json` are numbered 1.. in document order
(districts[] -> seats[] -> elections[] -> candidates[]); that ordinal is `source_row` and the row an
InputError names for a bad candidate field. A bad district, seat or election field names the 1-based
position of its district in `districts[]` and spells out the JSON path in the message. In the
list-shaped files (pres_margins, legislatures_data, flips_summary) the row is the 1-based list position.

Sign convention: every margin here is Democratic (Harris) minus Republican (Trump), in points.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.normalize import CANDIDATE_COLUMNS, canonical_district, canonical_party, fold_ws
from analysis.sources.base import PRESIDENTIAL_COLUMNS, SourceResult, rel, to_votes

SOURCE = "multistate"
FOLDER = Path("statelegislative") / "multistate_elections"

OFFICE_OF_CHAMBER = {
    "Senate": "state_senate",
    "House": "state_house",
    "Assembly": "state_house",
    "House of Delegates": "state_house",
    "Legislature": "state_senate",  # Nebraska's unicameral counts as the upper chamber (CONTRACT.md)
}
KIND_OF_TYPE = {
    "General": "general",
    "General_Runoff": "runoff",  # LA: 'General' is the October jungle round, 'General_Runoff' November
    "Special": "special",
    "Special_Runoff": "special_runoff",
}
# Party-specific runoffs of special primaries ('Special_Runoff_R') are primaries too.
_PRIMARY_TYPE = re.compile(r"^(?:Special_)?Primary|_(?:D|R)$")

# Chambers whose multi-seat districts elect each seat in its own single-seat contest, so the seats'
# election lists differ by design and must NOT be merged: WA House Positions 1/2 (MultiState
# designators A/B), ID House Seats A/B, and the WV Senate, whose two seats per district are staggered
# (one up every two years). Value: designator -> published seat name.
POSITION_SEATS: dict[tuple[str, str], dict[str, str]] = {
    ("WA", "House"): {"A": "1", "B": "2"},
    ("ID", "House"): {"A": "A", "B": "B"},
    ("WV", "Senate"): {"A": "A", "B": "B"},
}

# States electing their legislature in odd years: a redistricting cycle year there is the year the
# lines were adopted, and the first election on them is the chamber's next regular election.
# Regular schedules: VA House of Delegates and NJ Assembly every odd year; VA Senate, LA and MS every
# four years from 2011; NJ Senate 2011, 2013, then every four years from 2017 (2-4-4).
ODD_YEAR_SCHEDULE: dict[tuple[str, str], tuple[int, ...]] = {
    ("VA", "House of Delegates"): tuple(range(2001, 2041, 2)),
    ("VA", "Senate"): tuple(range(2003, 2041, 4)),
    ("NJ", "Assembly"): tuple(range(2001, 2041, 2)),
    ("NJ", "Senate"): (2001, 2003, 2007, 2011, 2013, 2017, 2021, 2023, 2027, 2031, 2033, 2037),
    ("LA", "House"): tuple(range(2003, 2041, 4)),
    ("LA", "Senate"): tuple(range(2003, 2041, 4)),
    ("MS", "House"): tuple(range(2003, 2041, 4)),
    ("MS", "Senate"): tuple(range(2003, 2041, 4)),
}
# Cycle years the schedule rule gets wrong, with the reason:
# - LA '2012': Louisiana adopted its 2010-census maps in April 2011 and held the October 2011
#   election on them, so the first election is 2011, not 2015.
# - MS '2025': the court-ordered 2025 redraw (dated 2025-04/05 in the file) was used in the
#   November 2025 special elections, before the next regular election (2027).
FIRST_YEAR_OVERRIDES: dict[tuple[str, str, int], int] = {
    ("LA", "House", 2012): 2011,
    ("LA", "Senate", 2012): 2011,
    ("MS", "House", 2025): 2025,
    ("MS", "Senate", 2025): 2025,
}

CANDIDATE_EXTRA = [
    "seat",
    "district_name",
    "caucus",
    "result",
    "pct",
    "old_era",
    "old_lines",
    "result_status",
    "is_open_seat",
    "reported_total_votes",
    "winners_reported",
    "list_complete",
    "went_to_runoff",
]
DISTRICT_COLUMNS = [
    "state_po",
    "office",
    "district",
    "seat",
    "district_number",
    "district_name",
    "chamber",
    "seats",
    "district_seats",
    "holder_party",
    "holder_caucus",
    "holder_detail",
    "holder_names",
    "vacant_seats",
    "next_election",
    "term_length",
    "is_floterial",
    "uses_bloc_voting",
    "pres_2024_margin",
    "pres_2024_winner",
    "redistricting_year",
    "is_new_district",
    "old_era_seats",
    "eliminated",
]

_NAMED = re.compile(r"^[A-Za-z]{3,}")


# --------------------------------------------------------------------------- files


def _locate(mirror: Path, stem: str) -> Path:
    """`stem.json.gz` (mirror) or `stem.json` (public original), whichever exists."""
    base = Path(mirror) / FOLDER
    for candidate in (base / f"{stem}.json.gz", base / f"{stem}.json"):
        if candidate.exists():
            return candidate
    raise InputError(str(FOLDER / f"{stem}.json"), "file not found (neither .json nor .json.gz)")


def _load_json(path: Path, mirror: Path) -> Any:
    """Parse one JSON document, gzipped or not; bad bytes raise InputError naming the file."""
    name = rel(path, mirror)
    try:
        raw = path.read_bytes()
        if raw[:2] == b"\x1f\x8b":
            raw = gzip.decompress(raw)
        return json.loads(raw.decode("utf-8"))
    except (EOFError, OSError, zlib.error) as err:
        raise InputError(name, f"truncated or corrupt gzip data ({err})") from err
    except UnicodeDecodeError as err:
        raise InputError(name, f"not UTF-8 text (byte offset {err.start})") from err
    except json.JSONDecodeError as err:
        raise InputError(name, f"invalid or truncated JSON at line {err.lineno} column {err.colno}: {err.msg}") from err


def _state_files(mirror: Path) -> list[Path]:
    """One districts file per state; a .json.gz and a .json of the same state count once."""
    folder = Path(mirror) / FOLDER / "districts"
    if not folder.is_dir():
        raise InputError(str(FOLDER / "districts"), "folder not found")
    by_state: dict[str, Path] = {}
    for path in sorted(folder.glob("*.json*")):
        if path.name.endswith((".json", ".json.gz")):
            by_state.setdefault(path.name.split(".")[0], path)
    if not by_state:
        raise InputError(str(FOLDER / "districts"), "no {ST}.json(.gz) files")
    return [by_state[k] for k in sorted(by_state)]


# --------------------------------------------------------------------------- keys


def mn_house_district(key: int | str) -> str:
    """MultiState numbers the MN House 1-134; key n is district (n+1)//2 with A (odd n) / B (even n)."""
    n = int(key)
    return f"{(n + 1) // 2}{'A' if n % 2 else 'B'}"


def district_id(state_po: str, chamber: str, district_number: object, district_name: object = None) -> str:
    """Canonical district id for one MultiState district key (SOURCES.md 1a, 'District keys').

    MN House 1..134 -> 1A, 1B, ...; AK Senate 1..20 -> A..T; MA uses the real name from
    `district_name` (the number is only an alphabetical index); NH/VT names are kept.
    """
    office = OFFICE_OF_CHAMBER.get(chamber, "state_house")
    raw = fold_ws(district_number)
    if state_po == "MA" and fold_ws(district_name):
        raw = fold_ws(district_name)
    elif state_po == "MN" and chamber == "House" and raw.isdigit():
        raw = mn_house_district(raw)
    elif state_po == "AK" and chamber == "Senate" and raw.isdigit() and 1 <= int(raw) <= 26:
        raw = chr(ord("A") + int(raw) - 1)
    if _NAMED.match(raw):
        # Named districts keep the state's own name (CONTRACT.md). Not passed through
        # canonical_district: its prefix rule strips 'Ad' from VT 'Addison-1' (-> 'dison-1').
        return raw
    return canonical_district(state_po, office, raw)


def first_election_year(state_po: str, chamber: str, cycle_year: int) -> int:
    """First election held on lines of a MultiState redistricting cycle (see ODD_YEAR_SCHEDULE)."""
    override = FIRST_YEAR_OVERRIDES.get((state_po, chamber, int(cycle_year)))
    if override is not None:
        return override
    schedule = ODD_YEAR_SCHEDULE.get((state_po, chamber))
    if schedule is None:
        return int(cycle_year)
    return min((y for y in schedule if y >= int(cycle_year)), default=int(cycle_year))


# --------------------------------------------------------------------------- flatten


_DISTRICT_FIELDS = [
    "d_id",
    "file",
    "d_row",
    "state_po",
    "chamber",
    "district_number",
    "district_name",
    "num_seats",
    "is_floterial",
    "uses_bloc_voting",
    "pres_2024_margin",
    "pres_2024_winner",
    "redistricting_year",
    "is_new_district",
    "eliminated",
    "redistricting_cycle",
    "old_era_seats",
]
_SEAT_FIELDS = [
    "d_id",
    "seat_index",
    "seat_designator",
    "seat_label",
    "current_holder",
    "current_holder_party",
    "current_holder_caucus",
    "term_length",
    "next_election",
    "since_year",
]
_ELECTION_FIELDS = [
    "e_id",
    "d_id",
    "seat_designator",
    "year",
    "type",
    "date",
    "total_votes",
    "is_open_seat",
    "result_status",
    "old_era",
]
_CANDIDATE_FIELDS = [
    "e_id",
    "source_row",
    "candidate",
    "party_raw",
    "votes",
    "pct",
    "result",
    "is_incumbent",
    "is_write_in",
    "caucus",
]


def _flatten_state(doc: Any, file: str, ids: dict[str, int], out: dict[str, list]) -> str:
    """Append one state's districts, seats, elections and candidates to `out` (lists of tuples).

    Returns the state's generated_at date (ISO). Missing fields raise InputError with the JSON path.
    """
    if not isinstance(doc, dict):
        raise InputError(file, "top level is not a JSON object")
    for key in ("state", "districts", "redistricting_cycles"):
        if key not in doc:
            raise InputError(file, f"missing top-level field {key!r}", column=key)
    state = str(doc["state"]).upper()
    out["cycles"].append((state, file, doc["redistricting_cycles"]))
    ordinal = 0
    di = si = ei = ci = -1
    path = ""
    try:
        for di, dist in enumerate(doc["districts"]):
            path = f"districts[{di}]"
            d_id = ids["d"]
            ids["d"] += 1
            out["districts"].append(
                (
                    d_id,
                    file,
                    di + 1,
                    state,
                    dist["chamber"],
                    dist["district_number"],
                    dist.get("district_name"),
                    dist["num_seats"],
                    dist.get("is_floterial"),
                    dist.get("uses_bloc_voting"),
                    dist.get("pres_2024_margin"),
                    dist.get("pres_2024_winner"),
                    dist.get("redistricting_year"),
                    dist.get("is_new_district"),
                    bool(dist.get("eliminated")),
                    dist.get("redistricting_cycle"),
                    dist.get("old_era_seats"),
                )
            )
            for si, seat in enumerate(dist["seats"]):
                path = f"districts[{di}].seats[{si}]"
                designator = seat.get("seat_designator")
                out["seats"].append(
                    (
                        d_id,
                        si,
                        designator,
                        seat.get("seat_label"),
                        seat.get("current_holder"),
                        seat.get("current_holder_party"),
                        seat.get("current_holder_caucus"),
                        seat.get("term_length"),
                        seat.get("next_election"),
                        seat.get("since_year"),
                    )
                )
                for ei, elec in enumerate(seat["elections"]):
                    path = f"districts[{di}].seats[{si}].elections[{ei}]"
                    e_id = ids["e"]
                    ids["e"] += 1
                    out["elections"].append(
                        (
                            e_id,
                            d_id,
                            designator,
                            elec["year"],
                            elec["type"],
                            elec.get("date"),
                            elec.get("total_votes"),
                            elec.get("is_open_seat"),
                            elec.get("result_status"),
                            elec.get("old_era"),
                        )
                    )
                    for ci, cand in enumerate(elec["candidates"]):  # noqa: B007 (ci is read by the except clause)
                        ordinal += 1
                        out["candidates"].append(
                            (
                                e_id,
                                ordinal,
                                cand["name"],
                                cand["party"],
                                cand["votes"],
                                cand.get("pct"),
                                cand.get("result"),
                                cand.get("is_incumbent"),
                                cand.get("is_write_in"),
                                cand.get("caucus"),
                            )
                        )
    except KeyError as err:
        field = str(err.args[0])
        where = f"{path}.candidates[{ci}]" if field in ("name", "party", "votes") else path
        row = ordinal if where.endswith("]") and ".candidates[" in where else di + 1
        raise InputError(file, f"missing field {field!r} at {where}", row=row, column=field) from err
    except (TypeError, AttributeError) as err:
        raise InputError(file, f"unexpected JSON shape at {path} ({err})", row=di + 1) from err
    return str(doc.get("generated_at") or "")[:10]


def _frames(mirror: Path, result: SourceResult) -> dict[str, Any]:
    """Read every districts file into four flat DataFrames (district, seat, election, candidate)."""
    out: dict[str, list] = {"districts": [], "seats": [], "elections": [], "candidates": [], "cycles": []}
    ids = {"d": 0, "e": 0}
    generated: dict[str, str] = {}
    cand_parts = []
    for path in _state_files(mirror):
        file = rel(path, mirror)
        first_c = len(out["candidates"])
        generated[file] = _flatten_state(_load_json(path, mirror), file, ids, out)
        rows = out["candidates"][first_c:]
        if rows:
            part = pd.DataFrame(rows, columns=_CANDIDATE_FIELDS)
            # JSON numbers are expected; anything else (text, '1,234') must parse or fail loudly.
            votes = pd.to_numeric(part["votes"], errors="coerce")
            if (votes.isna() & part["votes"].notna()).any():
                votes = to_votes(part["votes"], file, "votes", part["source_row"])
            part["votes"] = votes.astype(float)
            part["source_file"] = file
            cand_parts.append(part)
    districts = pd.DataFrame(out["districts"], columns=_DISTRICT_FIELDS)
    seats = pd.DataFrame(out["seats"], columns=_SEAT_FIELDS)
    elections = pd.DataFrame(out["elections"], columns=_ELECTION_FIELDS)
    candidates = (
        pd.concat(cand_parts, ignore_index=True)
        if cand_parts
        else pd.DataFrame(columns=_CANDIDATE_FIELDS + ["source_file"])
    )
    result.rows_read = len(candidates)
    return {
        "districts": districts,
        "seats": seats,
        "elections": elections,
        "candidates": candidates,
        "cycles": out["cycles"],
        "generated": generated,
    }


# --------------------------------------------------------------------------- validation helpers


def _int_column(frame: pd.DataFrame, column: str, row_col: str, path: str, required: bool = True) -> pd.Series:
    """Integer field of a flattened frame; a non-integer value raises InputError naming file/row/column."""
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() if not required else values.isna()
    bad |= values.notna() & (values != values.round())
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(
            frame["file"].iloc[i],
            f"{path}.{column} is not an integer: {frame[column].iloc[i]!r}",
            row=int(frame[row_col].iloc[i]),
            column=column,
        )
    return values.astype("Int64")


def _margin_column(values: pd.Series, files: pd.Series, rows: pd.Series, column: str) -> pd.Series:
    """Signed margin strings ('+59.5', '-17.4') -> float points; null stays NaN; junk raises InputError."""
    text = values.astype("string").str.strip()
    parsed = pd.to_numeric(text, errors="coerce")
    bad = parsed.isna() & text.notna() & (text != "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(files.iloc[i], f"non-numeric margin {text.iloc[i]!r}", row=int(rows.iloc[i]), column=column)
    return parsed.astype(float)


def _fold(values: pd.Series) -> pd.Series:
    """fold_ws over a column, vectorized: whitespace runs -> one space, stripped; None -> ''."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    return text.str.replace(r"\s+", " ", regex=True).str.strip()


def _office(frame: pd.DataFrame) -> pd.Series:
    office = frame["chamber"].map(OFFICE_OF_CHAMBER)
    if office.isna().any():
        i = int(np.flatnonzero(office.isna().to_numpy())[0])
        raise InputError(
            frame["file"].iloc[i],
            f"unknown chamber {frame['chamber'].iloc[i]!r}",
            row=int(frame["d_row"].iloc[i]),
            column="chamber",
        )
    return office


def _canonical_parties(labels: pd.Series, result: SourceResult) -> pd.Series:
    """Map party labels through party_map.csv; unmapped labels are counted, never guessed."""
    folded = _fold(labels)
    uniques = folded.unique()
    table = {label: canonical_party(label, source=SOURCE) if label else None for label in uniques}
    parties = folded.map(table)
    missing = folded[parties.isna()]
    if len(missing):
        counts = missing.value_counts().rename_axis("label").reset_index(name="rows")
        counts.insert(0, "source", SOURCE)
        result.unmapped_labels = (
            pd.concat([result.unmapped_labels, counts], ignore_index=True) if len(result.unmapped_labels) else counts
        )
    return parties.astype(object).where(parties.notna(), None)


# --------------------------------------------------------------------------- plans


def _plans(cycles: list[tuple[str, str, Any]]) -> pd.DataFrame:
    """redistricting_cycles -> one row per (state, chamber, cycle): first election year on those lines.

    The field comes in two shapes: a list of years, or a list of {'year': ..., 'date': ...}.
    """
    rows = []
    for state, file, per_chamber in cycles:
        if not isinstance(per_chamber, dict):
            raise InputError(file, "redistricting_cycles is not an object", column="redistricting_cycles")
        for chamber, entries in per_chamber.items():
            for entry in entries or []:
                year = entry.get("year") if isinstance(entry, dict) else entry
                adopted = entry.get("date") if isinstance(entry, dict) else None
                try:
                    year = int(year)
                except (TypeError, ValueError) as err:
                    raise InputError(
                        file, f"bad redistricting cycle {entry!r} for {chamber}", column="redistricting_cycles"
                    ) from err
                office = OFFICE_OF_CHAMBER.get(chamber)
                if office is None:
                    raise InputError(
                        file, f"unknown chamber {chamber!r} in redistricting_cycles", column="redistricting_cycles"
                    )
                rows.append(
                    {
                        "state_po": state,
                        "office": office,
                        "chamber": chamber,
                        "cycle_year": year,
                        "first_year": first_election_year(state, chamber, year),
                        "adopted_date": adopted,
                        "source": SOURCE,
                    }
                )
    plans = pd.DataFrame(
        rows, columns=["state_po", "office", "chamber", "cycle_year", "first_year", "adopted_date", "source"]
    )
    return plans.drop_duplicates(["state_po", "office", "first_year"]).reset_index(drop=True)


# --------------------------------------------------------------------------- candidates


def _prepare_districts(districts: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """Office, canonical district id, POSITION_SEATS flag and the first election on today's lines.

    Today's lines are the cycle equal to the district's redistricting_year (2022 everywhere in this
    export), translated to its first election (2023 in VA, NJ, LA, MS); a district without that
    cycle falls back to the chamber's latest plan.
    """
    districts = districts.copy()
    districts["office"] = _office(districts)
    districts["num_seats"] = _int_column(districts, "num_seats", "d_row", "districts[]")
    ids = []
    cols = ["file", "d_row", "state_po", "chamber", "district_number", "district_name"]
    for file, row, state, chamber, number, name in districts[cols].itertuples(index=False, name=None):
        try:
            ids.append(district_id(state, chamber, number, name))
        except ValueError as err:
            raise InputError(file, str(err), row=int(row), column="district_number") from err
    districts["district"] = ids
    districts["position"] = [
        (s, c) in POSITION_SEATS for s, c in zip(districts["state_po"], districts["chamber"], strict=True)
    ]
    by_cycle = {
        (s, c, int(y)): int(f)
        for s, c, y, f in plans[["state_po", "chamber", "cycle_year", "first_year"]].itertuples(index=False, name=None)
    }
    latest = plans.groupby(["state_po", "chamber"])["first_year"].max().to_dict()
    ry = pd.to_numeric(districts["redistricting_year"], errors="coerce")
    districts["current_first_year"] = [
        by_cycle.get((s, c, int(y)), first_election_year(s, c, int(y))) if y == y else latest.get((s, c), 0)
        for s, c, y in zip(districts["state_po"], districts["chamber"], ry, strict=True)
    ]
    return districts


def _seat_name(state: pd.Series, chamber: pd.Series, designator: pd.Series, position: pd.Series) -> pd.Series:
    """Published seat name in POSITION_SEATS chambers (WA 'A' -> '1'); None elsewhere."""
    names = pd.Series(None, index=state.index, dtype=object)
    pick = position.astype(bool) & designator.notna()
    if pick.any():
        names[pick] = [
            POSITION_SEATS[(s, c)].get(str(d), str(d))
            for s, c, d in zip(state[pick], chamber[pick], designator[pick], strict=True)
        ]
    return names


def _split_elections(frames: dict[str, Any], districts: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Join candidates to their election and district; classify the election type."""
    elections = frames["elections"].merge(
        districts[
            [
                "d_id",
                "file",
                "d_row",
                "state_po",
                "chamber",
                "office",
                "district",
                "district_name",
                "num_seats",
                "position",
                "old_era_seats",
                "redistricting_year",
                "current_first_year",
            ]
        ],
        on="d_id",
        how="left",
    )
    elections["year"] = _int_column(elections, "year", "d_row", "districts[].seats[].elections[]")
    rows = frames["candidates"].merge(elections, on="e_id", how="left", suffixes=("", "_e"))
    rows = rows.drop(columns=["file"]).rename(columns={"total_votes": "reported_total_votes"})
    rows["type"] = rows["type"].astype(str)
    rows["kind"] = rows["type"].map(KIND_OF_TYPE)
    return rows


_SUFFIXES = {"JR", "SR", "II", "III", "IV", "V"}


def _surname(names: pd.Series) -> pd.Series:
    """Last name for matching spellings: punctuation and suffixes dropped ('Charles F. Bailey, III' -> 'BAILEY')."""
    tokens = names.astype(str).str.upper().str.replace(r"[^A-Z\s'-]", " ", regex=True).str.split()
    return tokens.map(lambda t: next((w for w in reversed(t) if w not in _SUFFIXES), "") if isinstance(t, list) else "")


def _dedupe(rows: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """One list per contest: merge the copies of an election repeated under several seats.

    SOURCES.md 1a: in bloc-vote districts the same election is repeated under every seat, and
    sometimes each seat carries only part of the list (NJ Assembly: seat A has one winner and the
    losers, seat B the other winner). A contest is (state, office, district, seat, year, type,
    date), where `seat` is set only for POSITION_SEATS chambers. Its list is the union of the
    copies, best copy first (has a result_status, then most candidates); a candidate already seen
    by folded name is dropped, and so is a candidate from another copy with the same party and
    the same (non-placeholder) vote count: AZ 2024 LD-1 seat B lists 'Mike Smith' (D, 44,199) for
    seat A's 'Marla Smith' (D, 44,199).
    """
    rows = rows.copy()
    rows["_name"] = _fold(rows["candidate"]).str.upper()
    key = ["state_po", "office", "district", "seat", "year", "type", "date"]
    rows["_g"] = rows.groupby(key, dropna=False, sort=False).ngroup()
    # Copies with different candidate lists (order-free signature: sum of name hashes per copy).
    name_hash = pd.util.hash_pandas_object(rows["_name"], index=False).astype(np.uint64)
    signature = name_hash.groupby(rows["e_id"]).transform("sum")
    rows["_copies"] = signature.groupby(rows["_g"]).transform("nunique")
    rows["_n"] = rows.groupby("e_id", sort=False)["e_id"].transform("size")
    rows["_status"] = rows["result_status"].notna().groupby(rows["e_id"]).transform("any")
    rows = rows.sort_values(
        ["_g", "_status", "_n", "e_id", "source_row"], ascending=[True, False, False, True, True], kind="stable"
    )
    first_e = rows.groupby(["_g", "_name"], sort=False)["e_id"].transform("first")
    first_d = rows.groupby(["_g", "_name"], sort=False)["d_id"].transform("first")
    dup_name = rows.duplicated(["_g", "_name"])
    same_list = dup_name & (rows["e_id"] == first_e)
    other_entry = dup_name & (rows["d_id"] != first_d)
    other_seat = dup_name & ~same_list & ~other_entry

    real_votes = rows["votes"].notna() & (rows["votes"] > 1)
    pv_key = ["_g", "party_raw", "votes"]
    first_pv = rows.groupby(pv_key, sort=False, dropna=False)["e_id"].transform("first")
    dup_pv = ~dup_name & real_votes & (rows["e_id"] != first_pv)
    # The same person twice in one list under two spellings, with one party and one vote count
    # (MA Senate Cape and Islands 2022/2024: 'Julian Andre Cyr' and 'Julian Cyr', 54,714 each):
    # counted once. Same surname required, so two running mates who tie stay two people.
    surname = _surname(rows["_name"])
    first_surname = surname.groupby([rows[k] for k in pv_key], sort=False, dropna=False).transform("first")
    dup_variant = (
        ~dup_name
        & ~dup_pv
        & real_votes
        & rows.duplicated(pv_key)
        & (rows["e_id"] == first_pv)
        & (surname == first_surname)
    )
    dup_pv = dup_pv | dup_variant

    for mask, reason in (
        (same_list, "candidate listed twice in one election"),
        (other_seat, "repeated under another seat of a multi-member district"),
        (other_entry, "same contest listed under two district entries"),
        (dup_pv, "repeated under another seat with a different name spelling (same party and votes)"),
    ):
        result.reject(rows[mask], reason, column="name")
    keep = rows[~(dup_name | dup_pv)].copy()
    keep["_won_one_list"] = keep["result"].eq("Won").groupby(keep["e_id"]).transform("sum")
    return keep.drop(columns=["_n", "_status"])


def _magnitude(rows: pd.DataFrame) -> pd.DataFrame:
    """Seats filled by each contest, plus flags for lists that cannot be complete.

    'Won' flags are not trusted across copies: where a bloc election is split over the seats, a
    copy often flags its loser 'Won' too (NJ 2023 LD-5: Joe Miller, R, 11,386 votes, 'Won' beside
    Spearman and Moen, D, 25,994 and 25,757), so the union of copies can list 3 'winners' for 2 seats.
    - current lines, general/runoff: the district's num_seats (1 for a POSITION_SEATS seat);
    - earlier lines ('old_era' or before the current plan's first election): results of old maps
      are filed under today's districts and magnitudes changed (WV House of Delegates was
      multi-member until 2022), so: NH's `old_era_seats` where given; otherwise the larger of
      the most winners any single copy lists and the number of different copies (NJ Assembly
      2011-2021 lists one winner per seat copy);
    - specials: 1, unless one copy names more winners, up to the district's seats (ND 2024 LD-9
      elected two). NJ splits Assembly specials over both seats with the seat-B loser flagged
      'Won'; GA labels the first (jungle) round of some specials 'Special_Runoff' and flags both
      candidates who advanced 'Won' (HD-7, 2023-01-03), so a single-seat district stays at 1.
    `winners_reported` counts distinct candidates flagged 'Won' in the merged list.
    `list_complete` is False when fewer are flagged than seats are known to be filled (NH House
    2022/2024: the second and later winners of a bloc district are often missing), None when the
    magnitude is unknown (specials, old lines outside NH) or the round went to a runoff.
    """
    old_flag = rows["old_era"].eq(True)
    rows["old_era"] = rows["old_era"].where(rows["old_era"].notna(), None)
    rows["old_lines"] = (old_flag | (rows["year"].astype(int) < rows["current_first_year"])).astype(bool)

    g = rows.groupby("_g", sort=False)
    won = rows["result"].eq("Won")
    n_won = won.groupby(rows["_g"]).transform("sum").astype(int)
    max_one_list = g["_won_one_list"].transform("max").astype(int)
    base = np.where(rows["position"], 1, rows["num_seats"].astype(int))
    special = rows["kind"].str.startswith("special")
    old_seats = np.maximum(max_one_list, rows["_copies"].astype(int))
    nh_old = rows["old_lines"] & ~special & rows["old_era_seats"].notna()
    old_seats = np.where(nh_old, pd.to_numeric(rows["old_era_seats"], errors="coerce").fillna(0).astype(int), old_seats)
    seats = np.where(
        special,
        np.clip(max_one_list, 1, np.maximum(base, 1)),
        np.where(rows["old_lines"] & (max_one_list > 0), old_seats, base),
    )
    rows["seats"] = seats.astype(int)
    rows["winners_reported"] = n_won
    advanced = rows["result"].isin(["Advanced", "Runoff"]).groupby(rows["_g"]).transform("any")
    rows["went_to_runoff"] = advanced.astype(bool)
    decided = (n_won > 0) | rows["votes"].notna().groupby(rows["_g"]).transform("any")
    expected = pd.Series(np.where(special | rows["old_lines"], np.nan, base), index=rows.index)
    expected = expected.where(~nh_old, pd.to_numeric(rows["old_era_seats"], errors="coerce"))
    complete = pd.Series((n_won >= expected).to_numpy(), index=rows.index, dtype=object)
    unknown = ~decided | expected.isna() | advanced
    rows["list_complete"] = complete.where(~unknown, None)
    return rows


def _candidate_table(rows: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Contract columns + CANDIDATE_EXTRA, from joined and de-duplicated rows."""
    out = pd.DataFrame(
        {
            "source": SOURCE,
            "source_file": rows["source_file"],
            "source_row": rows["source_row"].astype(int),
            "state_po": rows["state_po"],
            "office": rows["office"],
            "district": rows["district"],
            "year": rows["year"].astype(int),
            "election_date": rows["date"].where(rows["date"].notna(), None),
            "kind": rows["kind"],
            "seats": rows["seats"].astype(int) if "seats" in rows else 1,
            "candidate": _fold(rows["candidate"]),
            "party_raw": rows["party_raw"].where(rows["party_raw"].notna(), None),
            "party": _canonical_parties(rows["party_raw"], result),
            "votes": rows["votes"].astype(float),
            "writein": rows["is_write_in"].eq(True),
            "incumbent": rows["is_incumbent"].map({True: True, False: False}).astype(object),
            "won_reported": rows["result"]
            .map({"Won": True, "Lost": False, "Advanced": False, "Runoff": False})
            .astype(object),
        }
    )
    out["incumbent"] = out["incumbent"].where(out["incumbent"].notna(), None)
    out["won_reported"] = out["won_reported"].where(out["won_reported"].notna(), None)
    extra = rows.reindex(columns=CANDIDATE_EXTRA)
    for col in extra.columns:
        out[col] = extra[col].to_numpy()
    out["caucus"] = pd.Series(out["caucus"]).where(pd.Series(out["caucus"]).notna(), None).to_numpy()
    return out[CANDIDATE_COLUMNS + CANDIDATE_EXTRA].reset_index(drop=True)


def _results(frames: dict[str, Any], districts: pd.DataFrame, result: SourceResult):
    """Candidate rows of held general-type contests, and of upcoming ones."""
    rows = _split_elections(frames, districts, result)
    rows["seat"] = _seat_name(rows["state_po"], rows["chamber"], rows["seat_designator"], rows["position"])
    primary = rows["kind"].isna() & rows["type"].str.contains(_PRIMARY_TYPE)
    unknown = rows["kind"].isna() & ~primary
    summary: dict[str, int] = {"primary": int(primary.sum())}
    for label, n in rows.loc[unknown, "type"].value_counts().items():
        summary[f"unknown election type {label!r}"] = int(n)
        result.notes.append(f"multistate: {n} candidate rows of unknown election type {label!r} not loaded")
    rows = rows[~(primary | unknown)]

    # Not yet held (date after the file was generated) or not yet reported: no votes and no result.
    generated = rows["source_file"].map(frames["generated"]).fillna("")
    gen_year = pd.to_numeric(generated.str[:4], errors="coerce").fillna(date.today().year).astype(int)
    after = rows["date"].notna() & (rows["date"].astype(str) > generated) & generated.ne("")
    undated_future = rows["date"].isna() & (rows["year"].astype(int) > gen_year)
    e_key = ["state_po", "office", "district", "year", "type", "date"]
    no_result = (
        (rows["votes"].isna() & ~rows["result"].isin(["Won", "Lost", "Advanced", "Runoff"]))
        .groupby([rows[k] for k in e_key], dropna=False)
        .transform("all")
    )
    pending = no_result & (rows["year"].astype(int) >= gen_year)
    is_upcoming = after | undated_future | pending

    held = _magnitude(_dedupe(rows[~is_upcoming], result))
    coming = _magnitude(_dedupe(rows[is_upcoming], result))
    return _candidate_table(held, result), _candidate_table(coming, result), summary


# --------------------------------------------------------------------------- districts


def _holder_party(labels: pd.Series) -> pd.Series:
    """Holder label -> DEM / REP / IND / OTHER (the winner labels of build_contests); vacant -> None."""
    mapped = labels.map(lambda p: canonical_party(p, source=SOURCE) if fold_ws(p) else None)
    out = mapped.where(mapped.isin(["DEM", "REP", "IND"]), "OTHER")
    return out.where(labels.notna(), None)


def _summarise_seats(d_id: int, seat: object, recs: list[tuple]) -> dict[str, Any]:
    """Holders of the seats behind one district row: plurality party (or SPLIT), detail, names.

    recs: (d_id, seat, party, caucus, holder, next_election, term_length) per seat.
    """
    counts: dict[str, int] = {}
    for rec in recs:
        if rec[2] is not None:
            counts[rec[2]] = counts.get(rec[2], 0) + 1
    ranked = sorted(counts.items(), key=lambda t: (-t[1], t[0]))
    vacant = sum(1 for rec in recs if rec[4] is None)
    detail = ", ".join(f"{p} {n}" for p, n in ranked)
    if vacant:
        detail = f"{detail}, VACANT {vacant}" if detail else f"VACANT {vacant}"
    if not ranked:
        party = None
    elif len(ranked) > 1 and ranked[0][1] == ranked[1][1]:
        party = "SPLIT"
    else:
        party = ranked[0][0]
    caucuses = {rec[3] for rec in recs if rec[3] is not None}
    nexts = [int(rec[5]) for rec in recs if pd.notna(rec[5])]
    terms = [int(rec[6]) for rec in recs if pd.notna(rec[6])]
    return {
        "d_id": d_id,
        "seat": seat,
        "holder_party": party,
        "holder_caucus": caucuses.pop() if len(caucuses) == 1 else ("SPLIT" if caucuses else None),
        "holder_detail": detail or None,
        "holder_names": "; ".join(str(rec[4]) for rec in recs if rec[4] is not None) or None,
        "vacant_seats": vacant,
        "next_election": min(nexts) if nexts else None,
        "term_length": max(terms) if terms else None,
    }


def _district_tables(frames: dict[str, Any], districts: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Current districts (one row per district, or per seat in POSITION_SEATS chambers) and eliminated ones."""
    seats = frames["seats"].merge(
        districts[["d_id", "state_po", "chamber", "district", "position"]], on="d_id", how="left"
    )
    seats["seat"] = _seat_name(seats["state_po"], seats["chamber"], seats["seat_designator"], seats["position"])
    seats["party"] = _holder_party(seats["current_holder_party"])
    seats["caucus"] = seats["current_holder_caucus"].map(
        lambda p: canonical_party(p, source=SOURCE) if fold_ws(p) else None
    )
    # One summary per output row (district, or seat in POSITION_SEATS chambers): plain Python over
    # the ~7,500 seats; a pandas groupby-apply per district takes seconds.
    groups: dict[tuple[int, object], list[tuple]] = {}
    cols = ["d_id", "seat", "party", "caucus", "current_holder", "next_election", "term_length"]
    for rec in seats[cols].astype(object).where(seats[cols].notna(), None).itertuples(index=False, name=None):
        groups.setdefault((rec[0], rec[1]), []).append(rec)
    summaries = pd.DataFrame(
        [_summarise_seats(d_id, seat, recs) for (d_id, seat), recs in groups.items()],
        columns=["d_id", "seat", "holder_party", "holder_caucus", "holder_detail", "holder_names", "vacant_seats",
                 "next_election", "term_length"],
    )  # fmt: skip
    table = summaries.merge(districts, on="d_id", how="left")
    table["district_seats"] = table["num_seats"].astype(int)
    table["seats"] = np.where(table["position"], 1, table["district_seats"]).astype(int)
    table["pres_2024_margin"] = _margin_column(
        table["pres_2024_margin"], table["file"], table["d_row"], "pres_2024_margin"
    )
    for col in ("next_election", "term_length", "redistricting_year", "old_era_seats"):
        table[col] = pd.to_numeric(table[col], errors="coerce").astype("Int64")
    for col in ("is_floterial", "uses_bloc_voting", "is_new_district"):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    table = table.sort_values(["state_po", "office", "d_id", "seat"], na_position="first")
    table = table[DISTRICT_COLUMNS].reset_index(drop=True)
    table["eliminated"] = table["eliminated"].astype(bool)
    current = table.loc[~table["eliminated"]].reset_index(drop=True)
    gone = table.loc[table["eliminated"]].reset_index(drop=True)
    return current, gone


def _presidential(current: pd.DataFrame) -> pd.DataFrame:
    """2024 presidential margin per current district: Harris minus Trump, points of ALL votes."""
    per_district = current.drop_duplicates(["state_po", "office", "district"])
    per_district = per_district[per_district["pres_2024_margin"].notna()]
    return pd.DataFrame(
        {
            "state_po": per_district["state_po"],
            "office": per_district["office"],
            "district": per_district["district"],
            "lines_year": 2024,
            "pres_year": 2024,
            "dem_votes": None,
            "rep_votes": None,
            "total_votes": None,
            "margin": per_district["pres_2024_margin"].astype(float),
            "margin_basis": "all_votes",
            "source": SOURCE,
        },
        columns=PRESIDENTIAL_COLUMNS,
    ).reset_index(drop=True)


def _key_lookup(districts: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    return {
        (s, c, str(n)): d
        for s, c, n, d in districts[["state_po", "chamber", "district_number", "district"]].itertuples(
            index=False, name=None
        )
    }


def _map_keys(frame: pd.DataFrame, lookup: dict, file: str, result: SourceResult, what: str) -> pd.Series:
    """(state, chamber, district_number) of a side file -> canonical district via the districts files."""
    out = []
    misses = 0
    for s, c, n in frame[["state_po", "chamber", "district"]].itertuples(index=False, name=None):
        hit = lookup.get((s, c, fold_ws(n)))
        if hit is None:
            misses += 1
            hit = district_id(s, c, n)
        out.append(hit)
    if misses:
        result.notes.append(f"multistate {what}: {misses} district keys not in districts/*.json, mapped by rule")
    return pd.Series(out, index=frame.index, dtype=object)


def _list_frame(doc: Any, key: str, file: str, required: list[str]) -> pd.DataFrame:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise InputError(file, f"missing list {key!r}", column=key)
    frame = pd.DataFrame(doc[key]) if doc[key] else pd.DataFrame(columns=required)
    for col in required:
        if col not in frame.columns:
            raise InputError(file, f"missing column {col!r} in {key}[]", column=col)
        if frame[col].isna().any() and col in ("state", "chamber"):
            i = int(np.flatnonzero(frame[col].isna().to_numpy())[0])
            raise InputError(file, f"empty {col!r} in {key}[{i}]", row=i + 1, column=col)
    frame["_row"] = np.arange(1, len(frame) + 1)
    frame["file"] = file
    return frame


def _check_offices(frame: pd.DataFrame, file: str) -> pd.Series:
    office = frame["chamber"].map(OFFICE_OF_CHAMBER)
    if office.isna().any():
        i = int(np.flatnonzero(office.isna().to_numpy())[0])
        raise InputError(
            file, f"unknown chamber {frame['chamber'].iloc[i]!r}", row=int(frame["_row"].iloc[i]), column="chamber"
        )
    return office


def _cross_check_pres(mirror: Path, current: pd.DataFrame, lookup: dict, result: SourceResult) -> int:
    """pres_margins.json (one row per seat) against the districts files; disagreements go to notes."""
    path = _locate(mirror, "pres_margins")
    file = rel(path, mirror)
    frame = _list_frame(_load_json(path, mirror), "districts", file, ["state", "chamber", "district", "pres_margin"])
    frame = frame.rename(columns={"state": "state_po"})
    _check_offices(frame, file)
    frame["margin"] = _margin_column(frame["pres_margin"], frame["file"], frame["_row"], "pres_margin")
    frame["district"] = _map_keys(frame, lookup, file, result, "pres_margins")
    frame["office"] = frame["chamber"].map(OFFICE_OF_CHAMBER)
    per = current.drop_duplicates(["state_po", "office", "district"])[
        ["state_po", "office", "district", "pres_2024_margin"]
    ]
    keys = ["state_po", "office", "district"]
    both = frame.astype(dict.fromkeys(keys, object)).merge(
        per.astype(dict.fromkeys(keys, object)), on=keys, how="outer", indicator=True
    )
    unique = frame.drop_duplicates(["state_po", "office", "district"])
    diff = both[(both["_merge"] == "both") & ((both["margin"] - both["pres_2024_margin"]).abs() > 0.05)]
    only_side = int((both["_merge"] == "left_only").sum())
    only_districts = int((both["_merge"] == "right_only").sum())
    result.notes.append(
        f"multistate pres_margins.json: {len(frame)} seat rows, {len(unique)} unique districts, "
        f"{int(frame['margin'].isna().sum())} null margins; {len(diff)} seat rows disagree with districts/*.json "
        f"by more than 0.05 points; {only_side} rows with no district, {only_districts} districts with no row"
    )
    return len(unique)


# --------------------------------------------------------------------------- side files


def _legislatures(mirror: Path) -> pd.DataFrame:
    path = _locate(mirror, "legislatures_data")
    file = rel(path, mirror)
    frame = _list_frame(_load_json(path, mirror), "chambers", file, ["state", "chamber", "total_seats"])
    frame["office"] = _check_offices(frame, file)
    frame = frame.rename(columns={"state": "state_po"})
    if "supermajority" in frame.columns:
        frame["supermajority"] = [
            json.dumps(v, sort_keys=True) if isinstance(v, dict) else None for v in frame["supermajority"]
        ]
    for col in (
        "total_seats",
        "d_seats",
        "r_seats",
        "other_seats",
        "vacant_seats",
        "majority_threshold",
        "seats_up_2026",
        "veto_threshold",
        "margin",
    ):
        if col in frame.columns:
            frame[col] = _int_column(
                frame.rename(columns={"_row": "d_row"}), col, "d_row", "chambers[]", required=col == "total_seats"
            )
    lead = ["state_po", "office", "chamber"]
    rest = [c for c in frame.columns if c not in lead + ["_row", "file"]]
    return frame[lead + rest].reset_index(drop=True)


def _control_history(mirror: Path) -> pd.DataFrame:
    path = _locate(mirror, "control_history")
    file = rel(path, mirror)
    doc = _load_json(path, mirror)
    rows = []
    for kind, key in (("trifecta", "trifectas"), ("governor", "governors"), ("legislature", "legislatures")):
        per_state = doc.get(key) if isinstance(doc, dict) else None
        if not isinstance(per_state, dict):
            raise InputError(file, f"missing object {key!r}", column=key)
        for state, years in per_state.items():
            for year, value in (years or {}).items():
                if not str(year).isdigit():
                    raise InputError(file, f"bad year {year!r} in {key}.{state}", column=key)
                rows.append((state, int(year), kind, value))
    return pd.DataFrame(rows, columns=["state_po", "year", "kind", "value"])


def _flips(mirror: Path, lookup: dict, result: SourceResult) -> pd.DataFrame:
    path = _locate(mirror, "flips_summary")
    file = rel(path, mirror)
    frame = _list_frame(
        _load_json(path, mirror), "flips", file, ["state", "chamber", "district", "year", "from_party", "to_party"]
    )
    frame = frame.rename(columns={"state": "state_po"})
    frame["office"] = _check_offices(frame, file)
    frame["year"] = _int_column(frame.rename(columns={"_row": "d_row"}), "year", "d_row", "flips[]")
    frame["district_number"] = frame["district"].map(fold_ws)
    frame["district"] = _map_keys(frame, lookup, file, result, "flips")
    frame["kind"] = frame.get("type", pd.Series(index=frame.index, dtype=object)).map(KIND_OF_TYPE)
    frame["from_party_raw"], frame["to_party_raw"] = frame["from_party"], frame["to_party"]
    frame["from_party"] = frame["from_party_raw"].map(lambda p: canonical_party(p, source=SOURCE))
    frame["to_party"] = frame["to_party_raw"].map(lambda p: canonical_party(p, source=SOURCE))
    frame["margin_pct"] = pd.to_numeric(frame.get("margin_pct"), errors="coerce")
    cols = [
        "state_po",
        "office",
        "district",
        "district_number",
        "year",
        "kind",
        "from_party",
        "to_party",
        "from_party_raw",
        "to_party_raw",
        "winner",
        "loser",
        "is_open",
        "margin_pct",
    ]
    return frame.reindex(columns=cols).reset_index(drop=True)


def _nh_floterial(mirror: Path) -> pd.DataFrame:
    path = _locate(mirror, "nh_floterial_map")
    file = rel(path, mirror)
    doc = _load_json(path, mirror)
    if not isinstance(doc, dict):
        raise InputError(file, "top level is not an object {floterial: [base districts]}")
    rows = []
    for floterial, bases in doc.items():
        if not isinstance(bases, list):
            raise InputError(file, f"{floterial!r} does not map to a list", column=str(floterial))
        for base in bases:
            rows.append(("NH", "state_house", district_id("NH", "House", floterial), district_id("NH", "House", base)))
    return pd.DataFrame(rows, columns=["state_po", "office", "floterial_district", "base_district"])


# --------------------------------------------------------------------------- coverage


def _coverage(candidates: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """General contests found per state, chamber and year, against the chamber's current seats.

    Every chamber of a state gets a row for each year in which that state has any general
    contest, so a chamber missing entirely (WA House 2018) shows up with 0 contests.
    winners_reported counts 'Won' flags in general and runoff rounds (LA, GA decide in runoffs).
    """
    keys = ["state_po", "office", "year"]
    gen = candidates[candidates["kind"] == "general"]
    contests = gen.drop_duplicates(["state_po", "office", "district", "seat", "year", "election_date"])
    per = contests.groupby(keys).agg(contests=("district", "size"), seats_contested=("seats", "sum"))
    decided = candidates[candidates["kind"].isin(["general", "runoff"])]
    winners = decided["won_reported"].eq(True).groupby([decided[k] for k in keys]).sum()
    chambers = current[["state_po", "office"]].drop_duplicates()
    grid = chambers.merge(gen[["state_po", "year"]].drop_duplicates(), on="state_po")
    per = per.reindex(pd.MultiIndex.from_frame(grid[keys])).fillna(0).astype(int)
    per["winners_reported"] = winners.reindex(per.index).fillna(0).astype(int)
    seats = current.groupby(["state_po", "office"]).agg(
        chamber_seats=("seats", "sum"), term_length=("term_length", "max")
    )
    per = per.reset_index().merge(seats.reset_index(), on=["state_po", "office"], how="left")
    # Seats up on the current seats' own cycle (next_election - k * term_length), from 2022 on only:
    # before that the lines and the staggering were different.
    cycle = current[current["next_election"].notna()].assign(_t=current["term_length"].fillna(2).astype(int))
    cycle = cycle.groupby(["state_po", "office", "next_election", "_t"], as_index=False)["seats"].sum()
    pairs = per[["state_po", "office", "year"]].merge(cycle, on=["state_po", "office"], how="left")
    gap = pairs["next_election"].astype(float) - pairs["year"]
    pairs["_up"] = np.where((gap >= 0) & (gap % pairs["_t"] == 0), pairs["seats"], 0)
    expected = pairs.groupby(["state_po", "office", "year"], sort=False)["_up"].sum()
    expected = per.set_index(["state_po", "office", "year"]).index.map(expected)
    expected = pd.Series(expected, index=per.index).where(per["year"] >= 2022).round()
    per["seats_up_expected"] = expected.astype("Int64")
    return per.sort_values(["state_po", "office", "year"]).reset_index(drop=True)


def _coverage_notes(coverage: pd.DataFrame) -> list[str]:
    notes = []
    recent = coverage[(coverage["year"] >= 2016) & (coverage["year"] <= 2025)]
    for (s, o), part in recent.groupby(["state_po", "office"]):
        cells = ", ".join(
            f"{y}: {c} contests/{sc} seats/{w} winners"
            for y, c, sc, w in part[["year", "contests", "seats_contested", "winners_reported"]].itertuples(
                index=False, name=None
            )
        )
        notes.append(f"multistate coverage {s} {o} ({int(part['chamber_seats'].iloc[0])} seats): {cells}")
    gaps = recent[
        (
            recent["seats_up_expected"].notna()
            & (recent["winners_reported"] < 0.9 * recent["seats_up_expected"].fillna(0))
        )
        | (
            (recent["term_length"] == 2)
            & (recent["year"] % 2 == 0)
            & ~recent["state_po"].isin(["VA", "NJ", "LA", "MS"])
            & (recent["winners_reported"] < 0.9 * recent["chamber_seats"])
        )
    ]
    for r in gaps.itertuples(index=False):
        expected = r.seats_up_expected if pd.notna(r.seats_up_expected) else r.chamber_seats
        notes.append(
            f"multistate coverage GAP {r.state_po} {r.office} {r.year}: {r.winners_reported} winners listed "
            f"in {r.contests} general contests for about {expected} seats up"
        )
    return notes


def _quirk_notes(candidates: pd.DataFrame) -> list[str]:
    """Counts of the data quirks the reader handled, for the build report."""
    key = ["state_po", "office", "district", "seat", "year", "kind", "election_date"]
    contests = candidates.drop_duplicates(key)
    notes = []
    incomplete = contests[contests["list_complete"].eq(False)]
    if len(incomplete):
        where = incomplete.groupby(["state_po", "office", "year"]).size()
        cells = ", ".join(f"{s} {o} {y}: {n}" for (s, o, y), n in where.items())
        notes.append(
            f"multistate: {len(incomplete)} contests list fewer winners than seats (list_complete=False; "
            f"build_contests would promote losers to fill the seats): {cells}"
        )
    runoff = contests[contests["went_to_runoff"]]
    notes.append(
        f"multistate: {len(runoff)} contests went to a runoff (candidates 'Advanced'/'Runoff', no winner; "
        f"went_to_runoff=True), by state: {runoff['state_po'].value_counts().to_dict()}"
    )
    no_party = candidates["party_raw"].isna()
    notes.append(
        f"multistate: {int(no_party.sum())} candidate rows have no party label (party None); "
        f"{int(contests['election_date'].isna().sum())} contests have no date; "
        f"2016 general rows with null votes: {candidates.loc[candidates['year'].eq(2016), 'votes'].isna().mean():.0%}"
    )
    for (s, o), part in contests[contests["seat"].notna()].groupby(["state_po", "office"]):
        by_seat = part[part["kind"].eq("general")].groupby(["year", "seat"]).size().unstack(fill_value=0)
        lopsided = by_seat[(by_seat.min(axis=1) < 0.5 * by_seat.max(axis=1))]
        if len(lopsided):
            notes.append(
                f"multistate: {s} {o} position seats: general contests per seat and year are lopsided in "
                f"{sorted(int(y) for y in lopsided.index)} (only one seat's history kept in the source)"
            )
    return notes


# --------------------------------------------------------------------------- entry point


def read(mirror: Path) -> SourceResult:
    """Read the MultiState exports under `mirror` (see the module docstring for the tables)."""
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    frames = _frames(mirror, result)
    plans = _plans(frames["cycles"])
    districts = _prepare_districts(frames["districts"], plans)
    candidates, upcoming, summary = _results(frames, districts, result)
    current, eliminated = _district_tables(frames, districts)
    gone = districts["eliminated"].astype(bool)
    lookup = _key_lookup(districts.loc[~gone])
    lookup_all = {**_key_lookup(districts.loc[gone]), **lookup}
    n_pres = _cross_check_pres(mirror, current, lookup, result)
    coverage = _coverage(candidates, current)

    per_reason = result.rejected.groupby("reason").size() if len(result.rejected) else pd.Series(dtype=int)
    summary_rows = [(r, int(n)) for r, n in summary.items()] + [(r, int(n)) for r, n in per_reason.items()]
    rejected_summary = pd.DataFrame(summary_rows, columns=["reason", "rows"])

    result.tables = {
        "candidates": candidates,
        "upcoming": upcoming,
        "districts": current,
        "eliminated_districts": eliminated,
        "presidential": _presidential(current),
        "plans": plans[["state_po", "office", "first_year", "source", "chamber", "cycle_year", "adopted_date"]],
        "legislatures": _legislatures(mirror),
        "control_history": _control_history(mirror),
        "flips": _flips(mirror, lookup_all, result),
        "nh_floterial": _nh_floterial(mirror),
        "coverage": coverage,
        "rejected_summary": rejected_summary,
    }
    accounted = len(candidates) + len(upcoming) + len(result.rejected) + sum(summary.values())
    result.notes += [
        f"multistate: {result.rows_read} candidate rows read = {len(candidates)} loaded + {len(upcoming)} upcoming + "
        f"{len(result.rejected)} rejected + {summary['primary']} primary rows (counted in rejected_summary)"
        + ("" if accounted == result.rows_read else f" [MISMATCH: {accounted}]"),
        f"multistate: {len(current)} district rows for {current[['state_po', 'office', 'district']].drop_duplicates().shape[0]} "
        f"current districts ({int(current['district_seats'].where(~current['seat'].notna(), 1).sum())} seats); "
        f"{len(eliminated)} eliminated districts kept apart; pres_margins.json has {n_pres} unique districts",
    ]
    result.notes += _quirk_notes(candidates) + _coverage_notes(coverage)
    if len(result.unmapped_labels):
        result.unmapped_labels = result.unmapped_labels.groupby(["source", "label"], as_index=False)["rows"].sum()
    return result
