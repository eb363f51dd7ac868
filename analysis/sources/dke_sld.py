"""Daily Kos Elections presidential results by state legislative district, 2016 and 2012, on the
2010s district lines (statelegislative/SOURCES.md section 5).

Source: statelegislative/dke_pres_by_sld_2012_2016/{ST}_{Lower|Upper}.csv (jacobwachspress/elections
at commit 78c13937, cleaned DKE numbers). 87 files, 47 states (no AK, AL, MS).

One table, 'presidential': Democratic and Republican nominee votes per district. Only the two
major candidates are published, so total_votes is None and margin is two-party:
100 * (D - R) / (D + R), points, positive = Democratic (margin_basis 'two_party'). These are
OLD lines (old_lines True): district numbers do not match the 2022+ districts of the same name.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.errors import InputError
from analysis.normalize import canonical_district, fold_ws
from analysis.sources.base import PRESIDENTIAL_COLUMNS, SourceResult, rel, require_columns, to_votes
from analysis.sources.medsl_precinct_2024 import diagnose_csv

SOURCE = "dke_sld"
FOLDER = "statelegislative/dke_pres_by_sld_2012_2016"
FILE_NAME = re.compile(r"^([A-Z]{2})_(Lower|Upper)\.csv$")
PRES_COLUMN = re.compile(r"^(?P<name>[A-Za-z.' -]+?)\s+(?P<year>\d{4})\s+President\s+(?P<party>[DR])$")
# Nominees decide the year when a header's year is wrong: UT_Upper labels Clinton/Trump '2012',
# yet its district sums are Utah's certified 2016 result (Clinton 310,676 / Trump 515,231), not
# 2012's (Obama 251,813 / Romney 740,600). (SOURCES.md guessed the reverse; the sums settle it.)
NOMINEE_YEAR = {("CLINTON", "D"): 2016, ("TRUMP", "R"): 2016, ("OBAMA", "D"): 2012, ("ROMNEY", "R"): 2012}
# One file serves both chambers where House districts are the Senate districts (2 or more
# representatives per legislative district): AZ, ID, ND, NJ, WA. NE is unicameral (state_senate).
SHARED_LINES = {"AZ", "ID", "ND", "NJ", "WA"}
LINES_YEAR = 2016
# NC districts are labelled '(2020)': the 2019 court-ordered remedial maps used in the 2020 election.
LINES_YEAR_BY_STATE = {"NC": 2020}
_PREFIX = re.compile(
    r"^[A-Z]{2}\s+(?:State\s+)?(?:House|Senate|Assembly|Legislature)\s*(?:\(\d{4}\))?\s*", re.IGNORECASE
)
_NAMED_NUMBERED = re.compile(r"^(?P<name>.*?[A-Za-z])\s+(?P<num>\d+(?:-\d+)?)$")

COLUMNS = PRESIDENTIAL_COLUMNS + ["old_lines", "source_file", "source_row"]


def read(mirror: Path) -> SourceResult:
    """All DKE files under the mirror -> SourceResult with table 'presidential' (two-party margins)."""
    result = SourceResult(SOURCE)
    folder = Path(mirror) / FOLDER
    paths = sorted(p for p in folder.glob("*.csv") if FILE_NAME.match(p.name))
    if not paths:
        raise InputError(rel(folder, mirror), "no {ST}_{Lower|Upper}.csv files found")
    frames = [read_file(path, mirror, result) for path in paths]
    table = pd.concat(frames, ignore_index=True)
    shared = sorted(SHARED_LINES & set(table.loc[table["office"] == "state_senate", "state_po"]))
    if shared:
        house = table[table["state_po"].isin(shared) & (table["office"] == "state_senate")].assign(office="state_house")
        table = pd.concat([table, house], ignore_index=True)
        result.notes.append(
            f"{SOURCE}: {', '.join(shared)} publish one 'Legislature' file; its rows are emitted for state_house "
            "too, because House members are elected from the same legislative districts"
        )
    result.tables["presidential"] = (
        table[COLUMNS].sort_values(["state_po", "office", "pres_year", "district"]).reset_index(drop=True)
    )
    return result


def read_file(path: Path, mirror: Path, result: SourceResult) -> pd.DataFrame:
    """One {ST}_{Lower|Upper}.csv -> presidential rows, one per district per election year."""
    file = rel(path, mirror)
    st, chamber = FILE_NAME.match(path.name).groups()
    raw = _read_csv(path, file)
    raw.columns = [fold_ws(c) for c in raw.columns]  # FL_Lower has ' Clinton 2016 ...' (leading space)
    require_columns(raw, ["STATE", "DISTRICT"], file)
    result.rows_read += len(raw)
    raw["source_row"] = range(1, len(raw) + 1)
    raw["source_file"] = file
    wrong_state = raw["STATE"].map(fold_ws).str.upper() != st
    if wrong_state.any():
        row = int(raw.loc[wrong_state, "source_row"].iloc[0])
        raise InputError(
            file, f"STATE {raw.loc[wrong_state, 'STATE'].iloc[0]!r} in a file named for {st}", row=row, column="STATE"
        )
    office = "state_senate" if chamber == "Upper" else "state_house"
    districts = raw["DISTRICT"].map(lambda text: dke_district(st, office, text))
    frames = []
    for year, (dem_col, rep_col) in _year_columns(raw.columns, file, result).items():
        dem = to_votes(raw[dem_col], file, dem_col, raw["source_row"])
        rep = to_votes(raw[rep_col], file, rep_col, raw["source_row"])
        missing = dem.isna() | rep.isna()
        if missing.any():
            result.reject(raw[missing], f"no {year} presidential votes", column=dem_col)
        frames.append(
            pd.DataFrame(
                {
                    "state_po": st,
                    "office": office,
                    "district": districts,
                    "pres_year": year,
                    "dem_votes": dem,
                    "rep_votes": rep,
                    "source_file": file,
                    "source_row": raw["source_row"],
                }
            )[~missing]
        )
    if not frames:
        raise InputError(file, f"no presidential columns ('<Name> <year> President D/R'); found {list(raw.columns)}")
    out = pd.concat(frames, ignore_index=True)
    duplicated = out.duplicated(["district", "pres_year"])
    if duplicated.any():
        row = int(out.loc[duplicated, "source_row"].iloc[0])
        raise InputError(
            file, f"district {out.loc[duplicated, 'district'].iloc[0]!r} appears twice", row=row, column="DISTRICT"
        )
    two_party = out["dem_votes"] + out["rep_votes"]
    out["margin"] = 100.0 * (out["dem_votes"] - out["rep_votes"]) / two_party.where(two_party > 0)
    out["total_votes"] = None
    out["margin_basis"] = "two_party"
    out["lines_year"] = LINES_YEAR_BY_STATE.get(st, LINES_YEAR)
    out["source"] = SOURCE
    out["old_lines"] = True
    if st == "NH" and office == "state_house":
        result.notes.append(
            f"{SOURCE}: NH House rows include floterial districts ('(F)' in the source); their votes overlap their "
            "base districts, so NH House district sums double-count (556,751 Clinton vs 348,526 statewide)"
        )
    if st in LINES_YEAR_BY_STATE:
        result.notes.append(
            f"{SOURCE}: {st} {office} districts are the {LINES_YEAR_BY_STATE[st]} lines (labelled in the source)"
        )
    return out


def _read_csv(path: Path, file: str) -> pd.DataFrame:
    """All-text frame; a short row, bad quoting or invalid UTF-8 raises InputError with row and column."""
    data = path.read_bytes()
    diagnose_csv(data, file)
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(file, f"malformed CSV: {exc}") from exc


def _year_columns(columns: list[str], file: str, result: SourceResult) -> dict[int, tuple[str, str]]:
    """{year: (D column, R column)} from headers like 'Clinton 2016 President D'.

    The nominee's name decides the year when the header's year disagrees (UT_Upper)."""
    found: dict[int, dict[str, str]] = {}
    for col in columns:
        m = PRES_COLUMN.match(col)
        if not m:
            continue
        labelled = int(m.group("year"))
        year = NOMINEE_YEAR.get((m.group("name").strip().upper(), m.group("party")), labelled)
        if year != labelled:
            result.notes.append(f"{SOURCE}: {file}: header {col!r} read as {year} (the nominee ran in {year})")
        slot = found.setdefault(year, {})
        if m.group("party") in slot:
            raise InputError(
                file,
                f"two {year} President {m.group('party')} columns: {slot[m.group('party')]!r}, {col!r}",
                column=col,
            )
        slot[m.group("party")] = col
    incomplete = {y: p for y, p in found.items() if set(p) != {"D", "R"}}
    if incomplete:
        year, parties = next(iter(incomplete.items()))
        raise InputError(
            file, f"{year} president has only {sorted(parties)} column(s)", column=next(iter(parties.values()))
        )
    return {year: (cols["D"], cols["R"]) for year, cols in sorted(found.items(), reverse=True)}


def dke_district(state_po: str, office: str, text: object) -> str:
    """'VA House 1' -> '1'; 'MD House 01A' -> '1A'; 'NH House Belknap 08 (F)' -> 'Belknap-8';
    'VT House Bennington 2-1' -> 'Bennington-2-1'; 'MA House 1st Barnstable' kept as '1st Barnstable'.

    Only the form is canonicalized: these are 2010s districts, so a name may not exist today.
    """
    name = _PREFIX.sub("", fold_ws(text))
    name = re.sub(r"\s*\(F\)$", "", name)  # NH floterial marker
    if state_po in ("NH", "VT"):
        m = _NAMED_NUMBERED.match(name)
        if m:
            number = "-".join(str(int(part)) for part in m.group("num").split("-"))
            return f"{m.group('name')}-{number}"
        return name
    return canonical_district(state_po, office, name)
