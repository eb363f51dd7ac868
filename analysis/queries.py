"""Read functions over the warehouse's public SQL interface (docs/CONTRACT.md). The only place pages get data.

Rules every function here follows:
- the database is opened read-only; each query runs on its own cursor (a DuckDB connection is not
  safe to share across threads, a cursor per query is);
- values never go into SQL text: they are bound (`?`) or compared in pandas; column and measure
  names come from the allow-lists below;
- a missing relation (e.g. `rankings` before the model has run) gives an empty frame with the
  expected columns, never a traceback.

Sign convention everywhere: margins are points of the two-party vote, positive = Democratic.
`swing` is a uniform national shift in points, positive = toward Democrats.

Every public function takes `con` as an optional keyword; without it a module-level read-only
connection to `config.db_path()` is used (re-opened when the file is replaced), which is handy
in a notebook. The app passes its cached connection (ui_cache.py).
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
from scipy.stats import norm

from analysis import config

OFFICES = ("us_house", "state_senate", "state_house")
OFFICE_LABELS = {"us_house": "US House", "state_senate": "State Senate", "state_house": "State House"}
PARTIES = ("DEM", "REP", "IND", "OTHER", "SPLIT")

# Measures a map can be coloured by, and margins a ranking can be filtered on (allow-lists).
MAP_MEASURES = {
    "p_flip": "Flip probability",
    "impact": "Impact (ΔP(majority) per 1,000 net votes)",
    "pres_margin": "Presidential margin (pts, D+)",
    "last_margin": "Last margin (pts, D+)",
    "holder_party": "Holder party",
}
MARGIN_MEASURES = {
    "pres_margin": "Presidential margin",
    "last_margin": "Last result margin",
    "expected_margin": "Expected margin",
}

# The contract's columns for the model's table, plus the extras this module joins on.
RANKING_COLUMNS = [
    "rank",
    "state_po",
    "office",
    "district",
    "name",
    "target_year",
    "holder_party",
    "holder_names",
    "pres_margin",
    "last_margin",
    "expected_margin",
    "p_flip",
    "p_decisive",
    "impact",
    "reason",
    "last_year",
    "last_status",
    "votes_to_flip",
    "last_total_votes",
    "seats",
    "seat_no",
    "chamber_p_dem_majority",
    "open_seat",
]
# Statuses of a last general that mean one major party did not field a candidate.
UNCONTESTED_STATUSES = ("uncontested", "no_dem", "no_rep")
# Placeholder chamber math: the part (points) of each seat's spread that is a shared national error.
NATIONAL_SIGMA = 3.0
# Fallback spread (points) of a seat's margin around its expected margin, used only by the
# placeholder swing below when the stored p_flip cannot be inverted (p at 0/1 or margin ~ 0).
DEFAULT_SIGMA = 6.0


# ----------------------------------------------------------------------------- connection


def data_version(path: Path | str | None = None) -> str:
    """A cheap identity of the warehouse file: inode, mtime (ns) and size.

    The build replaces the file by an atomic rename, which changes the inode, so a cache keyed
    on this value picks up a rebuild on the next rerun. 'missing' when there is no file.
    """
    path = Path(path or config.db_path())
    try:
        stat = path.stat()
    except FileNotFoundError:
        return "missing"
    return f"{stat.st_ino}:{stat.st_mtime_ns}:{stat.st_size}"


ATTACHED_AS = "warehouse"
_attached: weakref.WeakSet = weakref.WeakSet()


def connect(path: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse read-only. Raises FileNotFoundError naming the path and the fix.

    The file is ATTACHed READ_ONLY to a private in-memory database rather than opened with
    duckdb.connect(path): DuckDB shares one database instance per path within a process, so after
    an atomic rebuild a plain connect would keep reading the replaced file for as long as any old
    connection lives. An attach opens the file that is at the path now.
    """
    path = Path(path or config.db_path())
    if not path.exists():
        raise FileNotFoundError(f"no warehouse at {path}: run `python -m analysis.build` (or `make build`) first")
    con = duckdb.connect(":memory:")
    con.execute(f"ATTACH ? AS {ATTACHED_AS} (READ_ONLY)", [str(path)])
    con.execute(f"USE {ATTACHED_AS}")
    _attached.add(con)
    return con


def cursor(con: duckdb.DuckDBPyConnection | None = None) -> duckdb.DuckDBPyConnection:
    """A new cursor (its own DuckDB connection, safe to use in this thread) on the warehouse."""
    con = _con(con)
    cur = con.cursor()
    if con in _attached:  # a cursor starts in the in-memory catalog; point it at the warehouse
        cur.execute(f"USE {ATTACHED_AS}")
    return cur


_default: dict[str, Any] = {}
_default_lock = threading.Lock()


def _con(con: duckdb.DuckDBPyConnection | None) -> duckdb.DuckDBPyConnection:
    if con is not None:
        return con
    with _default_lock:
        version = data_version()
        if _default.get("version") != version:
            _default["con"] = connect()
            _default["version"] = version
        return _default["con"]


def _query(con: duckdb.DuckDBPyConnection | None, sql: str, params: Iterable[Any] = ()) -> pd.DataFrame:
    """Run one statement on a fresh cursor with bound parameters and return a DataFrame."""
    cur = cursor(con)
    try:
        return cur.execute(sql, list(params)).df()
    finally:
        cur.close()


def relations(con: duckdb.DuckDBPyConnection | None = None) -> set[str]:
    """Names of the tables and views in the warehouse."""
    frame = _query(con, "SELECT table_name FROM information_schema.tables WHERE table_catalog = current_database()")
    return set(frame["table_name"])


def columns(relation: str, con: duckdb.DuckDBPyConnection | None = None) -> set[str]:
    """Column names of a table or view (empty when it does not exist)."""
    frame = _query(
        con,
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_name = ?",
        [relation],
    )
    return set(frame["column_name"])


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in cols})


def build_info(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """The build's id, time, mirror and schema version ({} when the table is absent)."""
    if "build_info" not in relations(con):
        return {}
    frame = _query(con, "SELECT build_id, built_at, mirror, schema_version FROM build_info LIMIT 1")
    return {} if frame.empty else {k: _plain(v) for k, v in frame.iloc[0].items()}


def _plain(value: Any) -> Any:
    """numpy/pandas scalars -> Python scalars; NaN/NA -> None."""
    if value is None:
        return None
    if isinstance(value, (np.generic,)):
        value = value.item()
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value


# ----------------------------------------------------------------------------- keys


def district_key(state_po: str, district: str) -> str:
    """Feature id of a district on a map of one office: 'XX|12'. '|' never occurs in state codes."""
    return f"{state_po}|{district}"


def parse_district_key(key: str) -> tuple[str, str]:
    state_po, _, district = str(key).partition("|")
    return state_po, district


def natural_key(district: object) -> tuple:
    """Sort key that puts '2' before '10' and named districts after numbered ones."""
    text = str(district)
    match = re.match(r"^(\d+)(.*)$", text)
    return (0, int(match.group(1)), match.group(2)) if match else (1, 0, text)


# ----------------------------------------------------------------------------- home / freshness


def freshness(con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Latest general-election year per office with its number of contests. Columns: office, latest_year, contests."""
    sql = """
        WITH generals AS (SELECT office, year FROM races WHERE kind IN ('general', 'rcv_final')),
        latest AS (SELECT office, max(year) AS latest_year FROM generals GROUP BY office)
        SELECT l.office, l.latest_year, count(*) AS contests
        FROM latest l JOIN generals g ON g.office = l.office AND g.year = l.latest_year
        GROUP BY l.office, l.latest_year ORDER BY l.office
    """
    if "races" not in relations(con):
        return _empty(["office", "latest_year", "contests"])
    return _query(con, sql)


# ----------------------------------------------------------------------------- rankings


@dataclass(frozen=True)
class RankingFilters:
    """What the Rankings page filters on. Empty tuples / None mean 'no filter'.

    margin_min/max bound `margin_measure` (points, D+) after the swing is applied. `search` is a
    case-insensitive substring of the district id, its name, the holders' names or the reason.
    """

    states: tuple[str, ...] = ()
    offices: tuple[str, ...] = ()
    holder_parties: tuple[str, ...] = ()
    margin_measure: str = "pres_margin"
    margin_min: float | None = None
    margin_max: float | None = None
    uncontested_or_open: bool = False
    target_year: int | None = None
    search: str = ""

    def __post_init__(self) -> None:
        if self.margin_measure not in MARGIN_MEASURES:
            raise ValueError(f"margin_measure must be one of {sorted(MARGIN_MEASURES)}, not {self.margin_measure!r}")

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> RankingFilters:
        """Build from a dict (unknown keys ignored; scalars become 1-tuples)."""
        values = dict(values or {})
        kwargs: dict[str, Any] = {}
        for f in fields(cls):
            if f.name not in values or values[f.name] is None:
                continue
            value = values[f.name]
            if f.name in ("states", "offices", "holder_parties"):
                value = (value,) if isinstance(value, str) else tuple(value)
            kwargs[f.name] = value
        return cls(**kwargs)

    def to_params(self) -> dict[str, str]:
        """URL query parameters (only non-default values) so a link reproduces the view."""
        params: dict[str, str] = {}
        if self.states:
            params["state"] = ",".join(self.states)
        if self.offices:
            params["office"] = ",".join(self.offices)
        if self.holder_parties:
            params["holder"] = ",".join(self.holder_parties)
        if self.margin_measure != "pres_margin":
            params["margin_of"] = self.margin_measure
        if self.margin_min is not None:
            params["margin_min"] = f"{self.margin_min:g}"
        if self.margin_max is not None:
            params["margin_max"] = f"{self.margin_max:g}"
        if self.uncontested_or_open:
            params["uncontested_or_open"] = "1"
        if self.target_year is not None:
            params["year"] = str(self.target_year)
        if self.search:
            params["q"] = self.search
        return params

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> RankingFilters:
        """Inverse of to_params. Malformed values are ignored rather than raising (a URL is user input)."""

        def split(name: str) -> tuple[str, ...]:
            raw = params.get(name)
            if raw is None:
                return ()
            if isinstance(raw, (list, tuple)):
                raw = ",".join(str(r) for r in raw)
            return tuple(part for part in str(raw).split(",") if part)

        def number(name: str, cast=float):
            try:
                value = cast(params[name])
            except (KeyError, TypeError, ValueError):
                return None
            return value if math.isfinite(value) else None

        measure = str(params.get("margin_of", "pres_margin"))
        return cls(
            states=tuple(s.upper() for s in split("state")),
            offices=tuple(o for o in split("office") if o in OFFICES),
            holder_parties=tuple(p.upper() for p in split("holder")),
            margin_measure=measure if measure in MARGIN_MEASURES else "pres_margin",
            margin_min=number("margin_min"),
            margin_max=number("margin_max"),
            uncontested_or_open=str(params.get("uncontested_or_open", "")) in ("1", "true", "True"),
            target_year=number("year", int),
            search=str(params.get("q", ""))[:200],
        )


_LAST_GENERAL_SQL = """
    -- The latest general of each district, whatever its lines: its status says whether both
    -- parties ran; votes_to_flip is the fewest switched votes that would have reversed it.
    -- An RCV final round beats round 1 of the same year (issue 2: the final round feeds the margin).
    SELECT state_po, office, district, year AS last_year, status AS last_status, votes_to_flip,
           total_votes AS last_total_votes, margin AS last_race_margin, winner_party AS last_winner
    FROM races
    WHERE kind IN ('general', 'rcv_final')
    QUALIFY row_number() OVER (PARTITION BY state_po, office, district
                               ORDER BY year DESC, (kind = 'rcv_final') DESC, election_date DESC NULLS LAST) = 1
"""

_DISTRICT_SUMMARY_SQL = """
    SELECT state_po, office, district, any_value(name) AS name, string_agg(DISTINCT holder_names, '; ') AS holder_names,
           sum(seats)::BIGINT AS seats, any_value(plan) AS plan
    FROM districts GROUP BY state_po, office, district
"""


_ranked_memo: dict[int, tuple[duckdb.DuckDBPyConnection, pd.DataFrame]] = {}
_ranked_lock = threading.Lock()


def _ranked_all(con: duckdb.DuckDBPyConnection | None) -> pd.DataFrame:
    """Every row of the model's `rankings` with the district's name/holders and last general joined.

    Swing-independent, so it is computed once per connection (a read-only connection's data never
    changes; a rebuilt file gets a new connection). Callers never modify the returned frame.
    """
    con = _con(con)
    with _ranked_lock:
        hit = _ranked_memo.get(id(con))
    if hit is not None and hit[0] is con:
        return hit[1]
    frame = _ranked_all_uncached(con)
    with _ranked_lock:
        if len(_ranked_memo) >= 4:  # a few connections at most (old ones after a rebuild); drop the oldest
            _ranked_memo.pop(next(iter(_ranked_memo)))
        _ranked_memo[id(con)] = (con, frame)  # holding `con` keeps its id from being reused
    return frame


def _ranked_all_uncached(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    rels = relations(con)
    if "rankings" not in rels:
        return _empty(RANKING_COLUMNS)
    rank_cols = columns("rankings", con)
    # An explicit open-seat flag when the model writes one; else the model's own reason text.
    open_expr = (
        "coalesce(r.open_seat, false)" if "open_seat" in rank_cols else "coalesce(r.reason ILIKE '%open seat%', false)"
    )
    # The model may write one row per seat of a multi-member district (seat_no); then each row is one seat.
    seat_no_expr = "r.seat_no" if "seat_no" in rank_cols else "NULL::BIGINT"
    # The model's own simulated P(Democratic majority) of the seat's chamber at its default swing, when written.
    chamber_expr = "r.chamber_p_dem_majority" if "chamber_p_dem_majority" in rank_cols else "NULL::DOUBLE"
    have_races, have_districts = "races" in rels, "districts" in rels
    sql = f"""
        WITH last_general AS ({_LAST_GENERAL_SQL if have_races else "SELECT NULL::VARCHAR AS state_po, NULL::VARCHAR AS office, NULL::VARCHAR AS district, NULL::BIGINT AS last_year, NULL::VARCHAR AS last_status, NULL::BIGINT AS votes_to_flip, NULL::DOUBLE AS last_total_votes, NULL::DOUBLE AS last_race_margin, NULL::VARCHAR AS last_winner WHERE false"}),
        district_summary AS ({_DISTRICT_SUMMARY_SQL if have_districts else "SELECT NULL::VARCHAR AS state_po, NULL::VARCHAR AS office, NULL::VARCHAR AS district, NULL::VARCHAR AS name, NULL::VARCHAR AS holder_names, NULL::BIGINT AS seats, NULL::VARCHAR AS plan WHERE false"})
        SELECT r.rank, r.state_po, r.office, r.district, d.name, r.target_year, r.holder_party, d.holder_names,
               r.pres_margin, r.last_margin, r.expected_margin, r.p_flip, r.p_decisive, r.impact, r.reason,
               l.last_year, l.last_status, l.votes_to_flip, l.last_total_votes, coalesce(d.seats, 1) AS seats,
               {seat_no_expr} AS seat_no, {open_expr} AS open_seat, {chamber_expr} AS chamber_p_dem_majority
        FROM rankings r
        LEFT JOIN district_summary d ON d.state_po = r.state_po AND d.office = r.office AND d.district = r.district
        LEFT JOIN last_general l ON l.state_po = r.state_po AND l.office = r.office AND l.district = r.district
        ORDER BY r.rank
    """
    return _query(con, sql)


def apply_swing(frame: pd.DataFrame, swing: float) -> pd.DataFrame:
    """Re-score under a uniform national swing (points, + = toward Democrats). SEAM for the model.

    Placeholder until analysis.model/rank expose their own re-ranking (issue 3); replace the body
    with a call to it and keep the signature. What it does now, deliberately simple:
    - expected_margin += swing (a seat without one starts from its presidential margin);
    - each seat's Democratic win probability moves along a normal curve from where the model put
      it: p_dem_win = Phi(Phi^-1(p0) + swing / sigma), with p0 the model's own probability at swing 0
      (so swing 0 returns it exactly) and sigma the spread implied by p0 and the expected margin
      (expected / Phi^-1(p0)), or DEFAULT_SIGMA when that cannot be inverted (p0 near 0.5, 0 or 1);
    - the order and `rank` stay the model's: it ranks by impact on the chamber majority, which this
      placeholder cannot recompute (re-sorting by p_flip would silently change what "rank" means).
    Swing 0 returns the model's output unchanged. Seats held by neither major party keep their p_flip.
    """
    out = frame.copy()
    if out.empty or not swing:
        return out
    swing = float(swing)
    base = pd.to_numeric(out["expected_margin"], errors="coerce")
    base = base.fillna(pd.to_numeric(out["pres_margin"], errors="coerce"))
    p_flip = pd.to_numeric(out["p_flip"], errors="coerce").to_numpy(dtype=float)
    holder = out["holder_party"].astype("object").to_numpy()
    is_dem, is_rep = holder == "DEM", holder == "REP"
    p_dem_win = np.where(is_rep, p_flip, np.where(is_dem, 1.0 - p_flip, np.nan))
    z = norm.ppf(np.clip(p_dem_win, 1e-6, 1 - 1e-6))
    margin0 = base.to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = margin0 / z
    usable = np.isfinite(sigma) & (sigma >= 1.0) & (sigma <= 25.0) & (np.abs(z) > 0.05)
    sigma = np.where(usable, sigma, DEFAULT_SIGMA)
    shifted = margin0 + swing
    new_dem_win = norm.cdf(z + swing / sigma)
    new_flip = np.where(is_rep, new_dem_win, np.where(is_dem, 1.0 - new_dem_win, p_flip))
    out["expected_margin"] = np.where(np.isfinite(shifted), shifted, out["expected_margin"])
    out["p_flip"] = np.where(np.isfinite(new_flip) & (is_dem | is_rep), new_flip, p_flip)
    return out.reset_index(drop=True)


def _filter_rankings(frame: pd.DataFrame, filters: RankingFilters) -> pd.DataFrame:
    """Apply filters as pandas comparisons (values never reach SQL)."""
    mask = pd.Series(True, index=frame.index)
    if filters.states:
        mask &= frame["state_po"].isin(filters.states)
    if filters.offices:
        mask &= frame["office"].isin(filters.offices)
    if filters.holder_parties:
        mask &= frame["holder_party"].isin(filters.holder_parties)
    margin = pd.to_numeric(frame[filters.margin_measure], errors="coerce")
    if filters.margin_min is not None:
        mask &= margin >= filters.margin_min
    if filters.margin_max is not None:
        mask &= margin <= filters.margin_max
    if filters.uncontested_or_open:
        mask &= frame["last_status"].isin(UNCONTESTED_STATUSES) | frame["open_seat"].fillna(False).astype(bool)
    if filters.target_year is not None:
        mask &= pd.to_numeric(frame["target_year"], errors="coerce") == filters.target_year
    if filters.search.strip():
        needle = filters.search.strip().casefold()
        text = (
            frame["district"].astype("object").fillna("").astype(str)
            + "\x1f"
            + frame["name"].astype("object").fillna("").astype(str)
            + "\x1f"
            + frame["holder_names"].astype("object").fillna("").astype(str)
            + "\x1f"
            + frame["reason"].astype("object").fillna("").astype(str)
        )
        mask &= text.str.casefold().str.contains(needle, regex=False)
    return frame[mask].reset_index(drop=True)


def rankings(
    swing: float = 0.0,
    filters: RankingFilters | Mapping[str, Any] | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """The ranked races under a national swing, filtered. Columns: RANKING_COLUMNS.

    `rank` is the model's national rank (before filtering). Margins in points, D+;
    p_flip/p_decisive are probabilities in [0, 1]; impact is the model's (ΔP(majority) per 1,000 net votes).
    """
    if not isinstance(filters, RankingFilters):
        filters = RankingFilters.from_mapping(filters)
    ranked = apply_swing(_ranked_all(con), swing)
    return _filter_rankings(ranked, filters)[RANKING_COLUMNS]


def filter_options(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, list]:
    """Values the filter widgets offer: states, offices, holder parties, target years (from the data)."""
    rels = relations(con)
    out: dict[str, list] = {"states": [], "offices": [], "holder_parties": [], "target_years": []}
    if "districts" in rels:
        frame = _query(con, "SELECT DISTINCT state_po, office, holder_party FROM districts")
        out["states"] = sorted(frame["state_po"].dropna().unique())
        out["offices"] = [o for o in OFFICES if o in set(frame["office"])]
        out["holder_parties"] = sorted(frame["holder_party"].dropna().unique())
    if "rankings" in rels:
        years = _query(con, "SELECT DISTINCT target_year FROM rankings WHERE target_year IS NOT NULL ORDER BY 1")
        out["target_years"] = [int(y) for y in years["target_year"]]
    return out


# ----------------------------------------------------------------------------- maps


def map_frame(
    office: str, state_po: str | None = None, swing: float = 0.0, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """One row per current district of `office` (optionally one state) with what a map colours by.

    Columns: key, state_po, office, district, name, holder_party, holder_names, pres_margin,
    last_margin, expected_margin, p_flip, impact, target_year, reason. Districts the model did
    not rank keep their latest presidential margin (current lines) and last general margin.
    """
    cols = [
        "key",
        "state_po",
        "office",
        "district",
        "name",
        "holder_party",
        "holder_names",
        "pres_margin",
        "last_margin",
        "expected_margin",
        "p_flip",
        "impact",
        "target_year",
        "reason",
    ]
    rels = relations(con)
    if "districts" not in rels or office not in OFFICES:
        return _empty(cols)
    params: list[Any] = [office]
    where = "d.office = ?"
    if state_po:
        where += " AND d.state_po = ?"
        params.append(state_po)
    pres_sql = (
        "SELECT state_po, office, district, plan, margin AS pres_margin_fact FROM presidential "
        "QUALIFY row_number() OVER (PARTITION BY state_po, office, district, plan ORDER BY pres_year DESC) = 1"
        if "presidential" in rels
        else "SELECT NULL::VARCHAR state_po, NULL::VARCHAR office, NULL::VARCHAR district, NULL::VARCHAR plan, "
        "NULL::DOUBLE pres_margin_fact WHERE false"
    )
    last_sql = (
        "SELECT state_po, office, district, plan, margin AS last_margin_fact FROM races "
        "WHERE kind IN ('general', 'rcv_final') QUALIFY row_number() OVER (PARTITION BY state_po, office, "
        "district, plan ORDER BY year DESC, (kind = 'rcv_final') DESC) = 1"
        if "races" in rels
        else "SELECT NULL::VARCHAR state_po, NULL::VARCHAR office, NULL::VARCHAR district, NULL::VARCHAR plan, "
        "NULL::DOUBLE last_margin_fact WHERE false"
    )
    sql = f"""
        WITH d AS (
            SELECT state_po, office, district, any_value(plan) AS plan, any_value(name) AS name,
                   -- multi-seat districts (WA positions) may list more than one holder party
                   CASE WHEN count(DISTINCT holder_party) > 1 THEN 'SPLIT' ELSE any_value(holder_party) END AS holder_party,
                   string_agg(DISTINCT holder_names, '; ') AS holder_names
            FROM districts d WHERE {where} GROUP BY state_po, office, district
        ),
        pres AS ({pres_sql}),
        last AS ({last_sql})
        SELECT d.state_po, d.office, d.district, d.name, d.holder_party, d.holder_names,
               pres.pres_margin_fact, last.last_margin_fact
        FROM d
        LEFT JOIN pres ON pres.state_po = d.state_po AND pres.office = d.office AND pres.district = d.district AND pres.plan = d.plan
        LEFT JOIN last ON last.state_po = d.state_po AND last.office = d.office AND last.district = d.district AND last.plan = d.plan
    """
    frame = _query(con, sql, params)
    ranked = rankings(swing, RankingFilters(offices=(office,), states=(state_po,) if state_po else ()), con=con)
    # One row per district: the seat most likely to flip speaks for a multi-seat district.
    ranked = ranked.sort_values("p_flip", ascending=False, na_position="last").drop_duplicates(
        ["state_po", "office", "district"]
    )
    merged = frame.merge(
        ranked[
            [
                "state_po",
                "office",
                "district",
                "pres_margin",
                "last_margin",
                "expected_margin",
                "p_flip",
                "impact",
                "target_year",
                "reason",
            ]
        ],
        on=["state_po", "office", "district"],
        how="left",
    )
    merged["pres_margin"] = merged["pres_margin"].astype(float).fillna(merged["pres_margin_fact"].astype(float))
    merged["last_margin"] = merged["last_margin"].astype(float).fillna(merged["last_margin_fact"].astype(float))
    merged["key"] = [district_key(s, d) for s, d in zip(merged["state_po"], merged["district"], strict=True)]
    merged = merged.iloc[
        sorted(range(len(merged)), key=lambda i: (merged["state_po"].iat[i], natural_key(merged["district"].iat[i])))
    ]
    return merged[cols].reset_index(drop=True)


def _round_coords(coords: Any, precision: int) -> Any:
    """Round nested coordinates; drop consecutive duplicates a coarser grid creates (rings keep >= 4 points)."""
    if not coords:
        return coords
    if isinstance(coords[0], (int, float)):
        return [round(float(c), precision) for c in coords[:2]]
    rounded = [_round_coords(c, precision) for c in coords]
    if isinstance(rounded[0][0], (int, float)):  # a ring / line: list of positions
        deduped = [p for i, p in enumerate(rounded) if i == 0 or p != rounded[i - 1]]
        return deduped if len(deduped) >= 4 else rounded
    return rounded


def _signed_area(ring: list) -> float:
    """Shoelace area in degrees² (planar lon/lat); > 0 = counter-clockwise."""
    if len(ring) < 3:
        return 0.0
    xs = np.asarray([p[0] for p in ring], dtype=float)
    ys = np.asarray([p[1] for p in ring], dtype=float)
    return float(np.dot(xs, np.roll(ys, -1)) - np.dot(np.roll(xs, -1), ys)) / 2.0


def _rewind_for_d3(geometry: dict) -> dict:
    """Orient rings the way d3-geo (plotly's geo renderer) reads them: exteriors clockwise, holes counter-clockwise.

    RFC 7946 GeoJSON uses the opposite (exterior counter-clockwise). d3 measures winding on the
    sphere, so a counter-clockwise exterior means "everything except this polygon" and fills the
    whole map. Small district rings are planar enough that the shoelace sign decides.
    """

    def polygon(rings: list) -> list:
        out = []
        for i, ring in enumerate(rings):
            clockwise = _signed_area(ring) < 0
            want_clockwise = i == 0
            out.append(ring if clockwise == want_clockwise else ring[::-1])
        return out

    if geometry["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": polygon(geometry["coordinates"])}
    if geometry["type"] == "MultiPolygon":
        return {"type": "MultiPolygon", "coordinates": [polygon(p) for p in geometry["coordinates"]]}
    return geometry


def _shift_west(coords: Any) -> Any:
    """Longitudes east of Greenwich become < -180 (Alaska's western Aleutians lie at +172..+180).

    Keeps Alaska one contiguous lon range, so ring orientation and a map's fit-to-bounds work.
    """
    if coords and isinstance(coords[0], (int, float)):
        return [coords[0] - 360.0 if coords[0] > 0 else coords[0], *coords[1:]]
    return [_shift_west(c) for c in coords]


def _geometry(text: str) -> dict | None:
    """The geometry from a stored GeoJSON text, whether it holds a Feature or a bare geometry."""
    try:
        obj = json.loads(text)
    except (TypeError, ValueError):
        return None
    if isinstance(obj, dict) and obj.get("type") == "Feature":
        obj = obj.get("geometry")
    if isinstance(obj, dict) and obj.get("type") == "FeatureCollection":
        feats = obj.get("features") or []
        obj = feats[0].get("geometry") if len(feats) == 1 else None
    return obj if isinstance(obj, dict) and "coordinates" in obj else None


def shapes(
    office: str,
    state_po: str | None = None,
    district: str | None = None,
    precision: int = 3,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
) -> dict:
    """A GeoJSON FeatureCollection of the office's current district shapes (WGS84).

    Feature id = district_key(state_po, district); properties: state_po, office, district, name.
    Coordinates are rounded to `precision` decimals (3 = ~100 m, enough for a national map) to keep
    the browser payload small, and rings are oriented for d3/plotly (exterior clockwise, the reverse
    of RFC 7946). Shapes on old plans (not in `districts`) are left out.
    """
    collection: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    rels = relations(con)
    if "district_shapes" not in rels or office not in OFFICES:
        return collection
    where, params = ["s.office = ?"], [office]
    if state_po:
        where.append("s.state_po = ?")
        params.append(state_po)
    if district is not None:
        where.append("s.district = ?")
        params.append(district)
    plan_join = (
        "SEMI JOIN (SELECT DISTINCT state_po, office, district, plan FROM districts) d "
        "ON d.state_po = s.state_po AND d.office = s.office AND d.district = s.district AND d.plan = s.plan"
        if "districts" in rels
        else ""
    )
    sql = f"""SELECT s.state_po, s.office, s.district, s.name, s.geojson FROM district_shapes s {plan_join}
              WHERE {" AND ".join(where)} ORDER BY s.state_po, s.district"""
    for row in _query(con, sql, params).itertuples(index=False):
        geometry = _geometry(row.geojson)
        if geometry is None:
            continue
        coords = geometry["coordinates"]
        if row.state_po == "AK":
            coords = _shift_west(coords)
        geometry = _rewind_for_d3({"type": geometry["type"], "coordinates": _round_coords(coords, precision)})
        collection["features"].append(
            {
                "type": "Feature",
                "id": district_key(row.state_po, row.district),
                "properties": {
                    "state_po": row.state_po,
                    "office": row.office,
                    "district": row.district,
                    "name": _plain(row.name),
                },
                "geometry": geometry,
            }
        )
    return collection


# ----------------------------------------------------------------------------- district page


def district_list(
    state_po: str | None = None, office: str | None = None, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Current districts (state_po, office, district, name), naturally sorted."""
    cols = ["state_po", "office", "district", "name"]
    if "districts" not in relations(con):
        return _empty(cols)
    where, params = [], []
    if state_po:
        where.append("state_po = ?")
        params.append(state_po)
    if office:
        where.append("office = ?")
        params.append(office)
    sql = "SELECT DISTINCT state_po, office, district, name FROM districts"
    if where:
        sql += " WHERE " + " AND ".join(where)
    frame = _query(con, sql, params)
    order = sorted(
        range(len(frame)),
        key=lambda i: (
            frame["state_po"].iat[i],
            OFFICES.index(frame["office"].iat[i]) if frame["office"].iat[i] in OFFICES else 9,
            natural_key(frame["district"].iat[i]),
        ),
    )
    return frame.iloc[order][cols].reset_index(drop=True)


def district_info(
    state_po: str, office: str, district: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """The `districts` rows of one district (one per position seat), with its gap flags."""
    cols = [
        "state_po",
        "office",
        "district",
        "seat",
        "plan",
        "seats",
        "holder_party",
        "holder_names",
        "next_election",
        "name",
        "gap_no_geometry",
        "gap_no_recent_result",
        "gap_no_pres_margin",
    ]
    if "districts" not in relations(con):
        return _empty(cols)
    sql = f"SELECT {', '.join(cols)} FROM districts WHERE state_po = ? AND office = ? AND district = ? ORDER BY seat"
    return _query(con, sql, [state_po, office, district])


def district_history(
    state_po: str, office: str, district: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Every contest ever held under this district id, oldest first (the plan column tells lines apart)."""
    cols = [
        "race_id",
        "year",
        "election_date",
        "kind",
        "seat",
        "plan",
        "seats",
        "dem_votes",
        "rep_votes",
        "total_votes",
        "margin",
        "winner_party",
        "status",
        "votes_to_flip",
    ]
    if "races" not in relations(con):
        return _empty(cols)
    sql = f"""SELECT {", ".join(cols)} FROM races WHERE state_po = ? AND office = ? AND district = ?
              ORDER BY year, election_date NULLS LAST, kind"""
    return _query(con, sql, [state_po, office, district])


def district_presidential(
    state_po: str, office: str, district: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Presidential margins in the district per (plan, pres_year); old_lines marks margins on earlier lines."""
    cols = ["pres_year", "plan", "dem_votes", "rep_votes", "margin", "margin_basis", "old_lines", "source"]
    if "presidential" not in relations(con):
        return _empty(cols)
    sql = f"""SELECT {", ".join(cols)} FROM presidential WHERE state_po = ? AND office = ? AND district = ?
              ORDER BY pres_year, plan"""
    return _query(con, sql, [state_po, office, district])


def district_candidates(
    state_po: str, office: str, district: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Candidates of every contest in the district, newest contest first, most votes first."""
    cols = [
        "year",
        "kind",
        "race_id",
        "candidate",
        "party",
        "party_raw",
        "votes",
        "vote_share",
        "won",
        "incumbent",
        "writein",
    ]
    if not {"races", "candidates"} <= relations(con):
        return _empty(cols)
    sql = """
        SELECT r.year, r.kind, c.race_id, c.candidate, c.party, c.party_raw, c.votes,
               100.0 * c.votes / nullif(sum(c.votes) OVER (PARTITION BY c.race_id), 0) AS vote_share,
               c.won, c.incumbent, c.writein
        FROM candidates c JOIN races r ON r.race_id = c.race_id
        WHERE r.state_po = ? AND r.office = ? AND r.district = ?
        ORDER BY r.year DESC, r.election_date DESC NULLS LAST, c.race_id, c.votes DESC NULLS LAST
    """
    return _query(con, sql, [state_po, office, district])


def district_ranking(
    state_po: str, office: str, district: str, swing: float = 0.0, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """The district's row(s) of the ranking under the swing (empty when the model did not rank it)."""
    ranked = rankings(swing, RankingFilters(states=(state_po,), offices=(office,)), con=con)
    return ranked[ranked["district"] == district].reset_index(drop=True)


# ----------------------------------------------------------------------------- specials


def specials(window: int = 5, *, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """US House specials by date with overperformance (margin - presidential baseline, points, D+).

    running_avg is the mean overperformance of the last `window` specials up to each date, a
    rough signal of the national environment.
    """
    cols = [
        "race_id",
        "election_date",
        "year",
        "state_po",
        "district",
        "dem_votes",
        "rep_votes",
        "margin",
        "pres_margin",
        "overperformance",
        "running_avg",
    ]
    if "specials" not in relations(con):
        return _empty(cols)
    # Dates as DATE whatever the stored type; a special without a date sorts by its year.
    frame = _query(
        con,
        """SELECT race_id, TRY_CAST(election_date AS DATE) AS election_date, year, state_po, district,
                  dem_votes, rep_votes, margin, pres_margin, overperformance
           FROM specials
           ORDER BY coalesce(TRY_CAST(election_date AS DATE), make_date(year::INTEGER, 7, 1)), race_id""",
    )
    window = max(1, int(window))
    # Over the specials that have a baseline only; the others get no running value.
    known = frame["overperformance"].astype(float).dropna()
    frame["running_avg"] = known.rolling(window, min_periods=1).mean().reindex(frame.index)
    return frame[cols]


# ----------------------------------------------------------------------------- chambers


def chambers(*, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """Current composition of every chamber (US House as state_po 'US')."""
    cols = [
        "state_po",
        "office",
        "total_seats",
        "d_seats",
        "r_seats",
        "other_seats",
        "vacant_seats",
        "majority_threshold",
        "control_status",
    ]
    if "chambers" not in relations(con):
        return _empty(cols)
    return _query(con, f"SELECT {', '.join(cols)} FROM chambers ORDER BY state_po = 'US' DESC, state_po, office")


def seat_distribution(p_win: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """Probability of each total of seats won, for independent seats (a Poisson-binomial; exact convolution).

    p_win[i] is the chance of winning contest i, which is worth seats[i] seats. Returns an array whose
    index is the number of seats won.
    """
    return _distributions(np.asarray(p_win, dtype=float)[None, :], seats)[0]


def _distributions(p_win: np.ndarray, seats: np.ndarray) -> np.ndarray:
    """seat_distribution for K scenarios at once: p_win is (K, n); returns (K, total seats + 1)."""
    seats = np.asarray(seats, dtype=int)
    p_win = np.clip(np.nan_to_num(np.asarray(p_win, dtype=float), nan=0.0), 0.0, 1.0)
    dist = np.zeros((p_win.shape[0], int(seats.sum()) + 1))
    dist[:, 0] = 1.0
    for i, k in enumerate(seats):
        if k <= 0:
            continue
        p = p_win[:, i : i + 1]
        shifted = np.zeros_like(dist)
        shifted[:, k:] = dist[:, : dist.shape[1] - k]
        dist = dist * (1.0 - p) + shifted * p
    return dist


def majority_probability(
    p_win: np.ndarray,
    margin: np.ndarray,
    seats: np.ndarray,
    need: int,
    national_sigma: float = NATIONAL_SIGMA,
    nodes: int = 15,
) -> float:
    """P(winning at least `need` of these seats) when they share a national error. Placeholder for issue 3.

    p_win: each seat's chance for the party; margin: its expected margin from the party's side
    (points). A seat's spread sigma is the one its (margin, p_win) imply (DEFAULT_SIGMA when that
    cannot be inverted); `national_sigma` of it is common to all seats, the rest independent. The
    national shift is integrated by Gauss-Hermite quadrature; each seat keeps its own p_win on
    average. national_sigma=0 gives independent seats (an exact Poisson-binomial).
    """
    if need <= 0:
        return 1.0
    if need > int(np.sum(seats)):
        return 0.0
    p = np.clip(np.asarray(p_win, dtype=float), 1e-6, 1 - 1e-6)
    if national_sigma <= 0:
        return float(seat_distribution(p, seats)[need:].sum())
    z = norm.ppf(p)
    with np.errstate(divide="ignore", invalid="ignore"):
        sigma = np.asarray(margin, dtype=float) / z
    sigma = np.where(np.isfinite(sigma) & (sigma >= 1.0) & (sigma <= 25.0) & (np.abs(z) > 0.05), sigma, DEFAULT_SIGMA)
    sigma = np.maximum(sigma, national_sigma * 1.2)
    own = np.sqrt(sigma**2 - national_sigma**2)  # the seat's own (independent) spread
    x, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    # Conditional on a national shift d: P(win) = Phi((z*sigma + d) / own); its average over d is p.
    scenarios = norm.cdf((z * sigma + national_sigma * x[:, None]) / own)
    dist = _distributions(scenarios, seats)
    return float(np.dot(w, dist[:, need:].sum(axis=1)))


@dataclass
class ChamberOutlook:
    """One chamber seen by one party under a swing. Seats and votes are counts; probabilities in [0, 1]."""

    state_po: str
    office: str
    party: str
    target_year: int | None
    total_seats: int
    held: int
    majority_threshold: int
    seats_needed: int
    p_majority: float
    seats_up: pd.DataFrame = field(repr=False)
    tipping_point: pd.Series | None = field(default=None, repr=False)
    cheapest: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    cheapest_votes: float | None = None
    cheapest_short: int = 0
    unknown_cost: int = 0
    model_p_dem_majority: float | None = None  # the model's simulation at swing 0, when it wrote one


def chamber_outlook(
    state_po: str,
    office: str,
    swing: float = 0.0,
    party: str = "DEM",
    target_year: int | None = None,
    *,
    national_sigma: float = NATIONAL_SIGMA,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ChamberOutlook | None:
    """Seats held and needed, P(majority), tipping-point order and cheapest set of seats to a majority.

    None when the chamber is unknown. See outlook_from for the (placeholder) math.
    """
    comp = chambers(con=con)
    row = comp[(comp["state_po"] == state_po) & (comp["office"] == office)]
    if row.empty:
        return None
    filters = RankingFilters(offices=(office,), states=() if state_po == "US" else (state_po,))
    return outlook_from(row.iloc[0].to_dict(), rankings(swing, filters, con=con), party, target_year, national_sigma)


def _chamber_seats(ranked: pd.DataFrame, state_po: str, office: str) -> pd.DataFrame:
    mask = ranked["office"] == office
    if state_po != "US":
        mask &= ranked["state_po"] == state_po
    return ranked[mask]


def outlook_from(
    composition: Mapping[str, Any],
    seats_all: pd.DataFrame,
    party: str = "DEM",
    target_year: int | None = None,
    national_sigma: float = NATIONAL_SIGMA,
) -> ChamberOutlook:
    """The chamber math for one party, from a `chambers` row and the chamber's ranked seats (any target year).

    Placeholder until the model's chamber simulation is wired (issue 3): each seat up is won by
    `party` with its own probability under the swing (p_flip for seats the other side holds,
    1 - p_flip for its own), the seats sharing a national error of `national_sigma` points
    (majority_probability); seats not up in `target_year` (default: the chamber's earliest target
    year) stay with their holder.
    - tipping-point order: seats up sorted from the party's best chance to its worst; the
      tipping-point seat is the one that brings the running total to the majority threshold;
    - cheapest set: seats the party does not hold, fewest votes_to_flip (from their last general)
      first, until the seats needed (threshold - held) are reached. Seats without a known
      votes_to_flip (uncontested, no votes) are left out and counted in `unknown_cost`.
    """
    if party not in ("DEM", "REP"):
        raise ValueError("party must be 'DEM' or 'REP'")
    total, threshold = int(composition["total_seats"]), int(composition["majority_threshold"])
    held = int(composition["d_seats"] if party == "DEM" else composition["r_seats"])
    years = sorted(int(y) for y in pd.to_numeric(seats_all["target_year"], errors="coerce").dropna().unique())
    if target_year is None and years:
        target_year = years[0]
    up = seats_all[pd.to_numeric(seats_all["target_year"], errors="coerce") == target_year].copy()
    own = up["holder_party"] == party
    p_flip = pd.to_numeric(up["p_flip"], errors="coerce").astype(float)
    up["p_win"] = np.where(own, 1.0 - p_flip, p_flip)
    # A row is one seat when the model ranks seats separately (seat_no); otherwise a multi-member
    # district is one row whose seats move together (an approximation).
    per_seat = up["seat_no"].notna() if "seat_no" in up else pd.Series(False, index=up.index)
    district_seats = pd.to_numeric(up["seats"], errors="coerce").fillna(1).astype(int).clip(lower=1)
    up["seats"] = np.where(per_seat, 1, district_seats)
    fixed = max(0, held - int(up.loc[own, "seats"].sum()))
    need_from_up = threshold - fixed
    party_margin = pd.to_numeric(up["expected_margin"], errors="coerce").to_numpy(dtype=float)
    party_margin = party_margin if party == "DEM" else -party_margin
    if up.empty:
        p_majority = float("nan")  # nothing ranked (no rankings yet, or no seat up): unknown, not 0
    else:
        p_majority = majority_probability(
            up["p_win"].to_numpy(dtype=float), party_margin, up["seats"].to_numpy(), need_from_up, national_sigma
        )
    order = up.sort_values(["p_win", "rank"], ascending=[False, True], kind="stable").reset_index(drop=True)
    order["seats_if_won_in_order"] = fixed + order["seats"].cumsum()
    order["tipping_point"] = False
    reached = order.index[order["seats_if_won_in_order"] >= threshold]
    tipping = None
    if len(reached) and need_from_up > 0:
        order.loc[reached[0], "tipping_point"] = True
        tipping = order.loc[reached[0]]
    seats_needed = max(0, threshold - held)
    targets = up[~own].copy()
    unknown = int(targets["votes_to_flip"].isna().sum())
    targets = targets.dropna(subset=["votes_to_flip"]).sort_values(["votes_to_flip", "rank"], kind="stable")
    cheapest = targets.head(seats_needed).copy()
    cheapest["cumulative_votes_to_flip"] = cheapest["votes_to_flip"].cumsum()
    return ChamberOutlook(
        state_po=str(composition["state_po"]),
        office=str(composition["office"]),
        party=party,
        target_year=target_year,
        total_seats=total,
        held=held,
        majority_threshold=threshold,
        seats_needed=seats_needed,
        p_majority=p_majority,
        seats_up=order,
        tipping_point=tipping,
        cheapest=cheapest.reset_index(drop=True),
        # No total when the known-cost seats cannot reach the majority: a partial sum would mislead.
        cheapest_votes=float(cheapest["votes_to_flip"].sum()) if len(cheapest) == seats_needed else None,
        cheapest_short=max(0, seats_needed - len(cheapest)),
        unknown_cost=unknown,
        model_p_dem_majority=_first_value(seats_all.get("chamber_p_dem_majority")),
    )


def _first_value(series: pd.Series | None) -> float | None:
    values = pd.to_numeric(series, errors="coerce").dropna() if series is not None else pd.Series(dtype=float)
    return float(values.iloc[0]) if len(values) else None


def chamber_summary(
    swing: float = 0.0, party: str = "DEM", *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """One row per chamber: composition, seats the party needs, its P(majority) under the swing, the tipping-point
    seat and the votes of the cheapest set of seats to a majority."""
    comp = chambers(con=con)
    ranked = rankings(swing, con=con)
    rows = []
    for row in comp.to_dict(orient="records"):
        outlook = outlook_from(row, _chamber_seats(ranked, row["state_po"], row["office"]), party)
        tip = outlook.tipping_point
        rows.append(
            {
                **row,
                "party": party,
                "target_year": outlook.target_year,
                "seats_needed": outlook.seats_needed,
                "p_majority": outlook.p_majority,
                "tipping_point": None if tip is None else f"{tip['state_po']}-{tip['district']}",
                "cheapest_votes": outlook.cheapest_votes,
            }
        )
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- methodology & data


def coverage(office: str | None = None, *, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """General contests per state × cycle × office (long form: state_po, office, year, contests, seats)."""
    cols = ["state_po", "office", "year", "contests", "seats"]
    if "races" not in relations(con):
        return _empty(cols)
    where, params = "kind IN ('general', 'rcv_final')", []
    if office:
        where += " AND office = ?"
        params.append(office)
    sql = f"""SELECT state_po, office, year, count(*) AS contests, sum(seats) AS seats FROM races
              WHERE {where} GROUP BY ALL ORDER BY state_po, office, year"""
    return _query(con, sql, params)


def coverage_matrix(long: pd.DataFrame) -> pd.DataFrame:
    """Pivot coverage() to state × year (contests); offices summed when several are present."""
    if long.empty:
        return pd.DataFrame()
    table = long.pivot_table(index="state_po", columns="year", values="contests", aggfunc="sum", fill_value=0)
    table.columns = [str(c) for c in table.columns]
    return table


def build_report(*, con: duckdb.DuckDBPyConnection | None = None) -> pd.DataFrame:
    """The build's per-source report (rows read/loaded/rejected and detail)."""
    if "build_report" not in relations(con):
        return _empty(["source", "rows_read", "rows_loaded", "rows_rejected", "detail"])
    return _query(con, "SELECT * FROM build_report ORDER BY source")


def source_manifest(path: Path | None = None) -> pd.DataFrame:
    """Provenance of each raw file from data/sources.json: mirror path, public repository, commit, path, sha256."""
    path = path or config.MANIFEST_PATH
    cols = ["mirror_path", "repo", "commit", "path", "sha256"]
    if not Path(path).exists():
        return _empty(cols)
    files = json.loads(Path(path).read_text(encoding="utf-8")).get("files", [])
    frame = pd.DataFrame(files)
    for col in cols:
        if col not in frame:
            frame[col] = None
    return frame[cols]


def warehouse_summary(*, con: duckdb.DuckDBPyConnection | None = None) -> dict[str, Any]:
    """Path, version and row counts of the public relations, for the data page and the sidebar."""
    path = config.db_path()
    rels = relations(con)
    counts = {}
    for name in (
        "races",
        "candidates",
        "presidential",
        "districts",
        "district_shapes",
        "specials",
        "chambers",
        "rankings",
    ):
        if name in rels:  # name from the fixed list above, never from input
            counts[name] = int(_query(con, f"SELECT count(*) AS n FROM {name}")["n"].iat[0])
    return {
        "path": str(path),
        "version": data_version(path),
        "bytes": os.path.getsize(path) if path.exists() else 0,
        "counts": counts,
        "missing": sorted({"races", "districts", "rankings", "district_shapes"} - rels),
    }
