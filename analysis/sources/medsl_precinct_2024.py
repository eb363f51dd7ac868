"""MIT Election Lab 2024 official precinct returns, 9 states -> state legislative results and
2024 presidential votes by state legislative district.

Source: statelegislative/medsl_2024_precinct/{st}24.zip (statelegislative/SOURCES.md section 2),
MEDSL/2024-elections-official at commit 7ec08dbd. One CSV member per zip; the member name differs
per state (FL's has no extension).

Three tables:
- 'candidates': STATE HOUSE / STATE SENATE general (and special) results summed from precincts to
  districts, one row per candidate per party line (docs/CONTRACT.md).
- 'presidential': US PRESIDENT votes summed over the precincts of each legislative district.
  Margin in points of ALL presidential votes (100 * (Harris - Trump) / total), positive = Democratic.
  A precinct's district comes from the legislative rows of the same precinct; a precinct split
  between districts has its presidential votes shared in proportion to its legislative ballots
  in each district (an estimate; counted in `split_precincts`).
- 'presidential_coverage': per state and chamber, statewide presidential votes (sum of precinct
  rows) and the share that could be placed in a district (Senate seats not up in 2024 and FL's
  omitted uncontested seats leave precincts unassignable).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from analysis.errors import InputError
from analysis.normalize import (
    CANDIDATE_COLUMNS,
    MAJOR,
    canonical_district,
    canonical_party,
    fold_ws,
    is_accounting_row,
    pick_mode_total,
)
from analysis.sources.base import PRESIDENTIAL_COLUMNS, SourceResult, rel, require_columns, to_votes

SOURCE = "medsl_precinct_2024"
FOLDER = "statelegislative/medsl_2024_precinct"
STATES = ("pa", "ga", "wi", "mi", "mn", "nh", "ks", "tx", "fl")
# Member names per SOURCES.md section 2; any other single-file zip is accepted too.
MEMBERS = {
    "pa": "cleaned/2024-pa-precinct-general.csv",
    "ga": "ga24.csv",
    "wi": "wi24_cleaned.csv",
    "mi": "mi24.csv",
    "mn": "mn24_cleaned.csv",
    "nh": "nh24.csv",
    "ks": "ks24.csv",
    "tx": "tx24.csv",
    "fl": "fl24",
}
COLUMNS = [
    "precinct",
    "office",
    "party_detailed",
    "mode",
    "votes",
    "county_fips",
    "jurisdiction_name",
    "jurisdiction_fips",
    "candidate",
    "district",
    "stage",
    "special",
    "writein",
    "state_po",
    "year",
    "date",
    "magnitude",
]
PRESIDENT = "US PRESIDENT"
LEGISLATIVE = {"STATE HOUSE": "state_house", "STATE SENATE": "state_senate"}
GENERAL_STAGES = ("GEN", "GEN RECOUNT")
RECOUNT = "GEN RECOUNT"
# KS publishes '*' for counts suppressed to protect ballot secrecy (256 rows statewide, 56 of them
# legislative, 8 presidential). They are "not published", not malformed.
SUPPRESSED = "*"

# MEDSL's `special` flag disagrees with the election held in two districts:
# - MN SD-45 on 2024-11-05 filled a vacancy (MN senators were elected in 2022 for 2023-2026);
#   MEDSL codes it special=FALSE, MultiState types it 'Special'.
# - TX HD-56 is coded special=TRUE, but its votes (Curry 56,195 / Shank 25,733) are the regular
#   general's (MultiState 'General'); the concurrent special (56,001 / 25,762) is not in the file.
KIND_OVERRIDES = {
    ("MN", "state_senate", "45"): "special",
    ("TX", "state_house", "56"): "general",
}

PRES_TABLE_COLUMNS = PRESIDENTIAL_COLUMNS + ["old_lines", "precincts", "split_precincts"]
COVERAGE_COLUMNS = [
    "state_po",
    "office",
    "pres_dem_votes",
    "pres_rep_votes",
    "pres_total_votes",
    "assigned_total_votes",
    "unassigned_pres_votes",
    "share_assigned",
    "precincts",
    "precincts_assigned",
    "districts",
]

_NH_HOUSE = re.compile(r"^([A-Za-z][A-Za-z .']*?)\s*-?\s*0*(\d+)$")
_TRUE = {"TRUE", "T", "1", "YES"}
_NOT_PUBLISHED = ["", "NA", "NAN", "NULL", "NONE"]


def read(mirror: Path, states: tuple[str, ...] = STATES) -> SourceResult:
    """Read the MEDSL 2024 precinct zips of `states` (lower-case postal codes).

    Returns SourceResult with tables 'candidates' (votes per candidate per district, summed from
    precincts), 'presidential' (Harris / Trump / all presidential votes per district; margin
    = 100 * (D - R) / all votes, points, positive = Democratic) and 'presidential_coverage'.
    """
    result = SourceResult(SOURCE)
    paths = [Path(mirror) / FOLDER / f"{st}24.zip" for st in states]
    # Decompression and Arrow parsing release the GIL: two states at a time on 2 cores.
    with ThreadPoolExecutor(max_workers=2) as pool:
        loaded = list(
            pool.map(
                lambda args: _load_state(*args), [(p, Path(mirror), st) for p, st in zip(paths, states, strict=True)]
            )
        )
    skipped = []
    for file, n_rows, _table, out_rows in loaded:
        result.rows_read += n_rows
        skipped += [(file, numbers, reason) for reason, numbers in out_rows.items() if len(numbers)]
    rows = _to_frame([t for _, _, t, _ in loaded])
    rows = _prepare(rows, result)
    legislative = rows[rows["office_c"].notna()]
    result.tables["candidates"] = candidates_from_precincts(legislative, result)
    result.tables["presidential"], result.tables["presidential_coverage"] = presidential_by_district(rows, result)
    _reject_row_numbers(result, skipped)  # last: one concat of the ~1.7 M out-of-scope rows
    return result


# --------------------------------------------------------------------------- reading


def _reject_row_numbers(result: SourceResult, parts: list[tuple[str, np.ndarray, str]]) -> None:
    """Record (file, row numbers, reason) rejects: the columns of SourceResult.reject, built from
    repeated object arrays (~1.7 M out-of-scope rows; text columns would be converted row by row)."""
    if not parts:
        return
    lengths = [len(numbers) for _, numbers, _ in parts]

    def repeated(values: list[object]) -> pd.Series:
        return pd.Series(np.repeat(np.asarray(values, dtype=object), lengths), dtype=object)

    frame = pd.DataFrame(
        {
            "source": repeated([SOURCE] * len(parts)),
            "source_file": repeated([file for file, _, _ in parts]),
            "source_row": np.concatenate([numbers for _, numbers, _ in parts]),
            "column": repeated([None] * len(parts)),
            "reason": repeated([reason for _, _, reason in parts]),
        }
    )
    old = result.rejected.astype({c: object for c in ("source", "source_file", "column", "reason")})
    result.rejected = pd.concat([old, frame], ignore_index=True) if len(old) else frame


def _load_state(path: Path, mirror: Path, st: str) -> tuple[str, int, pa.Table, dict[str, np.ndarray]]:
    """Parse one zip. Returns (file, rows read, in-scope rows as Arrow, {reason: rejected row numbers})."""
    file = rel(path, mirror)
    table = parse_csv(_read_member(path, file, st), file)
    row_no = np.arange(1, table.num_rows + 1)
    office = pc.utf8_upper(pc.utf8_trim_whitespace(table["office"]))
    stage = pc.utf8_upper(pc.utf8_trim_whitespace(table["stage"]))
    keep_office = pc.is_in(office, value_set=pa.array([PRESIDENT, *LEGISLATIVE])).to_numpy(zero_copy_only=False)
    keep_stage = pc.is_in(stage, value_set=pa.array(GENERAL_STAGES)).to_numpy(zero_copy_only=False)
    # Every row is loaded or rejected: offices other than president / state legislature are out
    # of this reader's scope (county, judicial, US House ... rows are ~75% of the files); GA has
    # 17 primary ('PRI') rows among its general-election rows.
    out_rows = {
        "office not used (only US PRESIDENT, STATE HOUSE, STATE SENATE)": row_no[~keep_office],
        "not a general-election row (stage not GEN)": row_no[keep_office & ~keep_stage],
    }
    keep = pa.array(keep_office & keep_stage)
    table = table.filter(keep)

    def trimmed(name: str) -> pa.ChunkedArray:
        return pc.utf8_trim_whitespace(table[name])

    state_po = pc.utf8_upper(trimmed("state_po"))
    # Precinct key: (state, county, jurisdiction, precinct). Names repeat across counties and
    # towns (precinct '1' exists in every FL county), so every part is needed.
    pk = pc.binary_join_element_wise(
        state_po,
        trimmed("county_fips"),
        trimmed("jurisdiction_fips"),
        trimmed("jurisdiction_name"),
        trimmed("precinct"),
        "|",
    )
    columns = {
        "state_po": state_po,
        "office": office.filter(keep),
        "stage": stage.filter(keep),
        "mode": pc.utf8_upper(trimmed("mode")),
        "pk": pk,
        "district": trimmed("district"),
        "candidate": table["candidate"],
        "party_detailed": table["party_detailed"],
        "special": pc.utf8_upper(trimmed("special")),
        "writein": pc.utf8_upper(trimmed("writein")),
        "year": trimmed("year"),
        "date": trimmed("date"),
        "suppressed": pc.equal(trimmed("votes"), SUPPRESSED),
        "votes": _counts(trimmed("votes"), table, row_no[keep_office & keep_stage], file, "votes"),
        "seats": _counts(trimmed("magnitude"), table, row_no[keep_office & keep_stage], file, "magnitude"),
        "source_file": pa.array([file] * table.num_rows, pa.string()),
        "source_row": pa.array(row_no[keep_office & keep_stage]),
    }
    return file, len(row_no), pa.table(columns), out_rows


def _to_frame(tables: list[pa.Table]) -> pd.DataFrame:
    """All states' in-scope rows as one DataFrame; text as categoricals so filters stay cheap."""
    return pa.concat_tables(tables).to_pandas(strings_to_categorical=True)


def _counts(text: pa.ChunkedArray, table: pa.Table, rows: np.ndarray, file: str, column: str) -> pa.ChunkedArray:
    """Vote counts / magnitudes as float64, parsed in Arrow (fast). Thousands separators are
    dropped; '', NA, NULL and the KS suppression mark '*' are not published (null). Anything
    else non-numeric raises InputError naming file, row and column (via base.to_votes)."""
    clean = pc.replace_substring(text, ",", "")
    missing = pc.or_(pc.is_in(pc.utf8_upper(clean), value_set=pa.array(_NOT_PUBLISHED)), pc.equal(clean, SUPPRESSED))
    clean = pc.if_else(missing, pa.scalar(None, pa.string()), clean)
    try:
        return pc.cast(clean, pa.float64())
    except pa.ArrowInvalid:
        to_votes(pd.Series(clean.to_pylist()), file, column, pd.Series(rows))
        raise InputError(file, "unparseable count", column=column) from None


def _read_member(path: Path, file: str, st: str) -> bytes:
    """The CSV member's bytes. A corrupt or truncated zip raises InputError."""
    if not path.exists():
        raise InputError(file, "file not found in the mirror")
    try:
        with zipfile.ZipFile(path) as zf:
            names = [n for n in zf.namelist() if not n.endswith("/")]
            member = MEMBERS.get(st)
            if member not in names:
                if len(names) != 1:
                    raise InputError(file, f"expected member {member!r} or a single file; found {names}")
                member = names[0]
            return zf.read(member)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise InputError(file, f"corrupt or truncated zip: {exc}") from exc


def parse_csv(data: bytes, file: str) -> pa.Table:
    """Parse MEDSL CSV bytes into an all-text Arrow table of COLUMNS (fast, multi-threaded).

    Empty fields stay '' (never null). On any parse failure the file is scanned row by row to name
    the bad row and column (wrong field count = truncated/malformed row; invalid UTF-8 = wrong
    encoding), raised as InputError.
    """
    header = _header(data, file)
    frame = pd.DataFrame(columns=header)
    require_columns(frame, COLUMNS, file)
    try:
        return pacsv.read_csv(
            pa.BufferReader(data),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                include_columns=COLUMNS,
                column_types={c: pa.string() for c in COLUMNS},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        diagnose_csv(data, file)
        raise InputError(file, f"unreadable CSV: {exc}") from exc


def _header(data: bytes, file: str) -> list[str]:
    first = data.split(b"\n", 1)[0].rstrip(b"\r")
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(file, "header is not UTF-8 (wrong encoding?)") from exc
    if not text.strip():
        raise InputError(file, "empty file (no header)")
    return [c.strip() for c in next(csv.reader([text]))]


def diagnose_csv(data: bytes, file: str) -> None:
    """Scan CSV bytes row by row and raise InputError at the first bad row: a field count that
    differs from the header's (truncated or malformed row) or invalid UTF-8 (wrong encoding),
    naming the 1-based data row and the column. Returns quietly when every row is sound.

    The MEDSL reader calls it only after a fast parse failed; the small DKE / jdjohn215 files are
    always scanned, since pandas pads a short row with NaN instead of failing.
    """
    header = _header(data, file)
    text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", errors="surrogateescape", newline="")
    reader = csv.reader(text)
    next(reader, None)
    row_no = 0
    try:
        for row_no, fields in enumerate(reader, start=1):
            if not fields:
                continue
            if len(fields) != len(header):
                column = header[len(fields)] if len(fields) < len(header) else None
                raise InputError(
                    file,
                    f"expected {len(header)} fields, found {len(fields)} (truncated or malformed row)",
                    row=row_no,
                    column=column,
                )
            for name, value in zip(header, fields, strict=True):
                if any("\udc80" <= ch <= "\udcff" for ch in value):
                    raise InputError(file, "invalid UTF-8 (wrong encoding?)", row=row_no, column=name)
    except csv.Error as exc:
        raise InputError(file, f"malformed CSV ({exc})", row=row_no + 1) from exc


# --------------------------------------------------------------------------- normalizing


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical (internal, for speed) -> plain text columns in returned tables."""
    frame = frame.copy()
    for col in frame.columns:
        if isinstance(frame[col].dtype, pd.CategoricalDtype):
            frame[col] = frame[col].astype(object).astype("str")
    return frame


def _truthy(series: pd.Series) -> pd.Series:
    # `special` / `writein` are FALSE/TRUE in most states but False/True in NH (SOURCES.md).
    return series.isin(_TRUE).astype(bool)


def _by_unique(series: pd.Series, func) -> pd.Series:
    """Apply a scalar function once per distinct value; text results come back categorical (cheap
    to filter and group), booleans as a bool column."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    mapped = [func(u) for u in uniques]
    if mapped and all(isinstance(v, bool) for v in mapped):
        return pd.Series(np.asarray(mapped, dtype=bool)[codes], index=series.index)
    out_codes, categories = pd.factorize(np.asarray(mapped, dtype=object))
    return pd.Series(pd.Categorical.from_codes(out_codes[codes], categories=categories), index=series.index)


def nh_house_district(raw: object) -> str:
    """MEDSL 'BELKNAP 001' -> 'Belknap-1', the form MultiState and the NH SoS use."""
    text = fold_ws(raw)
    m = _NH_HOUSE.match(text)
    if not m:
        return text
    return f"{m.group(1).strip().title()}-{int(m.group(2))}"


def _district(state_po: str, office: str, raw: str) -> str | None:
    if state_po == "NH" and office == "state_house":
        return nh_house_district(raw)
    try:
        return canonical_district(state_po, office, raw)
    except ValueError:
        return None


def _prepare(rows: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Typed, canonical columns; suppressed/accounting rows counted; recount-superseded rows rejected."""
    rows = rows.copy()
    suppressed = rows["suppressed"]
    if suppressed.any():
        counts = rows[suppressed].groupby(["state_po", "office"]).size()
        detail = ", ".join(f"{s} {o} {n}" for (s, o), n in counts.items())
        result.notes.append(
            f"{SOURCE}: {int(suppressed.sum())} in-scope precinct rows with suppressed votes '*' read as not published ({detail})"
        )
    # MI county canvasses add '{Statistical Adjustments} 9999' pseudo-precincts with negative
    # corrections (e.g. Harris -10); they are part of the certified totals, so they are kept.
    negative = rows["votes"] < 0
    if negative.any():
        counts = rows[negative].groupby(["state_po", "office"]).size()
        detail = ", ".join(f"{s} {o} {n}" for (s, o), n in counts.items())
        result.notes.append(f"{SOURCE}: {int(negative.sum())} negative canvass-adjustment rows kept in sums ({detail})")
    rows["office_c"] = rows["office"].map(LEGISLATIVE)
    rows["candidate"] = _by_unique(rows["candidate"], fold_ws)
    rows["accounting"] = _by_unique(rows["candidate"], is_accounting_row).astype(bool)
    rows["party_raw"] = _by_unique(rows["party_detailed"], fold_ws)
    rows["party"] = _by_unique(rows["party_raw"], lambda label: canonical_party(label, source=SOURCE))
    rows["special_flag"] = _truthy(rows["special"])
    rows["writein_flag"] = _truthy(rows["writein"])
    leg = rows["office_c"].notna().to_numpy()
    # One canonical_district call per distinct (state, office, raw district), spread back by group id.
    group = rows.groupby(["state_po", "office_c", "district"], observed=True, dropna=False, sort=False).ngroup()
    first = rows.loc[leg].groupby(group[leg], sort=False)[["state_po", "office_c", "district"]].first()
    canonical = pd.Series([_district(*key) for key in first.itertuples(index=False)], index=first.index, dtype=object)
    rows["district_c"] = pd.Categorical(group.map(canonical).where(leg, None))
    no_district = leg & rows["district_c"].isna().to_numpy()
    if no_district.any():
        bad = rows[no_district]
        result.reject(bad, "legislative row without a district", column="district")
        rows = rows[~no_district]
    rows = _drop_superseded_by_recount(rows, result)
    return _mode_rows(rows, ["state_po", "office", "district", "stage", "pk", "candidate", "party_raw"], result)


def _drop_superseded_by_recount(rows: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """NH carries both 'GEN' and 'GEN RECOUNT' rows for recounted House races (7 districts):
    the recount is the certified count, so a precinct's GEN rows of a recounted contest are
    replaced by its recount rows, never added to them."""
    key = ["state_po", "office", "district", "pk"]
    recount = rows["stage"].eq(RECOUNT)
    if not recount.any():
        return rows
    group = rows.groupby(key, observed=True, dropna=False, sort=False).ngroup().to_numpy()
    recount = recount.to_numpy(dtype=bool)
    superseded = np.isin(group, np.unique(group[recount])) & ~recount
    result.reject(rows[superseded], "superseded by recount (stage GEN RECOUNT)")
    contests = sorted(
        {
            f"{st} {office} {district}"
            for st, office, district in rows.loc[recount, ["state_po", "office_c", "district_c"]].itertuples(
                index=False
            )
        }
    )
    result.notes.append(
        f"{SOURCE}: recount rows replace election-night rows in {len(contests)} contests ({', '.join(contests)})"
    )
    return rows[~superseded]


def _kind(rows: pd.DataFrame, result: SourceResult) -> pd.Series:
    """'special' where MEDSL's special flag is TRUE/True, else 'general'; KIND_OVERRIDES win."""
    kind = pd.Series(np.where(rows["special_flag"], "special", "general"), index=rows.index, dtype=object)
    for (st, office, district), override in KIND_OVERRIDES.items():
        hit = (rows["state_po"] == st) & (rows["office_c"] == office) & (rows["district_c"] == district)
        if hit.any() and (kind[hit] != override).any():
            kind[hit] = override
            result.notes.append(
                f"{SOURCE}: {st} {office} {district} read as '{override}' against MEDSL's special flag (see KIND_OVERRIDES)"
            )
    return kind


def _mode_rows(rows: pd.DataFrame, keys: list[str], result: SourceResult) -> pd.DataFrame:
    """Rows that pick_mode_total keeps (TOTAL where a group has one, else the modes); the mode rows
    it drops are recorded as rejected. NH publishes ELECTION DAY/ABSENTEE only for BALLOTS CAST."""
    mode = rows["mode"]
    has_total = mode.eq("TOTAL").groupby([rows[k] for k in keys], dropna=False).transform("any")
    dropped = has_total & ~mode.eq("TOTAL")
    result.reject(rows[dropped], "vote-mode row superseded by the TOTAL row", column="mode")
    return rows[~dropped]


# --------------------------------------------------------------------------- candidates


def candidates_from_precincts(legislative: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Legislative precinct rows -> candidate rows per district (docs/CONTRACT.md).

    Votes are summed over precincts (vote modes via normalize.pick_mode_total, never both TOTAL and
    modes). Ballot-accounting rows (UNDERVOTES, OVERVOTES, aggregate WRITE-IN) are rejected.
    """
    if legislative.empty:
        return pd.DataFrame(columns=CANDIDATE_COLUMNS)
    leg = legislative.copy()
    result.reject(leg[leg["accounting"]], "ballot-accounting row", column="candidate")
    leg = leg[~leg["accounting"]].copy()
    leg["kind"] = _kind(leg, result)
    leg["seats"] = leg["seats"].fillna(1).astype(int)
    leg["election_date"] = leg["date"].astype(object).replace("", None)
    leg["year"] = (
        pd.to_numeric(leg["year"], errors="coerce")
        .fillna(pd.to_numeric(leg["date"].str[:4], errors="coerce"))
        .astype(int)
    )
    contest = ["state_po", "office_c", "district_c", "year", "kind", "election_date"]
    line = contest + ["candidate", "party_raw"]
    per_precinct = pick_mode_total(leg, line + ["pk"])
    votes = per_precinct.groupby(line, sort=False, dropna=False)["votes"].sum(min_count=1)
    meta = leg.groupby(line, sort=False, dropna=False).agg(
        source_file=("source_file", "first"),
        source_row=("source_row", "min"),
        seats=("seats", "max"),
        party=("party", "first"),
        writein=("writein_flag", "any"),
    )
    out = meta.join(votes).reset_index()
    out = out.rename(columns={"office_c": "office", "district_c": "district"})
    out["source"] = SOURCE
    out["incumbent"] = None
    out["won_reported"] = None
    out["seats"] = out.groupby(["state_po", "office", "district", "year", "kind"])["seats"].transform("max")
    out = _resolve_cross_filed(out, leg, result)
    _collect_unmapped(out, leg, result)
    out = out.sort_values(
        ["state_po", "office", "district", "kind", "votes"], ascending=[True, True, True, True, False]
    )
    return _plain(out[CANDIDATE_COLUMNS].reset_index(drop=True))


def combined_label_party(label: str) -> str | None:
    """Party of a combined line such as NH 'INDEPENDENT/DEMOCRAT': the one major party among its
    parts (the fusion rule of normalize.major_of_lines). None when both or neither are major
    (PA 'DEMOCRATIC / REPUBLICAN' cross-filing says nothing about the candidate's own party)."""
    parts = {canonical_party(part, source=SOURCE) for part in str(label).split("/")}
    majors = parts & set(MAJOR)
    return majors.pop() if len(majors) == 1 else None


def _resolve_cross_filed(out: pd.DataFrame, leg: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Combined party lines. PA cross-filed candidates are published as one line
    'DEMOCRATIC / REPUBLICAN' (party_simplified OTHER); credit the candidate's own major party
    only when another row of the same candidate (same state and name) shows it, else party stays
    None and the label is reported. NH 'INDEPENDENT/DEMOCRAT' / 'INDEPENDENT/REPUBLICAN' lines
    carry one major party and are credited to it. party_raw keeps the label as published."""
    cross = out["party"].isna() & out["party_raw"].str.contains("/", regex=False)
    if not cross.any():
        return out
    names = set(out.loc[cross, "candidate"])
    others = leg[leg["candidate"].isin(names) & leg["party"].isin(MAJOR)]
    for idx in out.index[cross]:
        r = out.loc[idx]
        same = others[(others["state_po"] == r["state_po"]) & (others["candidate"] == r["candidate"])]
        parties = sorted(set(same["party"]))
        single = combined_label_party(r["party_raw"])
        if single:
            out.loc[idx, "party"] = single
            how = f"credited {single}, the only major party on the line"
        elif len(parties) == 1:
            out.loc[idx, "party"] = parties[0]
            how = f"credited {parties[0]} from another row of the same candidate"
        else:
            how = "no other row shows the candidate's own party; party left empty"
        result.notes.append(
            f"{SOURCE}: combined party line {r['state_po']} {r['office']} {r['district']} {r['candidate']} "
            f"'{r['party_raw']}' {r['votes']:,.0f} votes: {how}"
        )
    return out


def _collect_unmapped(out: pd.DataFrame, leg: pd.DataFrame, result: SourceResult) -> None:
    """Labels of named candidates with no canonical party, counted in input (precinct) rows."""
    unresolved = out.loc[out["party"].isna(), ["state_po", "candidate", "party_raw"]]
    if unresolved.empty:
        return
    hit = leg.merge(unresolved.drop_duplicates(), on=["state_po", "candidate", "party_raw"])
    counts = hit.groupby("party_raw").size().rename("rows").reset_index().rename(columns={"party_raw": "label"})
    counts.insert(0, "source", SOURCE)
    result.unmapped_labels = (
        pd.concat([result.unmapped_labels, counts], ignore_index=True) if len(result.unmapped_labels) else counts
    )
    blank = unresolved[unresolved["party_raw"].eq("")]
    if len(blank):
        names = ", ".join(
            sorted(f"{st} {name}" for st, name in zip(blank["state_po"], blank["candidate"], strict=True))
        )
        result.notes.append(f"{SOURCE}: candidates published with no party label (party None): {names}")


# --------------------------------------------------------------------------- presidential


def presidential_by_district(rows: pd.DataFrame, result: SourceResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """2024 presidential votes per state legislative district, derived precinct -> district.

    For each precinct (state, county, jurisdiction, precinct) the districts of a chamber are those
    with positive legislative votes there (KS lists every district of the county with 0 votes in
    each precinct). A precinct in one district gives it all its presidential votes; a precinct split
    between districts gives each a share equal to that district's share of the precinct's legislative
    ballots (candidate + accounting rows). NH House floterial districts overlay whole towns, so an NH
    precinct counts in full for its base district and for its floterial.
    Precincts without a legislative row of the chamber (uncontested seats omitted in FL, Senate seats
    not up in 2024) cannot be assigned; their votes are reported in notes, and those districts are absent.
    dem_votes = Harris, rep_votes = Trump, total_votes = all presidential candidates (accounting rows
    such as UNDERVOTES, OVERVOTES and the aggregate WRITE-IN line excluded);
    margin = 100 * (D - R) / total, points, positive = Democratic (margin_basis 'all_votes').
    """
    pres = rows[(rows["office"] == PRESIDENT)]
    result.reject(pres[pres["accounting"]], "ballot-accounting row", column="candidate")
    pres = pres[~pres["accounting"]]
    if pres.empty:
        return pd.DataFrame(columns=PRES_TABLE_COLUMNS), pd.DataFrame(columns=COVERAGE_COLUMNS)
    _check_major_candidates(pres, result)
    # party_raw ('' when blank), not party (None when unmapped): pick_mode_total groups without
    # dropna=False, so a None key would drop out of its TOTAL test.
    line = ["state_po", "pk", "candidate", "party_raw"]
    per_line = pick_mode_total(pres, line)
    per_line["party"] = _by_unique(per_line["party_raw"], lambda label: canonical_party(label, source=SOURCE))
    per_line["dem"] = per_line["votes"].where(per_line["party"] == "DEM", 0.0)
    per_line["rep"] = per_line["votes"].where(per_line["party"] == "REP", 0.0)
    precinct = per_line.groupby(["state_po", "pk"], sort=False)[["dem", "rep", "votes"]].sum().reset_index()

    leg = rows[rows["office_c"].notna()]
    # The largest contest per precinct-district when both a regular and a special one are on the
    # ballot there, so one district is not weighted twice.
    by_contest = leg.groupby(["state_po", "office_c", "pk", "district_c", "special_flag"], sort=False)["votes"].sum()
    weight = by_contest.groupby(level=[0, 1, 2, 3], sort=False).max().rename("weight").reset_index()
    weight = weight[weight["weight"] > 0]
    n_districts = weight.groupby(["state_po", "office_c", "pk"])["district_c"].transform("size")
    overlay = weight["state_po"].eq("NH") & weight["office_c"].eq("state_house")
    weight["share"] = np.where(
        overlay, 1.0, weight["weight"] / weight.groupby(["state_po", "office_c", "pk"])["weight"].transform("sum")
    )
    weight["split"] = (n_districts > 1) & ~overlay

    joined = weight.merge(precinct, on=["state_po", "pk"], how="inner")
    for col in ("dem", "rep", "votes"):
        joined[col] = joined[col] * joined["share"]
    out = (
        joined.groupby(["state_po", "office_c", "district_c"], sort=True)
        .agg(
            dem_votes=("dem", "sum"),
            rep_votes=("rep", "sum"),
            total_votes=("votes", "sum"),
            precincts=("pk", "size"),
            split_precincts=("split", "sum"),
        )
        .reset_index()
        .rename(columns={"office_c": "office", "district_c": "district"})
    )
    for col in ("dem_votes", "rep_votes", "total_votes"):
        out[col] = out[col].round(2)
    out["lines_year"] = 2024
    out["pres_year"] = 2024
    out["margin"] = 100.0 * (out["dem_votes"] - out["rep_votes"]) / out["total_votes"].where(out["total_votes"] > 0)
    out["margin_basis"] = "all_votes"
    out["source"] = SOURCE
    out["old_lines"] = False
    out["split_precincts"] = out["split_precincts"].astype(int)
    coverage = _coverage(precinct, weight, result)
    return _plain(out[PRES_TABLE_COLUMNS]), coverage


def _check_major_candidates(pres: pd.DataFrame, result: SourceResult) -> None:
    """dem/rep come from the party label; say so if a state has other than one D and one R nominee."""
    for party in MAJOR:
        names = pres[pres["party"] == party].groupby("state_po")["candidate"].unique()
        for st, cands in names.items():
            if len(cands) != 1:
                result.notes.append(f"{SOURCE}: {st} has {len(cands)} {party} presidential lines: {list(cands)}")


def _coverage(precinct: pd.DataFrame, weight: pd.DataFrame, result: SourceResult) -> pd.DataFrame:
    """Per state and chamber: statewide presidential votes (sum of precincts, accounting rows
    excluded) and the share that could be placed in a district. Also written to notes."""
    records = []
    for st, pres_st in precinct.groupby("state_po", observed=True):
        total = float(pres_st["votes"].sum())
        for office in ("state_house", "state_senate"):
            chamber = weight[(weight["state_po"] == st) & (weight["office_c"] == office)]
            assigned = pres_st["pk"].isin(chamber["pk"].unique())
            votes_in = float(pres_st.loc[assigned, "votes"].sum())
            records.append(
                {
                    "state_po": st,
                    "office": office,
                    "pres_dem_votes": float(pres_st["dem"].sum()),
                    "pres_rep_votes": float(pres_st["rep"].sum()),
                    "pres_total_votes": total,
                    "assigned_total_votes": votes_in,
                    "unassigned_pres_votes": total - votes_in,
                    "share_assigned": votes_in / total if total else None,
                    "precincts": len(pres_st),
                    "precincts_assigned": int(assigned.sum()),
                    "districts": int(chamber["district_c"].nunique()),
                }
            )
            if chamber.empty:
                result.notes.append(f"{SOURCE}: {st} {office}: no 2024 contests in the file, so no presidential rows")
            else:
                result.notes.append(
                    f"{SOURCE}: {st} {office}: {votes_in / total:.1%} of presidential votes assigned "
                    f"({int(assigned.sum())} of {len(pres_st)} precincts); unassigned_pres_votes={total - votes_in:,.0f}"
                )
    return pd.DataFrame.from_records(records, columns=COVERAGE_COLUMNS)
