"""MIT Election Lab U.S. House returns 1976-2024 -> candidate rows (docs/CONTRACT.md).

File: congress/house_results/1976-2024-house.tab (MEDSL, Harvard Dataverse doi:10.7910/DVN/IG0UN2).
Despite the .tab extension it is comma-delimited CSV, UTF-8 (congress/SOURCES.md section 1).

Votes are raw counts per candidate per ballot line; fusion lines (NY/CT/SC...) stay separate rows
and `normalize.build_contests` sums them under the major party. Margins are computed there:
Democratic minus Republican, points of the two-party vote.

Also home of two small helpers the other congressional readers share: `read_strict_csv`
(encoding / truncation / missing-column checks that name file, row and column) and `to_number`.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.normalize import CANDIDATE_COLUMNS, canonical_district, canonical_party, fold_ws, is_accounting_row
from analysis.sources.base import SourceResult, rel, require_columns, to_votes

SOURCE = "medsl_house"
FILE = "congress/house_results/1976-2024-house.tab"
REQUIRED = [
    "year",
    "state_po",
    "district",
    "stage",
    "runoff",
    "special",
    "candidate",
    "party",
    "writein",
    "mode",
    "candidatevotes",
    "totalvotes",
    "unofficial",
    "fusion_ticket",
]

# Pseudo-candidates MEDSL uses that normalize.ACCOUNTING_NAMES does not know (yet). They are
# aggregates of minor/blank/void ballots (MA 'OTHER' 1978-2016, OR 'OTHER', ME 2022 'OTHERS',
# NC-10 2022 'WRITE-IN (MISCELLANEOUS)'), never one person, so they must not rank as a
# candidate: rejected here as 'ballot-accounting row'.
EXTRA_ACCOUNTING = frozenset(
    {
        "OTHER",
        "OTHERS",
        "ALL OTHERS",
        "OTHER WRITE-INS",
        "MISCELLANEOUS",
        "SCATTER",
        "BLANK VOTE/VOID VOTE/SCATTERING",
        "OVER VOTE",
        "VOID VOTE",
        "WRITE-IN (MISCELLANEOUS)",
    }
)

# District-years whose numbers are not usable as published (congress/SOURCES.md section 1).
# The build marks these races status 'unusable'. Each entry is kept only while the rows exist.
KNOWN_BAD = [
    (
        "ME",
        "2",
        2022,
        "general",
        "RCV rounds summed: Golden 1,165,136 of totalvotes 2,656,104 (several tabulation rounds added "
        "together); not a first-round or final-round count",
    ),
]


# --------------------------------------------------------------------------- shared helpers


def read_text(path: Path, file: str) -> str:
    """Bytes -> text, strictly UTF-8 (BOM allowed). Accepts `path` or `path`.gz (mirror gzips some files)."""
    gz = path.with_name(path.name + ".gz")
    if path.exists():
        raw = path.read_bytes()
    elif gz.exists():
        raw = gzip.decompress(gz.read_bytes())
    else:
        raise InputError(file, "file not found")
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n")  # 0-based physical line; line 0 is the header
        raise InputError(file, f"not valid UTF-8 ({err.reason} at byte {err.start})", row=line or None) from None


def read_strict_csv(
    path: Path,
    mirror: Path,
    required: list[str] | None = None,
    skiprows: int = 0,
    names: list[str] | None = None,
) -> pd.DataFrame:
    """Read a CSV as text columns, failing loudly on bad input.

    Raises InputError naming the file (relative to the mirror) for: a missing file, bytes that are
    not UTF-8 (with the row), an unterminated quote, a row with too few or too many fields (a
    truncated file ends this way; with the 1-based data row and the first missing column) and
    missing required columns. Every value is str; empty cells are ''. Data rows are numbered from
    1 after the header (or after `skiprows` lines when `names` is given).
    """
    file = rel(path, mirror)
    text = read_text(path, file)
    if not text.strip():
        raise InputError(file, "empty file")
    # pandas pads a short row with '' when keep_default_na=False, so count fields first (csv
    # module, C speed; blank lines skipped as pandas does).
    records = (rec for rec in csv.reader(io.StringIO(text)) if rec)
    try:
        for _ in range(skiprows):
            next(records, None)
        header = list(names) if names is not None else next(records, [])
        data_widths = np.array([len(rec) for rec in records], dtype=int)
    except csv.Error as err:
        raise InputError(file, f"cannot parse CSV ({err})") from None
    expected = len(header)
    if required:
        require_columns(pd.DataFrame(columns=[h.strip() for h in header]), required, file)
    if not len(data_widths):
        raise InputError(file, "no data rows (truncated file?)")
    off = np.nonzero(data_widths != expected)[0]
    if len(off):
        n = int(data_widths[off[0]])
        column = str(header[n]) if n < expected else None
        raise InputError(file, f"row has {n} of {expected} fields (truncated?)", row=int(off[0]) + 1, column=column)
    kwargs = {"header": None, "names": names} if names is not None else {}
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, skiprows=skiprows, on_bad_lines="error", **kwargs
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise InputError(file, f"cannot parse CSV ({err})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame


def to_number(series: pd.Series, file: str, column: str, rows: pd.Series | None = None) -> pd.Series:
    """Parse a numeric column (shares, totals, years); a non-numeric, non-empty value raises InputError."""
    text = series.astype("string").str.replace(",", "", regex=False).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    bad = numeric.isna() & text.notna() & (text != "") & ~text.str.upper().isin(["NA", "NAN", "NULL"])
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        row = int(rows.iloc[pos]) if rows is not None else pos + 1
        raise InputError(file, f"non-numeric value {text.iloc[pos]!r}", row=row, column=column)
    return numeric


def to_bool(series: pd.Series, file: str, column: str, rows: pd.Series, blank: object = None) -> pd.Series:
    """TRUE/FALSE text (any case) -> bool; '' -> `blank`; anything else raises InputError."""
    text = series.astype(str).str.strip().str.upper()
    known = text.isin(["TRUE", "FALSE", ""])
    if not known.all():
        pos = int((~known).to_numpy().nonzero()[0][0])
        raise InputError(
            file, f"expected TRUE/FALSE, found {series.iloc[pos]!r}", row=int(rows.iloc[pos]), column=column
        )
    return text.map({"TRUE": True, "FALSE": False, "": blank})


def general_election_date(year: int) -> str:
    """Federal general election day: the Tuesday after the first Monday in November (2 U.S.C. 7), ISO."""
    nov1 = dt.date(int(year), 11, 1)
    first_monday = nov1 + dt.timedelta(days=(7 - nov1.weekday()) % 7)
    return (first_monday + dt.timedelta(days=1)).isoformat()


def map_parties(labels: pd.Series, source: str) -> pd.Series:
    """canonical_party over the distinct labels only (fast on large files)."""
    lookup = {label: canonical_party(label, source=source) for label in labels.unique()}
    return pd.Series([lookup[label] for label in labels], index=labels.index, dtype=object)


def unmapped(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """(source, label, rows) for rows whose party label found no mapping."""
    missing = frame[frame["party"].isna()]
    counts = missing.groupby("party_raw").size().rename("rows").reset_index().rename(columns={"party_raw": "label"})
    counts.insert(0, "source", source)
    return counts[["source", "label", "rows"]].sort_values("rows", ascending=False, ignore_index=True)


# --------------------------------------------------------------------------- reader


def _districts(frame: pd.DataFrame) -> pd.Series:
    """MEDSL codes at-large (and DC's delegate) as district 0 -> 'AL'; numbers lose padding."""
    pairs = frame[["state_po", "district"]].drop_duplicates()
    lookup = {
        (s, d): canonical_district(s, "us_house", d, at_large=(d.strip() in {"0", "00"}))
        for s, d in pairs.itertuples(index=False)
    }
    return pd.Series([lookup[k] for k in zip(frame["state_po"], frame["district"], strict=True)], index=frame.index)


def _kinds(frame: pd.DataFrame, special: pd.Series, runoff: pd.Series) -> pd.Series:
    """general | runoff | special | special_runoff.

    stage PRI (60 rows) are the 1996 Texas court-ordered open specials held on general-election day
    (Bush v. Vera remedy): kind 'special'. Their December runoffs carry runoff=TRUE, special=FALSE,
    so a runoff in a district-year that also has special rows is a 'special_runoff'.
    """
    kind = pd.Series("general", index=frame.index, dtype=object)
    kind[special] = "special"
    key = frame["state_po"] + "|" + frame["district_c"] + "|" + frame["year"].astype(str)
    special_keys = set(key[special])
    is_runoff = runoff.fillna(False).astype(bool)
    kind[is_runoff] = np.where(key[is_runoff].isin(special_keys), "special_runoff", "runoff")
    return kind


def read(mirror: Path) -> SourceResult:
    """Read MEDSL House returns. Returns tables 'candidates', 'known_bad', 'reported_totals'.

    candidates: CANDIDATE_COLUMNS (docs/CONTRACT.md); votes = candidatevotes as published
    (placeholders 1/-1/0 kept; build_contests treats them as uncontested). Accounting rows that
    normalize.is_accounting_row knows (TOTAL, UNDERVOTES, WRITEIN, ...) pass through for the build
    to drop; other MEDSL pseudo-candidates are rejected here.
    known_bad: state_po, office, district, year, kind, reason (races the build marks 'unusable').
    reported_totals: state_po, office, district, year, kind, totalvotes (MEDSL's own race total,
    for cross-checks; it excludes blank/void in NY 2024 and is doubled in DC 2024).
    """
    path = Path(mirror) / FILE
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, REQUIRED)
    result = SourceResult(source=SOURCE, rows_read=len(raw))
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)

    frame = pd.DataFrame(index=raw.index)
    frame["source"] = SOURCE
    frame["source_file"] = file
    frame["source_row"] = rows
    frame["state_po"] = raw["state_po"].str.strip().str.upper()
    bad_state = ~frame["state_po"].str.fullmatch(r"[A-Z]{2}")
    if bad_state.any():
        pos = int(bad_state.to_numpy().nonzero()[0][0])
        raise InputError(file, f"bad state_po {raw['state_po'].iloc[pos]!r}", row=pos + 1, column="state_po")
    year = to_number(raw["year"], file, "year", rows)
    if year.isna().any():
        raise InputError(file, "missing year", row=int(rows[year.isna()].iloc[0]), column="year")
    frame["year"] = year.astype(int)
    empty_district = raw["district"].str.strip() == ""
    if empty_district.any():
        raise InputError(file, "empty district", row=int(rows[empty_district].iloc[0]), column="district")
    frame["district_c"] = _districts(raw.assign(state_po=frame["state_po"]))
    frame["office"] = "us_house"

    special = to_bool(raw["special"], file, "special", rows, blank=False).astype(bool)
    runoff = to_bool(raw["runoff"], file, "runoff", rows, blank=False).astype(bool)
    stage = raw["stage"].str.strip().str.upper()
    frame["kind"] = _kinds(frame, special | stage.eq("PRI"), runoff)

    # The general-election date is fixed by federal law. Not for runoffs (held later, date not in
    # the file) nor Louisiana 1978-1996, whose open primary in Sept/Oct elected most members.
    date_by_year = {y: general_election_date(y) for y in frame["year"].unique()}
    dated = frame["kind"].isin(["general", "special"]) & ~(
        frame["state_po"].eq("LA") & frame["year"].between(1978, 1996)
    )
    frame["election_date"] = frame["year"].map(date_by_year).astype(object).where(dated, None)
    frame["seats"] = 1
    # Stray escaped quotes (CONSTANT \"CONNER\" VLAKANCIC, SOURCES.md) would break name matching.
    frame["candidate"] = raw["candidate"].str.replace('\\"', '"', regex=False).map(fold_ws)
    frame["party_raw"] = raw["party"].str.replace('\\"', '"', regex=False).map(fold_ws).str.strip('"')
    frame["party"] = map_parties(frame["party_raw"], SOURCE)
    frame["votes"] = to_votes(raw["candidatevotes"], file, "candidatevotes", rows)
    frame["writein"] = to_bool(raw["writein"], file, "writein", rows, blank=False).astype(bool)
    frame["incumbent"] = None
    frame["won_reported"] = None
    frame["district"] = frame["district_c"]
    totalvotes = to_votes(raw["totalvotes"], file, "totalvotes", rows)

    unknown_stage = ~stage.isin(["GEN", "PRI"])
    result.reject(frame[unknown_stage], "unknown stage code (codebook: GEN or PRI)", column="stage")
    extra = frame["candidate"].str.upper().isin(EXTRA_ACCOUNTING) & ~unknown_stage
    result.reject(frame[extra], "ballot-accounting row", column="candidate")
    keep = ~unknown_stage & ~extra
    candidates = frame.loc[keep, CANDIDATE_COLUMNS].reset_index(drop=True)
    result.tables["candidates"] = candidates

    accounting = candidates["candidate"].map(is_accounting_row)
    result.unmapped_labels = unmapped(candidates[~accounting], SOURCE)

    totals = frame.loc[keep, ["state_po", "office", "district", "year", "kind"]].assign(totalvotes=totalvotes[keep])
    result.tables["reported_totals"] = totals.drop_duplicates(["state_po", "district", "year", "kind"]).reset_index(
        drop=True
    )
    result.tables["known_bad"] = _known_bad(candidates)
    result.notes.extend(_notes(raw, candidates, accounting))
    return result


def _known_bad(candidates: pd.DataFrame) -> pd.DataFrame:
    out = []
    for state_po, district, year, kind, reason in KNOWN_BAD:
        hit = candidates[
            (candidates["state_po"] == state_po) & (candidates["district"] == district) & (candidates["year"] == year)
        ]
        # ME-02 2022: only while the summed version is what the file holds (>1M for one candidate).
        if len(hit) and hit["votes"].max() > 1_000_000:
            out.append(
                {
                    "state_po": state_po,
                    "office": "us_house",
                    "district": district,
                    "year": year,
                    "kind": kind,
                    "reason": reason,
                }
            )
    return pd.DataFrame(out, columns=["state_po", "office", "district", "year", "kind", "reason"])


def _notes(raw: pd.DataFrame, candidates: pd.DataFrame, accounting: pd.Series) -> list[str]:
    kinds = candidates["kind"].value_counts().to_dict()
    blank_party = candidates[~accounting & candidates["party_raw"].eq("")]
    line_rows = blank_party[blank_party["candidate"].isin(["WORKING FAMILIES", "INDEPENDENT", "MODERATE"])]
    unofficial = int((raw["unofficial"].str.upper() == "TRUE").sum())
    return [
        f"medsl_house: {len(candidates)} candidate rows; kinds {kinds}.",
        "medsl_house: stage PRI rows (1996 TX court-ordered open specials, Bush v. Vera) loaded as kind "
        "'special'; their December runoffs (runoff=TRUE) as 'special_runoff'; LA-05 2002 December runoff as "
        "'runoff'. TX 2006 special=TRUE rows (LULAC v. Perry remedy; TX-22 unexpired term) are 'special' and "
        "overlap fte_specials' 2006 TX jungle-primary specials: de-duplicate by source.",
        "medsl_house: Louisiana November rows are the open (jungle) primary (1998-2006, 2012-2024); December "
        "runoffs are mostly missing, so a LA 'general' winner below 50% may not be the member elected. "
        "LA 1978-1996 rows are the Sept/Oct open primary: election_date left NULL.",
        "medsl_house: ME-02 2018 and 2024 rows are the final RCV round (2024 adds CONTINUING/EXHAUSTED BALLOTS "
        "rows); ME-02 2022 rounds are summed (listed in known_bad); AK 2022/2024 rows are first-round counts.",
        "medsl_house: DC 2024 has a pseudo-candidate TOTAL (328,404) passed through for the build to drop; "
        "its totalvotes (656,808) is double the real total.",
        f"medsl_house: {len(blank_party)} non-accounting rows have a blank party label (mostly named write-ins; "
        f"party NULL, listed as unmapped label ''). {len(line_rows)} of them (CT 2022/2024, NY-21 2022) carry a "
        "fusion line's name in the candidate column (WORKING FAMILIES, INDEPENDENT, MODERATE) with no candidate: "
        "kept as published, so those line votes are not credited to the fused candidate.",
        f"medsl_house: {unofficial} rows flagged unofficial=TRUE (2018), loaded as published.",
        'medsl_house: candidate names are upper case as in the Clerk report; escaped quotes (\\") unescaped; '
        "some 2022 names carry mojibake (e.g. 'TORI âNICKâ NICHOLSON'), kept.",
    ]
