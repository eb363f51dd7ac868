"""Rankings: the ranked race table with filters, the national swing, units, URL round-trip and downloads."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

import ui_cache
from analysis import charts, exports, queries

ui_cache.ensure_entrypoint()

DISPLAY_CAP = 500  # rows drawn on screen; downloads hold the full filtered view
ALL = "All"

swing = ui_cache.swing()
options = ui_cache.query("filter_options")
from_url = queries.RankingFilters.from_params(st.query_params)

st.title("Rankings")
st.caption(
    "Every seat up in its next election, in the model's order: what 1,000 extra net votes there are worth "
    "for the chamber majority (impact), then the chance the seat changes party"
    + (
        f". Re-ranked by the model under a national swing of {charts.margin_label(swing)}: margins, P(flip), "
        "impact, order and reasons all move."
        if swing
        else "."
    )
)


def _default(key: str, value: object) -> None:
    """Seed a widget from the URL once per visit (the widget then owns the value)."""
    if key not in st.session_state:
        st.session_state[key] = value


years = options["target_years"]
# One office at a time by default: impact per 1,000 votes is larger in small districts, so a list
# mixing offices puts small state house seats first (docs/METHODOLOGY.md). "All offices" stays one
# click away (office=all in the URL).
ALL_OFFICES = "all"
office_choices = [*options["offices"], ALL_OFFICES] if options["offices"] else [ALL_OFFICES]
if st.query_params.get("office") == ALL_OFFICES:
    url_office = ALL_OFFICES
elif len(from_url.offices) == 1 and from_url.offices[0] in office_choices:
    url_office = from_url.offices[0]
elif len(from_url.offices) > 1:
    url_office = ALL_OFFICES
else:
    url_office = "us_house" if "us_house" in office_choices else office_choices[0]
_default("rk_office", url_office)
_default("rk_states", [s for s in from_url.states if s in options["states"]])
_default("rk_holders", [p for p in from_url.holder_parties if p in options["holder_parties"]])
_default("rk_margin_of", from_url.margin_measure)
_default(
    "rk_margin",
    (
        max(-100.0, from_url.margin_min) if from_url.margin_min is not None else -100.0,
        min(100.0, from_url.margin_max) if from_url.margin_max is not None else 100.0,
    ),
)
_default("rk_open", from_url.uncontested_or_open)
_default("rk_year", from_url.target_year if from_url.target_year in years else ALL)
_default("rk_search", from_url.search)

office = st.radio(
    "Office",
    office_choices,
    format_func=lambda o: "All offices" if o == ALL_OFFICES else charts.office_label(o),
    horizontal=True,
    key="rk_office",
    help="Rank within one office (impact favours small districts when offices are mixed)",
)
offices = [] if office == ALL_OFFICES else [office]

with st.container(border=True):
    c1, c3 = st.columns(2)
    states = c1.multiselect("State", options["states"], key="rk_states", placeholder="All states")
    holders = c3.multiselect("Holder party", options["holder_parties"], key="rk_holders", placeholder="Any party")
    c4, c5, c6 = st.columns(3)
    margin_of = c4.selectbox(
        "Margin range applies to",
        list(queries.MARGIN_MEASURES),
        format_func=queries.MARGIN_MEASURES.get,
        key="rk_margin_of",
    )
    low, high = c5.slider("Margin range (pts, + = D)", min_value=-100.0, max_value=100.0, step=1.0, key="rk_margin")
    year = c6.selectbox("Target year", [ALL, *years], key="rk_year")
    c7, c8 = st.columns([1, 2])
    open_only = c7.checkbox(
        "Uncontested or open seats only",
        key="rk_open",
        help="Last general had no Democrat or no Republican, or the seat is open",
    )
    search = c8.text_input("Search district, name, holder or reason", key="rk_search", max_chars=200)

filters = queries.RankingFilters(
    states=tuple(states),
    offices=tuple(offices),
    holder_parties=tuple(holders),
    margin_measure=margin_of,
    margin_min=None if low <= -100 else low,
    margin_max=None if high >= 100 else high,
    uncontested_or_open=open_only,
    target_year=None if year == ALL else int(year),
    search=search.strip(),
)
wanted = (
    filters.to_params()
    | ({"office": ALL_OFFICES} if office == ALL_OFFICES else {})
    | ({"swing": f"{swing:g}"} if swing else {})
)
if {k: st.query_params.get(k) for k in st.query_params} != wanted:
    st.query_params.from_dict(wanted)

view = ui_cache.query("rankings", swing, filters)

m1, m2, m3 = st.columns(3)
m1.metric("Races in view", f"{len(view):,}")
m2.metric(
    "Expected flips",
    f"{view['p_flip'].astype(float).sum():.1f}" if len(view) else "–",
    help="Sum of P(flip) over the races in view",
)
m3.metric(
    "Held by Republicans / Democrats",
    f"{int((view['holder_party'] == 'REP').sum()):,} / {int((view['holder_party'] == 'DEM').sum()):,}",
)

if view.empty:
    st.info("No race matches these filters.")
else:
    shown = view.head(DISPLAY_CAP).copy()
    shown["page"] = [
        "district?" + urlencode(ui_cache.district_params(s, o, d))
        for s, o, d in zip(shown["state_po"], shown["office"], shown["district"], strict=True)
    ]
    event = st.dataframe(
        shown,
        hide_index=True,
        column_config=ui_cache.ranking_column_config(),
        key="rk_table",
        on_select="rerun",
        selection_mode="single-row",
        column_order=[
            "rank" if office == ALL_OFFICES else "office_rank",
            "state_po",
            "office",
            "district",
            "seat_no",
            "name",
            "holder_party",
            "holder_names",
            "pres_margin",
            "last_margin",
            "expected_margin",
            "p_flip",
            "p_decisive",
            "impact",
            "votes_to_flip",
            "last_status",
            "open_seat",
            "target_year",
            "reason",
            "page",
        ],
    )
    if len(view) > DISPLAY_CAP:
        st.caption(f"Showing the first {DISPLAY_CAP:,} of {len(view):,} races; the downloads hold all {len(view):,}.")
    else:
        st.caption("Click a column header to sort; select a row to open its district page.")
    rows = event.selection.rows if event and event.selection else []
    if rows:
        picked = shown.iloc[rows[0]]
        ui_cache.open_district(picked["state_po"], picked["office"], picked["district"])


def _geometries() -> dict:
    """(state_po, office, district) -> geometry for the offices in view (fetched on click only)."""
    out: dict = {}
    for office in view["office"].unique():
        states_in_view = view.loc[view["office"] == office, "state_po"].unique()
        state = states_in_view[0] if len(states_in_view) == 1 else None
        for feature in ui_cache.query("shapes", office, state, None, 4)["features"]:
            props = feature["properties"]
            out[(props["state_po"], props["office"], props["district"])] = feature["geometry"]
    return out


st.subheader("Download this view")
d1, d2, d3 = st.columns(3)
d1.download_button(
    "CSV",
    data=lambda: exports.to_csv_bytes(view),
    file_name="flippable-rankings.csv",
    mime="text/csv",
    key="rk_csv",
    on_click="ignore",
    icon=":material/download:",
)
d2.download_button(
    "Excel (.xlsx)",
    data=lambda: exports.to_xlsx_bytes(view, "rankings"),
    file_name="flippable-rankings.xlsx",
    key="rk_xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    icon=":material/download:",
)
d3.download_button(
    "GeoJSON",
    data=lambda: exports.to_geojson_bytes(view, _geometries()),
    file_name="flippable-rankings.geojson",
    mime="application/geo+json",
    key="rk_geojson",
    on_click="ignore",
    icon=":material/download:",
)
st.caption(
    "Downloads hold exactly the filtered view above (all rows, all columns). Share the page's URL to share "
    "the view: the filters and the swing are in it."
)
