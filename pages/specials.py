"""Specials: US House special elections against the district's presidential baseline, and their running average."""

from __future__ import annotations

import streamlit as st

import ui_cache
from analysis import charts, exports

ui_cache.ensure_entrypoint()

st.title("Special elections")
st.markdown(
    "Each special's two-party margin minus the presidential margin on the same lines "
    "(**overperformance**, points, + = Democrats did better than the top of the ticket). "
    "The running average over the latest specials is a rough signal of the national environment."
)

window = st.slider("Running average over the last N specials", min_value=1, max_value=20, value=5, key="sp_window")
specials = ui_cache.query("specials", window)
if specials.empty:
    st.info("No special elections with votes in the warehouse.")
    st.stop()

with_baseline = specials.dropna(subset=["overperformance"])
m1, m2, m3 = st.columns(3)
m1.metric("Specials on file", f"{len(specials):,}", help=f"{len(with_baseline):,} with a presidential baseline")
m2.metric(
    f"Running average (last {window})",
    f"{with_baseline['running_avg'].iloc[-1]:+.1f} pts" if len(with_baseline) else "–",
    help="Mean overperformance of the latest specials, + = toward Democrats",
)
m3.metric("Mean, all specials", f"{specials['overperformance'].mean():+.1f} pts")

st.altair_chart(charts.specials_chart(with_baseline), key="sp_chart", width="stretch")

table = specials.assign(
    district_label=[f"{s}-{d}" for s, d in zip(specials["state_po"], specials["district"], strict=True)]
)
st.dataframe(
    table[
        [
            "election_date",
            "district_label",
            "dem_votes",
            "rep_votes",
            "margin",
            "pres_margin",
            "overperformance",
            "running_avg",
        ]
    ].iloc[::-1],
    hide_index=True,
    key="sp_table",
    column_config={
        "election_date": st.column_config.DateColumn("Date", format="YYYY-MM-DD"),
        "district_label": "District",
        "dem_votes": st.column_config.NumberColumn("D votes", format="localized"),
        "rep_votes": st.column_config.NumberColumn("R votes", format="localized"),
        "margin": st.column_config.NumberColumn("Margin (pts, + = D)", format="%+.1f"),
        "pres_margin": st.column_config.NumberColumn("Presidential baseline (pts)", format="%+.1f"),
        "overperformance": st.column_config.NumberColumn("Overperformance (pts)", format="%+.1f"),
        "running_avg": st.column_config.NumberColumn(f"Running avg, last {window} (pts)", format="%+.1f"),
    },
)
st.caption("Baseline: the district's presidential margin on the lines in force at the special (see Methodology).")
st.download_button(
    "Download (CSV)",
    data=lambda: exports.to_csv_bytes(specials),
    file_name="flippable-specials.csv",
    mime="text/csv",
    key="sp_csv",
    on_click="ignore",
)
