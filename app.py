"""Flippable dashboard: page config, navigation over pages/, and the sidebar settings every page shares.

Run: streamlit run app.py   (reads config.db_path(): $FLIPPABLE_DB or data/flippable.duckdb, read-only)
"""

from __future__ import annotations

import math
from pathlib import Path

import streamlit as st

import ui_cache
from analysis import charts

st.set_page_config(page_title="Flippable", layout="wide", initial_sidebar_state="expanded")

PAGES = [
    st.Page("pages/home.py", title="Home", default=True),
    st.Page("pages/map.py", title="Map", url_path="map"),
    st.Page("pages/rankings.py", title="Rankings", url_path="rankings"),
    st.Page("pages/district.py", title="District", url_path="district"),
    st.Page("pages/chambers.py", title="Chambers", url_path="chambers"),
    st.Page("pages/specials.py", title="Specials", url_path="specials"),
    st.Page("pages/methodology.py", title="Methodology & Data", url_path="methodology"),
]
# The staffing planner (issue 5) is its own page file; listed once it exists.
if (Path(__file__).resolve().parent / "pages" / "planner.py").exists():
    PAGES.insert(5, st.Page("pages/planner.py", title="Staffing planner", url_path="planner"))
page = st.navigation(PAGES)


def _swing_from_url() -> float:
    try:
        value = float(st.query_params.get("swing", 0.0))
    except (TypeError, ValueError):
        return 0.0
    return min(10.0, max(-10.0, round(value * 2) / 2)) if math.isfinite(value) else 0.0


# Shared settings: widgets in the entry point render on every page, so their state persists
# across pages; the swing also travels in the URL so a shared link reproduces the view.
if "swing" not in st.session_state:
    st.session_state["swing"] = _swing_from_url()
with st.sidebar:
    st.slider(
        "National swing (pts, + = toward Democrats)",
        min_value=-10.0,
        max_value=10.0,
        step=0.5,
        key="swing",
        help="A uniform shift of every seat's expected margin; rankings, maps and majorities update.",
    )
    st.caption(f"Swing: {charts.margin_label(ui_cache.swing()) if ui_cache.swing() else 'none'}")

if ui_cache.swing():
    st.query_params["swing"] = f"{ui_cache.swing():g}"
elif "swing" in st.query_params:
    del st.query_params["swing"]

ok, problem = ui_cache.available()
if not ok:
    st.title("Flippable")
    st.error(problem)
    st.stop()

with st.sidebar:
    info = ui_cache.query("build_info")
    if info:
        st.caption(f"Data build `{info.get('build_id')}` · {str(info.get('built_at'))[:16]}")

page.run()
