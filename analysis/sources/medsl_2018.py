"""MIT Election Lab 2018 state-office returns: the state legislative rows, as candidate rows.

Mirror file statelegislative/medsl_2018/state_overall_2018.csv (statelegislative/SOURCES.md
section 3). A cross-check of 2018 legislative results, source 'medsl_2018', year 2018.

Quirks handled (each from SOURCES.md or found in the file):
- Latin-1, not UTF-8; a few names are nevertheless UTF-8 bytes ('KarÃ\xadn'), repaired per value.
- `office` is each state's own wording; only legislative offices are kept (others rejected).
  WA 'State Representative Pos. 1/2' and ID 'State Representative A/B' are two separately elected
  seats of one district: district = the number, `seat` = '1'/'2' (WA) or 'A'/'B' (ID), as the
  multistate reader names them.
- Vote modes: the TOTAL row where a candidate has one, otherwise the sum of the modes.
- Ballot-accounting rows (Over/Under Votes, Blank, Scatter, aggregate 'NA' write-ins) rejected.
- No magnitude column: seats come from '(n)' in the district label (WV, NJ specials), from law
  (AZ, ND, SD House: 2 per district; MD undivided House districts: 3), or, for MD sub-districts and
  the VT House, from the largest same-party slate in the district (noted, with the count found).
- NH House labels lack the county ('District No. 1 (2)' pools several counties' District 1) and
  VT Senate rows are split by House district: neither identifies a contest, so both are rejected.
- KS party mislabels (HD-81, 85, 97, 98, 100 list the Republican winner as 'democrat') are kept as
  published and noted: 80 R / 45 D winners against the certified 85 / 40.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.normalize import canonical_district, fold_ws, is_accounting_row, pick_mode_total
from analysis.sources.base import SourceResult, require_columns, to_votes
from analysis.sources.princeton import OUTPUT_COLUMNS, ma_district_name, map_parties, read_csv_strict

SOURCE = "medsl_2018"
FILE = "statelegislative/medsl_2018/state_overall_2018.csv"
ELECTION_DATE = "2018-11-06"
COLUMNS = [
    "year",
    "state_po",
    "office",
    "district",
    "special",
    "candidate",
    "party",
    "writein",
    "mode",
    "candidatevotes",
]

# office wording -> (office, seat); every legislative wording in the file.
OFFICES = {
    "STATE REPRESENTATIVE": ("state_house", None),
    "STATE ASSEMBLY MEMBER": ("state_house", None),
    "STATE ASSEMBLY REPRESENTATIVE": ("state_house", None),  # WI
    "HOUSE OF DELEGATES MEMBER": ("state_house", None),  # MD
    "STATE HOUSE DELEGATE": ("state_house", None),  # WV
    "STATE REPRESENTATIVE POS. 1": ("state_house", "1"),  # WA
    "STATE REPRESENTATIVE POS. 2": ("state_house", "2"),
    "STATE REPRESENTATIVE A": ("state_house", "A"),  # ID
    "STATE REPRESENTATIVE B": ("state_house", "B"),
    "STATE REPRESENTATIVE (PARTIAL TERM ENDING 01/01/2019)": ("state_house", None),  # MI special
    "STATE SENATOR": ("state_senate", None),  # NE unicameral included
    "STATE SENATE": ("state_senate", None),
    "STATE SENATOR (PARTIAL TERM ENDING 01/01/2019)": ("state_senate", None),
}

# Accounting pseudo-candidates in this file beyond normalize.ACCOUNTING_NAMES. 'NA' is MEDSL's
# aggregate write-in line (sometimes even with a party, e.g. KS HD-81 'NA' republican 9 votes).
EXTRA_ACCOUNTING = {"NA", "NA NA", "ALL OTHERS", "SCATTER"}

FIXED_TWO_SEATS = {"AZ", "ND", "SD"}  # House: two members per legislative district
_MAGNITUDE = re.compile(r"\s*\((\d+)\)\s*(?:FL)?$", re.IGNORECASE)
_SPECIAL_LABEL = re.compile(r"\s*(?:\(2 year term\)|vacancy)$", re.IGNORECASE)  # UT SD-8, HI SD-19


def _repair_utf8(text: str) -> str:
    """UTF-8 bytes read as Latin-1 ('AndrÃ©') back to the intended text ('André'); else unchanged."""
    if not re.search("[\u00c2-\u00f4][\u0080-\u00bf]", text):
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def _parse_district(state: str, office: str, label: str) -> tuple[str | None, int | None, bool, str | None]:
    """(canonical district, seats from the label or None, special?, rejection reason) for one label."""
    text = fold_ws(label).replace("Distrcit", "District")  # MN 'Distrcit 47B'
    if state == "NH" and office == "state_house":
        return None, None, False, "NH House label has no county ('District No. 1 (2)'): contest not identifiable"
    if state == "VT" and office == "state_senate":
        return None, None, False, "VT Senate rows are split by House district: senate district not identified"
    special = bool(_SPECIAL_LABEL.search(text))
    text = _SPECIAL_LABEL.sub("", text)
    m = _MAGNITUDE.search(text)
    seats = int(m.group(1)) if m else None
    text = _MAGNITUDE.sub("", text)
    if state == "MA":
        name = ma_district_name(text)
        return name, seats, special, None if name else "MA district without a name"
    try:
        return canonical_district(state, office, text), seats, special, None
    except ValueError:
        return None, None, special, "empty district id"


def _seats(frame: pd.DataFrame, result: SourceResult) -> pd.Series:
    """Seats per row: label '(n)', then law (AZ/ND/SD House 2, MD undivided 3), then largest slate."""
    seats = frame["label_seats"].astype("Float64")
    house = frame["office"].eq("state_house")
    lettered = frame["district"].str.match(r"^\d+[A-Z]$")
    seats = seats.mask(seats.isna() & house & frame["state_po"].isin(FIXED_TWO_SEATS) & ~lettered, 2)
    seats = seats.mask(seats.isna() & house & frame["state_po"].eq("MD") & ~lettered, 3)
    # MD sub-districts elect 1 or 2, VT House districts 1 or 2: no column says which, so take the
    # largest number of candidates one major party ran there (parties nominate up to the seats).
    infer = seats.isna() & house & (frame["state_po"].eq("VT") | (frame["state_po"].eq("MD") & lettered))
    if infer.any():
        key = ["state_po", "office", "district"]
        major = frame[infer & frame["party"].isin(["DEM", "REP"]) & ~frame["writein"]]
        slate = major.groupby(key + ["party"]).size().groupby(key).max().clip(1, 2).rename("slate")
        inferred = frame[key].merge(slate.reset_index(), on=key, how="left")["slate"].fillna(1).to_numpy()
        seats = seats.mask(infer, pd.Series(inferred, index=frame.index))
        vt = frame[infer & frame["state_po"].eq("VT")].drop_duplicates(key)
        vt_two = int((seats[vt.index] == 2).sum())
        result.notes.append(
            f"medsl_2018: VT House seats inferred from party slates: {vt_two} of {len(vt)} districts found to "
            "elect 2 (the 2012 plan has 46 two-seat districts of 104); the rest default to 1."
        )
    return seats.fillna(1).astype(int)


def read(mirror: Path) -> SourceResult:
    """State legislative candidate rows of MEDSL 2018 (docs/CONTRACT.md).

    Votes are counts summed over modes (TOTAL row preferred); won_reported and incumbent are None
    (the file has neither). kind 'special' for MEDSL's special flag, MI partial terms, HI SD-19
    vacancy and UT SD-8 two-year term.
    """
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    raw = read_csv_strict(mirror / FILE, mirror, encoding="latin-1")
    require_columns(raw, COLUMNS, FILE)
    result.rows_read = len(raw)
    frame = raw[COLUMNS].copy()
    frame["source_file"] = FILE
    frame["source_row"] = np.arange(1, len(frame) + 1)

    office_key = frame["office"].map(fold_ws).str.upper()
    legislative = office_key.isin(OFFICES)
    result.reject(frame[~legislative], "not a state legislative office", column="office")
    frame, office_key = frame[legislative].copy(), office_key[legislative]
    frame["office_label"] = frame["office"]
    frame["office"] = office_key.map(lambda k: OFFICES[k][0])
    frame["seat"] = office_key.map(lambda k: OFFICES[k][1])
    frame["partial_term"] = office_key.str.contains("PARTIAL TERM")

    names = frame["candidate"].map(fold_ws)
    repaired = names.map(_repair_utf8)
    if (repaired != names).any():
        result.notes.append(
            "medsl_2018: file is Latin-1 but "
            f"{int((repaired != names).sum())} rows carry UTF-8 bytes in the name (e.g. 'KarÃ\\xadn' -> "
            "'Karín'); repaired. 'Richard Peï¿½a Raymond' (NM) has U+FFFD at source: left as is."
        )
    frame["candidate"] = repaired
    accounting = names.map(is_accounting_row) | names.str.upper().isin(EXTRA_ACCOUNTING)
    result.reject(frame[accounting], "ballot-accounting row", column="candidate")
    frame = frame[~accounting].copy()

    frame["votes"] = to_votes(frame["candidatevotes"], FILE, "candidatevotes", frame["source_row"])
    frame["writein"] = frame["writein"].str.strip().str.upper().eq("TRUE")
    labels = frame[["state_po", "office", "district"]].drop_duplicates()
    parsed = pd.DataFrame(
        [_parse_district(s, o, d) for s, o, d in labels.itertuples(index=False)],
        columns=["canonical", "label_seats", "label_special", "reason"],
        index=labels.index,
    )
    labels = pd.concat([labels, parsed], axis=1)
    frame = frame.merge(labels, on=["state_po", "office", "district"], how="left", validate="many_to_one")
    for reason in labels["reason"].dropna().unique():
        result.reject(frame[frame["reason"].eq(reason)], reason, column="district")
    frame = frame[frame["reason"].isna()].copy()
    frame["district"] = frame["canonical"]
    frame["kind"] = np.where(
        frame["special"].str.strip().str.upper().eq("TRUE") | frame["partial_term"] | frame["label_special"],
        "special",
        "general",
    )
    party_label = frame["party"].where(frame["party"].str.upper() != "NA", "")  # NA = no party label
    frame["party_raw"] = party_label
    frame["party"], result.unmapped_labels = map_parties(party_label, SOURCE)

    # Vote modes, per candidate line: TOTAL if present, else the sum (normalize.pick_mode_total).
    key = ["state_po", "office", "district", "seat", "kind", "candidate", "party_raw", "writein"]
    frame[key] = frame[key].fillna({"seat": ""})
    firsts = frame.groupby(key, sort=False, as_index=False).agg(
        source_row=("source_row", "min"),
        party=("party", "first"),
        label_seats=("label_seats", "first"),
        modes=("mode", "nunique"),
    )
    totals = pick_mode_total(frame, key, mode_col="mode", votes_col="votes")
    rows = firsts.merge(totals, on=key, how="left", validate="one_to_one")
    rows["seat"] = rows["seat"].replace("", None)
    rows["seats"] = _seats(rows, result)
    rows["source"] = SOURCE
    rows["source_file"] = FILE
    rows["year"] = 2018
    rows["election_date"] = ELECTION_DATE
    rows["incumbent"] = None
    rows["won_reported"] = None
    rows["votes"] = rows["votes"].astype(float)
    result.tables["candidates"] = rows[OUTPUT_COLUMNS].reset_index(drop=True)
    result.notes += [
        f"medsl_2018: {len(rows)} candidate rows from {int(legislative.sum())} legislative input rows "
        f"(modes summed; {int((firsts['modes'] > 1).sum())} candidate lines had several modes).",
        "medsl_2018: KS party mislabels at source (HD-81, 85, 97, 98, 100 show the Republican winner as "
        "'democrat'; one candidate has votes under two parties): kept as published, so KS House winners "
        "read 80 R / 45 D against the certified 85 / 40.",
        "medsl_2018: TX has 104 of 150 House districts, FL 85 of 120 (uncontested seats not listed).",
        "medsl_2018: no winner flag in the file: won_reported is None; winners come from votes.",
    ]
    return result
