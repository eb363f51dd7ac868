"""Plotly figure builders: data in, figure out. No Streamlit here.

Maps are `go.Choropleth` traces over the warehouse's own simplified GeoJSON, on a hidden base map
(`geo.visible=False`): no tiles, no fonts, no CDN. The Albers USA projection draws Alaska and
Hawaii as insets, so both are visible on the national map. Margins are points, positive =
Democratic; the diverging scale is red (R) to blue (D) centred on 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go

PARTY_COLOURS = {
    "DEM": "#2166ac", "REP": "#b2182b", "IND": "#8c6d31", "OTHER": "#7f7f7f", "SPLIT": "#9970ab",
    "NONPARTISAN": "#bdbdbd",
}
NO_VALUE_COLOUR = "#e6e6e6"
MARGIN_CLIP = 30.0  # points; margins beyond +/-30 share the end colour

# plotly.js fetches a topojson base map for every geo subplot whose trace has a `locationmode`
# (choropleths with GeoJSON have 'geojson-id'), even when the base map is hidden, from
# cdn.plot.ly by default. This machine (and many of our users') has no internet, so point
# `topojsonURL` at an empty topology in a data: URL. plotly appends "<scope>_<res>m.json" to it:
# the '#' turns that suffix into a fragment, which a data: URL ignores.
_EMPTY_TOPOJSON = '{"type":"Topology","objects":{},"arcs":[]}'
EMPTY_TOPOJSON_URL = "data:application/json," + quote(_EMPTY_TOPOJSON, safe="") + "#"
PLOTLY_CONFIG: dict[str, Any] = {"topojsonURL": EMPTY_TOPOJSON_URL, "displaylogo": False, "scrollZoom": False}

MEASURE_TITLES = {
    "p_flip": "P(flip)",
    "impact": "Impact",
    "pres_margin": "Pres. margin (pts)",
    "last_margin": "Last margin (pts)",
    "expected_margin": "Expected margin (pts)",
    "holder_party": "Holder",
}


# ----------------------------------------------------------------------------- labels


def margin_label(margin: float | None, digits: int = 1) -> str:
    """'D+4.2' / 'R+3.1' / 'even' from a D-minus-R margin in points; '–' when unknown."""
    if margin is None or (isinstance(margin, float) and math.isnan(margin)) or pd.isna(margin):
        return "–"
    value = round(float(margin), digits)
    if value == 0:
        return "even"
    return f"{'D' if value > 0 else 'R'}+{abs(value):.{digits}f}"


def percent_label(p: float | None) -> str:
    if p is None or pd.isna(p):
        return "–"
    return f"{100 * float(p):.0f}%"


def office_label(office: str) -> str:
    return {"us_house": "US House", "state_senate": "State Senate", "state_house": "State House"}.get(office, office)


def district_title(state_po: str, office: str, district: str, name: str | None = None) -> str:
    base = f"{state_po}-{district}" if office == "us_house" else f"{state_po} {office_label(office)} {district}"
    return f"{base} ({name})" if name and name not in (district, base) and str(name) != "nan" else base


# ----------------------------------------------------------------------------- maps


@dataclass
class MapMatch:
    """How the rows of a map frame matched the features of its GeoJSON (by feature id)."""

    rows: int
    features: int
    matched: int
    rows_without_shape: list[str] = field(default_factory=list)
    shapes_without_row: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.matched == self.rows and not self.shapes_without_row


def match_report(keys: pd.Series | list[str], features: dict) -> MapMatch:
    """Count matched features so a map with mismatched keys warns instead of going blank."""
    keys = list(dict.fromkeys(str(k) for k in keys))
    ids = [str(f.get("id")) for f in features.get("features", [])]
    id_set, key_set = set(ids), set(keys)
    return MapMatch(
        rows=len(keys), features=len(ids), matched=len(key_set & id_set),
        rows_without_shape=[k for k in keys if k not in id_set],
        shapes_without_row=[i for i in ids if i not in key_set],
    )


def _hover_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-district strings for the hover box (pre-formatted: smaller payload, no d3-format surprises)."""
    reason = frame.get("reason", pd.Series([None] * len(frame), index=frame.index)).astype("object")
    return pd.DataFrame({
        "key": frame["key"],
        "title": [district_title(s, o, d, n) for s, o, d, n in
                  zip(frame["state_po"], frame["office"], frame["district"], frame.get("name", frame["district"]))],
        "holder": [f"{p or '?'}{' – ' + h if isinstance(h, str) and h else ''}"
                   for p, h in zip(frame["holder_party"], frame["holder_names"])],
        "pres": frame["pres_margin"].map(margin_label),
        "last": frame["last_margin"].map(margin_label),
        "p_flip": frame["p_flip"].map(percent_label),
        "reason": [(r[:110] + "…" if len(r) > 111 else r) if isinstance(r, str) else "" for r in reason],
    }, index=frame.index)


_HOVER = ("<b>%{customdata[1]}</b><br>Holder: %{customdata[2]}<br>President: %{customdata[3]}"
          "<br>Last result: %{customdata[4]}<br>P(flip): %{customdata[5]}<br><i>%{customdata[6]}</i><extra></extra>")


def _subset(features_by_id: dict[str, dict], keys: list[str]) -> dict:
    return {"type": "FeatureCollection", "features": [features_by_id[k] for k in keys]}


def district_map(frame: pd.DataFrame, features: dict, measure: str, *, height: int = 560,
                 line_width: float = 0.4, zoom_to_data: bool = True) -> go.Figure:
    """A choropleth of districts coloured by `measure` (one of queries.MAP_MEASURES).

    `frame` needs: key, state_po, office, district, name, holder_party, holder_names, pres_margin,
    last_margin, p_flip and the measure. Districts without a value are drawn grey (their own
    trace), so every matched district shows. Each feature goes into exactly one trace, so the
    GeoJSON crosses the wire once. customdata[0] is the district key (for click handling).
    """
    features_by_id = {str(f["id"]): f for f in features.get("features", [])}
    frame = frame[frame["key"].astype(str).isin(features_by_id)]
    hover = _hover_frame(frame)
    fig = go.Figure()

    def add(keys_frame: pd.DataFrame, z: list[float], name: str, **style: Any) -> None:
        keys = [str(k) for k in keys_frame["key"]]
        if not keys:
            return
        fig.add_trace(go.Choropleth(
            geojson=_subset(features_by_id, keys), locations=keys, z=z, name=name,
            customdata=hover.loc[keys_frame.index].to_numpy(), hovertemplate=_HOVER,
            marker_line_width=line_width, marker_line_color="white", **style))

    if measure == "holder_party":
        parties = frame["holder_party"].fillna("unknown").astype(str)
        for party in list(PARTY_COLOURS) + sorted(set(parties) - set(PARTY_COLOURS)):
            part = frame[parties == party]
            colour = PARTY_COLOURS.get(party, NO_VALUE_COLOUR)
            add(part, [1.0] * len(part), party, colorscale=[[0, colour], [1, colour]], showscale=False,
                showlegend=True)
    else:
        values = pd.to_numeric(frame[measure], errors="coerce")
        known = frame[values.notna()]
        style: dict[str, Any] = {"colorbar": {"title": {"text": MEASURE_TITLES.get(measure, measure)}, "thickness": 12}}
        if measure.endswith("margin"):
            style.update(colorscale="RdBu", zmin=-MARGIN_CLIP, zmid=0, zmax=MARGIN_CLIP)
            style["colorbar"].update(tickvals=[-30, -15, 0, 15, 30], ticktext=["R+30", "R+15", "0", "D+15", "D+30"])
        elif measure == "p_flip":
            style.update(colorscale="YlOrRd", zmin=0, zmax=0.5)
            style["colorbar"].update(tickvals=[0, 0.25, 0.5], ticktext=["0%", "25%", "≥50%"])
        else:
            top = float(values.quantile(0.95)) if values.notna().any() else 1.0
            style.update(colorscale="Viridis", zmin=0, zmax=top if top > 0 else 1.0)
        add(known, values[values.notna()].tolist(), MEASURE_TITLES.get(measure, measure), **style)
        missing = frame[values.isna()]
        add(missing, [0.0] * len(missing), "no value", colorscale=[[0, NO_VALUE_COLOUR], [1, NO_VALUE_COLOUR]],
            showscale=False, showlegend=True)

    fig.update_geos(visible=False, projection_type="albers usa", bgcolor="rgba(0,0,0,0)",
                    fitbounds="locations" if zoom_to_data else False)
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0}, dragmode="pan",
                      legend={"orientation": "h", "y": 0, "x": 0, "bgcolor": "rgba(255,255,255,0.6)"})
    return fig


def selected_key(selection: Any) -> str | None:
    """The district key of the first clicked/selected map feature in a Streamlit plotly selection."""
    try:
        points = selection["selection"]["points"]
    except (KeyError, TypeError):
        points = getattr(getattr(selection, "selection", None), "points", None) or []
    for point in points or []:
        custom = point.get("customdata") if isinstance(point, dict) else None
        if custom:
            return str(custom[0])
        location = point.get("location") if isinstance(point, dict) else None
        if location:
            return str(location)
    return None


# ----------------------------------------------------------------------------- district page


def history_figure(history: pd.DataFrame, presidential: pd.DataFrame, *, height: int = 360) -> go.Figure:
    """Down-ballot vs presidential margin over the cycles, with plan (district-line) changes marked.

    history: races of the district (year, kind, plan, margin, status); presidential: pres_year,
    plan, margin, old_lines. Margins in points, D+. Uncontested contests have no margin and are
    listed as text on the x axis' hover only.
    """
    fig = go.Figure()
    generals = history[history["kind"].isin(["general", "rcv_final", "runoff"])]
    specials = history[history["kind"].isin(["special", "special_runoff"])]
    if not generals.empty:
        fig.add_trace(go.Scatter(
            x=generals["year"], y=generals["margin"], mode="lines+markers", name="District race",
            line={"color": "#333333"}, connectgaps=False,
            customdata=generals[["plan", "status"]].astype(str).to_numpy(),
            hovertemplate="%{x}: %{y:+.1f} pts (lines %{customdata[0]}, %{customdata[1]})<extra></extra>"))
    if not specials.empty:
        fig.add_trace(go.Scatter(
            x=specials["year"], y=specials["margin"], mode="markers", name="Special", marker={"symbol": "diamond",
                                                                                               "size": 10},
            hovertemplate="special %{x}: %{y:+.1f} pts<extra></extra>"))
    if not presidential.empty:
        for old, label, symbol in ((False, "President (current lines)", "circle"),
                                   (True, "President (earlier lines)", "circle-open")):
            part = presidential[presidential["old_lines"].fillna(False).astype(bool) == old]
            if part.empty:
                continue
            fig.add_trace(go.Scatter(
                x=part["pres_year"], y=part["margin"], mode="markers", name=label,
                marker={"symbol": symbol, "size": 9, "color": "#6a51a3"},
                customdata=part[["plan"]].astype(str).to_numpy(),
                hovertemplate="president %{x}: %{y:+.1f} pts (lines %{customdata[0]})<extra></extra>"))
    for year, plan in plan_changes(history):
        fig.add_vline(x=year - 0.5, line_dash="dot", line_color="#999999",
                      annotation_text=f"new lines ({plan})", annotation_position="top left")
    fig.add_hline(y=0, line_color="#bbbbbb", line_width=1)
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      yaxis_title="Margin (pts, + = D)", xaxis_title=None,
                      legend={"orientation": "h", "y": -0.15})
    return fig


def plan_changes(history: pd.DataFrame) -> list[tuple[int, str]]:
    """(first year, plan) of every plan after the first in the district's history."""
    if history.empty or "plan" not in history:
        return []
    first = history.dropna(subset=["plan"]).groupby("plan")["year"].min().sort_values()
    return [(int(year), str(plan)) for plan, year in first.iloc[1:].items()]


def small_map(features: dict, *, height: int = 220) -> go.Figure:
    """The district alone, outlined, for the district page."""
    ids = [str(f["id"]) for f in features.get("features", [])]
    fig = go.Figure(go.Choropleth(
        geojson=features, locations=ids, z=[1] * len(ids), colorscale=[[0, "#9ecae1"], [1, "#9ecae1"]],
        showscale=False, marker_line_color="#08519c", marker_line_width=1, hoverinfo="skip"))
    fig.update_geos(visible=False, projection_type="albers usa", fitbounds="locations")
    fig.update_layout(height=height, margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return fig


# ----------------------------------------------------------------------------- specials and chambers


def specials_figure(specials: pd.DataFrame, *, height: int = 380) -> go.Figure:
    """Overperformance of each special (margin - presidential baseline, pts, + = D) and its running average."""
    fig = go.Figure()
    if not specials.empty:
        labels = [f"{s}-{d}" for s, d in zip(specials["state_po"], specials["district"])]
        fig.add_trace(go.Scatter(
            x=specials["election_date"], y=specials["overperformance"], mode="markers", name="Special election",
            text=labels, marker={"size": 9, "color": ["#2166ac" if v >= 0 else "#b2182b"
                                                      for v in specials["overperformance"].fillna(0)]},
            hovertemplate="%{text} %{x}: %{y:+.1f} pts vs president<extra></extra>"))
        fig.add_trace(go.Scatter(
            x=specials["election_date"], y=specials["running_avg"], mode="lines", name="Running average",
            line={"color": "#333333", "width": 2}, hovertemplate="running average %{y:+.1f}<extra></extra>"))
    fig.add_hline(y=0, line_color="#bbbbbb", line_width=1)
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      yaxis_title="Overperformance (pts, + = D)", legend={"orientation": "h", "y": -0.2})
    return fig


def tipping_figure(seats_up: pd.DataFrame, party: str, *, height: int = 320) -> go.Figure:
    """Seats up, from the party's best chance to its worst; the tipping-point seat is outlined."""
    labels = [f"{s}-{d}" for s, d in zip(seats_up["state_po"], seats_up["district"])]
    colours = [PARTY_COLOURS.get(h, NO_VALUE_COLOUR) for h in seats_up["holder_party"]]
    widths = [3 if t else 0 for t in seats_up["tipping_point"]]
    fig = go.Figure(go.Bar(
        x=list(range(1, len(seats_up) + 1)), y=seats_up["p_win"], marker={"color": colours,
                                                                           "line": {"width": widths,
                                                                                    "color": "#000000"}},
        customdata=list(zip(labels, seats_up["seats_if_won_in_order"])),
        hovertemplate="%{customdata[0]}: P(win) %{y:.0%}, seats if won in order: %{customdata[1]}<extra></extra>"))
    tipping = seats_up.index[seats_up["tipping_point"]]
    if len(tipping):
        fig.add_vline(x=int(tipping[0]) + 1, line_dash="dash", annotation_text="tipping point")
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 20, "b": 10}, yaxis_tickformat=".0%",
                      yaxis_title=f"P({party} wins)", xaxis_title="seats in tipping-point order", showlegend=False)
    return fig
