"""District shapes for web maps: project, orient, dissolve, simplify and serialise, once at build time.

Pure functions over GeoDataFrames / shapely geometries; nothing here reads files or knows the app.
Coordinates are longitude/latitude in degrees (EPSG:4326, WGS84) once `to_wgs84` has run; areas
are square metres (Census ALAND/AWATER convention).

Why each step exists:
- Census cartographic files ship in NAD83 (EPSG:4269); GeoJSON (RFC 7946) and Plotly want WGS84.
- Ring winding. RFC 7946 section 3.1.6 asks for exterior rings counter-clockwise, holes
  clockwise (`orient_rings` default). Plotly's `go.Choropleth` draws with d3-geo, which reads
  winding on the sphere the other way round: a counter-clockwise exterior encloses the whole
  globe *except* the district, and the map turns into one solid colour. Checked in headless
  Chromium with plotly 7.1: RFC 7946 rings filled the whole US map; clockwise rings drew every
  district (national 119th map, AK House, TX House). MapLibre (`choropleth_map`) accepts either
  winding. So shapes for the web are stored with clockwise exteriors (`WEB_EXTERIOR_CW`); this
  is valid GeoJSON (RFC 7946 says parsers should not reject the other winding) and the one
  winding that works with both Plotly map types.
- District borders are shared; simplifying each polygon on its own opens slivers between
  neighbours. `coverage_simplify` (GEOS >= 3.12, Visvalingam-Whyatt on the shared edges) keeps
  the districts edge-matched, so a state map has no gaps or overlaps.
- Alaska's Near and Rat Islands lie west of 180 degrees (positive longitudes), so AK-AL and the
  Aleutian legislative districts span 359 degrees of longitude. Plotly's d3-geo (spherical) draws
  them correctly either way (checked), but planar consumers do not: MapLibre (`choropleth_map`,
  Web Mercator) would put the islands at the far right edge of the world, and any zoom to a
  lon/lat bounding box zooms out to the whole globe. So the eastern-hemisphere parts of features
  that straddle the antimeridian are clipped (`clip_to_western_hemisphere`). Chosen over shifting
  longitudes by -360, which RFC 7946 forbids (longitudes stay within [-180, 180]). The clipped
  islands (Attu, Kiska, Amchitka ...; about 2,800 km2 in the Census 20m CD file, 8,400 km2 with
  coastal water in TIGER) have almost no residents; Census ALAND is kept unchanged, so areas
  still include them. Alaska and Hawaii are otherwise kept whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon, box
from shapely.geometry.base import BaseGeometry
from shapely.geometry.polygon import orient

WGS84 = "EPSG:4326"
# Equal-area CRS (NSIDC EASE-Grid 2.0 Global) for centroids and clipped-area figures: valid
# world-wide, so Alaska, Hawaii and Puerto Rico are handled like the lower 48.
EQUAL_AREA = "EPSG:6933"

# Tolerances in degrees for `simplify_for_web`, chosen by measuring payloads (figures in the
# analysis/sources/boundaries.py docstring): the national House map must stay <= 1.5 MB of GeoJSON
# and the largest state chamber map <= 1 MB while shapes stay recognisable. The Census 20m House
# files are already coarse, so the national layer needs little; 0.002 halves TX House (2.6 MB raw).
NATIONAL_TOLERANCE = 0.005
STATE_TOLERANCE = 0.002
WEB_DECIMALS = 4
# d3-geo / Plotly `go.Choropleth` winding: exterior rings clockwise (see module docstring).
WEB_EXTERIOR_CW = True

WESTERN_HEMISPHERE = box(-180.0, -90.0, 0.0, 90.0)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Reproject to EPSG:4326 (lon/lat degrees).

    NAD83 (EPSG:4269, the Census zips) differs from WGS84 by about a metre: invisible on a map,
    but GeoJSON requires WGS84. A frame without a CRS is taken to be GeoJSON, i.e. already WGS84
    (RFC 7946 has no `crs` member; the 119th Congress file is such a file).
    """
    if gdf.crs is None:
        return gdf.set_crs(WGS84)
    if gdf.crs.to_epsg() == 4326:
        return gdf
    return gdf.to_crs(WGS84)


def orient_rings(geom: BaseGeometry | None, exterior_cw: bool = False) -> BaseGeometry | None:
    """Orient rings: by default RFC 7946 (exterior counter-clockwise = positive signed area, holes
    clockwise); `exterior_cw=True` gives the d3-geo/Plotly convention (exterior clockwise, holes
    counter-clockwise).

    Polygons and MultiPolygons (each part) are re-oriented with shapely's `orient`; geometry
    collections recursively; other geometries and None are returned unchanged.
    """
    if geom is None or geom.is_empty:
        return geom
    sign = -1.0 if exterior_cw else 1.0
    kind = geom.geom_type
    if kind == "Polygon":
        return orient(geom, sign=sign)
    if kind == "MultiPolygon":
        return shapely.MultiPolygon([orient(part, sign=sign) for part in geom.geoms])
    if kind == "GeometryCollection":
        return shapely.GeometryCollection([orient_rings(part, exterior_cw) for part in geom.geoms])
    return geom


def orient_all(geoms: Iterable[BaseGeometry | None], exterior_cw: bool = False) -> np.ndarray:
    """Vectorised `orient_rings` (shapely.orient_polygons)."""
    array = geoms if isinstance(geoms, np.ndarray) else np.asarray(list(geoms), dtype=object)
    return shapely.orient_polygons(array, exterior_cw=exterior_cw)


def dissolve_districts(gdf: gpd.GeoDataFrame, keys: Sequence[str], sum_columns: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """One feature per district: rows sharing `keys` are merged into one (Multi)Polygon.

    Geometries are unioned; `sum_columns` (e.g. ALAND, AWATER in m^2) are added; other columns
    keep the first row's value. Row order follows the first appearance of each key. Districts
    that already have one row are passed through untouched (the usual case: fast).
    """
    keys = list(keys)
    group = gdf.groupby(keys, sort=False, dropna=False).ngroup().to_numpy()
    if len(np.unique(group)) == len(gdf):
        return gdf.reset_index(drop=True)
    geom_name = gdf.geometry.name
    work = gdf.reset_index(drop=True)
    rows = []
    for gid in np.unique(group):
        part = work[group == gid]
        row = part.iloc[0].copy()
        if len(part) > 1:
            row[geom_name] = shapely.union_all(part.geometry.to_numpy())
            for col in sum_columns:
                row[col] = pd.to_numeric(part[col], errors="coerce").sum(min_count=1)
        rows.append(row)
    out = gpd.GeoDataFrame(rows, geometry=geom_name, crs=gdf.crs).reset_index(drop=True)
    return out.astype({col: gdf[col].dtype for col in sum_columns if col in gdf.columns}, errors="ignore")


def crosses_antimeridian(geoms: gpd.GeoSeries) -> pd.Series:
    """True where a feature has parts on both sides of 180 degrees (bounds wider than 180)."""
    bounds = geoms.bounds
    return (bounds["maxx"] - bounds["minx"]) > 180.0


def clip_to_western_hemisphere(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, pd.Series]:
    """Drop the eastern-hemisphere parts of features that straddle the antimeridian.

    Only features wider than 180 degrees are touched (in US data: Alaska's at-large House
    district and the Aleutian state legislative districts). Returns the clipped frame and the
    clipped-away area per touched row (km^2, equal-area), for the build report.
    """
    crossing = crosses_antimeridian(gdf.geometry)
    dropped = pd.Series(dtype=float)
    if not crossing.any():
        return gdf, dropped
    out = gdf.copy()
    before = out.geometry[crossing]
    after = before.intersection(WESTERN_HEMISPHERE)
    after = after.apply(_polygonal)
    area = (
        gpd.GeoSeries(before, crs=gdf.crs).to_crs(EQUAL_AREA).area
        - gpd.GeoSeries(after, crs=gdf.crs).to_crs(EQUAL_AREA).area
    )
    out.loc[crossing, out.geometry.name] = after
    dropped = area / 1e6
    return out, dropped


def _polygonal(geom: BaseGeometry | None) -> BaseGeometry | None:
    """Keep only the polygonal parts (intersections and make_valid can add lines/points)."""
    if geom is None or geom.is_empty:
        return geom
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    polys: list[Polygon] = []
    for p in parts:
        polys.extend(p.geoms if p.geom_type == "MultiPolygon" else [p])
    if not polys:
        return shapely.Polygon()
    return polys[0] if len(polys) == 1 else shapely.MultiPolygon(polys)


def round_coordinates(geoms: np.ndarray, decimals: int) -> np.ndarray:
    """Round every coordinate to `decimals` places (4 ~ 11 m, 3 ~ 110 m of latitude).

    np.round gives the double nearest the decimal value, so GeoJSON text prints it short. Vertices
    that collapse onto their neighbour are removed; a ring that becomes invalid is repaired with
    make_valid (polygonal parts kept) so every output geometry is valid.
    """
    rounded = shapely.transform(geoms, lambda xy: np.round(xy, decimals))
    rounded = shapely.remove_repeated_points(rounded)
    invalid = ~shapely.is_valid(rounded) & ~shapely.is_missing(rounded)
    if invalid.any():
        fixed = [_polygonal(shapely.make_valid(g)) for g in rounded[invalid]]
        rounded[invalid] = np.asarray(fixed, dtype=object)
    return rounded


def simplify_for_web(
    gdf: gpd.GeoDataFrame,
    tolerance: float,
    decimals: int = WEB_DECIMALS,
    exterior_cw: bool = WEB_EXTERIOR_CW,
    check_coverage: bool = True,
) -> gpd.GeoDataFrame:
    """Shapes small enough for a browser, still recognisable and edge-matched.

    The features are simplified together as one polygon coverage with `shapely.coverage_simplify`
    (Visvalingam-Whyatt; `tolerance` in degrees ~ the square root of the triangle area removed),
    so neighbouring districts keep one shared border and no slivers open between them. If the
    input is not a valid coverage (overlaps), each feature is simplified on its own with
    topology-preserving Douglas-Peucker instead. The coverage check costs as much as the
    simplification; `check_coverage=False` skips it for inputs known to be coverages.
    Then coordinates are rounded to `decimals` places and rings are oriented: exterior clockwise
    by default, as Plotly's d3-geo needs (`exterior_cw=False` for strict RFC 7946).
    Input must be WGS84. Returns a copy.
    """
    out = gdf.copy()
    geoms = out.geometry.to_numpy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    target = geoms[present]
    if tolerance > 0 and len(target):
        if not check_coverage or shapely.coverage_is_valid(target):
            target = shapely.coverage_simplify(target, tolerance)
        else:
            target = shapely.simplify(target, tolerance, preserve_topology=True)
    target = round_coordinates(np.asarray(target, dtype=object), decimals)
    target = orient_all(target, exterior_cw)
    geoms = geoms.copy()
    geoms[present] = target
    out[out.geometry.name] = gpd.GeoSeries(geoms, index=out.index, crs=gdf.crs)
    return out


def geometry_text(geoms: Iterable[BaseGeometry | None]) -> list[str | None]:
    """GeoJSON geometry text per geometry (compact; None for a missing geometry)."""
    array = np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms, dtype=object)
    texts = shapely.to_geojson(array)
    return [None if t is None else str(t) for t in texts]


def _json_value(value: object) -> object:
    """Plain-JSON value for a property (numpy scalars, NaN -> null)."""
    if value is None:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


def to_geojson_text(frame: pd.DataFrame, properties: Sequence[str], id_column: str | None = None) -> str:
    """Compact GeoJSON FeatureCollection text (no whitespace), one Feature per row.

    `frame` is either a GeoDataFrame (its active geometry is serialised) or a plain DataFrame
    with a `geojson` column of geometry text (as stored in the warehouse's shapes table).
    `properties` are copied into each Feature's properties; `id_column`, if given, becomes the
    Feature `id` (Plotly: `locations=` matched against `featureidkey="id"`). Rows with no
    geometry are skipped.
    """
    if isinstance(frame, gpd.GeoDataFrame) and frame.geometry.name in frame.columns:
        texts = geometry_text(frame.geometry.to_numpy())
    else:
        texts = list(frame["geojson"])
    props = frame[list(properties)].to_dict("records") if properties else [{}] * len(frame)
    ids = list(frame[id_column]) if id_column else [None] * len(frame)
    parts = []
    for text, prop, fid in zip(texts, props, ids, strict=True):
        if text is None or (isinstance(text, float) and math.isnan(text)):
            continue
        head = '{"type":"Feature",'
        if fid is not None:
            head += '"id":' + json.dumps(_json_value(fid)) + ","
        prop_text = json.dumps({k: _json_value(v) for k, v in prop.items()}, separators=(",", ":"))
        parts.append(head + '"properties":' + prop_text + ',"geometry":' + text + "}")
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def centroids_lonlat(geoms: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Area centroid of each geometry, computed in an equal-area CRS, returned as lon/lat degrees.

    A centroid can fall outside a crescent-shaped district; it is meant for zooming a map, not
    for labels inside the shape.
    """
    projected = geoms.to_crs(EQUAL_AREA).centroid
    back = projected.to_crs(WGS84)
    return back.x.to_numpy(), back.y.to_numpy()


def payload_bytes(text: str) -> int:
    """UTF-8 size of a GeoJSON text, the number that travels to the browser."""
    return len(text.encode("utf-8"))
