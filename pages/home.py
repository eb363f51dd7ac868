"""Home: what Flippable answers and for whom, how fresh the data is, the top races, and the way in."""

from __future__ import annotations

import streamlit as st

import ui_cache
from analysis import charts, config

ui_cache.ensure_entrypoint()

swing = ui_cache.swing()

st.title("Flippable")
st.markdown(
    "**Which US House and state legislative seats can change hands next, and where does extra "
    "effort matter most?** Flippable ranks every race by its chance to flip and by what a few "
    "thousand extra votes would do for control of its chamber. It is built for campaign staff, "
    "volunteer organisers and party leadership deciding where to send people and money."
)

st.subheader("How fresh the data is")
fresh = ui_cache.query("freshness")
cols = st.columns(max(1, len(fresh)))
for col, row in zip(cols, fresh.itertuples(index=False), strict=False):
    col.metric(
        charts.office_label(row.office),
        f"{int(row.latest_year)}",
        help=f"Latest general election in the warehouse: {int(row.contests):,} contests",
    )
if fresh.empty:
    st.info("The warehouse holds no general-election results yet.")

title = "Top races nationally" + (f" (swing {charts.margin_label(swing)})" if swing else "")
st.subheader(title)
top = ui_cache.query("rankings", swing)
if top.empty:
    st.info("No rankings yet: the model has not written the `rankings` table (run `python -m analysis.rank`).")
else:
    shown = top.head(10)[
        [
            "rank",
            "state_po",
            "office",
            "district",
            "holder_party",
            "pres_margin",
            "last_margin",
            "expected_margin",
            "p_flip",
            "reason",
        ]
    ]
    st.dataframe(shown, hide_index=True, column_config=ui_cache.ranking_column_config(), key="home_top")

st.subheader("Where to go")
links = [
    ("pages/map.py", "Map", "National House map and every state chamber, coloured by flip chance, impact or margin."),
    ("pages/rankings.py", "Rankings", "The full ranked table with filters, a swing slider and downloads."),
    ("pages/district.py", "District", "One seat: results history, candidates, why it ranks where it does."),
    ("pages/chambers.py", "Chambers", "Seats needed, P(majority), tipping point, cheapest path to a majority."),
    ("pages/specials.py", "Specials", "Special elections against the presidential baseline: the national mood."),
    ("pages/methodology.py", "Methodology & Data", "Formulas, sources and licences, coverage, build report."),
]
if (config.PROJECT_ROOT / "pages" / "planner.py").exists():
    links.insert(
        4, ("pages/planner.py", "Staffing planner", "N volunteer teams: which races to staff for the most seats.")
    )
for path, label, text in links:
    left, right = st.columns([1, 4])
    left.page_link(path, label=label)
    right.caption(text)
