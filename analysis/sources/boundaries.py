"""District boundaries for the maps: Census congressional districts and TIGER 2024 legislative districts.

Inputs (read-only mirror; congress/SOURCES.md section 3, statelegislative/SOURCES.md section 1b):
- congress/boundaries/cb_2024_us_cd119_20m.json   119th Congress (2024 lines), GeoJSON, WGS84
- congress/boundaries/cb_2023_us_cd118_20m.zip    118th Congress (2022 lines), Census zip, NAD83
- congress/boundaries/cb_2018_us_cd116_20m.zip    116th Congress (2018 lines), Census zip, NAD83
- statelegislative/multistate_elections/geo/{ST}_{lower|upper}.json[.gz]  99 chambers, TIGER 2024

Output: SourceResult('boundaries') with
- tables['shapes']: one row per district per plan, columns SHAPE_COLUMNS (see `read`);
- tables['shape_match']: `match_rate` of the legislative shapes against the MultiState district
  list (statelegislative/multistate_elections/districts/*.json.gz), when that list is present.

Simplification (analysis.geo, coverage simplification in degrees, 4 decimals): national House
layers 0.005, state chambers 0.002. Measured on the mirror with properties state_po, district,
name: 119th national map 568,138 bytes of GeoJSON (118th 561,203; 116th 570,313; limit 1.5 MB);
largest chamber TX House 637,761 bytes, then GA House 557,380 (limit 1 MB). The whole read takes
about 11 s of CPU (GDAL parsing ~3.5 s, coverage simplification ~2.5 s), 6-8 s wall on 2 cores.
"""

from __future__ import annotations

import gzip
import json
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio

from analysis import geo
from analysis.config import REFERENCE_DIR
from analysis.errors import InputError
from analysis.normalize import canonical_district, fold_ws
from analysis.sources.base import SourceResult, rel, require_columns

SOURCE = "boundaries"
WORKERS = 2

SHAPE_COLUMNS = [
    "source",
    "source_file",
    "source_row",
    "state_po",
    "office",
    "district",
    "join_district",
    "raw_code",
    "geoid",
    "plan_label",
    "lines_year",
    "name",
    "aland",
    "awater",
    "centroid_lon",
    "centroid_lat",
    "geojson",
]

# (file, district-code column, plan label, lines_year). lines_year is the general election that
# elected that Congress on these lines (2018 -> 116th, 2022 -> 118th, 2024 -> 119th). A state's
# lines can be older: most 119th districts were first used in 2022; only AL, GA, LA, NC and NY
# changed for 2024 (congress/SOURCES.md section 3).
HOUSE_PLANS = [
    ("congress/boundaries/cb_2024_us_cd119_20m.json", "CD119FP", "119th", 2024),
    ("congress/boundaries/cb_2023_us_cd118_20m.zip", "CD118FP", "118th", 2022),
    ("congress/boundaries/cb_2018_us_cd116_20m.zip", "CD116FP", "116th", 2018),
]
SLD_DIR = "statelegislative/multistate_elections/geo"
MULTISTATE_DISTRICTS_DIR = "statelegislative/multistate_elections/districts"
SLD_PLAN = "2024"
# TIGER vintage: every feature carries LSY = 2024 (SOURCES.md 1b). These are the current lines,
# first used in 2022 in most states (2023 in VA, NJ, LA, MS; WI redrew for 2024), so 2024 is the
# vintage, not the first election on these lines.
SLD_LINES_YEAR = 2024

# Census codes: CDxxxFP '00' = at-large seat, '98' = DC delegate / PR resident commissioner.
NON_VOTING_CODE = "98"
# TIGER placeholder for water / unassigned area (10 files, SOURCES.md 1b); not a district.
PLACEHOLDER_CODE = "ZZZ"

# Fallback when analysis/reference/states.csv (name,state_po,fips) is not there.
FIPS_TO_POSTAL = {
    "01": "AL",
    "02": "AK",
    "04": "AZ",
    "05": "AR",
    "06": "CA",
    "08": "CO",
    "09": "CT",
    "10": "DE",
    "11": "DC",
    "12": "FL",
    "13": "GA",
    "15": "HI",
    "16": "ID",
    "17": "IL",
    "18": "IN",
    "19": "IA",
    "20": "KS",
    "21": "KY",
    "22": "LA",
    "23": "ME",
    "24": "MD",
    "25": "MA",
    "26": "MI",
    "27": "MN",
    "28": "MS",
    "29": "MO",
    "30": "MT",
    "31": "NE",
    "32": "NV",
    "33": "NH",
    "34": "NJ",
    "35": "NM",
    "36": "NY",
    "37": "NC",
    "38": "ND",
    "39": "OH",
    "40": "OK",
    "41": "OR",
    "42": "PA",
    "44": "RI",
    "45": "SC",
    "46": "SD",
    "47": "TN",
    "48": "TX",
    "49": "UT",
    "50": "VT",
    "51": "VA",
    "53": "WA",
    "54": "WV",
    "55": "WI",
    "56": "WY",
    "60": "AS",
    "66": "GU",
    "69": "MP",
    "72": "PR",
    "78": "VI",
}

# MultiState chamber names -> office. Nebraska's unicameral ("Legislature") is state_senate.
CHAMBER_OFFICE = {
    "House": "state_house",
    "Assembly": "state_house",
    "House of Delegates": "state_house",
    "Senate": "state_senate",
    "Legislature": "state_senate",
}
FILE_OFFICE = {"lower": "state_house", "upper": "state_senate"}

# Chambers whose districts are named, not numbered (SOURCES.md 1a/1b): ids come from NAMELSAD.
NAMED_CHAMBERS = {
    ("NH", "state_house"),
    ("VT", "state_house"),
    ("VT", "state_senate"),
    ("MA", "state_house"),
    ("MA", "state_senate"),
}

# Census districts that MultiState files as seats of one larger district. VT 2022 Senate plan:
# Essex (1 seat) and Orleans (1 seat) are separate Census districts; MultiState still lists one
# two-seat "Essex-Orleans" whose holders are the Essex and Orleans senators.
MULTISTATE_PARENT = {
    ("VT", "state_senate", "Essex"): "Essex-Orleans",
    ("VT", "state_senate", "Orleans"): "Essex-Orleans",
}

_ORDINAL_WORDS = {
    "first": "1st",
    "second": "2nd",
    "third": "3rd",
    "fourth": "4th",
    "fifth": "5th",
    "sixth": "6th",
    "seventh": "7th",
    "eighth": "8th",
    "ninth": "9th",
    "tenth": "10th",
}
_KEY_STOPWORDS = {"and", "district", "senatorial", "state", "house", "of", "the"}


# --------------------------------------------------------------------------- reference


def state_postal_by_fips() -> dict[str, str]:
    """Two-digit state FIPS -> postal code, from analysis/reference/states.csv when present."""
    path = REFERENCE_DIR / "states.csv"
    if path.exists():
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
        if {"state_po", "fips"} <= set(table.columns):
            mapping = dict(zip(table["fips"].str.zfill(2), table["state_po"].str.upper(), strict=True))
            return {**FIPS_TO_POSTAL, **mapping}
    return dict(FIPS_TO_POSTAL)


# --------------------------------------------------------------------------- district names


def match_key(name: object) -> str:
    """Spelling-insensitive key for named districts.

    Census and MultiState spell the same district differently ('First Middlesex District' vs
    '1st Middlesex'; 'Berkshire-Hampden-Franklin-Hampshire District' vs 'Berkshire, Hampden,
    Franklin, and Hampshire'; 'Chittenden South East' vs 'Chittenden-Southeast'). The key is the
    lower-cased words with ordinals as '1st', without 'and'/'district'/..., joined without spaces.
    """
    words = re.findall(r"[a-z0-9]+", str(name).lower())
    words = [_ORDINAL_WORDS.get(w, w) for w in words if w not in _KEY_STOPWORDS]
    return "".join(words)


def name_from_namelsad(state_po: str, office: str, namelsad: str) -> str | None:
    """District name for named chambers, from the Census NAMELSAD; None for numbered chambers.

    NH House 'State House District Hillsborough 13' -> 'Hillsborough-13' (MultiState style);
    VT 'Chittenden-13 State House District' -> 'Chittenden-13', 'Addison Senatorial District' ->
    'Addison'; MA '3rd Barnstable District' -> '3rd Barnstable', 'First Middlesex District' ->
    '1st Middlesex'.
    """
    if (state_po, office) not in NAMED_CHAMBERS:
        return None
    text = re.sub(r"\s+", " ", str(namelsad)).strip()
    if state_po == "NH":
        m = re.fullmatch(r"State House District (.+?) 0*(\d+)", text)
        return f"{m.group(1)}-{m.group(2)}" if m else text
    text = re.sub(r"\s+(State House District|Senatorial District|District)$", "", text)
    words = text.split(" ")
    if words and words[0].lower() in _ORDINAL_WORDS:
        words[0] = _ORDINAL_WORDS[words[0].lower()]
    return " ".join(words)


def sld_district(state_po: str, office: str, raw: str) -> str:
    """Canonical legislative district id; named districts (NH House, VT, MA) keep their name.

    Names are only whitespace-folded, not passed through normalize.canonical_district: its prefix
    rule strips 'Ad' from VT 'Addison-1' ('dison-1'). analysis/sources/multistate.py keeps names
    the same way, so the two tables join. Numbers and lettered ids go through canonical_district.
    """
    if (state_po, office) in NAMED_CHAMBERS and not raw[:1].isdigit():
        return fold_ws(raw)
    return canonical_district(state_po, office, raw)


# --------------------------------------------------------------------------- MultiState keys


def multistate_district_keys(mirror: Path) -> pd.DataFrame:
    """Current MultiState districts with canonical ids (statelegislative/SOURCES.md 1a).

    Columns: state_po, office, district (canonical), district_number (as published),
    district_name, num_seats, is_floterial (bool), eliminated (bool). Key rules from SOURCES.md:
    MA's district_number is an alphabetical index, the real name is district_name; MN House key n
    is district (n+1)//2 plus 'A' (odd n) or 'B' (even n); AK Senate 1..20 are letters A..T.
    Empty frame when the districts folder is absent.
    """
    folder = Path(mirror) / MULTISTATE_DISTRICTS_DIR
    paths = _prefer_plain(sorted(folder.glob("*.json.gz")) + sorted(folder.glob("*.json")))
    records = []
    for path in paths:
        state_po = path.name.split(".")[0].upper()
        try:
            opener = gzip.open if path.name.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as handle:
                doc = json.load(handle)
        except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(rel(path, mirror), f"cannot read MultiState districts JSON: {exc}") from exc
        for item in doc.get("districts", []):
            office = CHAMBER_OFFICE.get(item.get("chamber"))
            if office is None:
                raise InputError(rel(path, mirror), f"unknown chamber {item.get('chamber')!r}", column="chamber")
            records.append(
                {
                    "state_po": state_po,
                    "office": office,
                    "district_number": str(item.get("district_number")),
                    "district_name": item.get("district_name"),
                    "num_seats": item.get("num_seats"),
                    "is_floterial": bool(item.get("is_floterial")),
                    "eliminated": bool(item.get("eliminated")),
                }
            )
    cols = [
        "state_po",
        "office",
        "district",
        "district_number",
        "district_name",
        "num_seats",
        "is_floterial",
        "eliminated",
    ]
    if not records:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame.from_records(records)
    frame["district"] = [
        sld_district(s, o, _multistate_raw_id(s, o, num, name))
        for s, o, num, name in zip(
            frame["state_po"], frame["office"], frame["district_number"], frame["district_name"], strict=True
        )
    ]
    return frame[cols]


def _multistate_raw_id(state_po: str, office: str, number: str, name: object) -> str:
    if state_po == "MA" and name:
        return str(name)
    if state_po == "MN" and office == "state_house" and number.isdigit():
        n = int(number)
        return f"{(n + 1) // 2}{'A' if n % 2 else 'B'}"
    if state_po == "AK" and office == "state_senate" and number.isdigit() and 1 <= int(number) <= 26:
        return chr(ord("A") + int(number) - 1)
    return number


# --------------------------------------------------------------------------- match rate


def match_rate(shapes: pd.DataFrame, districts: pd.DataFrame) -> pd.DataFrame:
    """Per chamber, how many MultiState districts have a polygon, and which do not.

    `shapes`: rows of tables['shapes'] (state legislative offices are used); joined on
    join_district when present, else district. `districts`: state_po, office, district, with
    optional is_floterial / eliminated flags. Eliminated rows are ignored. Floterial districts
    without a polygon (TIGER has none, SOURCES.md 1b) are counted apart in n_floterial and left
    out of the rate; a flagged district that has a polygon counts as an ordinary district.
    Columns: state_po, office, n_shapes, n_districts (all current districts), n_floterial,
    matched, rate (matched / (n_districts - n_floterial), 0..1), shapes_unmatched (shapes whose
    district is not in the list), unmatched (up to 5 examples each side).
    """
    sld = shapes[shapes["office"].isin(["state_house", "state_senate"])]
    key_col = "join_district" if "join_district" in sld.columns else "district"
    ds = districts
    if "eliminated" in ds.columns:
        ds = ds[~ds["eliminated"].fillna(False).astype(bool)]
    floterial = (
        ds["is_floterial"].fillna(False).astype(bool)
        if "is_floterial" in ds.columns
        else pd.Series(False, index=ds.index)
    )
    shape_keys = {k: list(g.astype(str)) for k, g in sld.groupby(["state_po", "office"])[key_col]}
    district_sets = {
        k: (
            set(g.loc[~g["_flot"], "district"].astype(str)),
            set(g.loc[g["_flot"], "district"].astype(str)),
            g["district"].nunique(),
        )
        for k, g in ds.assign(_flot=floterial.to_numpy()).groupby(["state_po", "office"])
    }
    rows = []
    for state_po, office in sorted(set(shape_keys) | set(district_sets)):
        shape_list = shape_keys.get((state_po, office), [])
        ordinary, flagged, n_districts = district_sets.get((state_po, office), (set(), set(), 0))
        have = set(shape_list)
        # A district flagged floterial that does have a polygon is a base district after all
        # (MultiState flags NH Cheshire-14 and Grafton-16; nh_floterial_map.json lists both as bases).
        wanted = ordinary | (flagged & have)
        flot = flagged - have
        missing = sorted(wanted - have, key=_natural)
        extra = sorted(have - wanted, key=_natural)
        extra_set = set(extra)
        examples = []
        if missing:
            examples.append("no shape: " + ", ".join(missing[:5]))
        if extra:
            examples.append("no district: " + ", ".join(extra[:5]))
        rows.append(
            {
                "state_po": state_po,
                "office": office,
                "n_shapes": len(shape_list),
                "n_districts": n_districts,
                "n_floterial": len(flot),
                "matched": len(wanted & have),
                "rate": (len(wanted & have) / len(wanted)) if wanted else float("nan"),
                "shapes_unmatched": sum(key in extra_set for key in shape_list),
                "unmatched": "; ".join(examples),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "state_po",
            "office",
            "n_shapes",
            "n_districts",
            "n_floterial",
            "matched",
            "rate",
            "shapes_unmatched",
            "unmatched",
        ],
    )


def _natural(text: str) -> tuple:
    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text))


# --------------------------------------------------------------------------- reading


def sld_files(mirror: Path) -> list[Path]:
    """The legislative GeoJSON files, gzipped or plain (plain wins when both exist)."""
    folder = Path(mirror) / SLD_DIR
    return _prefer_plain(sorted(folder.glob("*_lower.json*")) + sorted(folder.glob("*_upper.json*")))


def _prefer_plain(paths: list[Path]) -> list[Path]:
    by_stem: dict[str, Path] = {}
    for path in paths:
        if not (path.name.endswith(".json") or path.name.endswith(".json.gz")):
            continue
        stem = path.name.removesuffix(".gz")
        if stem not in by_stem or not path.name.endswith(".gz"):
            by_stem[stem] = path
    return [by_stem[k] for k in sorted(by_stem)]


def _read_vector(path: Path, mirror: Path) -> gpd.GeoDataFrame:
    """Read one vector file; gzip through GDAL's /vsigzip/, zips through /vsizip/."""
    name = path.name
    if not path.exists():
        raise InputError(rel(path, mirror), "file not found")
    target = str(path)
    if name.endswith(".gz"):
        target = "/vsigzip/" + target
    elif name.endswith(".zip"):
        target = "/vsizip/" + target
    try:
        return gpd.read_file(target, engine="pyogrio")
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.GeometryError,
        RuntimeError,
        ValueError,
        UnicodeDecodeError,
    ) as exc:
        raise InputError(
            rel(path, mirror), f"cannot read vector file (truncated or not GeoJSON/shapefile?): {exc}"
        ) from exc


def _numeric_column(frame: pd.DataFrame, column: str, file: str) -> pd.Series:
    values = pd.to_numeric(frame[column], errors="coerce")
    bad = values.isna() & frame[column].notna() & (frame[column].astype(str).str.strip() != "")
    if bad.any():
        pos = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(file, f"non-numeric area {frame[column].iloc[pos]!r}", row=pos + 1, column=column)
    return values.astype("Int64")


def _screen(
    gdf: gpd.GeoDataFrame, file: str, code_col: str, fips: dict[str, str], result: SourceResult
) -> gpd.GeoDataFrame:
    """Attach source rows, state codes; reject placeholders, unknown states, missing geometry."""
    gdf["source_file"] = file
    gdf["source_row"] = np.arange(1, len(gdf) + 1)
    gdf["raw_code"] = gdf[code_col].astype(str).str.strip()
    gdf["state_po"] = gdf["STATEFP"].astype(str).str.zfill(2).map(fips)
    placeholder = gdf["raw_code"].str.upper().eq(PLACEHOLDER_CODE)
    result.reject(gdf[placeholder], "ZZZ placeholder feature (water/unassigned area, not a district)", code_col)
    unknown = ~placeholder & gdf["state_po"].isna()
    result.reject(gdf[unknown], "unknown state FIPS", "STATEFP")
    no_geom = ~placeholder & ~unknown & (gdf.geometry.isna() | gdf.geometry.is_empty)
    result.reject(gdf[no_geom], "feature without geometry", "geometry")
    return gdf[~(placeholder | unknown | no_geom)]


def _finish(gdf: gpd.GeoDataFrame, tolerance: float, result: SourceResult, label: str) -> pd.DataFrame:
    """Clip at the antimeridian, centroid, simplify, serialise; returns the SHAPE_COLUMNS frame."""
    gdf = geo.to_wgs84(gdf)
    gdf = geo.dissolve_districts(gdf, ["state_po", "office", "district"], sum_columns=["aland", "awater"])
    gdf, clipped = geo.clip_to_western_hemisphere(gdf)
    for idx, km2 in clipped.items():
        result.notes.append(
            f"{label}: {gdf.at[idx, 'state_po']} {gdf.at[idx, 'office']} {gdf.at[idx, 'district']} straddles 180 deg;"
            f" {km2:,.0f} km2 of islands at positive longitudes clipped from the map shape (ALAND unchanged)"
        )
    # All 102 input files are valid polygon coverages (checked with shapely.coverage_is_valid on
    # the mirror); the check would double the simplification time, so it is skipped here and the
    # output's edge-matching is tested in tests/test_geo.py instead.
    simple = geo.simplify_for_web(gdf, tolerance, geo.WEB_DECIMALS, check_coverage=False)
    out = pd.DataFrame(simple.drop(columns=simple.geometry.name))
    out["geojson"] = geo.geometry_text(simple.geometry.to_numpy())
    # Centroid of the simplified shape: cheaper to project, and within 0.13 km of the
    # full-resolution centroid (measured on the mirror: worst HI Senate 0.12 km, median 0.02 km).
    lon, lat = geo.centroids_lonlat(simple.geometry)
    out["centroid_lon"], out["centroid_lat"] = np.round(lon, 5), np.round(lat, 5)
    out["source"] = SOURCE
    return out[SHAPE_COLUMNS]


def _read_house(
    mirror: Path, spec: tuple[str, str, str, int], fips: dict[str, str], result: SourceResult
) -> pd.DataFrame:
    file, code_col, plan_label, lines_year = spec
    path = Path(mirror) / file
    gdf = _read_vector(path, mirror)
    result.rows_read += len(gdf)
    require_columns(gdf, ["STATEFP", code_col, "GEOID", "ALAND", "AWATER"], file)
    gdf = _screen(gdf, file, code_col, fips, result)
    gdf["office"] = "us_house"
    gdf["district"] = [
        canonical_district(s, "us_house", code, at_large=(code == NON_VOTING_CODE))
        for s, code in zip(gdf["state_po"], gdf["raw_code"], strict=True)
    ]
    gdf["join_district"] = gdf["district"]
    if "NAMELSAD" in gdf.columns:
        gdf["name"] = gdf["NAMELSAD"].astype(str)
    else:  # 116th Congress file has no NAMELSAD; spell it the way the 118th/119th files do.
        gdf["name"] = [_house_name(s, code) for s, code in zip(gdf["state_po"], gdf["raw_code"], strict=True)]
    gdf["geoid"] = gdf["GEOID"].astype(str)
    gdf["aland"] = _numeric_column(gdf, "ALAND", file)
    gdf["awater"] = _numeric_column(gdf, "AWATER", file)
    gdf["plan_label"], gdf["lines_year"] = plan_label, lines_year
    return _finish(gdf, geo.NATIONAL_TOLERANCE, result, file)


def _house_name(state_po: str, code: str) -> str:
    if code == NON_VOTING_CODE:
        return "Delegate District (at Large)" if state_po == "DC" else "Resident Commissioner District (at Large)"
    if code == "00":
        return "Congressional District (at Large)"
    return f"Congressional District {int(code)}"


def _read_sld(
    mirror: Path, path: Path, fips: dict[str, str], ms_keys: pd.DataFrame, result: SourceResult
) -> pd.DataFrame:
    file = rel(path, mirror)
    stem = path.name.split(".")[0]
    m = re.fullmatch(r"([A-Za-z]{2})_(lower|upper)", stem)
    if not m:
        raise InputError(file, "file name is not {ST}_{lower|upper}.json[.gz]")
    office = FILE_OFFICE[m.group(2)]
    code_col = "SLDLST" if m.group(2) == "lower" else "SLDUST"
    gdf = _read_vector(path, mirror)
    result.rows_read += len(gdf)
    require_columns(gdf, ["STATEFP", code_col, "GEOID", "NAMELSAD", "ALAND", "AWATER"], file)
    gdf = _screen(gdf, file, code_col, fips, result)
    if gdf.empty:
        return pd.DataFrame(columns=SHAPE_COLUMNS)
    wrong_state = gdf["state_po"] != m.group(1).upper()
    if wrong_state.any():
        pos = int(np.flatnonzero(wrong_state.to_numpy())[0])
        raise InputError(
            file,
            f"STATEFP {gdf['STATEFP'].iloc[pos]} is not {m.group(1).upper()}",
            row=int(gdf["source_row"].iloc[pos]),
            column="STATEFP",
        )
    gdf["office"] = office
    gdf["name"] = gdf["NAMELSAD"].astype(str)
    gdf["district"], gdf["join_district"] = _sld_ids(gdf, office, ms_keys)
    gdf["geoid"] = gdf["GEOID"].astype(str)
    gdf["aland"] = _numeric_column(gdf, "ALAND", file)
    gdf["awater"] = _numeric_column(gdf, "AWATER", file)
    gdf["plan_label"], gdf["lines_year"] = SLD_PLAN, SLD_LINES_YEAR
    return _finish(gdf, geo.STATE_TOLERANCE, result, file)


def _sld_ids(gdf: gpd.GeoDataFrame, office: str, ms_keys: pd.DataFrame) -> tuple[list[str], list[str]]:
    """Canonical district and the MultiState district it joins to, for one chamber file.

    Numbered chambers: the 3-character code without leading zeros ('054' -> '54', MN '08B' ->
    '8B', AK Senate '00R' -> 'R'). Named chambers (NH House, VT, MA): the NAMELSAD name, spelled
    as MultiState spells it when a spelling-insensitive key matches (`match_key`).
    join_district is the district itself, except where MultiState lists a Census subdistrict pair
    as one multi-seat district (ND House 4A/4B -> 4, SD House 26A/26B, 28A/28B -> 26, 28: the
    subdistrict letter is MultiState's seat designator) and MULTISTATE_PARENT (VT Essex/Orleans).
    """
    state_po = str(gdf["state_po"].iloc[0])
    ms = ms_keys[(ms_keys["state_po"] == state_po) & (ms_keys["office"] == office) & ~ms_keys["eliminated"]]
    current = set(ms["district"])
    by_key = {}
    for district in ms["district"]:
        by_key.setdefault(match_key(district), district)
    districts, joins = [], []
    for code, namelsad in zip(gdf["raw_code"], gdf["name"], strict=True):
        named = name_from_namelsad(state_po, office, namelsad)
        if named is not None:
            raw = by_key.get(match_key(named), named)
        else:
            raw = code.lstrip("0") or code
        district = sld_district(state_po, office, raw)
        join = district
        if current and district not in current:
            parent = re.sub(r"[A-Z]+$", "", district)
            if parent != district and parent in current:
                join = parent
            elif MULTISTATE_PARENT.get((state_po, office, district)) in current:
                join = MULTISTATE_PARENT[(state_po, office, district)]
        districts.append(district)
        joins.append(join)
    return districts, joins


def read(mirror: Path) -> SourceResult:
    """All district shapes, simplified for web maps, one row per district per plan.

    tables['shapes'] columns (SHAPE_COLUMNS):
      source, source_file, source_row (1-based feature in the file), state_po, office
      ('us_house' | 'state_senate' | 'state_house'; NE unicameral = state_senate), district
      (canonical: at-large and DC/PR delegate seats 'AL'), join_district (MultiState district this
      shape belongs to; = district except ND/SD subdistricts and VT Essex/Orleans), raw_code
      (CDxxxFP / SLDLST / SLDUST as published), geoid, plan_label ('119th'/'118th'/'116th', '2024'
      for legislatures), lines_year (2024, 2022, 2018; 2024), name (NAMELSAD), aland, awater (m^2,
      Census), centroid_lon, centroid_lat (degrees, equal-area centroid of the simplified shape),
      geojson (simplified geometry, GeoJSON geometry text, WGS84, exterior rings clockwise as
      Plotly's d3-geo needs; see analysis/geo.py).
    tables['shape_match']: match_rate of the legislative shapes against MultiState districts.
    Rejected: ZZZ placeholder features, unknown state FIPS, empty geometry.
    """
    mirror = Path(mirror)
    result = SourceResult(SOURCE)
    fips = state_postal_by_fips()
    ms_keys = multistate_district_keys(mirror)
    files = sld_files(mirror)
    tasks = [(_read_house, spec) for spec in HOUSE_PLANS] + [(_read_sld, path) for path in files]

    def run(task: tuple) -> tuple[pd.DataFrame, SourceResult]:
        reader, arg = task
        local = SourceResult(SOURCE)
        if reader is _read_house:
            return _read_house(mirror, arg, fips, local), local
        return _read_sld(mirror, arg, fips, ms_keys, local), local

    # GDAL reads and GEOS coverage operations release the GIL: two threads cut the wall time by
    # about a quarter on 2 cores. Results are merged in task order, so output is deterministic.
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outputs = list(pool.map(run, tasks))
    frames = []
    for frame, local in outputs:
        frames.append(frame)
        result.rows_read += local.rows_read
        result.notes.extend(local.notes)
        if len(local.rejected):
            result.rejected = (
                pd.concat([result.rejected, local.rejected], ignore_index=True)
                if len(result.rejected)
                else local.rejected
            )
    shapes = pd.concat([f for f in frames if len(f)], ignore_index=True)
    shapes["lines_year"] = shapes["lines_year"].astype(int)
    result.tables["shapes"] = shapes

    n_zzz = int(result.rejected["reason"].str.startswith("ZZZ").sum()) if len(result.rejected) else 0
    result.notes.append(f"{len(files)} legislative boundary files read; {n_zzz} ZZZ placeholder features dropped")
    for plan in ("119th", "118th", "116th"):
        layer = shapes[(shapes["office"] == "us_house") & (shapes["plan_label"] == plan)]
        size = geo.payload_bytes(geo.to_geojson_text(layer, ["state_po", "district"]))
        result.notes.append(f"US House {plan} national map: {len(layer)} districts, {size:,} bytes GeoJSON")
    if len(ms_keys):
        table = match_rate(shapes, ms_keys)
        result.tables["shape_match"] = table
        short = table[table["rate"] < 1.0]
        result.notes.append(
            f"legislative shapes vs MultiState districts: {int(table['matched'].sum())} of "
            f"{int((table['n_districts'] - table['n_floterial']).sum())} non-floterial districts have a shape; "
            f"{len(short)} chamber(s) below 100%"
        )
        for row in short.itertuples():
            result.notes.append(
                f"  {row.state_po} {row.office}: {row.matched}/{row.n_districts - row.n_floterial} ({row.unmatched})"
            )
    else:
        result.notes.append("MultiState districts not found: named legislative districts keep Census spelling")
    return result
