"""Figure builders: data in, figure out. No Streamlit here.

Maps are Plotly `go.Choropleth` traces over the warehouse's own simplified GeoJSON, on a hidden
base map (`geo.visible=False`): no tiles, no fonts, no CDN. The Albers USA projection draws Alaska
and Hawaii as insets, so both are visible on the national map. Margins are points, positive =
Democratic; the diverging scale is red (R) to blue (D) centred on 0.

The other charts (results history, specials, tipping point, the district locator map) are
Vega-Lite (Altair) specs: plotly.js is a 4.7 MB bundle the browser must parse on every page that
draws one, which alone costs about a second per page here (bench/pages.py), while Vega-Lite is
far lighter; Streamlit's own docs recommend it for 2D charts. Pages without a big map stay under
the 2 s render goal that way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import altair as alt
import pandas as pd
import plotly.graph_objects as go

PARTY_COLOURS = {
    "DEM": "#2166ac",
    "REP": "#b2182b",
    "IND": "#8c6d31",
    "OTHER": "#7f7f7f",
    "SPLIT": "#9970ab",
    "NONPARTISAN": "#bdbdbd",
}
NO_VALUE_COLOUR = "#cfcfcf"
# Coordinate decimals sent to the browser. A national map draws ~5 km per pixel and a state map
# ~1 km: ~1 km (2 decimals) and ~100 m (3 decimals) are invisible there and keep the payload small.
NATIONAL_PRECISION = 2
STATE_PRECISION = 3
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
        rows=len(keys),
        features=len(ids),
        matched=len(key_set & id_set),
        rows_without_shape=[k for k in keys if k not in id_set],
        shapes_without_row=[i for i in ids if i not in key_set],
    )


def _hover_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Per-district strings for the hover box (pre-formatted: smaller payload, no d3-format surprises)."""
    reason = frame.get("reason", pd.Series([None] * len(frame), index=frame.index)).astype("object")
    return pd.DataFrame(
        {
            "key": frame["key"],
            "title": [
                district_title(s, o, d, n)
                for s, o, d, n in zip(
                    frame["state_po"],
                    frame["office"],
                    frame["district"],
                    frame.get("name", frame["district"]),
                    strict=True,
                )
            ],
            "holder": [
                f"{p or '?'}{' – ' + h if isinstance(h, str) and h else ''}"
                for p, h in zip(frame["holder_party"], frame["holder_names"], strict=True)
            ],
            "pres": frame["pres_margin"].map(margin_label),
            "last": frame["last_margin"].map(margin_label),
            "p_flip": frame["p_flip"].map(percent_label),
            "reason": [(r[:110] + "…" if len(r) > 111 else r) if isinstance(r, str) else "" for r in reason],
        },
        index=frame.index,
    )


_HOVER = (
    "<b>%{customdata[1]}</b><br>Holder: %{customdata[2]}<br>President: %{customdata[3]}"
    "<br>Last result: %{customdata[4]}<br>P(flip): %{customdata[5]}<br><i>%{customdata[6]}</i><extra></extra>"
)


def _subset(features_by_id: dict[str, dict], keys: list[str]) -> dict:
    """The features of `keys`, with only what plotly reads (id, geometry): properties would be dead weight."""
    features = [{"type": "Feature", "id": k, "geometry": features_by_id[k]["geometry"]} for k in keys]
    return {"type": "FeatureCollection", "features": features}


def _geo_view(fig: go.Figure, national: bool) -> None:
    """National: Albers USA (Alaska and Hawaii as insets, whole country). Otherwise zoom to the data.

    plotly does not fit bounds under 'albers usa', so a state or a district uses a conic
    equal-area projection fitted to its locations.
    """
    if national:
        fig.update_geos(visible=False, projection_type="albers usa", bgcolor="rgba(0,0,0,0)")
    else:
        fig.update_geos(
            visible=False, projection_type="conic equal area", fitbounds="locations", bgcolor="rgba(0,0,0,0)"
        )


def district_map(
    frame: pd.DataFrame,
    features: dict,
    measure: str,
    *,
    height: int = 560,
    line_width: float = 0.4,
    national: bool = True,
) -> go.Figure:
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
        fig.add_trace(
            go.Choropleth(
                geojson=_subset(features_by_id, keys),
                locations=keys,
                z=z,
                name=name,
                customdata=hover.loc[keys_frame.index].to_numpy(),
                hovertemplate=_HOVER,
                marker_line_width=line_width,
                marker_line_color="white",
                **style,
            )
        )

    if measure == "holder_party":
        parties = frame["holder_party"].fillna("unknown").astype(str)
        for party in list(PARTY_COLOURS) + sorted(set(parties) - set(PARTY_COLOURS)):
            part = frame[parties == party]
            colour = PARTY_COLOURS.get(party, NO_VALUE_COLOUR)
            add(part, [1.0] * len(part), party, colorscale=[[0, colour], [1, colour]], showscale=False, showlegend=True)
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
        add(
            missing,
            [0.0] * len(missing),
            "no value",
            colorscale=[[0, NO_VALUE_COLOUR], [1, NO_VALUE_COLOUR]],
            showscale=False,
            showlegend=True,
        )

    _geo_view(fig, national)
    fig.update_layout(
        height=height,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        dragmode="pan",
        legend={"orientation": "h", "y": 0, "x": 0, "bgcolor": "rgba(255,255,255,0.6)"},
    )
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


def plan_changes(history: pd.DataFrame) -> list[tuple[int, str]]:
    """(first year, plan) of every plan after the first in the district's history."""
    if history.empty or "plan" not in history:
        return []
    first = history.dropna(subset=["plan"]).groupby("plan")["year"].min().sort_values()
    return [(int(year), str(plan)) for plan, year in first.iloc[1:].items()]


SERIES_COLOURS = {
    "District race": "#333333",
    "Special": "#41b6c4",
    "President (current lines)": "#6a51a3",
    "President (earlier lines)": "#9e9ac8",
}


def history_chart(history: pd.DataFrame, presidential: pd.DataFrame, *, height: int = 340) -> alt.LayerChart:
    """Down-ballot vs presidential margin over the cycles, with plan (district-line) changes marked.

    history: races of the district (year, kind, plan, margin, status); presidential: pres_year,
    plan, margin, old_lines. Margins in points, + = D. The race line breaks at each plan change
    (margins on different lines are different territory); a dotted rule marks the change.
    """
    races = history[history["kind"].isin(["general", "rcv_final", "runoff", "special", "special_runoff"])]
    points = pd.DataFrame(
        {
            "year": races["year"].astype(int),
            "margin": pd.to_numeric(races["margin"], errors="coerce"),
            "series": ["Special" if k.startswith("special") else "District race" for k in races["kind"]],
            "plan": races["plan"].astype(str),
            "detail": races["status"].astype(str),
        }
    )
    if len(presidential):
        old = presidential["old_lines"].fillna(False).astype(bool)
        points = pd.concat(
            [
                points,
                pd.DataFrame(
                    {
                        "year": presidential["pres_year"].astype(int),
                        "margin": pd.to_numeric(presidential["margin"], errors="coerce"),
                        "series": ["President (earlier lines)" if o else "President (current lines)" for o in old],
                        "plan": presidential["plan"].astype(str),
                        "detail": presidential.get("margin_basis", pd.Series("", index=presidential.index)).astype(str),
                    }
                ),
            ],
            ignore_index=True,
        )
    points = points.dropna(subset=["margin"])
    x = alt.X("year:Q", title=None, axis=alt.Axis(format="d"), scale=alt.Scale(zero=False, nice=False))
    y = alt.Y("margin:Q", title="Margin (pts, + = D)")
    colour = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(domain=list(SERIES_COLOURS), range=list(SERIES_COLOURS.values())),
        legend=alt.Legend(orient="bottom"),
    )
    tooltip = [
        alt.Tooltip("series:N"),
        alt.Tooltip("year:Q", format="d"),
        alt.Tooltip("margin:Q", format="+.1f"),
        alt.Tooltip("plan:N", title="lines"),
        alt.Tooltip("detail:N"),
    ]
    base = alt.Chart(points)
    layers = [
        alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#bbbbbb").encode(y="zero:Q"),
        base.transform_filter(alt.datum.series == "District race")
        .mark_line(color="#333333")
        .encode(x=x, y=y, detail="plan:N"),
        base.mark_point(filled=True, size=60).encode(
            x=x, y=y, color=colour, shape=alt.Shape("series:N", legend=None), tooltip=tooltip
        ),
    ]
    # Labels alternate between two heights so close plan changes (e.g. PA 2018 and 2022) stay legible.
    changes = pd.DataFrame(
        [
            {"x": year - 0.5, "label": f"new lines ({plan})", "ypos": 4 + 12 * (i % 2)}
            for i, (year, plan) in enumerate(plan_changes(history))
        ]
    )
    if len(changes):
        rule = alt.Chart(changes).encode(x=alt.X("x:Q"))
        layers += [
            rule.mark_rule(strokeDash=[3, 3], color="#999999"),
            rule.mark_text(align="left", dx=3, color="#777777", fontSize=10).encode(
                y=alt.Y("ypos:Q", scale=None), text="label:N"
            ),
        ]
    return alt.layer(*layers).properties(height=height)


def small_map(features: dict, *, height: int = 220) -> alt.Chart:
    """The district alone, outlined, fitted to the box (rings are already wound for d3)."""
    return (
        alt.Chart(alt.Data(values=features.get("features", [])))
        .mark_geoshape(fill="#9ecae1", stroke="#08519c", strokeWidth=1)
        .project(type="mercator")
        .properties(height=height)
    )


def specials_chart(specials: pd.DataFrame, *, height: int = 360) -> alt.LayerChart:
    """Overperformance of each special (margin - presidential baseline, pts, + = D) and its running average."""
    frame = specials.assign(
        district_label=[f"{s}-{d}" for s, d in zip(specials["state_po"], specials["district"], strict=True)],
        sign=["D better" if v >= 0 else "R better" for v in specials["overperformance"].fillna(0)],
        date=pd.to_datetime(specials["election_date"], errors="coerce"),
    ).dropna(subset=["date", "overperformance"])[["date", "district_label", "overperformance", "running_avg", "sign"]]
    x = alt.X("date:T", title=None)
    dots = (
        alt.Chart(frame)
        .mark_circle(size=70)
        .encode(
            x=x,
            y=alt.Y("overperformance:Q", title="Overperformance (pts, + = D)"),
            color=alt.Color(
                "sign:N",
                title=None,
                scale=alt.Scale(domain=["D better", "R better"], range=[PARTY_COLOURS["DEM"], PARTY_COLOURS["REP"]]),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("district_label:N", title="district"),
                alt.Tooltip("date:T"),
                alt.Tooltip("overperformance:Q", format="+.1f"),
                alt.Tooltip("running_avg:Q", format="+.1f"),
            ],
        )
    )
    line = alt.Chart(frame).mark_line(color="#333333", strokeWidth=2).encode(x=x, y="running_avg:Q")
    zero = alt.Chart(pd.DataFrame({"zero": [0]})).mark_rule(color="#bbbbbb").encode(y="zero:Q")
    return alt.layer(zero, dots, line).properties(height=height)


def tipping_chart(seats_up: pd.DataFrame, party: str, *, height: int = 300) -> alt.LayerChart:
    """Seats up, from the party's best chance to its worst; a rule marks the tipping-point seat."""
    frame = pd.DataFrame(
        {
            "order": range(1, len(seats_up) + 1),
            "seat": [f"{s}-{d}" for s, d in zip(seats_up["state_po"], seats_up["district"], strict=True)],
            "p_win": seats_up["p_win"].astype(float),
            "holder": seats_up["holder_party"].fillna("unknown").astype(str),
            "seats_if_won": seats_up["seats_if_won_in_order"].astype(int),
        }
    )
    holders = sorted(set(frame["holder"]))
    bars = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "order:Q",
                title="seats in tipping-point order",
                scale=alt.Scale(domain=[0, len(frame) + 1], nice=False, zero=False),
            ),
            y=alt.Y("p_win:Q", title=f"P({party} wins)", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
            color=alt.Color(
                "holder:N",
                title="holder",
                scale=alt.Scale(domain=holders, range=[PARTY_COLOURS.get(h, NO_VALUE_COLOUR) for h in holders]),
            ),
            tooltip=[
                "seat:N",
                alt.Tooltip("p_win:Q", format=".0%"),
                "holder:N",
                alt.Tooltip("seats_if_won:Q", title="seats if won in order"),
            ],
        )
    )
    layers = [bars]
    tipping = seats_up.index[seats_up["tipping_point"].astype(bool)]
    if len(tipping):
        marker = pd.DataFrame({"order": [int(tipping[0]) + 1], "label": ["tipping point"]})
        rule = alt.Chart(marker).encode(x="order:Q")
        layers += [
            rule.mark_rule(strokeDash=[4, 3], color="#000000"),
            rule.mark_text(align="left", dx=4, y=8, fontSize=11).encode(text="label:N"),
        ]
    return alt.layer(*layers).properties(height=height)
