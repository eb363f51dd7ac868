"""District shapes for web maps: project, orient, dissolve, simplify and serialise, once at build time.

Pure functions over GeoDataFrames / shapely geometries; nothing here reads files or knows the app.
Coordinates are longitude/latitude in degrees (EPSG:4326, WGS84) once `to_wgs84` has run; areas
are square metres (Census ALAND/AWATER convention).

Why each step exists:
- Census cartographic files ship in NAD83 (EPSG:4269); GeoJSON (RFC 7946) and Plotly want WGS84.
- RFC 7946 section 3.1.6: exterior rings counter-clockwise, holes clockwise. d3-geo (under
  Plotly's `choropleth`) reads ring winding on the sphere, so a clockwise exterior would paint the
  whole globe except the district.
- District borders are shared; simplifying each polygon on its own opens slivers between
  neighbours. `coverage_simplify` (GEOS >= 3.12, Visvalingam-Whyatt on the shared edges) keeps
  the districts edge-matched, so a state map has no gaps or overlaps.
- Alaska's Near and Rat Islands lie west of 180 degrees (positive longitudes). A feature that
  spans both sides of the antimeridian makes Plotly draw a band across the whole map, so the
  eastern-hemisphere parts of such features are clipped away (`clip_to_western_hemisphere`).
  Chosen over shifting longitudes by -360, which RFC 7946 forbids and d3's albersUsa projection
  does not place reliably. The clipped islands (Attu, Kiska, Amchitka ...) are a few thousand
  km^2 with almost no residents; Census ALAND is kept unchanged, so areas still include them.
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

# Tolerances in degrees for `simplify_for_web`, chosen by measuring payloads (see bench note in
# analysis/sources/boundaries.py): the national House map must stay <= 1.5 MB of GeoJSON and the
# largest state chamber map <= 1 MB while shapes stay recognisable.
NATIONAL_TOLERANCE = 0.01
STATE_TOLERANCE = 0.0025
NATIONAL_DECIMALS = 3
STATE_DECIMALS = 4

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


def orient_rings(geom: BaseGeometry | None) -> BaseGeometry | None:
    """RFC 7946 winding: exterior rings counter-clockwise (positive signed area), holes clockwise.

    Polygons and MultiPolygons (each part) are re-oriented with shapely's `orient(sign=1.0)`;
    geometry collections recursively; other geometries and None are returned unchanged.
    """
    if geom is None or geom.is_empty:
        return geom
    kind = geom.geom_type
    if kind == "Polygon":
        return orient(geom, sign=1.0)
    if kind == "MultiPolygon":
        return shapely.MultiPolygon([orient(part, sign=1.0) for part in geom.geoms])
    if kind == "GeometryCollection":
        return shapely.GeometryCollection([orient_rings(part) for part in geom.geoms])
    return geom


def orient_all(geoms: Iterable[BaseGeometry | None]) -> np.ndarray:
    """Vectorised `orient_rings` (shapely.orient_polygons, exterior counter-clockwise)."""
    return shapely.orient_polygons(np.asarray(list(geoms) if not isinstance(geoms, np.ndarray) else geoms,
                                              dtype=object), exterior_cw=False)


def dissolve_districts(gdf: gpd.GeoDataFrame, keys: Sequence[str], sum_columns: Sequence[str] = ()) -> gpd.GeoDataFrame:
    """One feature per district: rows sharing `keys` are merged into one (Multi)Polygon.

    Geometries are unioned; `sum_columns` (e.g. ALAND, AWATER in m^2) are added; other columns
    keep the first row's value. Row order follows the first appearance of each key. Districts
    that already have one row are passed through untouched (the usual case: fast).
    """
    keys = list(keys)
    dup = gdf.duplicated(keys, keep=False)
    if not dup.any():
        return gdf.reset_index(drop=True)
    single = gdf[~dup]
    multi = gdf[dup]
    geom_name = gdf.geometry.name
    merged_rows = []
    for _, part in multi.groupby(keys, sort=False, dropna=False):
        row = part.iloc[0].copy()
        row[geom_name] = shapely.union_all(part.geometry.to_numpy())
        for col in sum_columns:
            row[col] = pd.to_numeric(part[col], errors="coerce").sum(min_count=1)
        merged_rows.append(row)
    merged = gpd.GeoDataFrame(merged_rows, geometry=geom_name, crs=gdf.crs)
    out = pd.concat([single, merged])
    first_seen = gdf.groupby(keys, sort=False, dropna=False).ngroup()
    order = pd.Series(first_seen.to_numpy(), index=gdf.index)
    out = out.assign(_order=order.groupby(level=0).first().reindex(out.index).to_numpy())
    out = out.sort_values("_order", kind="stable").drop(columns="_order")
    return gpd.GeoDataFrame(out, geometry=geom_name, crs=gdf.crs).reset_index(drop=True)


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
    area = gpd.GeoSeries(before, crs=gdf.crs).to_crs(EQUAL_AREA).area - gpd.GeoSeries(after, crs=gdf.crs).to_crs(EQUAL_AREA).area
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


def simplify_for_web(gdf: gpd.GeoDataFrame, tolerance: float, decimals: int = STATE_DECIMALS) -> gpd.GeoDataFrame:
    """Shapes small enough for a browser, still recognisable and edge-matched.

    The features are simplified together as one polygon coverage with `shapely.coverage_simplify`
    (Visvalingam-Whyatt; `tolerance` in degrees ~ the square root of the triangle area removed),
    so neighbouring districts keep one shared border and no slivers open between them. If the
    input is not a valid coverage (overlaps), each feature is simplified on its own with
    topology-preserving Douglas-Peucker instead. Then coordinates are rounded to `decimals` places
    and rings are oriented per RFC 7946. Input must be WGS84. Returns a copy.
    """
    out = gdf.copy()
    geoms = out.geometry.to_numpy()
    present = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    target = geoms[present]
    if tolerance > 0 and len(target):
        if shapely.coverage_is_valid(target):
            target = shapely.coverage_simplify(target, tolerance)
        else:
            target = shapely.simplify(target, tolerance, preserve_topology=True)
    target = round_coordinates(np.asarray(target, dtype=object), decimals)
    target = orient_all(target)
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
    for text, prop, fid in zip(texts, props, ids):
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
