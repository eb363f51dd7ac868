"""2024 presidential votes by state legislative district for VA, IA, DE, ME and CT, from
jdjohn215/special-elections-2025 (statelegislative/SOURCES.md section 6).

Source: statelegislative/pres2024_by_sld_jdjohn215/district-votes-pres2024.csv. NYT 2024 precinct
results assigned to TIGER 2023 districts by precinct point-on-surface (CT from the SoS report).
Columns state (lower-case name), house (lower/upper), district (zero-padded), harris, trump,
total_2024.

One table, 'presidential': dem_votes = Harris, rep_votes = Trump, total_votes = all presidential
votes; margin = 100 * (D - R) / total, points, positive = Democratic (margin_basis 'all_votes').
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analysis.config import REFERENCE_DIR
from analysis.errors import InputError
from analysis.normalize import canonical_district, fold_ws
from analysis.sources.base import PRESIDENTIAL_COLUMNS, SourceResult, rel, require_columns, to_votes
from analysis.sources.medsl_precinct_2024 import diagnose_csv

SOURCE = "jdjohn215"
FILE = "statelegislative/pres2024_by_sld_jdjohn215/district-votes-pres2024.csv"
OFFICES = {"lower": "state_house", "upper": "state_senate"}
# Used only when analysis/reference/states.csv is absent: the file's five states.
FALLBACK_STATES = {"virginia": "VA", "iowa": "IA", "delaware": "DE", "maine": "ME", "connecticut": "CT"}

COLUMNS = PRESIDENTIAL_COLUMNS + ["old_lines", "source_file", "source_row"]


def read(mirror: Path) -> SourceResult:
    """district-votes-pres2024.csv -> SourceResult with table 'presidential' (all-vote margins)."""
    result = SourceResult(SOURCE)
    path = Path(mirror) / FILE
    file = rel(path, mirror)
    raw = _read_csv(path, file)
    require_columns(raw, ["state", "house", "district", "harris", "trump", "total_2024"], file)
    result.rows_read = len(raw)
    raw["source_file"] = file
    raw["source_row"] = range(1, len(raw) + 1)

    state_po = raw["state"].map(lambda name: fold_ws(name).lower()).map(_state_codes())
    _fail_on_first(raw, state_po.isna(), file, "state", "unknown state name")
    office = raw["house"].map(lambda text: fold_ws(text).lower()).map(OFFICES)
    _fail_on_first(raw, office.isna(), file, "house", "house must be 'lower' or 'upper'")
    empty = raw["district"].map(fold_ws).eq("")
    _fail_on_first(raw, empty, file, "district", "empty district")

    out = pd.DataFrame(
        {
            "state_po": state_po,
            "office": office,
            "district": [
                canonical_district(s, o, d) for s, o, d in zip(state_po, office, raw["district"], strict=True)
            ],
            "dem_votes": to_votes(raw["harris"], file, "harris", raw["source_row"]),
            "rep_votes": to_votes(raw["trump"], file, "trump", raw["source_row"]),
            "total_votes": to_votes(raw["total_2024"], file, "total_2024", raw["source_row"]),
            "source_file": file,
            "source_row": raw["source_row"],
        }
    )
    missing = out[["dem_votes", "rep_votes", "total_votes"]].isna().any(axis=1)
    if missing.any():
        result.reject(out[missing], "missing vote count")
        out = out[~missing]
    short = out["dem_votes"] + out["rep_votes"] > out["total_votes"]
    _fail_on_first(out, short, file, "total_2024", "total_2024 is smaller than harris + trump")
    duplicated = out.duplicated(["state_po", "office", "district"])
    _fail_on_first(out, duplicated, file, "district", "district appears twice")

    out["margin"] = 100.0 * (out["dem_votes"] - out["rep_votes"]) / out["total_votes"].where(out["total_votes"] > 0)
    out["lines_year"] = 2024
    out["pres_year"] = 2024
    out["margin_basis"] = "all_votes"
    out["source"] = SOURCE
    out["old_lines"] = False
    result.tables["presidential"] = out[COLUMNS].reset_index(drop=True)
    # ME: 123 of 151 House and 34 of 35 Senate districts got a precinct centroid (SOURCES.md), yet
    # the ME district sums equal the statewide total: towns reported as one precinct (Portland...)
    # went whole to one district, which then carries several districts' votes. Flag such outliers.
    median = out.groupby(["state_po", "office"])["total_votes"].transform("median")
    outliers = out[out["total_votes"] > 3 * median]
    for (st, office), group in outliers.groupby(["state_po", "office"]):
        listed = ", ".join(f"{d} ({v:,.0f})" for d, v in zip(group["district"], group["total_votes"], strict=True))
        result.notes.append(
            f"{SOURCE}: {st} {office}: districts with over 3x the median presidential votes, probably holding "
            f"precincts of districts absent from the file: {listed}"
        )
    counts = out.groupby(["state_po", "office"]).size()
    result.notes.append(
        f"{SOURCE}: districts per chamber: " + ", ".join(f"{s} {o} {n}" for (s, o), n in counts.items())
    )
    return result


def _read_csv(path: Path, file: str) -> pd.DataFrame:
    """All-text frame; a short row, bad quoting or invalid UTF-8 raises InputError with row and column."""
    if not path.exists():
        raise InputError(file, "file not found in the mirror")
    data = path.read_bytes()
    diagnose_csv(data, file)
    try:
        return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(file, f"malformed CSV: {exc}") from exc


def _state_codes() -> dict[str, str]:
    """Lower-case state name -> postal code, from analysis/reference/states.csv when present."""
    path = REFERENCE_DIR / "states.csv"
    if not path.exists():
        return FALLBACK_STATES
    states = pd.read_csv(path, dtype=str, keep_default_na=False)
    return {
        fold_ws(name).lower(): code.strip().upper()
        for name, code in zip(states["name"], states["state_po"], strict=True)
    }


def _fail_on_first(frame: pd.DataFrame, bad: pd.Series, file: str, column: str, message: str) -> None:
    if bad.any():
        first = frame[bad.to_numpy()].iloc[0]
        value = first[column] if column in frame.columns else None
        raise InputError(file, f"{message}: {value!r}", row=int(first["source_row"]), column=column)
