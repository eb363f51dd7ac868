"""Normalization rules the numbers depend on. Pure functions over values and DataFrames.

Sign convention everywhere: margin = Democratic minus Republican, in percentage points of the
two-party vote (positive = Democratic advantage).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import pandas as pd

from analysis.config import REFERENCE_DIR

OFFICES = ("us_house", "state_senate", "state_house")
MAJOR = ("DEM", "REP")
NON_VOTING = {"DC", "PR", "AS", "GU", "MP", "VI"}

# Ballot-accounting rows that are not candidates (MEDSL, 538, state files). Compared after
# upper-casing and folding whitespace. "WRITEIN"/"WRITE-IN" alone is the aggregate write-in
# line; a named write-in candidate is a real candidate with writein=True.
ACCOUNTING_NAMES = frozenset(
    {
        "TOTAL",
        "TOTAL VOTES",
        "TOTALS",
        "BLANK",
        "BLANKS",
        "BLANK VOTE",
        "BLANK VOTES",
        "BLANK VOTE/SCATTERING",
        "VOID",
        "VOID VOTES",
        "UNDERVOTES",
        "UNDERVOTE",
        "UNDER VOTES",
        "OVERVOTES",
        "OVERVOTE",
        "OVER VOTES",
        "SCATTERING",
        "SCATTERED",
        "PUBLIC COUNTER",
        "BALLOTS CAST",
        "REGISTERED VOTERS",
        "EXHAUSTED BALLOT",
        "EXHAUSTED BALLOTS",
        "CONTINUING BALLOTS",
        "WRITEIN",
        "WRITE-IN",
        "WRITE-INS",
        "WRITE IN",
        "WRITE INS",
        "WRITEINS",
        "ALL WRITE-INS",
        "TOTAL WRITE-IN",
        "UNRESOLVED WRITE-IN",
        "UNRESOLVED WRITE-INS",
        "UNQUALIFIED WRITE-IN",
        "UNQUALIFIED WRITE-INS",
        "NONE OF THESE CANDIDATES",
        "INVALID",
        "REJECTED",
        "SPOILED",
        "NO CANDIDATE",
        "OTHERS",
        "ALL OTHERS",
        "MISCELLANEOUS",
        "VOID VOTE",
        "OVER VOTE",
        "UNDER VOTE",
        "SCATTER",
        "WRITE-IN (MISCELLANEOUS)",
        "",
    }
)


def fold_ws(text: object) -> str:
    """Collapse runs of whitespace and strip; None/NaN -> ''."""
    if text is None or (isinstance(text, float) and math.isnan(text)):
        return ""
    return re.sub(r"\s+", " ", str(text)).strip()


def fold_names(names: pd.Series) -> pd.Series:
    """Vectorized fold_ws(...).upper() for a column of names (None/NaN -> '')."""
    return names.astype("string").fillna("").str.replace(r"\s+", " ", regex=True).str.strip().str.upper()


def accounting_mask(names: pd.Series) -> pd.Series:
    """Vectorized is_accounting_row over a column of candidate names."""
    folded = fold_names(names).str.strip('"').str.replace("\\", "", regex=False)
    return folded.isin(ACCOUNTING_NAMES).astype(bool)


def is_accounting_row(candidate: object) -> bool:
    """True for ballot-accounting pseudo-candidates (TOTAL, UNDERVOTES, aggregate WRITE-IN, ...)."""
    name = fold_ws(candidate).upper().strip('"').replace("\\", "")
    return name in ACCOUNTING_NAMES


# --------------------------------------------------------------------------- parties


@lru_cache(maxsize=1)
def _party_table() -> dict[tuple[str, str], str]:
    table = pd.read_csv(REFERENCE_DIR / "party_map.csv", dtype=str, keep_default_na=False)
    return {(r.source, r.label.upper()): r.party for r in table.itertuples()}


def canonical_party(raw: object, source: str = "*") -> str | None:
    """Map a published party label to DEM/REP/LIB/GRN/IND/OTHER/NONPARTISAN.

    Looks up (source, label) then ('*', label) in analysis/reference/party_map.csv.
    Returns None for an unmapped label, so the build can list it instead of guessing.
    """
    label = fold_ws(raw).upper()
    table = _party_table()
    return table.get((source, label)) or table.get(("*", label))


def major_of_lines(parties: list[str | None], votes: list[float | None]) -> str | None:
    """Party to credit a fusion / cross-filed candidate with.

    A candidate on several lines counts under the major party among them (NY/CT fusion:
    Lawler REP+CON -> REP). When both major lines appear (PA cross-filing), the line with
    more votes wins; ties keep DEM/REP order of appearance.
    """
    majors = [(p, v or 0.0) for p, v in zip(parties, votes) if p in MAJOR]
    if majors:
        best = {}
        for p, v in majors:
            best[p] = best.get(p, 0.0) + v
        return max(best, key=lambda p: best[p])
    known = [p for p in parties if p]
    return known[0] if known else None


# --------------------------------------------------------------------------- districts

_NUM = re.compile(r"^0*(\d+)(?:\.0+)?$")
_LETTERED = re.compile(r"^0*(\d+)\s*-?\s*([A-Za-z]{1,2})$")
_PREFIX = re.compile(r"^(?:district|dist\.?|hd|sd|ld|ad|cd)(?![A-Za-z])\s*[-#:]?\s*", re.IGNORECASE)
AT_LARGE = {"AL", "AT-LARGE", "AT LARGE", "0", "00", "000", "ATLARGE"}


def canonical_district(state_po: str, office: str, raw: object, at_large: bool = False) -> str:
    """One canonical text id per district, the same from every source.

    US House at-large (0, 00, -01 in an at-large state, AL) -> 'AL'. Numbers drop zero padding
    and '.0' ('001', '1', '1.0' -> '1'; '10' and '105' stay). Lettered ids keep their letters
    upper-cased ('01a' -> '1A'). Named districts (NH 'Belknap-1', MA '1st Barnstable') keep the
    state's own name with whitespace folded.
    """
    text = fold_ws(raw)
    if text.endswith(".0") and _NUM.match(text):
        text = text[:-2]
    stripped = _PREFIX.sub("", text) if not _NUM.match(text) else text
    if office == "us_house":
        if at_large or stripped.upper() in AT_LARGE:
            return "AL"
    m = _NUM.match(stripped)
    if m:
        return str(int(m.group(1)))
    m = _LETTERED.match(stripped)
    if m:
        return f"{int(m.group(1))}{m.group(2).upper()}"
    if re.fullmatch(r"[A-Za-z]", stripped):
        return stripped.upper()
    if not stripped:
        raise ValueError(f"empty district id for {state_po} {office}")
    return stripped


# --------------------------------------------------------------------------- plans


def plan_for(plans: pd.DataFrame, state_po: str, office: str, year: int) -> str:
    """The plan (district lines) in force for an election: the latest plan start <= year.

    `plans` has columns state_po, office, first_year (first election held on those lines).
    """
    starts = plans.loc[(plans.state_po == state_po) & (plans.office == office), "first_year"]
    starts = sorted(int(s) for s in starts if int(s) <= int(year))
    if not starts:
        return "pre-" + str(min((int(s) for s in plans.first_year), default=year))
    return str(starts[-1])


def assign_plans(frame: pd.DataFrame, plans: pd.DataFrame) -> pd.Series:
    """Vectorized plan_for over a frame with state_po, office, year columns."""
    keyed = plans[["state_po", "office", "first_year"]].astype({"first_year": int}).drop_duplicates()
    keyed = keyed.sort_values("first_year")
    work = frame[["state_po", "office", "year"]].copy()
    work["_order"] = np.arange(len(work))
    work["year"] = work["year"].astype(int)
    work = work.sort_values("year")
    merged = pd.merge_asof(
        work, keyed, left_on="year", right_on="first_year", by=["state_po", "office"], direction="backward"
    ).sort_values("_order")
    out = merged["first_year"].astype("Int64").astype(str).where(merged["first_year"].notna(), "pre")
    return pd.Series(out.to_numpy(), index=frame.index, name="plan")


# --------------------------------------------------------------------------- vote modes


def pick_mode_total(
    frame: pd.DataFrame, keys: list[str], mode_col: str = "mode", votes_col: str = "votes"
) -> pd.DataFrame:
    """Vote modes: use the TOTAL row where a group has one, otherwise sum the modes; never both."""
    mode = frame[mode_col].fillna("").str.upper().str.strip()
    has_total = mode.eq("TOTAL").groupby([frame[k] for k in keys], dropna=False).transform("any")
    keep = frame[mode.eq("TOTAL") | ~has_total]
    return keep.groupby(keys, dropna=False, as_index=False, sort=False)[votes_col].sum(min_count=1)


# --------------------------------------------------------------------------- contests

CONTEST_KEY = ["state_po", "office", "district", "seat", "year", "kind", "election_date"]
CANDIDATE_COLUMNS = [
    "source",
    "source_file",
    "source_row",
    "state_po",
    "office",
    "district",
    "year",
    "election_date",
    "kind",
    "seats",
    "candidate",
    "party_raw",
    "party",
    "votes",
    "writein",
    "incumbent",
    "won_reported",
]


def votes_to_flip(winner_votes: float, loser_votes: float) -> int:
    """Fewest voters who, switching from the last winner to the first loser, reverse the result.

    x voters switching gives winner - x vs loser + x; the result reverses when x > (w - l) / 2,
    so the answer is floor((w - l) / 2) + 1. A tie (w == l) needs 1.
    """
    return int(math.floor((winner_votes - loser_votes) / 2.0)) + 1


def contest_date_key(rows: pd.DataFrame) -> pd.Series:
    """The date as part of a contest's identity: only specials are told apart by date.

    Two specials for one seat can fall in one year; a regular general or runoff is one per
    seat-year even when some rows of it carry a date and others do not.
    """
    special = rows["kind"].astype(str).str.startswith("special")
    return rows["election_date"].fillna("").astype(str).where(special, "")


def collapse_fusion(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per candidate per contest: fusion / cross-filed lines summed, under the major party.

    A candidate on several lines counts once, with the sum of the lines, under the major party
    among them (NY-17 2024: Lawler REPUBLICAN 180,924 + CONSERVATIVE 16,921 -> REP 197,845).
    When both major lines appear (PA cross-filing) the line with more votes decides.
    Identical rows repeated under every seat of a multi-member district (MultiState) must be
    de-duplicated by the reader before this: here lines of one candidate are *added*.
    """
    work = rows.copy()
    work["seat"] = work["seat"].fillna("").astype(str) if "seat" in work else ""
    work["_kdate"] = contest_date_key(work)
    work["_name"] = fold_names(work["candidate"])
    keys = ["state_po", "office", "district", "seat", "year", "kind", "_kdate", "_name"]
    work["_v"] = pd.to_numeric(work["votes"], errors="coerce")
    work["_dem_v"] = work["_v"].where(work["party"] == "DEM").fillna(0.0)
    work["_rep_v"] = work["_v"].where(work["party"] == "REP").fillna(0.0)
    work["_is_dem"] = work["party"] == "DEM"
    work["_is_rep"] = work["party"] == "REP"
    grouped = work.groupby(keys, sort=False, dropna=False)
    out = grouped.first()
    agg = grouped.agg(
        votes=("_v", "sum"),
        _n_votes=("_v", "count"),
        party_lines=("_v", "size"),
        _dem_v=("_dem_v", "sum"),
        _rep_v=("_rep_v", "sum"),
        _is_dem=("_is_dem", "any"),
        _is_rep=("_is_rep", "any"),
        writein=("writein", "all"),
    )
    out["votes"] = agg["votes"].where(agg["_n_votes"] > 0)
    out["party_lines"] = agg["party_lines"]
    out["writein"] = agg["writein"]
    multi = agg["party_lines"] > 1
    if multi.any():
        both = agg["_is_dem"] & agg["_is_rep"]
        party = out["party"].copy()
        party = party.mask(multi & agg["_is_rep"], "REP").mask(multi & agg["_is_dem"], "DEM")
        party = party.mask(both & (agg["_rep_v"] > agg["_dem_v"]), "REP")
        out["party"] = party
        raw = work[work.set_index(keys).index.isin(agg.index[multi])]
        joined = raw.groupby(keys, sort=False, dropna=False)["party_raw"].agg(
            lambda s: " + ".join(dict.fromkeys(s.astype(str)))
        )
        out.loc[joined.index, "party_raw"] = joined
        for col in ("incumbent", "won_reported"):
            flag = work[col].astype("boolean")
            known = flag.notna().groupby([work[k] for k in keys], sort=False, dropna=False).any()
            anyv = flag.fillna(False).astype(bool).groupby([work[k] for k in keys], sort=False, dropna=False).any()
            merged = anyv.astype(object).where(known, None)
            out.loc[multi, col] = merged.reindex(out.index)[multi]
    out = out.drop(columns=["_v", "_dem_v", "_rep_v", "_is_dem", "_is_rep"], errors="ignore").reset_index()
    out = out.drop(columns=["_name", "_kdate"])
    out["seat"] = out["seat"].replace("", None)
    return out


def _winner_label(party: pd.Series) -> pd.Series:
    return party.where(party.isin(["DEM", "REP", "IND"]), "OTHER")


def build_contests(rows: pd.DataFrame, ties: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Candidate rows (docs/CONTRACT.md) -> (races, candidates): winners, margins, status.

    Vectorized over all contests. Rules:
    - accounting rows (TOTAL, UNDERVOTES, aggregate WRITE-IN, ...) are dropped: never
      candidates, never winners;
    - winners are the top `seats` by votes; ties settled by lot come from `ties`
      (state_po, office, district, year, kind, winner), never from row order;
    - placeholder votes (every count <= 1, as FL/LA/OK publish for unopposed winners) or
      no votes at all: status 'uncontested' (one named candidate per seat) or 'no_votes', NULL
      margin; the winner comes from the source's own flag, else the only candidate;
    - margin, points, positive = Democratic: single seat 100 * (D - R) / (D + R) with D and R the
      leading Democrat's and leading Republican's votes (dem_votes/rep_votes stay party totals); multi-member,
      last winner vs first loser, + when the last winner is DEM against a REP, - when the
      reverse, NULL when that pair is not DEM vs REP;
    - status: contested | uncontested | no_votes | same_party (last winner and first loser of
      one party, e.g. CA top-two D vs D) | no_dem | no_rep (one major party vs others).
    """
    rows = rows[~accounting_mask(rows["candidate"]).to_numpy()]
    c = collapse_fusion(rows)
    c["votes"] = pd.to_numeric(c["votes"], errors="coerce")
    c["writein"] = c["writein"].fillna(False).astype(bool)
    c["_date"] = contest_date_key(c)
    c["_seat"] = c["seat"].fillna("").astype(str)
    c["_cid"] = c.groupby(["state_po", "office", "district", "_seat", "year", "kind", "_date"], sort=False).ngroup()

    c["_tie"] = False
    if ties is not None and len(ties):
        t = ties.assign(
            _tie_name=ties["winner"].map(fold_ws).str.upper(),
            year=ties["year"].astype(int),
            district=ties["district"].astype(str),
        )
        key = ["state_po", "office", "district", "year", "kind"]
        m = c[key].assign(_name=fold_names(c["candidate"])).merge(t[key + ["_tie_name"]], on=key, how="left")
        c["_tie"] = (m["_name"] == m["_tie_name"]).fillna(False).astype(bool).to_numpy()

    g = c.groupby("_cid", sort=False)
    seats = g["seats"].transform("max").fillna(1).astype(int)
    c["seats"] = seats
    all_null = g["votes"].transform("count").eq(0)
    max_abs = c["votes"].abs().groupby(c["_cid"]).transform("max")
    placeholder = ~all_null & (max_abs <= 1)
    c["_named"] = ~c["writein"]
    c["_real"] = c["_named"] & (c["votes"].isna() | (c["votes"] > 1))
    n_named = c.groupby("_cid")["_named"].transform("sum")
    n_real = c.groupby("_cid")["_real"].transform("sum")

    c["_sortv"] = c["votes"].fillna(-np.inf)
    c = c.sort_values(["_cid", "_tie", "_sortv"], ascending=[True, False, False], kind="stable")
    c["_rank"] = c.groupby("_cid").cumcount()
    by_rank = c["_rank"] < c["seats"]
    reported = c["won_reported"].astype("boolean").fillna(False).astype(bool)
    any_reported = reported.groupby(c["_cid"]).transform("any")
    soft = all_null | placeholder
    won_soft = np.where(any_reported, reported, np.where(n_named.eq(1), c["_named"], by_rank & ~all_null))
    c["won"] = np.where(soft, won_soft, by_rank).astype(bool)

    # A tie at the last seat (VA HD-94 2017, 11,608 each) is settled by lot: the override table
    # decides; without one, the source's own winner flag; never row order alone.
    at_last = c["_sortv"].where(c["_rank"] == c["seats"] - 1).groupby(c["_cid"]).transform("max")
    at_first_loser = c["_sortv"].where(c["_rank"] == c["seats"]).groupby(c["_cid"]).transform("max")
    has_override = c["_tie"].groupby(c["_cid"]).transform("any")
    tie = ~soft & (at_last == at_first_loser) & np.isfinite(at_last)
    c["_tie_unresolved"] = tie & ~has_override
    use_reported = c["_tie_unresolved"] & any_reported
    c.loc[use_reported, "won"] = reported[use_reported]

    # Last winner and first loser by rank, for margins and votes to flip.
    winners = c[c["won"]]
    last_w = winners.groupby("_cid").tail(1).set_index("_cid")
    first_l = c[~c["won"]].groupby("_cid").head(1).set_index("_cid")

    race = c.groupby("_cid", sort=False).agg(
        state_po=("state_po", "first"),
        office=("office", "first"),
        district=("district", "first"),
        seat=("_seat", "first"),
        year=("year", "first"),
        kind=("kind", "first"),
        election_date=("election_date", "first"),
        seats=("seats", "first"),
        source=("source", "first"),
        n_candidates=("candidate", "size"),
    )
    race["total_votes"] = c["votes"].clip(lower=0).groupby(c["_cid"]).sum(min_count=1)
    race["dem_votes"] = c[c["party"] == "DEM"].groupby("_cid")["votes"].sum(min_count=1)
    race["rep_votes"] = c[c["party"] == "REP"].groupby("_cid")["votes"].sum(min_count=1)
    race["seats_won_dem"] = winners[winners["party"] == "DEM"].groupby("_cid").size().reindex(race.index, fill_value=0)
    race["seats_won_rep"] = winners[winners["party"] == "REP"].groupby("_cid").size().reindex(race.index, fill_value=0)
    has_dem = c[c["_real"] & (c["party"] == "DEM")].groupby("_cid").size().reindex(race.index, fill_value=0) > 0
    has_rep = c[c["_real"] & (c["party"] == "REP")].groupby("_cid").size().reindex(race.index, fill_value=0) > 0

    wl = _winner_label(winners["party"])
    counts = wl.groupby(winners["_cid"]).value_counts().rename("n").reset_index()
    counts["top"] = counts.groupby("_cid")["n"].transform("max")
    tops = counts[counts["n"] == counts["top"]]
    n_tops = tops.groupby("_cid").size()
    winner_party = tops.groupby("_cid")[wl.name or "party"].first().where(n_tops == 1, "SPLIT")
    race["winner_party"] = winner_party.reindex(race.index)
    race["tie"] = (
        c.groupby("_cid")["_tie_unresolved"]
        .any()
        .reindex(race.index)
        .map({True: "unresolved", False: None})
        .astype(object)
    )
    race.loc[c.loc[c["_tie"], "_cid"].unique(), "tie"] = "override"

    soft_c = soft.groupby(c["_cid"]).first()
    placeholder_c = placeholder.groupby(c["_cid"]).first()
    n_named_c = n_named.groupby(c["_cid"]).first()
    n_real_c = n_real.groupby(c["_cid"]).first()

    status = pd.Series("contested", index=race.index, dtype=object)
    status[soft_c & (placeholder_c | (n_named_c <= race["seats"]))] = "uncontested"
    status[soft_c & ~(placeholder_c | (n_named_c <= race["seats"]))] = "no_votes"
    status[~soft_c & (n_real_c <= race["seats"])] = "uncontested"
    contested = status.eq("contested")
    lw_party = last_w["party"].reindex(race.index)
    fl_party = first_l["party"].reindex(race.index)
    lw_votes = last_w["votes"].reindex(race.index)
    fl_votes = first_l["votes"].reindex(race.index)
    same = contested & lw_party.notna() & (lw_party == fl_party)
    status[same] = "same_party"
    status[contested & ~same & ~has_dem] = "no_dem"
    status[contested & ~same & has_dem & ~has_rep] = "no_rep"
    race["status"] = status

    ok = status.eq("contested")
    # Single seat: the leading Democrat against the leading Republican. Summing every candidate
    # of a party would set one Democrat against two Republicans in a top-four or jungle race
    # (AK-AL 2022: Peltola 128,553 vs Palin 67,866 + Begich 61,513 gave R+0.3 for a Democratic win).
    d = c[c["party"] == "DEM"].groupby("_cid")["votes"].max().reindex(race.index).fillna(0.0)
    r = c[c["party"] == "REP"].groupby("_cid")["votes"].max().reindex(race.index).fillna(0.0)
    single = race["seats"].eq(1)
    margin_single = 100.0 * (d - r) / (d + r).where(d + r > 0)
    pair_dr = ((lw_party == "DEM") & (fl_party == "REP")) | ((lw_party == "REP") & (fl_party == "DEM"))
    sign = np.where(lw_party == "DEM", 1.0, -1.0)
    margin_multi = sign * 100.0 * (lw_votes - fl_votes) / (lw_votes + fl_votes).where((lw_votes + fl_votes) > 0)
    race["margin"] = np.where(ok & single, margin_single, np.where(ok & ~single & pair_dr, margin_multi, np.nan))
    vtf = np.floor((lw_votes - fl_votes) / 2.0) + 1
    race["votes_to_flip"] = vtf.where(
        status.isin(["contested", "same_party", "no_dem", "no_rep"]) & fl_votes.notna()
    ).astype("Int64")

    race["election_date"] = race["election_date"].where(
        race["election_date"].notna() & (race["election_date"] != ""), None
    )
    seat_part = race["seat"].where(race["seat"] == "", "-seat" + race["seat"])
    rid = (
        race["state_po"]
        + "-"
        + race["office"]
        + "-"
        + race["district"].astype(str)
        + seat_part
        + "-"
        + race["year"].astype(str)
        + "-"
        + race["kind"]
    )
    race["seat"] = race["seat"].replace("", None)
    special = race["kind"].str.startswith("special") & race["election_date"].notna()
    race["race_id"] = rid.where(~special, rid + "-" + race["election_date"].fillna(""))
    c["race_id"] = race["race_id"].reindex(c["_cid"]).to_numpy()
    cand = c.drop(columns=[col for col in c.columns if col.startswith("_")]).reset_index(drop=True)
    race = race.reset_index(drop=True)
    cols = ["race_id"] + [col for col in race.columns if col != "race_id"]
    return race[cols], cand
