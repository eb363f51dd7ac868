"""District: one seat's results history, candidates, the reason for its rank, specials, map and data gaps."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

import ui_cache
from analysis import charts, exports, queries

ui_cache.ensure_entrypoint()

swing = ui_cache.swing()
params = st.query_params

# ----------------------------------------------------------------------------- which district
everything = ui_cache.query("district_list")
if everything.empty:
    st.title("District")
    st.info("The warehouse has no current districts.")
    st.stop()

states = sorted(everything["state_po"].unique())
# What the URL asked for and could not be shown (said so below instead of silently opening another district).
unknown_in_url: list[str] = []
if st.session_state.get("ds_state") not in states:
    if params.get("state") and params.get("state") not in states:
        unknown_in_url.append(f"State {params.get('state')} has no current districts")
    st.session_state["ds_state"] = params.get("state") if params.get("state") in states else states[0]
c1, c2, c3 = st.columns([1, 1, 2])
state = c1.selectbox("State", states, key="ds_state")
in_state = everything[everything["state_po"] == state]
offices = [o for o in queries.OFFICES if o in set(in_state["office"])]
if st.session_state.get("ds_office") not in offices:
    if params.get("office") and params.get("office") not in offices:
        unknown_in_url.append(f"{state} has no current {params.get('office')} districts")
    st.session_state["ds_office"] = params.get("office") if params.get("office") in offices else offices[0]
office = c2.selectbox("Office", offices, format_func=charts.office_label, key="ds_office")
names = in_state[in_state["office"] == office]
district_ids = list(names["district"])


def _useful_name(district_id: object, name: object) -> str | None:
    """The source's district name, unless it is a bare code that contradicts the id.

    MultiState names Minnesota's House districts 1A and 1B both 'HD-1': shown next to '1A' that
    would mislead, so such a code is dropped when its number is not the district id.
    """
    if name is None or pd.isna(name):
        return None
    code = re.fullmatch(r"[A-Z]{1,3}-0*(\S+)", str(name))
    return None if code and code.group(1).upper() != str(district_id).upper() else str(name)


labels = {d: _useful_name(d, n) for d, n in zip(names["district"], names["name"], strict=True)}
if st.session_state.get("ds_district") not in district_ids:
    wanted = params.get("district")
    if wanted and wanted not in district_ids and not unknown_in_url:
        unknown_in_url.append(f"{state}-{wanted} ({charts.office_label(office)}) is not a current district")
    st.session_state["ds_district"] = wanted if wanted in district_ids else district_ids[0]
district = c3.selectbox(
    "District",
    district_ids,
    key="ds_district",
    format_func=lambda d: charts.district_title(state, office, d, labels.get(d)),
)
if unknown_in_url:
    st.warning(
        f"{unknown_in_url[0]}; showing "
        f"{charts.district_title(state, office, district, labels.get(district))} ({charts.office_label(office)}) instead."
    )

wanted_params = ui_cache.district_params(state, office, district) | ({"swing": f"{swing:g}"} if swing else {})
if {k: params.get(k) for k in params} != wanted_params:
    st.query_params.from_dict(wanted_params)

info = ui_cache.query("district_info", state, office, district)
history = ui_cache.query("district_history", state, office, district)
pres = ui_cache.query("district_presidential", state, office, district)
candidates = ui_cache.query("district_candidates", state, office, district)
ranking = ui_cache.query("district_ranking", state, office, district, swing)

# ----------------------------------------------------------------------------- header
first = info.iloc[0] if len(info) else None
st.title(charts.district_title(state, office, district, labels.get(district)))
if first is not None:
    holders = "; ".join(sorted({str(h) for h in info["holder_names"].dropna()})) or "no one listed"
    details = [str(d) for d in info["holder_detail"].dropna()] if "holder_detail" in info else []
    seats = int(pd.to_numeric(info["seats"], errors="coerce").fillna(1).sum())
    parties = sorted({str(p) for p in info["holder_party"].dropna()})
    if seats > 1 and len(details) == 1:
        held = f"Held by {details[0]}"  # bloc-vote district: e.g. 'REP 3, VACANT 1'
    elif parties == ["VACANT"]:
        held = "Vacant"
    else:
        held = f"Held by {'/'.join(parties) or '?'}"
    next_election = pd.to_numeric(info["next_election"], errors="coerce").dropna()
    st.markdown(
        f"**{held}** — {holders} · {seats} seat{'s' if seats != 1 else ''} · lines of "
        f"{first['plan']} · next election "
        f"{int(next_election.iloc[0]) if len(next_election) else 'unknown'}"
    )

generals = history[history["kind"].isin(["general", "rcv_final"])]
last = generals.iloc[-1] if len(generals) else None
current_pres = pres[~pres["old_lines"].fillna(False).astype(bool)] if len(pres) else pres
latest_pres = current_pres.iloc[-1] if len(current_pres) else None

# A bloc-vote district has one ranked row per seat: the best-ranked seat speaks in the metrics.
row = ranking.sort_values("rank").iloc[0] if len(ranking) else None
many = len(ranking) > 1

m1, m2, m3, m4, m5 = st.columns(5)
# The presidential margin the model and the reasons use (two-party where the votes allow), labelled by basis.
if row is not None and pd.notna(row["pres_margin"]):
    year = (
        row["pres_year"]
        if pd.notna(row["pres_year"])
        else (latest_pres["pres_year"] if latest_pres is not None else None)
    )
    pres_year = f" {int(year)}" if year is not None and pd.notna(year) else ""
    pres_value, pres_basis = row["pres_margin"], row["pres_basis"]
elif latest_pres is not None:
    pres_year, pres_value, pres_basis = (
        f" {int(latest_pres['pres_year'])}",
        latest_pres["margin"],
        latest_pres["margin_basis"],
    )
else:
    pres_year, pres_value, pres_basis = "", None, None
BASIS_WORDS = {"two_party": "two-party", "all_votes": "all votes"}
basis_words = BASIS_WORDS.get(str(pres_basis)) if pres_basis is not None and pd.notna(pres_basis) else None
m1.metric(
    f"President{pres_year}" + (f" ({basis_words})" if basis_words else ""),
    charts.margin_label(pres_value) if pres_value is not None else "–",
    help="Democratic minus Republican, points: the margin the model and the ranking reason use. "
    "Two-party: share of the Democratic + Republican vote; all votes: share of every vote (the source's only margin).",
)
STATUS_WORDS = {"no_rep": "no Republican", "no_dem": "no Democrat", "same_party": "same party", "no_votes": "no votes"}
m2.metric(
    f"Last result {int(last['year'])}" if last is not None else "Last result",
    charts.margin_label(last["margin"])
    if last is not None and pd.notna(last["margin"])
    else (STATUS_WORDS.get(str(last["status"]), str(last["status"])) if last is not None else "–"),
)
m3.metric(
    "Votes to flip",
    f"{int(last['votes_to_flip']):,}" if last is not None and pd.notna(last["votes_to_flip"]) else "–",
    help="Fewest voters who, switching sides, would have reversed the last general",
)
m4.metric(
    ("P(flip), best seat" if many else "P(flip)") + (f", swing {charts.margin_label(swing)}" if swing else ""),
    charts.percent_label(row["p_flip"]) if row is not None else "–",
)
m5.metric("National rank", f"{int(row['rank']):,}" if row is not None else "not ranked")

st.subheader("Why it ranks here")
listed = {str(p) for p in info["holder_party"].dropna()} if len(info) else set()
if row is not None and not many and listed and row["holder_party"] not in listed:
    st.caption(
        f"The members list says {'/'.join(sorted(listed))}; the model measures P(flip) against "
        f"{row['holder_party']} (the reason says why)."
    )
if row is not None and not many:
    st.info(str(row["reason"]))
    st.caption(
        f"Target year {int(row['target_year'])} · expected margin {charts.margin_label(row['expected_margin'])}"
        f" · P(decisive) {charts.percent_label(row['p_decisive'])} · impact {row['impact']:.2g} (ΔP(majority) per 1,000 net votes)"
        f" · rank {int(row['office_rank']):,} of the {charts.office_label(office)} seats"
    )
elif many:
    st.info(str(row["reason"]))
    st.caption(
        f"{len(ranking)} seats elected together (bloc vote): seat 1 is the most Democratic. Each seat's margin "
        "pairs the j-th strongest Democrat with the matching Republican (docs/METHODOLOGY.md)."
    )
    st.dataframe(
        ranking[
            [
                "seat_no",
                "holder_listed",
                "holder_party",
                "expected_margin",
                "p_flip",
                "p_decisive",
                "impact",
                "rank",
                "reason",
            ]
        ],
        hide_index=True,
        column_config=ui_cache.ranking_column_config(),
        key="ds_seats",
    )
else:
    st.caption("The model has not ranked this seat (not up in its target cycle, or no rankings yet).")

gap_labels = {
    "gap_no_geometry": "no boundary on file",
    "gap_no_recent_result": "no recent result",
    "gap_no_pres_margin": "no presidential margin on the current lines",
    "gap_holder_conflict": "the members list's holder party differs from the party that won the last general "
    "(no special since)",
}
gaps = [
    label
    for col, label in gap_labels.items()
    if len(info) and col in info and bool(info[col].astype("boolean").fillna(False).any())
]
if gaps:
    st.warning("Data gaps: " + "; ".join(gaps) + ".")

# ----------------------------------------------------------------------------- history and map
left, right = st.columns([3, 1])
with left:
    st.subheader("Results history")
    if history.empty and pres.empty:
        st.caption("No results on file for this district id.")
    else:
        st.altair_chart(charts.history_chart(history, pres), key="ds_history", width="stretch")
        changes = charts.plan_changes(history)
        if changes:
            first_used = ", ".join(str(y) if str(p) == str(y) else f"{y} ({p})" for y, p in changes)
            st.caption(
                f"Dotted lines mark new district lines, first used in {first_used}. "
                "Margins on either side are for different territory."
            )
with right:
    st.subheader("Map")
    shape = ui_cache.query("shapes", office, state, district, 4)
    if shape["features"]:
        st.altair_chart(charts.small_map(shape), key="ds_map", width="stretch")
    else:
        st.caption("No boundary on file.")

# ----------------------------------------------------------------------------- candidates
st.subheader("Candidates")
if candidates.empty:
    st.caption("No candidates on file.")
else:
    contests = candidates[["race_id", "year", "kind"]].drop_duplicates()
    contest_labels = {r.race_id: f"{r.year} {r.kind}" for r in contests.itertuples()}
    race = st.selectbox("Contest", list(contest_labels), format_func=contest_labels.get, key="ds_race")
    shown = candidates[candidates["race_id"] == race][
        ["candidate", "party", "party_raw", "votes", "vote_share", "won", "incumbent", "incumbent_basis", "writein"]
    ]
    st.dataframe(
        shown,
        hide_index=True,
        column_config={
            "candidate": "Candidate",
            "party": "Party",
            "party_raw": "Ballot label",
            "votes": st.column_config.NumberColumn("Votes", format="localized"),
            "vote_share": st.column_config.NumberColumn("Share (%)", format="%.1f"),
            "won": st.column_config.CheckboxColumn("Won"),
            "incumbent": st.column_config.CheckboxColumn("Incumbent"),
            "incumbent_basis": st.column_config.TextColumn(
                "Incumbency from",
                help="source: the source's flag; district history: the candidate won the district's previous "
                "contest under the same name (for sources without a flag)",
            ),
            "writein": st.column_config.CheckboxColumn("Write-in"),
        },
        key="ds_candidates",
    )
    race_row = history[history["race_id"] == race]
    if len(race_row):
        r = race_row.iloc[0]
        tie = {"override": "tie decided by lot", "unresolved": "tie: the source's winner flag"}.get(r.get("tie"))
        st.caption(
            f"Status {r['status']} · margin {charts.margin_label(r['margin'])} · lines {r['plan']}"
            + (f" · votes to flip {int(r['votes_to_flip']):,}" if pd.notna(r["votes_to_flip"]) else "")
            + (f" · {tie}" if tie else "")
        )

# ----------------------------------------------------------------------------- specials
specials = history[history["kind"].isin(["special", "special_runoff"])]
if office == "us_house":
    all_specials = ui_cache.query("specials")
    here = all_specials[(all_specials["state_po"] == state) & (all_specials["district"] == district)]
    st.subheader("Special elections")
    if here.empty:
        st.caption("No special elections with votes on file for this seat.")
    else:
        for s in here.itertuples():
            when = pd.Timestamp(s.election_date).date().isoformat() if pd.notna(s.election_date) else str(s.year)
            st.markdown(
                f"- **{when}**: {charts.margin_label(s.margin)} against a presidential baseline of "
                f"{charts.margin_label(s.pres_margin)} → overperformance "
                f"**{s.overperformance:+.1f} pts**"
            )
elif len(specials):
    st.subheader("Special elections")
    st.dataframe(specials[["year", "election_date", "margin", "status"]], hide_index=True, key="ds_specials")

with st.expander("All contests and presidential margins"):
    st.dataframe(history, hide_index=True, key="ds_history_table")
    st.dataframe(pres, hide_index=True, key="ds_pres_table")
    st.download_button(
        "Download contests (CSV)",
        data=lambda: exports.to_csv_bytes(history),
        file_name=re.sub(r"[^A-Za-z0-9_-]+", "_", f"flippable-{state}-{office}-{district}") + ".csv",
        mime="text/csv",
        key="ds_csv",
        on_click="ignore",
    )
