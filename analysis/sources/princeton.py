"""Princeton Gerrymandering Project historic lower-house results, 1971-2018 (Klarner-based).

Mirror folder statelegislative/princeton_historic_slers/ (statelegislative/SOURCES.md section 4).
The files are district-level party totals (Dem Votes, GOP Votes, sometimes Other Votes), not
candidate-level, so each district becomes one candidate row per party that has votes: the
Democratic candidate (named from the 2016 / VA 2017 candidate files where available, else
'Democratic candidate'), the Republican, and 'Other candidates' where the file has Other Votes.
Votes are raw counts as published; placeholders for uncontested seats (winner = 100 before 2012,
or 1 vote) are kept; a party with 0 or missing votes gets no row.

Which file supplies which election (the files overlap; each election is taken from one file):
- 1971-2012: state_legislative_election_results_post1971.csv;
- 2013-2017: post2013_state_legislative_elections.csv (it adds Other Votes and keeps the half
  votes the post1971 copy truncates), except 2016 in the 36 states of 2016_election_results.csv
  (same votes, plus names), VA 2017 from va2017.csv (names and the true HD-94 tie, which the
  post1971 copy resolves as GOP = Dem + 1) and NJ 2017 from nj2017.csv (candidate level, 2 seats);
- 2018: 2018_Statehouses_20181203.csv (the post1971 2018 rows are the same file, re-saved).
Rows not used because another file supplies the same election are recorded as rejected.

Also here: small helpers the other historic readers share (strict CSV reading that names the
file/row on bad input, state names, general-election dates, Massachusetts district names).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.config import REFERENCE_DIR
from analysis.errors import InputError
from analysis.normalize import CANDIDATE_COLUMNS, canonical_district, canonical_party, fold_ws
from analysis.sources.base import SourceResult, rel, require_columns, to_votes

SOURCE = "princeton"
FOLDER = "statelegislative/princeton_historic_slers"
POST1971 = f"{FOLDER}/state_legislative_election_results_post1971.csv"
FILE_2018 = f"{FOLDER}/2018_Statehouses_20181203.csv"
POST2013 = f"{FOLDER}/post2013_state_legislative_elections.csv"
CANDIDATES_2016 = f"{FOLDER}/2016_election_results.csv"
VA_2017 = f"{FOLDER}/va2017.csv"
NJ_2017 = f"{FOLDER}/nj2017.csv"
NJ_2017_COLUMNS = ["year", "state", "district", "party", "candidate", "votes", "won", "incumbent"]

# Candidate rows (docs/CONTRACT.md) include `seat`: the position within a district whose seats are
# elected as separate contests, named as the multistate reader names them (WA Position '1'/'2',
# ID Seat 'A'/'B'); None elsewhere.
OUTPUT_COLUMNS = CANDIDATE_COLUMNS + [c for c in ("seat",) if c not in CANDIDATE_COLUMNS]
POSITION_NAMES = {"WA": {"A": "1", "B": "2"}, "ID": {"A": "A", "B": "B"}}

STATE_PO = {
    "Alabama": "AL",
    "Alaska": "AK",
    "Arizona": "AZ",
    "Arkansas": "AR",
    "California": "CA",
    "Colorado": "CO",
    "Connecticut": "CT",
    "Delaware": "DE",
    "District of Columbia": "DC",
    "Florida": "FL",
    "Georgia": "GA",
    "Hawaii": "HI",
    "Idaho": "ID",
    "Illinois": "IL",
    "Indiana": "IN",
    "Iowa": "IA",
    "Kansas": "KS",
    "Kentucky": "KY",
    "Louisiana": "LA",
    "Maine": "ME",
    "Maryland": "MD",
    "Massachusetts": "MA",
    "Michigan": "MI",
    "Minnesota": "MN",
    "Mississippi": "MS",
    "Missouri": "MO",
    "Montana": "MT",
    "Nebraska": "NE",
    "Nevada": "NV",
    "New Hampshire": "NH",
    "New Jersey": "NJ",
    "New Mexico": "NM",
    "New York": "NY",
    "North Carolina": "NC",
    "North Dakota": "ND",
    "Ohio": "OH",
    "Oklahoma": "OK",
    "Oregon": "OR",
    "Pennsylvania": "PA",
    "Rhode Island": "RI",
    "South Carolina": "SC",
    "South Dakota": "SD",
    "Tennessee": "TN",
    "Texas": "TX",
    "Utah": "UT",
    "Vermont": "VT",
    "Virginia": "VA",
    "Washington": "WA",
    "West Virginia": "WV",
    "Wisconsin": "WI",
    "Wyoming": "WY",
}

# States whose lower-house elections are held in odd years; an even-year row is a special.
ODD_YEAR_STATES = {"VA", "NJ", "MS", "LA"}

# 2018 file rows for states with multi-member lower-house districts (or ID's two position seats)
# are party votes averaged over a district's candidates (fractions such as 30243.5, 1043.8333),
# not one contest; MA 2018 is 37 rows numbered 1-37 with no district names. Princeton's own scope
# is single-member districts, so these are left out, as are NJ 2013/2015 (averaged over the two
# Assembly seats, ending in .5).
AVERAGED_2018 = {"AZ", "ID", "MA", "MD", "ND", "NJ", "SD", "VT", "WV"}


# --------------------------------------------------------------------------- shared helpers


def read_csv_strict(
    path: Path, mirror: Path, encoding: str = "utf-8", header: bool = True, names: list[str] | None = None
) -> pd.DataFrame:
    """Read a CSV as text columns; malformed input raises InputError naming file and 1-based data row.

    Catches: undecodable bytes (wrong encoding), NUL bytes (UTF-16 or binary), rows with too many
    fields, and truncated rows (fewer fields than the header, or an unterminated quote).
    Empty cells stay '' (the caller decides what is missing).
    """
    file = rel(path, mirror)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(file, f"cannot read file: {exc}") from exc
    offset = 1 if header else 0

    def data_row(byte_pos: int) -> int | None:
        line = raw.count(b"\n", 0, byte_pos)  # 0-based physical line
        return line + 1 - offset if line + 1 - offset >= 1 else None

    nul = raw.find(b"\x00")
    if nul >= 0:
        raise InputError(file, f"NUL byte: not {encoding} text (UTF-16 or binary?)", row=data_row(nul))
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(
            file, f"byte 0x{raw[exc.start]:02x} is not valid {encoding}: wrong encoding?", row=data_row(exc.start)
        ) from exc
    if not text.strip():
        raise InputError(file, "empty file")
    options = dict(dtype=str, keep_default_na=False, na_values=[], header=0 if header else None, names=names)
    try:
        # The C parser reports extra fields and an unterminated quote (a file cut mid-field) with
        # the line number ...
        frame = pd.read_csv(io.StringIO(text), **options)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        row = int(m.group(1)) - offset if m else None
        raise InputError(file, f"malformed CSV (truncated or extra fields): {exc}", row=row) from exc
    try:
        # ... but fills a row that is short of fields with '' silently. Arrow's parser refuses
        # one ("Expected 3 columns, got 2: <row text>"); the row is found by its text.
        pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", **options)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) columns, got (\d+): (.*)", str(exc), re.DOTALL)
        row = column = None
        if m:
            column = str(frame.columns[int(m.group(2))]) if int(m.group(2)) < len(frame.columns) else None
            first_line = m.group(3).split("\n")[0].rstrip("\r")
            found = re.search(r"(?m)^" + re.escape(first_line) + r"\r?$", text) if first_line else None
            row = data_row(len(text[: found.start()].encode(encoding))) if found else None
        raise InputError(file, f"truncated row: fewer fields than the header ({exc})", row=row, column=column) from exc
    return frame


def general_election_date(year: int) -> str:
    """ISO date of the regular November general election: the Tuesday after the first Monday."""
    first = dt.date(int(year), 11, 1)
    monday = first + dt.timedelta(days=(0 - first.weekday()) % 7)
    return (monday + dt.timedelta(days=1)).isoformat()


_ORDINAL_WORDS = {
    w: i + 1
    for i, w in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
        "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
    )
}
_TENS = {"twent": 20, "thirt": 30, "fort": 40}
_UNITS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
}


def _ordinal_word_value(word: str) -> int | None:
    word = word.lower()
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    m = re.fullmatch(r"(twent|thirt|fort)(?:ieth|y-(\w+))", word)
    if not m:
        return None
    if m.group(2) is None:
        return _TENS[m.group(1)]
    unit = _UNITS.get(m.group(2))
    return _TENS[m.group(1)] + unit if unit else None


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ma_district_name(raw: object) -> str | None:
    """Massachusetts district name in MultiState's form ('1st Barnstable', '10th Essex and Middlesex').

    Accepts Klarner's 'BARNSTABLE1.', Ballotpedia's 'Eighteenth Essex District', MEDSL's
    'District 1 Bristol a Plymouth' ('a' = 'and', 'Plymou' truncated). Barnstable/Dukes/Nantucket
    variants become 'Barnstable, Dukes, and Nantucket'. Returns None for a bare number (no name).
    """
    text = fold_ws(raw).rstrip(".").strip()
    if not text or text.isdigit():
        return None
    if re.search(r"barnstable.*dukes.*nantucket", text, re.IGNORECASE):
        return "Barnstable, Dukes, and Nantucket"
    if re.fullmatch(r"cape and island\.*", text, re.IGNORECASE):
        return "Cape and Islands"
    text = re.sub(r"\s+District$", "", text, flags=re.IGNORECASE)
    number: int | None = None
    m = re.fullmatch(r"([A-Za-z ]+?)\s*(\d+)", text)  # Klarner 'BARNSTABLE1'
    if m:
        number, text = int(m.group(2)), m.group(1)
    else:
        m = re.fullmatch(r"District\s+(\d+)\s+(.+)", text, re.IGNORECASE)  # MEDSL 'District 1 Essex'
        if m:
            number, text = int(m.group(1)), m.group(2)
        else:
            text = re.sub(r"^District\s+", "", text, flags=re.IGNORECASE)
            m = re.fullmatch(r"([A-Za-z-]+)\s+(.+)", text)  # 'Eighteenth Essex'
            if m and _ordinal_word_value(m.group(1)) is not None:
                number, text = _ordinal_word_value(m.group(1)), m.group(2)
    text = re.sub(r"\bPlymou\b", "Plymouth", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+a\s+", " and ", text)
    words = [w if w == "and" else w.capitalize() for w in text.lower().split()]
    name = " ".join(words)
    return f"{_ordinal(number)} {name}" if number is not None else name


def tie_overrides() -> pd.DataFrame:
    """Ties settled by lot (analysis/reference/tie_overrides.csv), in build_contests' `ties` shape."""
    table = pd.read_csv(REFERENCE_DIR / "tie_overrides.csv", dtype=str, keep_default_na=False)
    return table.astype({"year": int})


def map_parties(labels: pd.Series, source: str) -> tuple[pd.Series, pd.DataFrame]:
    """Canonical party per label (one lookup per distinct label) and the unmapped labels with row counts.

    Empty labels map to None without being reported: there is no label to add to party_map.csv.
    """
    labels = labels.fillna("").map(fold_ws)
    lookup = {label: canonical_party(label, source=source) if label else None for label in labels.unique()}
    party = labels.map(lookup)
    missing = labels[party.isna() & labels.ne("")]
    unmapped = missing.value_counts().rename_axis("label").reset_index(name="rows")
    unmapped.insert(0, "source", source)
    return party.astype(object).where(party.notna(), None), unmapped


def bool_or_none(values: pd.Series) -> pd.Series:
    """'True'/'False' text (any case) -> bool; anything else -> None."""
    text = values.fillna("").astype(str).str.strip().str.upper()
    return text.map({"TRUE": True, "FALSE": False}).astype(object).where(text.isin(["TRUE", "FALSE"]), None)


# --------------------------------------------------------------------------- district frames


def _party_totals(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """post1971 / 2018 / post2013 layout -> district frame."""
    require_columns(frame, ["State", "Year", "District", "Dem Votes", "GOP Votes", "Incumbent", "Party"], file)
    rows = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    incumbent = frame["Incumbent"].str.strip()
    has_inc = incumbent.ne("")
    out = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "state_po": frame["State"].str.strip().str.upper(),
            "year": to_votes(frame["Year"], file, "Year", rows),
            "district_raw": frame["District"],
            "dem": to_votes(frame["Dem Votes"], file, "Dem Votes", rows),
            "rep": to_votes(frame["GOP Votes"], file, "GOP Votes", rows),
            "oth": to_votes(frame["Other Votes"], file, "Other Votes", rows) if "Other Votes" in frame else np.nan,
            "dem_name": None,
            "rep_name": None,
            "oth_name": None,
            "winner": frame["Party"].str.strip(),
            "inc_dem": incumbent.eq("D").astype(object).where(has_inc, None),
            "inc_rep": incumbent.eq("R").astype(object).where(has_inc, None),
            "inc_oth": incumbent.isin(["I", "Other"]).astype(object).where(has_inc, None),
        }
    )
    if out["year"].isna().any():
        pos = int(out["year"].isna().to_numpy().nonzero()[0][0])
        raise InputError(file, "missing year", row=pos + 1, column="Year")
    out["year"] = out["year"].astype(int)
    return out


def _candidate_layout(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """2016_election_results.csv / va2017.csv layout (names per party, no winner flag) -> district frame."""
    cols = [
        "Democrat",
        "Republican",
        "Other",
        "State",
        "Year",
        "District",
        "Democrat Incumbent",
        "Democrat Votes",
        "Republican Incumbent",
        "Republican Votes",
        "Other Incumbent",
        "Other Votes",
    ]
    require_columns(frame, cols, file)
    rows = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    state = frame["State"].str.strip().map(STATE_PO)
    if state.isna().any():
        pos = int(state.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {frame['State'].iloc[pos]!r}", row=pos + 1, column="State")

    def name(col: str) -> pd.Series:
        text = frame[col].map(fold_ws)
        return text.where(~text.str.upper().isin(["NO CANDIDATE", "", "0"]), None)

    out = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "state_po": state,
            "year": to_votes(frame["Year"], file, "Year", rows).astype(int),
            "district_raw": frame["District"],
            "dem": to_votes(frame["Democrat Votes"], file, "Democrat Votes", rows),
            "rep": to_votes(frame["Republican Votes"], file, "Republican Votes", rows),
            "oth": to_votes(frame["Other Votes"], file, "Other Votes", rows),
            "dem_name": name("Democrat"),
            "rep_name": name("Republican"),
            "oth_name": name("Other"),
            "winner": None,
            # 'Other Incumbent' is 0 where there is no other candidate: not a flag, so None.
            "inc_dem": bool_or_none(frame["Democrat Incumbent"]),
            "inc_rep": bool_or_none(frame["Republican Incumbent"]),
            "inc_oth": bool_or_none(frame["Other Incumbent"]),
        }
    )
    return out


# --------------------------------------------------------------------------- districts


def _clean_districts(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Canonical district, seat (WA/ID positions) and a rejection reason (None when fine), per row.

    A loop per state-year (a few thousand), never per row of the big file.
    """
    district = pd.Series(None, index=frame.index, dtype=object)
    seat = pd.Series(None, index=frame.index, dtype=object)
    reason = pd.Series(None, index=frame.index, dtype=object)
    raw = frame["district_raw"].map(fold_ws)

    for (state, year), idx in frame.groupby(["state_po", "year"], sort=False).groups.items():
        values = raw.loc[idx]
        if state == "MN":
            # Klarner codes MN House 1A/1B as 1100/1200 (to 2010) and as 11/12 in 2012; the
            # Ballotpedia scrape (2014-16) has 1A, except its first row lost the letter ('1') and
            # 2016 '32B[6]' carries a footnote marker.
            values = values.str.replace(r"\[\d+\]$", "", regex=True)
            pattern = r"^(\d+)([12])00$" if year <= 2010 else r"^(\d+)([12])$" if year == 2012 else None
            if pattern:
                parts = values.str.extract(pattern)
                values = (parts[0] + parts[1].map({"1": "A", "2": "B"})).where(parts[0].notna(), values)
            values = _first_row_letter(values)
            district.loc[idx] = values.map(lambda v: canonical_district("MN", "state_house", v))
        elif state in ("WA", "ID"):
            # Two position seats per district, each its own contest: WA 1a/1b -> district 1,
            # Position 1/2; ID 1A/1B -> district 1, Seat A/B.
            parts = _first_row_letter(values).str.extract(r"^(\d+)([A-Za-z])$")
            ok = parts[0].notna() & parts[1].str.upper().isin(["A", "B"])
            district.loc[idx] = parts[0].where(ok, None).map(lambda v: str(int(v)) if isinstance(v, str) else None)
            seat.loc[idx] = parts[1].str.upper().map(POSITION_NAMES[state]).where(ok, None)
            reason.loc[idx[~ok.to_numpy()]] = "WA/ID district without a position letter"
        elif state == "MA":
            names = values.map(ma_district_name)
            district.loc[idx] = names
            reason.loc[idx[names.isna().to_numpy()]] = "MA district given as a bare number, no name to match"
        else:
            # Klarner's NV 1972 county names end in dots ('CLARK1.', 'CARSONCITY..').
            cleaned = values.str.rstrip(".")
            district.loc[idx] = cleaned.map(lambda v, s=state: canonical_district(s, "state_house", v) if v else None)
            reason.loc[idx[cleaned.eq("").to_numpy()]] = "empty district id"
    return district, seat, reason


def _first_row_letter(values: pd.Series) -> pd.Series:
    """In a lettered state-year, a bare number n whose nA is absent is nA (the scrape lost the letter)."""
    upper = values.str.upper()
    lettered = upper.str.match(r"^\d+[A-Z]$")
    if not lettered.any():
        return values
    present = set(upper[lettered])
    bare = upper.str.match(r"^\d+$")
    fix = bare & ~(upper + "A").isin(present)
    return values.where(~fix, values + "A")


# --------------------------------------------------------------------------- candidate rows


def _candidates_from_districts(frame: pd.DataFrame) -> pd.DataFrame:
    """District party totals -> candidate rows: one per party with votes > 0 (see module docstring)."""
    winner = frame["winner"].fillna("").str.strip()
    known = winner.isin(["D", "R", "I", "Other"])
    parts = []
    for col, label, default, flag in (
        ("dem", "Democrat", "Democratic candidate", winner.eq("D")),
        ("rep", "Republican", "Republican candidate", winner.eq("R")),
        ("oth", "Other", "Other candidates", winner.isin(["I", "Other"])),
    ):
        part = frame[
            [
                "source_file",
                "source_row",
                "state_po",
                "office",
                "district",
                "seat",
                "year",
                "election_date",
                "kind",
                "seats",
            ]
        ].copy()
        part["candidate"] = frame[f"{col}_name"].fillna(default)
        part["party_raw"] = label
        part["votes"] = frame[col].astype(float)
        part["incumbent"] = frame[f"inc_{col}"]
        # 'Party' is the winner's party; 'Both' (cross-nominated) and '' (VA 2017 HD-94 tie) say
        # nothing about which line won, so no flag.
        part["won_reported"] = flag.astype(object).where(known, None)
        parts.append(part[part["votes"].fillna(0) != 0])
    out = pd.concat(parts, ignore_index=True)
    out["writein"] = False
    return out


def _nj_2017(frame: pd.DataFrame, file: str) -> pd.DataFrame:
    """nj2017.csv (no header): candidate-level Assembly results, two seats per district."""
    rows = pd.Series(np.arange(1, len(frame) + 1), index=frame.index)
    state = frame["state"].str.strip().map(STATE_PO)
    if state.isna().any():
        pos = int(state.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"unknown state name {frame['state'].iloc[pos]!r}", row=pos + 1, column="state")
    out = pd.DataFrame(
        {
            "source_file": file,
            "source_row": rows,
            "state_po": state,
            "office": "state_house",
            "district": frame["district"].map(lambda v: canonical_district("NJ", "state_house", v)),
            "seat": None,
            "year": to_votes(frame["year"], file, "year", rows).astype(int),
            "kind": "general",
            "seats": 2,
            "candidate": frame["candidate"].map(fold_ws),
            "party_raw": frame["party"].map(fold_ws),
            "votes": to_votes(frame["votes"], file, "votes", rows),
            "writein": False,
            "incumbent": bool_or_none(frame["incumbent"]),
            "won_reported": bool_or_none(frame["won"]),
        }
    )
    out["election_date"] = out["year"].map(general_election_date)
    # The scrape sometimes repeats the row above's name on the next candidate (District 7: two
    # 'Herbert Conaway, Jr.' rows with different votes; District 12: Republican Robert Clifton also
    # listed as the Democrat). The first row keeps the name; the repeat is renamed, not merged.
    repeated = out.duplicated(["district", "candidate"], keep="first")
    out.loc[repeated, "candidate"] = (
        "Unnamed "
        + out.loc[repeated, "party_raw"]
        + " candidate (name repeated at source, row "
        + out.loc[repeated, "source_row"].astype(str)
        + ")"
    )
    return out


# --------------------------------------------------------------------------- read


def read(mirror: Path) -> SourceResult:
    """Princeton lower-house results as candidate rows (docs/CONTRACT.md), source 'princeton'.

    tables['candidates']: votes are raw counts (placeholders 100 / 1 kept); office 'state_house';
    kind 'general', or 'special' for an even-year row of an odd-year state (VA/NJ/MS/LA 2018).
    """
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    post1971 = read_csv_strict(mirror / POST1971, mirror)
    y2018 = read_csv_strict(mirror / FILE_2018, mirror)
    post2013 = read_csv_strict(mirror / POST2013, mirror)
    c2016 = read_csv_strict(mirror / CANDIDATES_2016, mirror)
    va2017 = read_csv_strict(mirror / VA_2017, mirror)
    nj2017 = read_csv_strict(mirror / NJ_2017, mirror, header=False, names=NJ_2017_COLUMNS)
    result.rows_read = sum(len(f) for f in (post1971, y2018, post2013, c2016, va2017, nj2017))

    old = _party_totals(post1971, POST1971)
    new = _party_totals(post2013, POST2013)
    e2018 = _party_totals(y2018, FILE_2018)
    names = pd.concat(
        [_candidate_layout(c2016, CANDIDATES_2016), _candidate_layout(va2017, VA_2017)], ignore_index=True
    )

    # Candidate files carry no winner flag: take 'Party' from the post2013 row of the same election
    # (its votes are identical; disagreements are reported).
    key = ["state_po", "year", "district_raw"]
    matched = names.merge(new[key + ["winner", "dem", "rep", "oth"]], on=key, how="left", suffixes=("", "_p"))
    names["winner"] = matched["winner_p"].to_numpy()
    differ = matched["winner_p"].notna() & (
        (matched["dem"] - matched["dem_p"]).abs().gt(0.5) | (matched["rep"] - matched["rep_p"]).abs().gt(0.5)
    )
    if differ.any():
        result.notes.append(f"princeton: {int(differ.sum())} candidate-file rows disagree with post2013 votes")

    # Which file supplies each election (module docstring); the rest are recorded as duplicates.
    result.reject(old[old["year"] >= 2018], "duplicate: 2018 is read from 2018_Statehouses_20181203.csv")
    result.reject(
        old[old["year"].between(2013, 2017)],
        "duplicate: 2013-2017 is read from post2013 (Other Votes, untruncated half votes) or the "
        "VA/NJ 2017 candidate files",
    )
    _note_agreement(result, old[old["year"] >= 2013], pd.concat([new, e2018]))
    old = old[old["year"] <= 2012]

    covered = new.set_index(key).index.isin(names.set_index(key).index)
    nj = new["state_po"].eq("NJ")
    result.reject(new[covered], "duplicate: same election in 2016_election_results.csv / va2017.csv (with names)")
    result.reject(new[nj & new["year"].eq(2017)], "duplicate: NJ 2017 is read from nj2017.csv (candidate level)")
    result.reject(
        new[nj & new["year"].isin([2013, 2015])], "multi-member district: NJ Assembly votes averaged over the two seats"
    )
    new = new[~covered & ~nj]

    averaged = e2018["state_po"].isin(AVERAGED_2018)
    result.reject(e2018[averaged], "multi-member or position seats: 2018 party votes averaged over a district")
    e2018 = e2018[~averaged]

    frame = pd.concat([old, new, e2018, names], ignore_index=True)
    frame["office"] = "state_house"
    special = frame["state_po"].isin(ODD_YEAR_STATES) & frame["year"].mod(2).eq(0)
    frame["kind"] = np.where(special, "special", "general")
    frame["election_date"] = frame["year"].map(general_election_date).where(~special, None)
    frame["seats"] = 1
    frame["district"], frame["seat"], bad = _clean_districts(frame)
    for reason in bad.dropna().unique():
        result.reject(frame[bad.eq(reason)], reason, column="District")
    frame = frame[bad.isna()]

    empty = frame["dem"].fillna(0).eq(0) & frame["rep"].fillna(0).eq(0) & frame["oth"].fillna(0).eq(0)
    # MN 1972 (nonpartisan legislature: all 0/0, Party 'Other'), LA/MS 2018 specials, a few others.
    result.reject(frame[empty], "no votes recorded for any party", column="Dem Votes")
    frame = frame[~empty]

    dupes = frame.duplicated(["state_po", "year", "kind", "district", "seat"], keep="first")
    result.reject(frame[dupes], "duplicate district row within the file", column="District")
    frame = frame[~dupes]

    rows = pd.concat([_candidates_from_districts(frame), _nj_2017(nj2017, NJ_2017)], ignore_index=True)
    rows["source"] = SOURCE
    rows["votes"] = rows["votes"].astype(float)
    rows["party"], result.unmapped_labels = map_parties(rows["party_raw"], SOURCE)
    result.tables["candidates"] = rows[OUTPUT_COLUMNS].reset_index(drop=True)
    _add_notes(result, frame, rows)
    return result


def _note_agreement(result: SourceResult, old: pd.DataFrame, newer: pd.DataFrame) -> None:
    """Count post1971 2013-2018 rows whose votes differ (beyond its truncation of .5) from the file used."""
    key = ["state_po", "year", "district_raw"]
    m = old.merge(newer[key + ["dem", "rep"]], on=key, how="inner", suffixes=("", "_n"))
    differ = (m["dem"] - m["dem_n"]).abs().ge(1) | (m["rep"] - m["rep_n"]).abs().ge(1)
    # Known: VA 2017 HD-94, where post1971 records the lot as GOP = Dem + 1 (11,609 vs 11,608).
    result.notes.append(
        f"princeton: post1971 copy of 2013-2018 matches the files used for {len(m) - int(differ.sum())} of "
        f"{len(m)} rows; differing: "
        + ", ".join(f"{r.state_po} {r.year} {r.district_raw}" for r in m[differ].head(10).itertuples())
    )


def _add_notes(result: SourceResult, frame: pd.DataFrame, rows: pd.DataFrame) -> None:
    other_won = frame["winner"].isin(["I", "Other"]) & frame["oth"].isna()
    both = frame["winner"].eq("Both")
    result.notes += [
        "princeton: district-level party totals, not candidates; unnamed rows are 'Democratic candidate' / "
        "'Republican candidate' / 'Other candidates'. Uncontested placeholders (100 before 2012, or 1) kept.",
        f"princeton: {int(other_won.sum())} elections won by an independent/other (Party I/Other) in files "
        "without Other Votes: only the D and R rows exist, both won_reported False, so vote ranking would "
        "name the wrong winner.",
        f"princeton: {int(both.sum())} elections with Party 'Both' (candidate nominated by both parties): "
        "won_reported left None.",
        "princeton: CA/WA top-two same-party generals appear as one party's (averaged) votes against 0.",
        "princeton: VA 2017 HD-94 is the raw 11,608-11,608 tie (va2017.csv); the winner (Yancey, by lot, "
        "Jan 4 2018) comes from analysis/reference/tie_overrides.csv.",
        "princeton: nj2017.csv repeats the row above's name on 6 candidates (Districts 7, 11, 12, 17, 32, 37); "
        "those rows are renamed 'Unnamed <party> candidate (name repeated at source, row n)', votes kept.",
        "princeton: MN 2016 HD-32B is 0/0 in post2013/2016 files (election postponed to a Feb 2017 special); "
        "post1971 has 3,327 D / 3,789 R; left out.",
        "princeton: 2018_Statehouses_20181203.csv is a pre-certification snapshot (Dec 3, 2018): PA House "
        "counts differ from the certified ones in most districts (HD-2 D 13,188 vs 13,736 in MEDSL/OpenElections), "
        "and 4 close races name the other winner than MEDSL 2018: CT-17, KS-72, NC-103, OH-28 (hence NC 66 R / "
        "54 D vs 65 / 55, SOURCES.md). The build trusts medsl_2018 first for 2018.",
        f"princeton: {len(rows)} candidate rows, years {int(rows['year'].min())}-{int(rows['year'].max())}.",
    ]
