"""Home: what Flippable answers and for whom, how fresh the data is, the top races per office, and the way in."""

from __future__ import annotations

import streamlit as st

import ui_cache
from analysis import charts, config, queries

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

TOP_N = 5
TOP_COLUMNS = [
    "office_rank",
    "state_po",
    "district",
    "holder_party",
    "pres_margin",
    "expected_margin",
    "p_flip",
    "reason",
]

# Per office, not nationally: impact per 1,000 votes favours small districts in close chambers, so
# a national list is all Alaska and Maine legislative seats (docs/METHODOLOGY.md).
st.subheader("Top races by office" + (f" (swing {charts.margin_label(swing)})" if swing else ""))
st.caption(
    "Ranked by impact: how much 1,000 extra net votes there raise the Democratic chance of a majority in "
    "the seat's chamber" + (". Margins and P(flip) under the national swing set in the sidebar." if swing else ".")
)
any_ranked = False
for office in queries.OFFICES:
    top = ui_cache.query("rankings", swing, queries.RankingFilters(offices=(office,)))
    if top.empty:
        continue
    any_ranked = True
    head, link = st.columns([3, 1])
    head.markdown(f"**{charts.office_label(office)}**")
    link.page_link(
        "pages/rankings.py",
        label=f"All {len(top):,} {charts.office_label(office)} races →",
        query_params={"office": office},
    )
    st.dataframe(
        top.head(TOP_N)[TOP_COLUMNS],
        hide_index=True,
        column_config=ui_cache.ranking_column_config(),
        key=f"home_top_{office}",
    )
if not any_ranked:
    st.info("No rankings yet: the model has not written the `rankings` table (run `python -m analysis.rank`).")

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
