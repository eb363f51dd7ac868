"""Model inputs from the warehouse: one frame of seat-cycles to fit on, one of current seats to rank.

The SQL lives in analysis/sql/features/*.sql and takes bound parameters ($state); everything
after the queries is pure pandas over the returned frames, so tests can feed hand-made frames.

Sign convention: margins are Democratic minus Republican, points, positive = Democratic;
two-party unless the column says otherwise (`pres_basis`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis import model
from analysis.config import SQL_DIR
from analysis.normalize import NON_VOTING

FEATURE_SQL_DIR = Path(SQL_DIR) / "features"
CONTEST_KEY = ["state_po", "office", "district", "seat_key"]
FIRST_TRAINING_YEAR = 2010  # first cycle with a presidential baseline on its own lines (2008 on the 2006-10 House map)
RESULT_STATUSES = ("contested", "uncontested", "same_party", "no_dem", "no_rep")


def read_sql(name: str) -> str:
    """Text of analysis/sql/features/<name>.sql."""
    return (FEATURE_SQL_DIR / f"{name}.sql").read_text()


def query(con, name: str, state: str | None = None) -> pd.DataFrame:
    """Run a feature query with its bound parameters (only those the SQL text names)."""
    sql = read_sql(name)
    params = {"state": state} if "$state" in sql else None
    return con.execute(sql, params).df() if params else con.execute(sql).df()


def _table_exists(con, name: str) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_name = ?"
    return bool(con.execute(sql, [name]).fetchone()[0])


@dataclass
class WarehouseInputs:
    """The frames the model reads (see each SQL file for its columns)."""

    contests: pd.DataFrame
    bloc_candidates: pd.DataFrame
    presidential: pd.DataFrame
    districts: pd.DataFrame
    chambers: pd.DataFrame
    upcoming: pd.DataFrame
    house_incumbency: pd.DataFrame = field(default_factory=pd.DataFrame)
    freshness: dict = field(default_factory=dict)


def load_inputs(con, state: str | None = None) -> WarehouseInputs:
    """Query the warehouse views (races, candidates, presidential, districts, chambers)."""
    fresh = query(con, "freshness")
    house_inc = query(con, "house_incumbency", state) if _table_exists(con, "src_house_members_incumbency") else None
    upcoming = query(con, "upcoming", state)
    if _table_exists(con, "src_multistate_upcoming"):
        filed = query(con, "upcoming_filed", state)
        upcoming = pd.concat([upcoming, filed], ignore_index=True) if len(upcoming) else filed
    return WarehouseInputs(
        contests=query(con, "contests", state),
        bloc_candidates=query(con, "bloc_candidates", state),
        presidential=query(con, "presidential", state),
        districts=query(con, "districts", state),
        chambers=query(con, "chambers"),
        upcoming=upcoming,
        house_incumbency=house_inc if house_inc is not None else pd.DataFrame(),
        freshness=fresh.iloc[0].to_dict() if len(fresh) else {},
    )


# --------------------------------------------------------------------------- small pure helpers


def seat_key(seat: pd.Series) -> pd.Series:
    """Position seat label ('1', 'A') or '' for a district-wide contest."""
    return seat.astype(object).where(seat.notna(), "").astype(str).replace({"None": "", "nan": ""})


def incumbent_sign(inc_dem, inc_rep, inc_known) -> np.ndarray:
    """+1 a Democratic incumbent is running, -1 a Republican, 0 open seat (or both), NaN unknown."""
    dem = pd.Series(inc_dem, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    rep = pd.Series(inc_rep, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    known = pd.Series(inc_known, dtype="boolean").fillna(False).to_numpy(dtype=bool)
    sign = dem.astype(float) - rep.astype(float)
    return np.where(known | dem | rep, sign, np.nan)


def party_sign(party) -> np.ndarray:
    """DEM -> +1, REP -> -1, anything else -> 0."""
    p = pd.Series(party, dtype=object).to_numpy()
    return np.where(p == "DEM", 1.0, np.where(p == "REP", -1.0, 0.0))


def result_status(status, winner_party, margin) -> np.ndarray:
    """How a result enters the model: 'contested' (a D-vs-R margin), 'dem_only' (a Democrat won with
    no Republican in the final: unopposed, vs others, or D-vs-D top-two), 'rep_only', or None."""
    status = pd.Series(status, dtype=object).to_numpy()
    winner = pd.Series(winner_party, dtype=object).to_numpy()
    margin = np.asarray(margin, dtype=float)
    dem_only = np.isin(status, ["uncontested", "no_rep", "same_party"]) & (winner == "DEM")
    rep_only = np.isin(status, ["uncontested", "no_dem", "same_party"]) & (winner == "REP")
    out = np.where(~np.isnan(margin), "contested", np.where(dem_only, "dem_only", np.where(rep_only, "rep_only", None)))
    return out.astype(object)


def parse_holder_detail(detail: object, seats: int, holder_party: object) -> list[object]:
    """Seat holders of a multi-member district, most Democratic first: 'DEM 2, REP 1, VACANT 1' ->
    ['DEM', 'DEM', 'REP', None] ordered DEM, others, vacant, REP. Without detail every seat gets
    holder_party (None if SPLIT/unknown)."""
    counts: dict[str, int] = {}
    if isinstance(detail, str) and detail.strip():
        for part in detail.split(","):
            m = re.match(r"\s*([A-Z_]+)\s+(\d+)\s*$", part)
            if m:
                counts[m.group(1)] = counts.get(m.group(1), 0) + int(m.group(2))
    if not counts:
        party = holder_party if holder_party in ("DEM", "REP", "IND", "OTHER") else None
        return [party] * seats
    order = ["DEM"] + [p for p in counts if p not in ("DEM", "REP", "VACANT")] + ["VACANT", "REP"]
    out: list[object] = []
    for p in order:
        out += [None if p == "VACANT" else p] * counts.get(p, 0)
    out = (out + [None] * seats)[:seats]
    # Vacancies sit between the parties so that D seats come first and R seats last.
    dem = [p for p in out if p == "DEM"]
    rep = [p for p in out if p == "REP"]
    rest = [p for p in out if p not in ("DEM", "REP")]
    return dem + rest + rep


# --------------------------------------------------------------------------- contest history


def prepare_contests(contests: pd.DataFrame, house_incumbency: pd.DataFrame | None = None) -> pd.DataFrame:
    """Decisive regular contests with seat_key, incumbent sign and result status added.

    Where the candidate rows carry no incumbent flag (MEDSL House returns), the house_members
    incumbency table (2000-2022) fills it in.
    """
    c = contests.copy()
    c["seat_key"] = seat_key(c["seat"]) if "seat" in c else ""
    c["year"] = c["year"].astype(int)
    c["incumbent"] = incumbent_sign(c.get("inc_dem"), c.get("inc_rep"), c.get("inc_known"))
    if house_incumbency is not None and len(house_incumbency):
        hi = house_incumbency.drop_duplicates(["state_po", "office", "district", "year"]).copy()
        hi["_inc"] = incumbent_sign(hi["inc_dem"], hi["inc_rep"], hi["inc_known"])
        m = c[["state_po", "office", "district", "year"]].merge(
            hi[["state_po", "office", "district", "year", "_inc"]], how="left"
        )
        c["incumbent"] = np.where(np.isnan(c["incumbent"]), m["_inc"].to_numpy(dtype=float), c["incumbent"])
    c["result_status"] = result_status(c["status"], c["winner_party"], c["margin"])
    c["two_party_votes"] = (c["dem_votes"].fillna(0) + c["rep_votes"].fillna(0)).where(c["margin"].notna())
    won_by = (c["dem_votes"] - c["rep_votes"]).abs()
    c["won_by_votes"] = won_by.where(c["margin"].notna() & c["seats"].fillna(1).eq(1))
    return c.sort_values(CONTEST_KEY + ["year"]).reset_index(drop=True)


def with_previous(contests: pd.DataFrame) -> pd.DataFrame:
    """Each contest plus its seat's previous contest on the SAME plan (prev_* columns).

    Across a plan change the district is a different electorate, so the previous result is
    missing there rather than borrowed from the old map.
    """
    c = contests.sort_values(CONTEST_KEY + ["plan", "year"]).copy()
    grp = c.groupby(CONTEST_KEY + ["plan"], sort=False, dropna=False)
    for col in ("year", "margin", "result_status", "winner_party", "two_party_votes", "seats_won_dem", "seats_won_rep"):
        c[f"prev_{col}"] = grp[col].shift(1)
    return c


def pres_baseline(keys: pd.DataFrame, pres: pd.DataFrame, before_col: str | None = None) -> pd.DataFrame:
    """Latest and previous presidential result on each row's plan (district lines), and the lean.

    keys: state_po, office, district, plan (+ `before_col`, a year: only presidential elections
    strictly before it count, so a backtest never peeks at the same year's result). Returns, aligned
    with keys: pres_margin, pres_year, pres_basis, pres_dem_votes, pres_rep_votes, pres_margin_prev,
    pres_year_prev, lean (Cook-PVI style, model.lean) and trend (model.trend: same plan by
    construction here, so the change is always on the same lines).
    """
    k = keys[["state_po", "office", "district", "plan"] + ([before_col] if before_col else [])].copy()
    k["_row"] = np.arange(len(k))
    p = pres.rename(columns={"margin": "pm", "margin_basis": "pb", "dem_votes": "pd_", "rep_votes": "pr_"})
    m = k.merge(
        p[["state_po", "office", "district", "plan", "pres_year", "pm", "pb", "pd_", "pr_"]],
        on=["state_po", "office", "district", "plan"],
        how="inner",
    )
    m = m[m["pm"].notna()]
    if before_col:
        m = m[m["pres_year"] < m[before_col]]
    m = m.sort_values(["_row", "pres_year"], ascending=[True, False])
    m["_n"] = m.groupby("_row").cumcount()
    latest = m[m["_n"] == 0].set_index("_row")
    prev = m[m["_n"] == 1].set_index("_row")
    out = pd.DataFrame(index=np.arange(len(k)))
    out["pres_margin"] = latest["pm"].reindex(out.index)
    out["pres_year"] = latest["pres_year"].reindex(out.index)
    out["pres_basis"] = latest["pb"].reindex(out.index)
    out["pres_dem_votes"] = latest["pd_"].reindex(out.index)
    out["pres_rep_votes"] = latest["pr_"].reindex(out.index)
    out["pres_margin_prev"] = prev["pm"].reindex(out.index)
    out["pres_year_prev"] = prev["pres_year"].reindex(out.index)
    prev_basis = prev["pb"].reindex(out.index)
    out["lean"] = model.lean(
        out["pres_margin"],
        out["pres_year"],
        out["pres_margin_prev"],
        out["pres_year_prev"],
        basis=out["pres_basis"].fillna("two_party").to_numpy(),
    )
    # Trend only on one basis: a two-party margin minus an all-vote one is not a change.
    same_basis = prev_basis.to_numpy() == out["pres_basis"].to_numpy()
    out["trend"] = np.where(same_basis, out["pres_margin"] - out["pres_margin_prev"], np.nan)
    out.index = keys.index
    return out


def chamber_last_year(contests: pd.DataFrame) -> pd.DataFrame:
    """Each chamber's election years (state_po, office, year), for 'the previous cycle' lookups."""
    return contests[["state_po", "office", "year"]].drop_duplicates().sort_values(["state_po", "office", "year"])


# --------------------------------------------------------------------------- training frame


def training_frame(inputs: WarehouseInputs, first_year: int = FIRST_TRAINING_YEAR) -> pd.DataFrame:
    """One row per decisive regular contest from `first_year` on, with features known before it.

    Columns: state_po, office, district, seat_key, plan, year, seats, margin (target; NaN unless a
    D-vs-R contest), winner_party, lean, pres_margin, last_margin, last_status, last_year, holder
    (the previous winner on the same plan), incumbent (+1/-1/0; unknown -> the holder's sign, i.e.
    assume the incumbent runs), flip (bool, NaN when either the holder or the winner is not DEM/REP).
    """
    c = with_previous(prepare_contests(inputs.contests, inputs.house_incumbency))
    c = c[c["year"] >= first_year].reset_index(drop=True)
    base = pres_baseline(c, inputs.presidential, before_col="year")
    c = pd.concat([c, base], axis=1)
    c["last_margin"] = c["prev_margin"]
    c["last_status"] = c["prev_result_status"]
    c["last_year"] = c["prev_year"]
    c["holder"] = c["prev_winner_party"]
    c["incumbent"] = np.where(np.isnan(c["incumbent"]), party_sign(c["holder"]), c["incumbent"])
    holder_ok = c["holder"].isin(model.PARTIES)
    winner_ok = c["winner_party"].isin(model.PARTIES)
    c["flip"] = (c["winner_party"] != c["holder"]).where(holder_ok & winner_ok)
    return c


# --------------------------------------------------------------------------- bloc-vote seats


def bloc_seat_margins(bloc_contests: pd.DataFrame, bloc_candidates: pd.DataFrame) -> pd.DataFrame:
    """Seat-by-seat margins of bloc-vote contests (N seats filled by the top N candidates).

    With party slates, Democrats win at least j seats exactly when their j-th strongest candidate
    beats the Republicans' (N + 1 - j)-th strongest, so seat j (1 = most Democratic) is that pair:
    margin_j = 100 * (d_j - r_(N+1-j)) / (d_j + r_(N+1-j)), a missing candidate counting 0 votes
    (seat j is then dem_only / rep_only). Returns race_id, seat_no, seats, margin, pair_votes,
    result_status.
    """
    if bloc_contests.empty:
        return pd.DataFrame(columns=["race_id", "seat_no", "seats", "margin", "pair_votes", "result_status"])
    seats = bloc_contests[["race_id", "seats"]].drop_duplicates("race_id")
    rows = seats.loc[seats.index.repeat(seats["seats"].astype(int))].copy()
    rows["seat_no"] = rows.groupby("race_id").cumcount() + 1
    rows["r_rank"] = rows["seats"].astype(int) + 1 - rows["seat_no"]
    cand = bloc_candidates[bloc_candidates["race_id"].isin(seats["race_id"])].copy()
    cand = cand.sort_values(["race_id", "party", "votes"], ascending=[True, True, False])
    cand["rank"] = cand.groupby(["race_id", "party"]).cumcount() + 1
    dem = cand[cand["party"] == "DEM"][["race_id", "rank", "votes"]].rename(columns={"rank": "seat_no", "votes": "d"})
    rep = cand[cand["party"] == "REP"][["race_id", "rank", "votes"]].rename(columns={"rank": "r_rank", "votes": "r"})
    rows = rows.merge(dem, on=["race_id", "seat_no"], how="left").merge(rep, on=["race_id", "r_rank"], how="left")
    d = rows["d"].fillna(0.0).to_numpy()
    r = rows["r"].fillna(0.0).to_numpy()
    rows["pair_votes"] = d + r
    both = (d > 0) & (r > 0)
    rows["margin"] = np.where(both, model.two_party_margin(d, r), np.nan)
    rows["result_status"] = np.where(both, "contested", np.where(d > 0, "dem_only", np.where(r > 0, "rep_only", None)))
    return rows[["race_id", "seat_no", "seats", "margin", "pair_votes", "result_status"]].reset_index(drop=True)


# --------------------------------------------------------------------------- current seats


def _term(district_rows: pd.DataFrame) -> np.ndarray:
    term = pd.to_numeric(district_rows.get("term_length"), errors="coerce") if "term_length" in district_rows else None
    default = np.where(district_rows["office"].eq("state_senate"), 4.0, 2.0)
    return default if term is None else term.fillna(pd.Series(default, index=district_rows.index)).to_numpy(dtype=float)


def expand_seats(districts: pd.DataFrame) -> pd.DataFrame:
    """One row per seat: a bloc-vote district of N seats becomes N rows (seat_no 1..N, most
    Democratic first, holders from holder_detail); single-seat and position-seat rows stay one."""
    d = districts.copy()
    d["seats"] = pd.to_numeric(d.get("seats", 1), errors="coerce").fillna(1).astype(int)
    d["seat_key"] = seat_key(d["seat"]) if "seat" in d else ""
    detail = d["holder_detail"] if "holder_detail" in d else pd.Series(None, index=d.index)
    holders = [
        parse_holder_detail(det, n, hp) if n > 1 else [hp]
        for det, n, hp in zip(detail, d["seats"], d["holder_party"], strict=True)
    ]
    out = d.loc[d.index.repeat(d["seats"])].copy()
    out["seat_no"] = out.groupby(level=0).cumcount() + 1
    out["holder_party"] = [h for hs in holders for h in hs]
    out["holder_party"] = out["holder_party"].where(out["holder_party"].isin(["DEM", "REP", "IND", "OTHER"]), None)
    return out.reset_index(drop=True)


def current_seats(inputs: WarehouseInputs, target_year: int | None = None) -> pd.DataFrame:
    """Every current seat with the features the model and the ranking need.

    Columns: state_po, office, district, seat, seat_no, seats, chamber_state ('US' for the House),
    plan, holder_party, target_year (the seat's next election after the latest result, or the
    requested year), up (seat elected in target_year), last_year, last_margin, last_status,
    last_winner, won_by_votes, votes_to_flip, pres_margin, pres_year, pres_basis, pres_margin_prev,
    pres_year_prev, lean, trend, candidate_effect, roll_off_dem, roll_off_rep, incumbent (+1/-1/0,
    assumed = holder when unknown), incumbent_known, next_election, year (the election predicted:
    target_year, else next_election), votes_cast, unit.
    """
    d = inputs.districts
    d = d[~((d["office"] == "us_house") & d["state_po"].isin(NON_VOTING))]
    seats = expand_seats(d)
    contests = prepare_contests(inputs.contests, inputs.house_incumbency)
    # Last decisive regular contest on the seat's current plan.
    on_plan = contests.merge(seats[CONTEST_KEY + ["plan"]].drop_duplicates(), on=CONTEST_KEY + ["plan"], how="inner")
    last = on_plan.sort_values("year").groupby(CONTEST_KEY, sort=False).tail(1)
    cols = [
        "race_id",
        "year",
        "margin",
        "result_status",
        "winner_party",
        "two_party_votes",
        "won_by_votes",
        "votes_to_flip",
        "dem_votes",
        "rep_votes",
        "seats",
        "status",
    ]
    last = last[CONTEST_KEY + cols].rename(columns={c: f"last_{c}" for c in cols})
    s = seats.merge(last, on=CONTEST_KEY, how="left")

    # Bloc-vote seats: each seat's own pair margin from the last contest's candidates.
    bloc_ids = s.loc[s["last_seats"].fillna(1) > 1, "last_race_id"].dropna().unique()
    pairs = bloc_seat_margins(inputs.contests[inputs.contests["race_id"].isin(bloc_ids)], inputs.bloc_candidates)
    s = s.merge(
        pairs.rename(
            columns={
                "race_id": "last_race_id",
                "margin": "_pair_margin",
                "result_status": "_pair_status",
                "seats": "_pair_seats",
            }
        ),
        on=["last_race_id", "seat_no"],
        how="left",
    )
    is_pair = s["_pair_seats"].notna()
    s["last_margin"] = np.where(is_pair, s["_pair_margin"], s["last_margin"])
    s["last_result_status"] = np.where(is_pair, s["_pair_status"], s["last_result_status"])
    # A pair with no Democrat (or no Republican) has no two-party vote: its lone candidate's
    # votes would understate turnout and make 500 votes look like 50 points (ND House 23).
    s["last_two_party_votes"] = np.where(
        is_pair, s["pair_votes"].where(s["_pair_margin"].notna()), s["last_two_party_votes"]
    )
    s["last_winner"] = np.where(
        is_pair,
        np.where(s["_pair_margin"] > 0, "DEM", np.where(s["_pair_margin"] < 0, "REP", s["last_winner_party"])),
        s["last_winner_party"],
    )
    pair_won_by = (s["_pair_margin"].abs() * s["pair_votes"] / 100.0).round()
    s["won_by_votes"] = np.where(is_pair, pair_won_by, s["last_won_by_votes"])
    s["votes_to_flip"] = np.where(is_pair, model.votes_to_flip(pair_won_by, 0.0), s["last_votes_to_flip"])

    base = pres_baseline(s, inputs.presidential)
    s = pd.concat([s, base], axis=1)
    s["last_status"] = s["last_result_status"]
    s["candidate_effect"] = np.where(
        s["last_year"] == s["pres_year"], model.candidate_effect(s["last_margin"], s["pres_margin"]), np.nan
    )
    same_year = (s["last_year"] == s["pres_year"]) & ~is_pair
    s["roll_off_dem"] = np.where(same_year, model.roll_off(s["pres_dem_votes"], s["last_dem_votes"]), np.nan)
    s["roll_off_rep"] = np.where(same_year, model.roll_off(s["pres_rep_votes"], s["last_rep_votes"]), np.nan)

    years = chamber_last_year(contests)
    latest = years.groupby(["state_po", "office"])["year"].max().rename("_chamber_last").reset_index()
    s = s.merge(latest, on=["state_po", "office"], how="left")
    s["chamber_state"] = np.where(s["office"] == "us_house", "US", s["state_po"])
    term = _term(s)
    nxt = (
        pd.to_numeric(s.get("next_election"), errors="coerce").to_numpy(dtype=float)
        if "next_election" in s
        else np.full(len(s), np.nan)
    )
    nxt = np.where(np.isnan(nxt), s["_chamber_last"].to_numpy(dtype=float) + term, nxt)
    s["next_election"] = nxt
    if target_year is None:
        s["target_year"] = nxt
    else:
        up = (target_year >= nxt) & (np.mod(target_year - nxt, term) == 0)
        s["target_year"] = np.where(up, float(target_year), np.nan)
    s["up"] = s["target_year"].notna()
    s["year"] = s["target_year"].fillna(s["next_election"])

    # Incumbent running: the next contest's filed candidates where listed, else assume the holder runs.
    up_inc = inputs.upcoming.copy()
    if len(up_inc):
        up_inc["seat_key"] = seat_key(up_inc["seat"])
        up_inc["_inc"] = incumbent_sign(up_inc["inc_dem"], up_inc["inc_rep"], up_inc["inc_known"])
        up_inc = up_inc.sort_values("year").drop_duplicates(CONTEST_KEY, keep="first")
        s = s.merge(up_inc[CONTEST_KEY + ["_inc"]], on=CONTEST_KEY, how="left")
    else:
        s["_inc"] = np.nan
    multi = s["seats"] > 1
    s["incumbent_known"] = s["_inc"].notna() & ~multi
    s["incumbent"] = np.where(s["incumbent_known"], s["_inc"], party_sign(s["holder_party"]))

    # Votes cast (two-party) for converting votes to points: the seat's last D-vs-R contest on
    # the current lines (a bloc seat: its own pair); a bloc seat without a pair: the median pair of
    # the other seats of the same contest (the district's own turnout, not the chamber's);
    # else the district's last D-vs-R contest on any lines (a scale estimate; a bloc contest's
    # two-party total spread over its seats), else the chamber's median.
    votes = s["last_two_party_votes"].astype(float)
    own = votes.notna()
    bloc = s["seats"] > 1
    contest_pairs = pairs[pairs["margin"].notna()].groupby("race_id")["pair_votes"].median()
    sibling = s["last_race_id"].map(contest_pairs).astype(float).where(bloc)
    votes = votes.fillna(sibling)
    from_siblings = ~own & votes.notna()
    any_plan = contests[contests["two_party_votes"].notna()].sort_values("year").groupby(CONTEST_KEY).tail(1)
    fallback = s[CONTEST_KEY].merge(any_plan[CONTEST_KEY + ["two_party_votes", "seats"]], how="left")
    per_seat = fallback["two_party_votes"] / pd.to_numeric(fallback["seats"], errors="coerce").fillna(1).clip(lower=1)
    votes = votes.fillna(pd.Series(per_seat.to_numpy(dtype=float), index=s.index))
    chamber_median = votes.groupby([s["state_po"], s["office"]]).transform("median")
    office_median = votes.groupby(s["office"]).transform("median")
    s["votes_cast"] = votes.fillna(chamber_median).fillna(office_median)
    s["votes_cast_basis"] = np.select(
        [own, from_siblings, votes.notna()],
        ["last result", "district's other seats", "earlier lines"],
        default="chamber median",
    )

    # Seats of one bloc-vote district share one error draw (slate voting moves them together).
    s["unit"] = s["state_po"] + "|" + s["office"] + "|" + s["district"].astype(str) + "|" + s["seat_key"]
    s["last_winner"] = s["last_winner"].where(s["last_winner"].notna(), None)
    return s.drop(columns=[c for c in s.columns if c.startswith("_")])
