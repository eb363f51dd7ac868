"""Downloads of exactly what a page shows: CSV (UTF-8 with BOM, formula-safe), Excel and GeoJSON.

Formula injection (OWASP "CSV Injection"): a spreadsheet treats a cell starting with = + - @ tab
or CR as a formula. A candidate name, a party label or a district name is free text from public
files, so every TEXT cell starting with one of those gets a leading apostrophe, which spreadsheet
programs show as plain text. Numeric columns are written as numbers (a negative margin stays
-3.2, not '-3.2).
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: Any) -> Any:
    """Prefix a text cell that a spreadsheet would read as a formula with an apostrophe; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_text_column(series: pd.Series) -> bool:
    return not (
        pd.api.types.is_numeric_dtype(series)
        or pd.api.types.is_bool_dtype(series)
        or pd.api.types.is_datetime64_any_dtype(series)
    )


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell neutralized; numeric, boolean and date columns untouched."""
    out = frame.copy()
    for col in out.columns:
        if _is_text_column(out[col]):
            out[col] = out[col].astype("object").map(neutralize)
    out.columns = [neutralize(str(c)) for c in out.columns]
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV in UTF-8 with a byte-order mark (so Excel reads accents right), formula-safe, no index."""
    return safe_frame(frame).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str = "data") -> bytes:
    """An .xlsx workbook with one sheet; numeric columns are numeric cells, text is formula-safe."""
    return to_xlsx_workbook({sheet_name: frame})


def to_xlsx_workbook(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An .xlsx workbook with one sheet per frame (sheet names cut to Excel's 31 characters).

    openpyxl stores a string starting with '=' as a formula, hence the same neutralization as CSV;
    it also refuses control characters, which are dropped.
    """
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for sheet_name, frame in sheets.items():
            out = safe_frame(frame)
            for col in out.columns:
                if _is_text_column(out[col]):
                    out[col] = out[col].map(lambda v: ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v)
            name = "".join(ch for ch in sheet_name if ch not in "[]:*?/\\")[:31] or "data"
            out.to_excel(writer, sheet_name=name, index=False)
    return buffer.getvalue()


def json_safe(value: Any) -> Any:
    """A value json.dumps accepts: numpy scalars -> Python, NaN/NA -> None."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, (pd.Timestamp,)):
        return value.isoformat()
    return value


def to_geojson_bytes(frame: pd.DataFrame, geometries: Mapping[tuple[str, str, str], dict | None]) -> bytes:
    """A FeatureCollection with one feature per row of `frame`, in order, its columns as properties.

    `geometries` maps (state_po, office, district) to a GeoJSON geometry (WGS84). A row without
    one keeps geometry null, so the file still holds exactly the rows of the view.
    """
    features = []
    for record in frame.to_dict(orient="records"):
        key = (record.get("state_po"), record.get("office"), record.get("district"))
        features.append(
            {
                "type": "Feature",
                "geometry": geometries.get(key),
                "properties": {str(k): json_safe(v) for k, v in record.items()},
            }
        )
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode("utf-8")
