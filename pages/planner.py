"""Staffing planner: N volunteer teams, V net votes each -> which races to staff (analysis/plan.py)."""

from __future__ import annotations

import math
from dataclasses import asdict

import streamlit as st

import ui_cache
from analysis import charts, exports, plan, queries
from analysis.rank import Ranker

ui_cache.ensure_entrypoint()

OBJECTIVE_LABELS = {
    "seats": "Most expected seats",
    "majority": "Most chamber majorities (sum of P(majority) gains)",
}
LIMITS = {"teams": (1, 500), "votes": (10.0, 100_000.0), "decay": (0.05, 1.0), "k": (1, 20), "cap": (0.0, 100.0)}

ok, problem = ui_cache.available()
if not ok:
    st.title("Staffing planner")
    st.error(problem)
    st.stop()


def _ranker(build_id: str, version: str) -> Ranker:
    """The app's one shared model (ui_cache.ranker: loaded once per data build, ~0.3 GB of draws)."""
    del build_id, version  # the callers' cache keys; ui_cache keys the model on the build id itself
    model = ui_cache.ranker()
    if model is None:
        raise ValueError(st.session_state.get("_model_problem", "the model could not be loaded"))
    return model


@st.cache_data(max_entries=64, show_spinner="Planning…")
def _plan(build_id: str, version: str, request_items: tuple) -> plan.Plan:
    return plan.plan_from_ranker(_ranker(build_id, version), plan.PlanRequest(**dict(request_items)))


@st.cache_data(max_entries=2, show_spinner=False)
def _races(build_id: str, version: str):
    return plan.races_for(_ranker(build_id, version))


build_id = str((ui_cache.query("build_info") or {}).get("build_id"))
version = ui_cache.data_version()
try:
    races = _races(build_id, version)
except (queries.DatabaseError, KeyError, ValueError) as exc:  # e.g. a warehouse built before the model tables existed
    st.title("Staffing planner")
    st.error(f"The model could not be loaded from this warehouse: {exc}")
    st.stop()
swing = ui_cache.swing()
params = st.query_params


def _number(name: str, default: float, cast=float) -> float:
    low, high = LIMITS[name]
    try:
        value = cast(params.get(name, default))
    except (TypeError, ValueError):
        return default
    return min(high, max(low, value)) if math.isfinite(value) else default


def _default(key: str, value: object) -> None:
    """Seed a widget from the URL once per visit (the widget then owns the value)."""
    if key not in st.session_state:
        st.session_state[key] = value


all_ids = races["race_id"].tolist()
known_ids, known_states = set(all_ids), set(races["state_po"])
_default("pl_teams", int(_number("teams", 10, int)))
_default("pl_votes", float(_number("votes", 500.0)))
_default("pl_decay", float(_number("decay", plan.DEFAULT_DECAY)))
_default("pl_k", int(_number("k", plan.DEFAULT_MAX_PER_RACE, int)))
_default("pl_cap", float(_number("cap", plan.DEFAULT_MAX_POINTS)))
_default("pl_objective", params.get("objective") if params.get("objective") in plan.OBJECTIVES else "seats")
_default("pl_offices", [o for o in params.get_all("office") if o in plan.OFFICES])
_default("pl_states", [s for s in params.get_all("state") if s in known_states])
_default("pl_include", [r for r in params.get_all("include") if r in known_ids])
_default("pl_exclude", [r for r in params.get_all("exclude") if r in known_ids])

st.title("Staffing planner")
st.caption(
    "How many volunteer teams do you have, and how many net votes can one team move in a race? The planner "
    "assigns the teams through the model's own simulations (the same 10,000 draws as the rankings) and compares "
    "the result with the naive plan of staffing the closest races."
    + (f" National swing {charts.margin_label(swing)}." if swing else "")
)

with st.container(border=True):
    c1, c2, c3 = st.columns(3)
    teams = c1.number_input("Teams", *LIMITS["teams"], step=1, key="pl_teams")
    votes = c2.number_input(
        "Net votes one team moves",
        *LIMITS["votes"],
        step=50.0,
        key="pl_votes",
        help="Your assumption: net votes toward the Democrat (D minus R) one team adds in the race it works.",
    )
    objective = c3.radio("Objective", list(plan.OBJECTIVES), format_func=OBJECTIVE_LABELS.get, key="pl_objective")
    c4, c5, c6 = st.columns(3)
    decay = c4.slider(
        "Diminishing returns (decay)",
        *LIMITS["decay"],
        step=0.05,
        key="pl_decay",
        help="The j-th team in one race moves votes × decay^(j-1): a second team reaches voters the first already met.",
    )
    max_per_race = c5.number_input("At most teams per race", *LIMITS["k"], step=1, key="pl_k")
    cap = c6.number_input(
        "Ceiling on one race's shift (pts, 0 = none)",
        *LIMITS["cap"],
        step=1.0,
        key="pl_cap",
        help="No field operation moves a margin without limit; small districts would otherwise absorb every team.",
    )
    c7, c8 = st.columns(2)
    offices = c7.multiselect(
        "Offices", list(plan.OFFICES), format_func=charts.office_label, key="pl_offices", placeholder="All offices"
    )
    states = c8.multiselect("States", sorted(races["state_po"].unique()), key="pl_states", placeholder="All states")
    in_filters = races
    if offices:
        in_filters = in_filters[in_filters["office"].isin(offices)]
    if states:
        in_filters = in_filters[in_filters["state_po"].isin(states)]
    # A race dropped by the filters leaves the must-staff list (the planner never staffs it).
    st.session_state["pl_include"] = [r for r in st.session_state["pl_include"] if r in set(in_filters["race_id"])]
    c9, c10 = st.columns(2)
    include = c9.multiselect(
        "Must staff", in_filters["race_id"].tolist(), key="pl_include", placeholder="e.g. PA-us_house-7"
    )
    exclude = c10.multiselect("Never staff", all_ids, key="pl_exclude", placeholder="Races to leave out")

wanted = {
    "teams": str(int(teams)),
    "votes": f"{votes:g}",
    "decay": f"{decay:g}",
    "k": str(int(max_per_race)),
    "cap": f"{cap:g}",
    "objective": objective,
    "office": list(offices),
    "state": list(states),
    "include": list(include),
    "exclude": list(exclude),
} | ({"swing": f"{swing:g}"} if swing else {})
wanted = {k: v for k, v in wanted.items() if v != []}
current = {k: (params.get_all(k) if isinstance(wanted.get(k), list) else params.get(k)) for k in params}
if current != wanted:
    st.query_params.from_dict(wanted)

try:
    request = plan.PlanRequest(
        teams=int(teams),
        votes_per_team=float(votes),
        decay=float(decay),
        max_per_race=int(max_per_race),
        offices=tuple(offices),
        states=tuple(states),
        include=tuple(include),
        exclude=tuple(r for r in exclude if r not in include),
        swing=swing,
        objective=objective,
        max_points=float(cap) if cap > 0 else None,
    )
    result = _plan(build_id, version, tuple(asdict(request).items()))
except ValueError as exc:
    st.error(f"Cannot plan: {exc}")
    st.stop()

s = result.summary
m1, m2, m3, m4 = st.columns(4)
m1.metric("Teams assigned", f"{s['teams_assigned']:,} of {s['teams']:,}", help=f"in {s['races_staffed']:,} races")
m2.metric(
    "Expected seats gained",
    f"+{s['expected_seats_gained']:.2f}",
    delta=f"{s['expected_seats_gained'] - s['naive_expected_seats_gained']:+.2f} vs naive",
)
m3.metric(
    "P(majority) gained, summed over chambers",
    f"{s['p_majority_gain']:+.3f}",
    delta=f"{s['p_majority_gain'] - s['naive_p_majority_gain']:+.3f} vs naive",
)
m4.metric(
    "One more team: expected seats" if objective == "seats" else "One more team: P(majority), pts",
    f"+{s['next_team_expected_seats']:.3f}" if objective == "seats" else f"{100 * s['next_team_p_majority']:+.2f}",
    help=f"would go to {s['next_team_race']} (team {s['next_team_teams_there']} there)",
)
if s["teams_assigned"] < s["teams"]:
    st.warning(
        f"Only {s['teams_assigned']:,} teams could be placed: {s['candidate_races']:,} races × "
        f"{request.max_per_race} teams each."
    )

st.subheader("The plan")
column_config = ui_cache.ranking_column_config() | {
    "race_id": st.column_config.TextColumn("Race"),
    "chamber": st.column_config.TextColumn("Chamber"),
    "seats_up": st.column_config.NumberColumn("Seats up", format="%d"),
    "teams": st.column_config.NumberColumn("Teams", format="%d"),
    "votes": st.column_config.NumberColumn("Net votes moved", format="localized"),
    "votes_cast": st.column_config.NumberColumn("Votes cast", format="localized"),
    "points": st.column_config.NumberColumn("Shift (pts)", format="%+.1f"),
    "capped": st.column_config.CheckboxColumn("At ceiling"),
    "margin_after": st.column_config.NumberColumn("Margin after (pts, + = D)", format="%+.1f"),
    "p_win_before": st.column_config.NumberColumn("P(D win) before", format="percent"),
    "p_win_after": st.column_config.NumberColumn("P(D win) after", format="percent"),
    "expected_seats_gained": st.column_config.NumberColumn("Expected seats gained", format="%.3f"),
    "d_p_majority": st.column_config.NumberColumn(
        "ΔP(majority)", format="%+.4f", help="Drop in the chamber's P(majority) if this race's teams were withdrawn"
    ),
}
shown = [c for c in plan.PLAN_COLUMNS if c not in ("state_po", "office", "seat")]
st.dataframe(result.races[shown], hide_index=True, column_config=column_config, key="pl_table")
st.caption(
    f"Method: {s['method']}; {s['n_draws']:,} simulations, seed {s['seed']}. Margins and P(win) are the race's "
    "lead seat (in a bloc-vote district, the seat the votes move most); expected seats count every seat it elects."
)

st.subheader("Chambers")
st.dataframe(
    result.chambers,
    hide_index=True,
    key="pl_chambers",
    column_order=[c for c in plan.CHAMBER_COLUMNS if c not in ("chamber_state", "office")],
    column_config={
        "chamber": st.column_config.TextColumn("Chamber"),
        "target_year": st.column_config.NumberColumn("Election", format="%d"),
        "races": st.column_config.NumberColumn("Races staffed", format="%d"),
        "teams": st.column_config.NumberColumn("Teams", format="%d"),
        "expected_dem_seats_before": st.column_config.NumberColumn("Expected D seats before", format="%.1f"),
        "expected_dem_seats_after": st.column_config.NumberColumn("Expected D seats after", format="%.1f"),
        "p_dem_majority_before": st.column_config.NumberColumn("P(D majority) before", format="percent"),
        "p_dem_majority_after": st.column_config.NumberColumn("P(D majority) after", format="percent"),
        "d_p_majority": st.column_config.NumberColumn("ΔP(majority)", format="%+.4f"),
        "expected_seats_gained": st.column_config.NumberColumn("Expected seats gained", format="%.3f"),
    },
)

st.subheader("Against the naive plan")
st.markdown(
    f"The naive plan staffs the **{s['naive_races_staffed']:,} closest races** (smallest expected margin), one team "
    f"each. On the same simulations it gains **+{s['naive_expected_seats_gained']:.2f}** expected seats and "
    f"**{s['naive_p_majority_gain']:+.3f}** summed P(majority), against **+{s['expected_seats_gained']:.2f}** and "
    f"**{s['p_majority_gain']:+.3f}** for this plan."
)
with st.expander("The naive plan's races"):
    st.dataframe(result.naive[shown], hide_index=True, column_config=column_config, key="pl_naive")

st.subheader("Value of each added team")
value_label = "Expected seats gained" if objective == "seats" else "P(majority) gained, summed"
st.line_chart(
    result.curve.rename(columns={"objective_value": value_label}).set_index("teams"), y=value_label, height=220
)
st.caption(f"The optimizer's own estimate of the objective ({s['objective_meaning']}) after n teams.")

st.subheader("Download")
d1, d2 = st.columns(2)
d1.download_button(
    "Plan (CSV)",
    data=lambda: exports.to_csv_bytes(result.races),
    file_name="flippable-plan.csv",
    mime="text/csv",
    key="pl_csv",
    on_click="ignore",
    icon=":material/download:",
)
d2.download_button(
    "Plan, chambers, naive plan, settings (.xlsx)",
    data=lambda: exports.to_xlsx_workbook(
        {
            "plan": result.races,
            "chambers": result.chambers,
            "naive plan": result.naive,
            "summary": result.summary_frame(),
        }
    ),
    file_name="flippable-plan.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="pl_xlsx",
    on_click="ignore",
    icon=":material/download:",
)
st.caption("The page's URL holds every setting above: share it to share this plan.")
