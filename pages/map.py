"""Map: the national US House map and each state's legislative chambers, coloured by a chosen measure.

Clicking a district opens its page. Districts whose key matches no boundary are counted and
listed in a warning rather than leaving the map blank.
"""

from __future__ import annotations

import streamlit as st

import ui_cache
from analysis import charts, queries

ui_cache.ensure_entrypoint()

NATIONAL = "All states (national)"
swing = ui_cache.swing()
params = st.query_params

st.title("Map")

# Widget defaults come from the URL once per visit, so a shared link reproduces the view.
if "map_office" not in st.session_state:
    office_param = params.get("office", "us_house")
    st.session_state["map_office"] = office_param if office_param in queries.OFFICES else "us_house"
if "map_measure" not in st.session_state:
    # Flip probability once the model has ranked seats; until then the presidential margin.
    default_measure = "p_flip" if ui_cache.query("filter_options")["target_years"] else "pres_margin"
    measure_param = params.get("measure", default_measure)
    st.session_state["map_measure"] = measure_param if measure_param in queries.MAP_MEASURES else default_measure

left, middle, right = st.columns([2, 2, 2])
office = left.radio("Chamber", queries.OFFICES, format_func=charts.office_label, horizontal=True, key="map_office")
districts = ui_cache.query("district_list", None, office)
states = sorted(districts["state_po"].unique())
state_options = ([NATIONAL] if office == "us_house" else []) + states
if st.session_state.get("map_state") not in state_options:
    wanted = params.get("state")
    st.session_state["map_state"] = wanted if wanted in state_options else (state_options[0] if state_options else None)
state_choice = middle.selectbox("State", state_options, key="map_state")
measure = right.selectbox(
    "Colour by", list(queries.MAP_MEASURES), format_func=queries.MAP_MEASURES.get, key="map_measure"
)
state = None if state_choice in (NATIONAL, None) else state_choice

wanted_params = {"office": office, "measure": measure}
if state:
    wanted_params["state"] = state
if swing:
    wanted_params["swing"] = f"{swing:g}"
if {k: params.get(k) for k in params} != wanted_params:
    st.query_params.from_dict(wanted_params)

if not state_options:
    st.info(f"No {charts.office_label(office)} districts in the warehouse.")
    st.stop()

frame = ui_cache.query("map_frame", office, state, swing)
precision = charts.NATIONAL_PRECISION if state is None else charts.STATE_PRECISION
features = ui_cache.query("shapes", office, state, None, precision)
match = charts.match_report(frame["key"], features)

if match.matched == 0:
    st.error(
        f"None of the {match.rows:,} districts matched a boundary ({match.features:,} shapes loaded), so there "
        "is nothing to draw. The table below lists the districts."
    )
    st.dataframe(frame.drop(columns=["key"]), hide_index=True, column_config=ui_cache.ranking_column_config())
    st.stop()
if match.rows_without_shape:
    missing = ", ".join(k.replace("|", "-") for k in match.rows_without_shape[:12])
    more = f" and {len(match.rows_without_shape) - 12} more" if len(match.rows_without_shape) > 12 else ""
    st.warning(
        f"{len(match.rows_without_shape)} of {match.rows} districts have no boundary and are not drawn: "
        f"{missing}{more}."
    )
if measure != "holder_party" and frame[measure].isna().all():
    st.info(
        f"No district has a value for {queries.MAP_MEASURES[measure].lower()} yet (the model's rankings are "
        "missing or do not cover this chamber); districts are drawn grey."
    )
if match.shapes_without_row:
    st.warning(f"{len(match.shapes_without_row)} boundaries match no current district and are not drawn.")


def _remember_click() -> None:
    key = charts.selected_key(st.session_state.get("map_chart"))
    if key:
        st.session_state["map_goto"] = key


fig = charts.district_map(
    frame,
    features,
    measure,
    height=620 if state is None else 560,
    line_width=0.3 if state is None else 0.6,
    national=state is None,
)
st.plotly_chart(
    fig,
    key="map_chart",
    on_select=_remember_click,
    selection_mode="points",
    config=charts.PLOTLY_CONFIG,
    width="stretch",
)
st.caption(
    f"{match.matched:,} of {match.rows:,} districts drawn · colour: {queries.MAP_MEASURES[measure]}"
    f"{' · swing ' + charts.margin_label(swing) if swing else ''} · click a district to open its page."
)

goto = st.session_state.pop("map_goto", None)
if goto:
    goto_state, goto_district = queries.parse_district_key(goto)
    ui_cache.open_district(goto_state, office, goto_district)

with st.expander("Open a district from a list"):
    labels = {
        k: charts.district_title(s, office, d, n)
        for k, s, d, n in zip(frame["key"], frame["state_po"], frame["district"], frame["name"], strict=True)
    }
    choice = st.selectbox(
        "District", [None, *labels], format_func=lambda k: "—" if k is None else labels[k], key="map_pick"
    )
    if choice:
        pick_state, pick_district = queries.parse_district_key(choice)
        st.page_link(
            "pages/district.py",
            label=f"Open {labels[choice]}",
            query_params=ui_cache.district_params(pick_state, office, pick_district),
        )
