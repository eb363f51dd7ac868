"""analysis.exports: CSV with BOM and formula neutralization, Excel with numeric cells, GeoJSON."""

from __future__ import annotations

import csv
import io
import json

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import exports

FRAME = pd.DataFrame(
    {
        "state_po": ["XX", "XX", "YY"],
        "office": ["state_house", "state_house", "us_house"],
        "district": ["O'Neil-1", "-3", "AL"],
        "candidate": ['=HYPERLINK("http://evil","click")', "Peña Nieto", "@SUM(A1:A2)"],
        "reason": ["+1 seat", "\tTabbed", "plain"],
        "margin": [-3.25, 1.5, np.nan],
        "votes": pd.array([100, -1, None], dtype="Int64"),
        "won": [True, False, True],
    }
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("safe", "safe"),
        ("O'Neil", "O'Neil"),
        ("", ""),
        (" =not first", " =not first"),
        (-3.2, -3.2),
        (5, 5),
        (None, None),
    ],
)
def test_neutralize(value, expected):
    assert exports.neutralize(value) == expected


def test_csv_has_bom_neutralized_text_and_numeric_numbers():
    data = exports.to_csv_bytes(FRAME)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == list(FRAME.columns)
    assert rows[1][3] == '\'=HYPERLINK("http://evil","click")'
    assert rows[1][4] == "'+1 seat"
    assert rows[2][2] == "'-3"  # a TEXT district id starting with '-' is neutralized
    assert rows[2][3] == "Peña Nieto"
    assert rows[2][4] == "'\tTabbed"
    assert rows[3][3] == "'@SUM(A1:A2)"
    assert rows[1][5] == "-3.25" and rows[2][6] == "-1"  # numbers stay numbers, negative or not
    assert rows[3][5] == "" and rows[3][6] == ""
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back["margin"].tolist()[:2] == [-3.25, 1.5]
    assert back["votes"].tolist()[:2] == [100, -1]


def test_csv_of_empty_frame_keeps_header():
    data = exports.to_csv_bytes(FRAME.iloc[0:0])
    assert data.decode("utf-8-sig").strip() == ",".join(FRAME.columns)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=12), min_size=1, max_size=6))
def test_no_csv_text_cell_can_start_a_formula(texts):
    frame = pd.DataFrame({"text": texts, "number": np.arange(len(texts), dtype=float) - 2.5})
    rows = list(csv.reader(io.StringIO(exports.to_csv_bytes(frame).decode("utf-8-sig"), newline="")))
    for original, row in zip(texts, rows[1:], strict=True):
        cell = row[0]
        assert not cell.startswith(exports.FORMULA_PREFIXES)
        assert cell == ("'" + original if original.startswith(exports.FORMULA_PREFIXES) else original)
    assert [float(r[1]) for r in rows[1:]] == list(frame["number"])


def test_xlsx_numeric_columns_stay_numeric_and_text_is_never_a_formula():
    book = openpyxl.load_workbook(io.BytesIO(exports.to_xlsx_bytes(FRAME, "rankings")))
    sheet = book["rankings"]
    header = [c.value for c in sheet[1]]
    assert header == list(FRAME.columns)
    col = {name: i + 1 for i, name in enumerate(header)}
    margin = sheet.cell(row=2, column=col["margin"])
    assert margin.data_type == "n" and margin.value == -3.25
    assert sheet.cell(row=3, column=col["votes"]).value == -1
    assert sheet.cell(row=4, column=col["margin"]).value is None
    formula_like = sheet.cell(row=2, column=col["candidate"])
    assert formula_like.data_type == "s" and formula_like.value.startswith("'=")
    assert sheet.cell(row=3, column=col["candidate"]).value == "Peña Nieto"
    assert sheet.cell(row=2, column=col["won"]).value is True


def test_xlsx_drops_control_characters_and_writes_several_sheets():
    data = exports.to_xlsx_workbook({"a/b:c": pd.DataFrame({"x": ["bell\x07here"]}), "second": FRAME})
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["abc", "second"]
    assert book["abc"]["A2"].value == "bellhere"


def test_geojson_one_feature_per_row_in_order_with_nulls():
    square = {"type": "Polygon", "coordinates": [[[0, 0], [0, 1], [1, 1], [1, 0], [0, 0]]]}
    data = json.loads(exports.to_geojson_bytes(FRAME, {("XX", "state_house", "O'Neil-1"): square}))
    assert data["type"] == "FeatureCollection"
    assert [f["properties"]["district"] for f in data["features"]] == ["O'Neil-1", "-3", "AL"]
    assert data["features"][0]["geometry"] == square
    assert data["features"][1]["geometry"] is None  # no shape: kept, so the file holds exactly the view
    assert data["features"][2]["properties"]["margin"] is None  # NaN -> null (valid JSON)
    assert data["features"][2]["properties"]["votes"] is None
    assert data["features"][0]["properties"]["votes"] == 100
    assert data["features"][1]["properties"]["candidate"] == "Peña Nieto"
