"""Chambers (for leadership): seats held and needed, P(majority) under the swing, tipping point, cheapest path."""

from __future__ import annotations

import streamlit as st

import ui_cache
from analysis import charts, exports, queries

ui_cache.ensure_entrypoint()

DISPLAY_CAP = 500
swing = ui_cache.swing()
params = st.query_params

st.title("Chambers")
if "ch_party" not in st.session_state:
    st.session_state["ch_party"] = params.get("party") if params.get("party") in ("DEM", "REP") else "DEM"
party = st.radio(
    "Seen by",
    ["DEM", "REP"],
    horizontal=True,
    key="ch_party",
    format_func={"DEM": "Democrats", "REP": "Republicans"}.get,
)

summary = ui_cache.query("chamber_summary", swing, party)
if summary.empty:
    st.info("The warehouse has no chamber composition (`chambers`).")
    st.stop()


def _chamber_label(state_po: str, office: str) -> str:
    return "US House" if state_po == "US" else f"{state_po} {charts.office_label(office)}"


keys = [f"{s}|{o}" for s, o in zip(summary["state_po"], summary["office"], strict=True)]
labels = {k: _chamber_label(*k.split("|")) for k in keys}
if st.session_state.get("ch_chamber") not in keys:
    wanted = params.get("chamber")
    st.session_state["ch_chamber"] = wanted if wanted in keys else keys[0]
chosen = st.selectbox("Chamber", keys, format_func=labels.get, key="ch_chamber")
state_po, office = chosen.split("|")

wanted_params = {"party": party, "chamber": chosen} | ({"swing": f"{swing:g}"} if swing else {})
if {k: params.get(k) for k in params} != wanted_params:
    st.query_params.from_dict(wanted_params)

outlook = ui_cache.query("chamber_outlook", state_po, office, swing, party)
party_name = {"DEM": "Democrats", "REP": "Republicans"}[party]
chamber_name = _chamber_label(state_po, office)

m1, m2, m3, m4 = st.columns(4)
m1.metric(f"Seats held by {party_name}", f"{outlook.held:,} of {outlook.total_seats:,}")
m2.metric(
    "Seats needed for a majority",
    f"{outlook.seats_needed:,}",
    help=f"Majority threshold {outlook.majority_threshold:,} seats",
)
m3.metric(
    "P(majority)" + (f", swing {charts.margin_label(swing)}" if swing else ""),
    charts.percent_label(outlook.p_majority),
    help="Share of the model's 10,000 simulations of the election in which the party reaches the threshold",
)
m4.metric(
    "Tipping-point seat",
    outlook.tipping_point_label or "—",
    help="The seat that most often delivers the Democratic majority in the model's simulations"
    + (f" ({charts.percent_label(outlook.p_tipping_point)} of them)" if outlook.p_tipping_point is not None else ""),
)
shared = queries.SHARED_CONTROL.get(outlook.control_status or "")
if shared:
    st.warning(
        f"The {chamber_name} is {shared}: the chamber's leadership is not decided by a party majority alone, "
        "so the party-majority figures here overstate what a majority means in practice."
    )
if outlook.seats_up.empty:
    st.info(
        "No ranked seats in this chamber yet (the model has not written `rankings`, or no seat is up), so "
        "the tipping-point order and the cheapest set cannot be computed."
    )
elif outlook.model_p_dem_majority is None:
    st.caption(
        f"Seats up in {outlook.target_year}. The model has no simulation of this chamber "
        "(table `rankings_chambers` missing), so P(majority) and the tipping point are unknown."
    )
else:
    expected = f"{outlook.expected_seats:,.1f}" if outlook.expected_seats is not None else "—"
    st.caption(
        f"Seats up in {outlook.target_year}; the other seats stay with their holders. From the model's 10,000 "
        f"simulations (national, state and seat errors){' under a swing of ' + charts.margin_label(swing) if swing else ''}: "
        f"{party_name} win {expected} seats on average."
    )

st.subheader("Tipping-point order")
order = outlook.seats_up
if order.empty:
    st.caption("No ranked seats up in this chamber.")
else:
    st.altair_chart(charts.tipping_chart(order, party), key="ch_tipping", width="stretch")
    cols = [
        "state_po",
        "district",
        "seat_no",
        "holder_party",
        "p_win",
        "seats_if_won_in_order",
        "tipping_point",
        "p_tipping",
        "expected_margin",
        "votes_to_flip",
        "reason",
    ]
    st.dataframe(
        order[cols].head(DISPLAY_CAP), hide_index=True, column_config=ui_cache.ranking_column_config(), key="ch_order"
    )
    if len(order) > DISPLAY_CAP:
        st.caption(f"Showing {DISPLAY_CAP:,} of {len(order):,} seats; the download holds all.")

st.subheader("Cheapest set of seats to a majority")
cheap = outlook.cheapest
if outlook.seats_needed == 0:
    st.success(f"{party_name} already hold a majority ({outlook.held:,} of {outlook.total_seats:,}).")
elif outlook.seats_up.empty:
    st.caption("Needs the ranked seats.")
elif cheap.empty:
    st.warning(
        f"{outlook.seats_needed:,} more seats are needed than have a known cost: none of the seats up "
        "that the other side holds had a Democrat-vs-Republican race last time."
    )
else:
    total = f"{outlook.cheapest_votes:,.0f}" if outlook.cheapest_votes is not None else "—"
    these = "this seat" if len(cheap) == 1 else f"these **{len(cheap):,}** seats"
    st.markdown(
        f"Flipping {these} takes **{total}** switched votes in all (from their last Democrat-vs-Republican "
        "results on current lines), the fewest of any such set that reaches a majority."
    )
    if outlook.cheapest_short:
        st.warning(
            f"{outlook.cheapest_short:,} more seats are needed than have a known D-vs-R cost, so no total is given."
        )
excluded_note = queries.excluded_caption(outlook)
if excluded_note and outlook.seats_needed and not outlook.seats_up.empty:
    st.caption(excluded_note)
    st.dataframe(
        cheap[
            ["state_po", "district", "holder_party", "votes_to_flip", "cumulative_votes_to_flip", "p_flip", "reason"]
        ],
        hide_index=True,
        column_config=ui_cache.ranking_column_config(),
        key="ch_cheap",
    )

st.subheader("All chambers")
st.dataframe(
    summary,
    hide_index=True,
    key="ch_summary",
    column_config={
        "p_majority": st.column_config.NumberColumn("P(majority)", format="percent"),
        "expected_seats": st.column_config.NumberColumn("Expected seats", format="%.1f"),
        "tipping_point": "Tipping-point seat",
        "p_tipping_point": st.column_config.NumberColumn("P(tipping point)", format="percent"),
        "control_status": st.column_config.TextColumn(
            "Control", help="Coalition: run by a bipartisan coalition (Alaska); party majorities overstate control"
        ),
        "cheapest_votes": st.column_config.NumberColumn("Votes to flip, cheapest majority", format="localized"),
        "majority_threshold": "Majority at",
        "seats_needed": "Seats needed",
        "d_seats": "D seats",
        "r_seats": "R seats",
    },
)

st.subheader("Export")
slug = chosen.replace("|", "-")
e1, e2, e3, e4 = st.columns(4)
e1.download_button(
    "Tipping order (CSV)",
    data=lambda: exports.to_csv_bytes(order),
    file_name=f"flippable-{slug}-tipping.csv",
    mime="text/csv",
    key="ch_csv_order",
    on_click="ignore",
)
e2.download_button(
    "Cheapest set (CSV)",
    data=lambda: exports.to_csv_bytes(cheap),
    file_name=f"flippable-{slug}-cheapest.csv",
    mime="text/csv",
    key="ch_csv_cheap",
    on_click="ignore",
)
e3.download_button(
    "All chambers (CSV)",
    data=lambda: exports.to_csv_bytes(summary),
    file_name="flippable-chambers.csv",
    mime="text/csv",
    key="ch_csv_all",
    on_click="ignore",
)
e4.download_button(
    "All of it (.xlsx)",
    key="ch_xlsx",
    on_click="ignore",
    data=lambda: exports.to_xlsx_workbook({"tipping order": order, "cheapest set": cheap, "all chambers": summary}),
    file_name=f"flippable-{slug}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
