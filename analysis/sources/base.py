"""What every source reader returns, and small helpers they share."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.errors import InputError

REJECT_COLUMNS = ["source", "source_file", "source_row", "column", "reason"]
# Every reader's 'presidential' table starts with these (margin: D minus R, points; margin_basis
# says two-party or all-vote); readers may add columns after them.
PRESIDENTIAL_COLUMNS = [
    "state_po",
    "office",
    "district",
    "lines_year",
    "pres_year",
    "dem_votes",
    "rep_votes",
    "total_votes",
    "margin",
    "margin_basis",
    "source",
]


@dataclass
class SourceResult:
    """A reader's output.

    tables: name -> DataFrame. Well-known names the build combines across sources:
      - 'candidates'   candidate rows (docs/CONTRACT.md)
      - 'presidential' state_po, office, district, lines_year, pres_year, dem_votes, rep_votes,
                       total_votes, margin, margin_basis ('two_party' | 'all_votes'), source
      - 'districts'    current districts: state_po, office, district, seats, holder_party,
                       holder_name, next_election, ... (MultiState)
      - 'plans'        state_po, office, first_year (first election on new lines), source
      - 'shapes'       state_po, office, district, plan, geojson (text), ...
    Any other name is loaded as table src_<source>_<name>.
    rejected: one row per input row not loaded, with the reason (REJECT_COLUMNS).
    unmapped_labels: party labels not in analysis/reference/party_map.csv, with counts.
    rows_read: data rows read from the raw files (header excluded).
    notes: free-text lines for the build report (gaps, disagreements, coverage).
    """

    source: str
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECT_COLUMNS))
    unmapped_labels: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["source", "label", "rows"]))
    rows_read: int = 0
    notes: list[str] = field(default_factory=list)

    def reject(self, frame: pd.DataFrame, reason: str, column: str | None = None) -> None:
        """Record rows of `frame` (which must carry source_file and source_row) as rejected."""
        if frame.empty:
            return
        rej = pd.DataFrame(
            {
                "source": self.source,
                "source_file": frame["source_file"].to_numpy(),
                "source_row": frame["source_row"].to_numpy(),
                "column": column,
                "reason": reason,
            }
        )
        self.rejected = pd.concat([self.rejected, rej], ignore_index=True) if len(self.rejected) else rej


def require_columns(frame: pd.DataFrame, columns: list[str], file: str) -> None:
    """Fail with a clear error naming the file and the missing column."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(file, f"missing column(s) {missing}; found {list(frame.columns)[:30]}", column=missing[0])


def to_votes(series: pd.Series, file: str, column: str, rows: pd.Series | None = None) -> pd.Series:
    """Parse vote counts; a non-numeric, non-empty value raises InputError naming file, row, column."""
    text = series.astype("string").str.replace(",", "", regex=False).str.strip()
    numeric = pd.to_numeric(text, errors="coerce")
    bad = numeric.isna() & text.notna() & (text != "") & ~text.str.upper().isin(["NA", "NAN", "NULL", "NONE"])
    if bad.any():
        pos = bad.to_numpy().nonzero()[0][0]
        row = int(rows.iloc[pos]) if rows is not None else int(pos) + 1
        raise InputError(file, f"non-numeric vote count {text.iloc[pos]!r}", row=row, column=column)
    return numeric


def rel(path: Path, mirror: Path) -> str:
    """Path relative to the mirror, for messages and the report."""
    try:
        return str(Path(path).relative_to(mirror))
    except ValueError:
        return str(path)
