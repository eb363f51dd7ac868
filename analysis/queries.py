"""Read functions over the warehouse's public SQL interface (docs/CONTRACT.md). The only place pages get data.

Rules every function here follows:
- the database is opened read-only; each query runs on its own cursor (a DuckDB connection is not
  safe to share across threads, a cursor per query is);
- values never go into SQL text: they are bound (`?`) or compared in pandas; column and measure
  names come from the allow-lists below;
- a missing relation (e.g. `rankings` before the model has run) gives an empty frame with the
  expected columns, never a traceback.

Sign convention everywhere: margins are points of the two-party vote, positive = Democratic.
`swing` is a uniform national shift in points, positive = toward Democrats, on top of the model's
expected environment for the cycle. At swing 0 the functions read the tables the build wrote
(`rankings`, `rankings_chambers`); at any other swing they ask the model (analysis.rank.Ranker:
fitted margins, 10,000 simulations, re-ranked in about 0.1 s) for P(flip), impact, rank, reasons,
P(majority) and the tipping point. Pass `ranker=` (the app passes its cached one, ui_cache.py);
without it the model is loaded once per connection (model_ranker, about 5 s).

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
from typing import TYPE_CHECKING, Any

import duckdb
import numpy as np
import pandas as pd

from analysis import config

if TYPE_CHECKING:  # analysis.rank pulls in the model; imported when a swing first needs it
    from analysis.rank import Ranker

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
    "office_rank",
    "state_po",
    "office",
    "district",
    "name",
    "target_year",
    "holder_party",
    "holder_listed",
    "holder_names",
    "pres_margin",
    "last_margin",
    "expected_margin",
    "p_flip",
    "p_dem",
    "p_decisive",
    "p_tipping",
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
    # The model's own last result for the seat on its current lines (features.current_seats):
    # 'contested' (a D-vs-R margin; a bloc seat's own D-vs-R pair), 'dem_only', 'rep_only' or None,
    # and the switched votes that would have reversed it (a bloc seat's own pair). last_status /
    # votes_to_flip above are the district's latest general on any lines.
    "seat_status",
    "seat_votes_to_flip",
    # The presidential baseline the model used for pres_margin: its year and basis ('two_party' or
    # 'all_votes' where the source gives only an all-vote margin).
    "pres_year",
    "pres_basis",
]
# Statuses of a last general that mean one major party did not field a candidate.
UNCONTESTED_STATUSES = ("uncontested", "no_dem", "no_rep")
# The model's simulation per chamber election (table rankings_chambers; Ranker.chambers()).
CHAMBER_MODEL_COLUMNS = [
    "chamber_state",
    "office",
    "target_year",
    "seats_up",
    "seats_total",
    "majority_threshold",
    "fixed_dem",
    "fixed_rep",
    "expected_dem_seats",
    "p_dem_majority",
    "p_rep_majority",
    "p_tipping_point",
    "tipping_point_state",
    "tipping_point_district",
    "tipping_point_seat_no",
    "chamber",
]
# control_status values of the chambers view where a party majority is not party control.
SHARED_CONTROL = {
    "Coalition": "run by a bipartisan coalition",
    "Power_Sharing": "run under a power-sharing agreement",
}


# The database driver's error type, for pages that must catch it without importing the driver.
DatabaseError = duckdb.Error


class ModelUnavailable(RuntimeError):
    """The model could not be loaded from this warehouse (e.g. one built before the model existed)."""


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
           total_votes AS last_total_votes
    FROM races
    WHERE kind IN ('general', 'rcv_final')
    QUALIFY row_number() OVER (PARTITION BY state_po, office, district
                               ORDER BY year DESC, (kind = 'rcv_final') DESC, election_date DESC NULLS LAST) = 1
"""

_DISTRICT_SUMMARY_SQL = """
    SELECT state_po, office, district, {name} AS name, {holder_names} AS holder_names, sum(seats)::BIGINT AS seats
    FROM districts GROUP BY state_po, office, district
"""
# Expressions for the optional columns of the district summary (a warehouse may lack them).
_SUMMARY_EXPRESSIONS = {
    "name": ("any_value(name)", "NULL::VARCHAR"),
    "holder_names": ("string_agg(DISTINCT holder_names, '; ')", "NULL::VARCHAR"),
}
_KEY = ["state_po", "office", "district"]


class _PerConnection:
    """A small thread-safe memo of values computed from one connection (or one connection + model).

    A read-only connection's data never changes and a rebuilt file gets a new connection, so
    values keyed on the connection stay valid. The memo holds the key objects, so their ids are
    never reused while an entry lives; only the newest `size` entries are kept.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Lock()
        self.items: dict[tuple, tuple[tuple, Any]] = {}

    def get(self, objects: tuple, extra: tuple, compute):
        key = tuple(id(o) for o in objects) + extra
        with self.lock:
            hit = self.items.get(key)
        if hit is not None and all(a is b for a, b in zip(hit[0], objects, strict=True)):
            return hit[1]
        value = compute()
        with self.lock:
            while len(self.items) >= self.size:
                self.items.pop(next(iter(self.items)))
            self.items[key] = (objects, value)
        return value


_stored_memo = _PerConnection(4)
_extras_memo = _PerConnection(4)
_model_memo = _PerConnection(16)
_ranker_memo = _PerConnection(2)
_ranker_load_lock = threading.Lock()


def load_ranker(con: duckdb.DuckDBPyConnection | None = None) -> Ranker:
    """Load the model from the warehouse (read, fit, draw the 10,000 simulations: about 5 s). Not memoized.

    Raises ModelUnavailable when the warehouse lacks what the model reads.
    """
    from analysis.rank import Ranker

    cur = cursor(con)
    try:
        return Ranker.from_connection(cur)
    except (duckdb.Error, KeyError, ValueError, IndexError) as exc:
        raise ModelUnavailable(f"the model could not be loaded from this warehouse: {exc}") from exc
    finally:
        cur.close()


def model_ranker(con: duckdb.DuckDBPyConnection | None = None) -> Ranker:
    """The model for this connection's warehouse, loaded once per connection (load_ranker) and shared.

    Ranker.rank/chambers only read the model's arrays, so one Ranker serves every thread.
    """
    con = _con(con)
    with _ranker_load_lock:  # concurrent first callers wait for one load instead of each loading
        return _ranker_memo.get((con,), (), lambda: load_ranker(con))


def _district_extras(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Per district: name, holders' names, seats, and its latest general (last_year, last_status,
    votes_to_flip, last_total_votes). Swing-independent; joined onto every ranking row."""

    def compute() -> pd.DataFrame:
        rels = relations(con)
        if "districts" in rels:
            present = columns("districts", con)
            exprs = {col: (have if col in present else absent) for col, (have, absent) in _SUMMARY_EXPRESSIONS.items()}
            summary = _query(con, _DISTRICT_SUMMARY_SQL.format(**exprs))  # fixed expressions, no input
        else:
            summary = _empty(_KEY + ["name", "holder_names", "seats"])
        last = (
            _query(con, _LAST_GENERAL_SQL)
            if "races" in rels
            else _empty(_KEY + ["last_year", "last_status", "votes_to_flip", "last_total_votes"])
        )
        return summary.merge(last, on=_KEY, how="outer")

    return _extras_memo.get((con,), (), compute)


def _decorate(ranked: pd.DataFrame, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Model rows (stored or re-ranked) -> RANKING_COLUMNS, with the district's name, holders and last general."""
    # Keep the model's per-seat result under its own names before the district's last general replaces them.
    own = {"last_status": "seat_status", "votes_to_flip": "seat_votes_to_flip"}
    per_seat = ranked[[c for c in own if c in ranked.columns]].rename(columns=own)
    frame = ranked.drop(
        columns=[
            c
            for c in ("name", "holder_names", "last_year", "last_status", "votes_to_flip", "last_total_votes")
            if c in ranked.columns
        ]
    )
    frame = frame.drop(columns=["seats"], errors="ignore").merge(_district_extras(con), on=_KEY, how="left")
    frame["seats"] = pd.to_numeric(frame["seats"], errors="coerce").fillna(1).astype("int64")
    n = len(frame)
    for col in per_seat.columns:
        frame[col] = per_seat[col].to_numpy()
    if "seat_status" not in frame:
        # A table written without the model's per-seat result: the district's last general stands in,
        # for single-seat districts only (a bloc district's total is no one seat's result).
        single = frame["seats"].eq(1)
        status = frame["last_status"].astype("object")
        frame["seat_status"] = np.where(
            single & status.eq("contested"), "contested", np.where(single & status.notna(), "other", None)
        )
        frame["seat_votes_to_flip"] = pd.to_numeric(frame["votes_to_flip"], errors="coerce").where(single)
    for col in ("seat_no", "chamber_p_dem_majority", "p_tipping", "holder_listed", "pres_year", "pres_basis"):
        if col not in frame:
            text = col in ("holder_listed", "pres_basis")
            frame[col] = pd.Series([None] * n, dtype="object" if text else "float64")
    # An open seat: the filed candidates list no incumbent (the model's incumbent_known/incumbent),
    # else, for a table written without them, the model's own reason text.
    if {"incumbent", "incumbent_known"} <= set(frame.columns):
        known = frame["incumbent_known"].astype("boolean").fillna(False).to_numpy(dtype=bool)
        frame["open_seat"] = known & (pd.to_numeric(frame["incumbent"], errors="coerce").to_numpy() == 0)
    elif "open_seat" not in frame:
        frame["open_seat"] = frame["reason"].astype("object").fillna("").str.contains("open seat", case=False)
    frame["open_seat"] = frame["open_seat"].astype("boolean").fillna(False).astype(bool)
    if "p_dem" not in frame:  # a table without it: P(Democrat wins) from P(flip) and the holder
        p_flip = pd.to_numeric(frame["p_flip"], errors="coerce")
        frame["p_dem"] = np.where(
            frame["holder_party"] == "REP", p_flip, np.where(frame["holder_party"] == "DEM", 1 - p_flip, np.nan)
        )
    frame = frame.sort_values("rank", kind="stable").reset_index(drop=True)
    frame["office_rank"] = frame.groupby("office").cumcount() + 1
    return frame[RANKING_COLUMNS]


def _stored_rankings(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The `rankings` table the build wrote (the model at swing 0), decorated. Computed once per connection."""

    def compute() -> pd.DataFrame:
        if "rankings" not in relations(con):
            return _empty(RANKING_COLUMNS)
        return _decorate(_query(con, "SELECT * FROM rankings ORDER BY rank"), con)

    return _stored_memo.get((con,), (), compute)


def _model_rankings(ranker: Ranker, swing: float, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The model re-ranked at `swing` (every seat up), decorated. Memoized per (connection, model, swing)."""
    return _model_memo.get((con, ranker), (float(swing),), lambda: _decorate(ranker.rank(float(swing)), con))


def _ranked_all(
    con: duckdb.DuckDBPyConnection | None, swing: float = 0.0, ranker: Ranker | None = None
) -> pd.DataFrame:
    """Every ranked seat at `swing`: the stored table at 0, else the model. Callers never modify it."""
    con = _con(con)
    if not swing:
        return _stored_rankings(con)
    return _model_rankings(ranker if ranker is not None else model_ranker(con), swing, con)


def _filter_rankings(frame: pd.DataFrame, filters: RankingFilters) -> pd.DataFrame:
    """Apply filters as pandas comparisons (values never reach SQL)."""
    mask = pd.Series(True, index=frame.index)
    if filters.states:
        mask &= frame["state_po"].isin(filters.states)
    if filters.offices:
        mask &= frame["office"].isin(filters.offices)
    if filters.holder_parties:
        # The holding party the model uses, or the members list's own label (e.g. VACANT).
        mask &= frame["holder_party"].isin(filters.holder_parties) | frame["holder_listed"].isin(filters.holder_parties)
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
    ranker: Ranker | None = None,
) -> pd.DataFrame:
    """The ranked races at a national swing (points, + = toward Democrats), filtered. Columns: RANKING_COLUMNS.

    Swing 0: the `rankings` table the build wrote. Any other swing: the model re-ranked there
    (`ranker`, else model_ranker(con)): expected margins, P(flip), P(decisive), impact, rank and
    reasons all move. `rank` is the national rank before filtering, `office_rank` the rank within
    the office. Margins in points, D+; probabilities in [0, 1]; impact = change in P(majority) per
    1,000 net votes.
    """
    if not isinstance(filters, RankingFilters):
        filters = RankingFilters.from_mapping(filters)
    return _filter_rankings(_ranked_all(con, swing, ranker), filters)[RANKING_COLUMNS]


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
    office: str,
    state_po: str | None = None,
    swing: float = 0.0,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    ranker: Ranker | None = None,
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
    ranked = rankings(
        swing, RankingFilters(offices=(office,), states=(state_po,) if state_po else ()), con=con, ranker=ranker
    )
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
    """The `districts` rows of one district (one per position seat), with its gap flags.

    holder_detail (e.g. 'REP 3, VACANT 1' for a bloc-vote district) and gap_holder_conflict (the
    holder's party differs from the last general winner's, no special since) are NULL in a
    warehouse built before they existed.
    """
    cols = [
        "state_po",
        "office",
        "district",
        "seat",
        "plan",
        "seats",
        "holder_party",
        "holder_detail",
        "holder_names",
        "next_election",
        "name",
        "gap_no_geometry",
        "gap_no_recent_result",
        "gap_no_pres_margin",
        "gap_holder_conflict",
    ]
    if "districts" not in relations(con):
        return _empty(cols)
    present = columns("districts", con)
    # Column names from the fixed list above; optional ones absent from an older warehouse read as NULL.
    select = ", ".join(c if c in present else f"NULL AS {c}" for c in cols)
    sql = f"SELECT {select} FROM districts WHERE state_po = ? AND office = ? AND district = ? ORDER BY seat"
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
        "tie",
        "votes_to_flip",
    ]
    if "races" not in relations(con):
        return _empty(cols)
    present = columns("races", con)
    # `tie`: 'override' (decided by lot, analysis/reference/tie_overrides.csv) or 'unresolved'.
    select = ", ".join(c if c in present else f"NULL AS {c}" for c in cols)  # names from the fixed list
    sql = f"""SELECT {select} FROM races WHERE state_po = ? AND office = ? AND district = ?
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


def fold_name(name: object) -> str:
    """A candidate name for matching across sources: case-folded, letters and digits only ('RON ESTES' = 'Ron Estes')."""
    return re.sub(r"[^0-9a-z]+", " ", str(name).casefold()).strip()


def infer_incumbents(candidates: pd.DataFrame) -> pd.DataFrame:
    """Fill unknown incumbency from the district's own history; adds `incumbent_basis`.

    Some sources carry no incumbent flag (MIT Election Lab House returns and 2024 precinct files),
    and MultiState's flag is sometimes false for a sitting member (VA HD-94 2017: David Yancey,
    elected there in 2015, flagged false). A candidate is taken as the incumbent when they won
    the district's previous contest (the latest earlier general, with any special after it) under
    the same name (fold_name). incumbent = the source's True, else that inference; the source's
    False when nothing was inferred; NA when neither says. incumbent_basis: 'source' or
    'district history' (which gave the value), None when unknown. Input: district_candidates' rows (race_id, year, kind, candidate, won, incumbent).
    """
    out = candidates.copy()
    source = out["incumbent"].astype("boolean")
    inferred = pd.Series(pd.NA, index=out.index, dtype="boolean")
    races = out[["race_id", "year", "kind", "election_date"]].drop_duplicates("race_id")
    races = races.assign(_date=pd.to_datetime(races["election_date"], errors="coerce")).sort_values(
        ["year", "_date"], na_position="first", kind="stable"
    )
    winners = {
        race: {fold_name(n) for n in group.loc[group["won"].astype("boolean").fillna(False), "candidate"]}
        for race, group in out.groupby("race_id", sort=False)
    }
    holders: set[str] = set()  # who holds the seat(s) going into each contest
    for race in races.itertuples(index=False):
        rows = out.index[out["race_id"] == race.race_id]
        if holders:
            names = out.loc[rows, "candidate"].map(fold_name)
            if names.isin(holders).any():
                inferred.loc[rows] = names.isin(holders).to_numpy()
        won = winners.get(race.race_id, set())
        if won:
            # A special adds its winner to the holders; a regular contest replaces them.
            holders = holders | won if str(race.kind).startswith("special") else set(won)
    src_true, inf_true = source.fillna(False).to_numpy(bool), inferred.fillna(False).to_numpy(bool)
    src_known, inf_known = source.notna().to_numpy(bool), inferred.notna().to_numpy(bool)
    out["incumbent"] = pd.Series(src_true | inf_true, index=out.index, dtype="boolean").where(src_known | inf_known)
    out["incumbent_basis"] = np.select(
        [src_true, inf_true, src_known, inf_known],
        ["source", "district history", "source", "district history"],
        default="",
    )
    out["incumbent_basis"] = out["incumbent_basis"].replace("", None)
    return out


def district_candidates(
    state_po: str, office: str, district: str, *, con: duckdb.DuckDBPyConnection | None = None
) -> pd.DataFrame:
    """Candidates of every contest in the district, newest contest first, most votes first.

    incumbent: the source's flag, completed from the district's history where the source has none
    (infer_incumbents; incumbent_basis says which).
    """
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
        "incumbent_basis",
        "writein",
    ]
    if not {"races", "candidates"} <= relations(con):
        return _empty(cols)
    sql = """
        SELECT r.year, r.kind, r.election_date, c.race_id, c.candidate, c.party, c.party_raw, c.votes,
               100.0 * c.votes / nullif(sum(c.votes) OVER (PARTITION BY c.race_id), 0) AS vote_share,
               c.won, c.incumbent, c.writein
        FROM candidates c JOIN races r ON r.race_id = c.race_id
        WHERE r.state_po = ? AND r.office = ? AND r.district = ?
        ORDER BY r.year DESC, r.election_date DESC NULLS LAST, c.race_id, c.votes DESC NULLS LAST
    """
    frame = _query(con, sql, [state_po, office, district])
    if frame.empty:
        return frame.assign(incumbent_basis=pd.Series(dtype="object"))[cols]
    return infer_incumbents(frame)[cols]


def district_ranking(
    state_po: str,
    office: str,
    district: str,
    swing: float = 0.0,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    ranker: Ranker | None = None,
) -> pd.DataFrame:
    """The district's row(s) of the ranking under the swing, one per seat (empty when the model did not rank it)."""
    ranked = rankings(swing, RankingFilters(states=(state_po,), offices=(office,)), con=con, ranker=ranker)
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


def _stored_chambers(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    def compute() -> pd.DataFrame:
        if "rankings_chambers" not in relations(con):
            return _empty(CHAMBER_MODEL_COLUMNS)
        frame = _query(con, "SELECT * FROM rankings_chambers")
        for col in CHAMBER_MODEL_COLUMNS:
            if col not in frame:
                frame[col] = None
        return frame[CHAMBER_MODEL_COLUMNS]

    return _stored_memo.get((con,), ("chambers",), compute)


def model_chambers(
    swing: float = 0.0, *, con: duckdb.DuckDBPyConnection | None = None, ranker: Ranker | None = None
) -> pd.DataFrame:
    """The model's simulation per chamber election at a national swing. Columns: CHAMBER_MODEL_COLUMNS.

    One row per chamber and target year (chamber_state 'US' for the House; staggered senates have
    one row per year): P(majority) for each party (10,000 simulations), expected Democratic seats,
    the seats not up (fixed_dem, fixed_rep) and the most frequent tipping-point seat with its share
    of simulations. Swing 0: table rankings_chambers (empty if the build did not write it); else the model.
    """
    con = _con(con)
    if not swing:
        return _stored_chambers(con)
    model = ranker if ranker is not None else model_ranker(con)
    return _model_memo.get((con, model), ("chambers", float(swing)), lambda: model.chambers(float(swing)))


@dataclass
class ChamberOutlook:
    """One chamber seen by one party under a swing. Seats and votes are counts; probabilities in [0, 1].

    p_majority, expected_seats and the tipping point come from the model's chamber simulation
    (NaN / None when the model did not simulate the chamber); the rest from the composition and
    the ranked seats.
    """

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
    model_p_dem_majority: float | None = None  # the simulation's Democratic P(majority) at this swing
    expected_seats: float | None = None  # the party's expected seats after the election (simulation)
    p_tipping_point: float | None = None  # share of simulations the tipping-point seat delivers the majority
    tipping_point_label: str | None = None  # e.g. 'NE-2', 'NH-Belknap-6 seat 1'
    control_status: str | None = None  # the chambers view's control_status ('Coalition' in Alaska)
    # Seats up the party does not hold that are left out of the cheapest set, by kind (EXCLUDED_KINDS).
    excluded: dict[str, int] = field(default_factory=dict)


# Why a seat the party does not hold has no D-vs-R cost (ChamberOutlook.excluded keys).
EXCLUDED_KINDS = ("no_dem_vs_rep", "bloc_no_pair", "not_other_party")


def _cheapest_flips(targets: pd.DataFrame, party: str, seats_needed: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """The `seats_needed` cheapest D-vs-R flips among `targets` (seats up the party does not hold) and the
    count of targets left out, by kind.

    A seat is costed only when the other party holds it and its last result on current lines was a
    Democrat-vs-Republican contest (seat_status 'contested'): its cost is seat_votes_to_flip, the
    switched votes that would have reversed that result (a bloc seat's own D-vs-R pair). Left out:
    'no_dem_vs_rep' (the other party's seat, last race not D vs R: R vs R, unopposed, nonpartisan),
    'bloc_no_pair' (a bloc-vote seat without its own pair cost) and 'not_other_party' (held by an
    independent, a third party, vacant or unknown).
    """
    other = "REP" if party == "DEM" else "DEM"
    status = targets["seat_status"] if "seat_status" in targets else pd.Series(None, index=targets.index)
    cost = pd.to_numeric(
        targets["seat_votes_to_flip"] if "seat_votes_to_flip" in targets else pd.Series(np.nan, index=targets.index),
        errors="coerce",
    )
    held_by_other = targets["holder_party"].eq(other)
    bloc = pd.to_numeric(targets["seats"], errors="coerce").fillna(1).gt(1)
    if "seat_no" in targets:
        bloc_whole = bloc & targets["seat_no"].isna()  # a bloc district ranked as one row: no seat's own pair
    else:
        bloc_whole = bloc
    costed = held_by_other & status.eq("contested") & cost.notna() & ~bloc_whole
    bloc_no_pair = held_by_other & ~costed & bloc & (status.eq("contested") | bloc_whole)
    excluded = {
        "no_dem_vs_rep": int((held_by_other & ~costed & ~bloc_no_pair).sum()),
        "bloc_no_pair": int(bloc_no_pair.sum()),
        "not_other_party": int((~held_by_other).sum()),
    }
    chosen = targets[costed].assign(votes_to_flip=cost[costed])
    chosen = chosen.sort_values(["votes_to_flip", "rank"], kind="stable").head(seats_needed)
    chosen = chosen.drop(columns="seats_counted", errors="ignore").copy()
    chosen["cumulative_votes_to_flip"] = chosen["votes_to_flip"].cumsum()
    return chosen, excluded


def excluded_caption(outlook: ChamberOutlook) -> str:
    """One line naming the seats left out of the cheapest set: '3 seats held by Republicans had no D-vs-R
    race last time and are not costed; ...'. Empty when none were left out."""
    other = "Republicans" if outlook.party == "DEM" else "Democrats"
    parts = []
    n = outlook.excluded.get("no_dem_vs_rep", 0)
    if n:
        parts.append(f"{n:,} {_seats(n)} held by {other} had no D-vs-R race last time and {_are(n)} not costed")
    n = outlook.excluded.get("bloc_no_pair", 0)
    if n:
        parts.append(
            f"{n:,} bloc-vote {_seats(n)} held by {other} had no D-vs-R pair of their own and {_are(n)} not costed"
        )
    n = outlook.excluded.get("not_other_party", 0)
    if n:
        parts.append(
            f"{n:,} {_seats(n)} held by neither party (independent, third-party, nonpartisan or vacant) {_are(n)} not costed"
        )
    return "; ".join(parts) + ("." if parts else "")


def _seats(n: int) -> str:
    return "seat" if n == 1 else "seats"


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def chamber_outlook(
    state_po: str,
    office: str,
    swing: float = 0.0,
    party: str = "DEM",
    target_year: int | None = None,
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    ranker: Ranker | None = None,
) -> ChamberOutlook | None:
    """Seats held and needed, P(majority), tipping-point order and cheapest set of seats to a majority.

    None when the chamber is unknown. P(majority) and the tipping point are the model's (model_chambers).
    """
    comp = chambers(con=con)
    row = comp[(comp["state_po"] == state_po) & (comp["office"] == office)]
    if row.empty:
        return None
    filters = RankingFilters(offices=(office,), states=() if state_po == "US" else (state_po,))
    simulated = model_chambers(swing, con=con, ranker=ranker)
    return outlook_from(
        row.iloc[0].to_dict(),
        rankings(swing, filters, con=con, ranker=ranker),
        party,
        target_year,
        _chamber_rows(simulated, state_po, office),
    )


def _chamber_seats(ranked: pd.DataFrame, state_po: str, office: str) -> pd.DataFrame:
    mask = ranked["office"] == office
    if state_po != "US":
        mask &= ranked["state_po"] == state_po
    return ranked[mask]


def _chamber_rows(simulated: pd.DataFrame, state_po: str, office: str) -> pd.DataFrame:
    return simulated[(simulated["chamber_state"] == state_po) & (simulated["office"] == office)]


def seat_label(state_po: object, district: object, seat_no: object = None, seats: object = 1) -> str:
    """'NE-2'; a seat of a bloc-vote district: 'NH-Belknap-6 seat 1'."""
    label = f"{state_po}-{district}"
    try:
        many = int(seats) > 1 and seat_no is not None and not pd.isna(seat_no)
    except (TypeError, ValueError):
        many = False
    return f"{label} seat {int(seat_no)}" if many else label


def outlook_from(
    composition: Mapping[str, Any],
    seats_all: pd.DataFrame,
    party: str = "DEM",
    target_year: int | None = None,
    simulated: pd.DataFrame | None = None,
) -> ChamberOutlook:
    """The chamber math for one party, from a `chambers` row, the chamber's ranked seats (any target year)
    and the model's simulation rows for the chamber (model_chambers, one per target year).

    - target year: `target_year`, else the chamber's earliest target year among the ranked seats;
    - P(majority), expected seats and the tipping-point seat: the model's simulation for that year
      (seats up drawn with shared national and state errors; seats not up stay with their holder);
    - tipping-point order: seats up sorted from the party's best chance (the model's P(win)) to its
      worst, with the running total of seats if won in that order; the model's tipping-point seat
      (the one that most often delivers the majority in the simulations) is marked;
    - cheapest set: seats the other party holds whose last result on current lines was D vs R,
      fewest switched votes (seat_votes_to_flip; a bloc seat's own pair) first, until the seats
      needed (threshold - held) are reached. The rest are counted by kind in `excluded` (total in
      `unknown_cost`); see _cheapest_flips.
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
    p_dem = pd.to_numeric(up["p_dem"], errors="coerce").astype(float)
    up["p_win"] = p_dem if party == "DEM" else 1.0 - p_dem
    # A row is one seat when the model ranks seats separately (seat_no); otherwise a multi-member
    # district is one row whose seats move together (an approximation).
    per_seat = up["seat_no"].notna() if "seat_no" in up else pd.Series(False, index=up.index)
    district_seats = pd.to_numeric(up["seats"], errors="coerce").fillna(1).astype(int).clip(lower=1)
    up["seats_counted"] = np.where(per_seat, 1, district_seats)

    sim = None
    if simulated is not None and len(simulated):
        match = simulated[pd.to_numeric(simulated["target_year"], errors="coerce") == target_year]
        sim = match.iloc[0] if len(match) else None
    if sim is not None:
        fixed = int(sim["fixed_dem"] if party == "DEM" else sim["fixed_rep"])
        p_majority = float(sim["p_dem_majority"] if party == "DEM" else sim["p_rep_majority"])
        expected_dem = float(sim["expected_dem_seats"])
        seats_drawn = int(sim["seats_up"])
        expected = (
            expected_dem
            if party == "DEM"
            else float(sim["fixed_rep"]) + seats_drawn - (expected_dem - float(sim["fixed_dem"]))
        )
    else:
        fixed = max(0, held - int(up.loc[own, "seats_counted"].sum()))
        p_majority, expected = float("nan"), None  # no simulation of this chamber: unknown, not 0

    order = up.sort_values(["p_win", "rank"], ascending=[False, True], kind="stable").reset_index(drop=True)
    order["seats_if_won_in_order"] = fixed + order["seats_counted"].cumsum()
    order["tipping_point"] = False
    tipping, tip_label, p_tip = None, None, None
    if sim is not None and sim["tipping_point_state"] is not None and not pd.isna(sim["tipping_point_state"]):
        hit = (order["state_po"] == sim["tipping_point_state"]) & (
            order["district"].astype(str) == str(sim["tipping_point_district"])
        )
        if order["seat_no"].notna().any() and not pd.isna(sim["tipping_point_seat_no"]):
            hit &= pd.to_numeric(order["seat_no"], errors="coerce") == float(sim["tipping_point_seat_no"])
        p_tip = float(sim["p_tipping_point"])
        if hit.any():
            order.loc[hit.idxmax(), "tipping_point"] = True
            tipping = order.loc[hit.idxmax()]
            tip_label = seat_label(tipping["state_po"], tipping["district"], tipping["seat_no"], tipping["seats"])
        else:
            tip_label = seat_label(sim["tipping_point_state"], sim["tipping_point_district"])
    order = order.drop(columns="seats_counted")
    seats_needed = max(0, threshold - held)
    cheapest, excluded = _cheapest_flips(up[~own], party, seats_needed)
    unknown = sum(excluded.values())
    control = composition.get("control_status")
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
        excluded=excluded,
        model_p_dem_majority=None if sim is None else float(sim["p_dem_majority"]),
        expected_seats=expected,
        p_tipping_point=p_tip,
        tipping_point_label=tip_label,
        control_status=None if control is None or pd.isna(control) else str(control),
    )


def chamber_summary(
    swing: float = 0.0,
    party: str = "DEM",
    *,
    con: duckdb.DuckDBPyConnection | None = None,
    ranker: Ranker | None = None,
) -> pd.DataFrame:
    """One row per chamber: composition, seats the party needs, the model's P(majority) and expected seats under
    the swing, the model's tipping-point seat and the votes of the cheapest set of seats to a majority."""
    comp = chambers(con=con)
    ranked = rankings(swing, con=con, ranker=ranker)
    simulated = model_chambers(swing, con=con, ranker=ranker)
    # Split once (a filter per chamber over ~7,800 rows costs ~10 ms each, times ~100 chambers).
    chamber_state = ranked["state_po"].where(ranked["office"] != "us_house", "US")
    by_chamber = dict(tuple(ranked.groupby([chamber_state, ranked["office"]], sort=False)))
    sims = dict(tuple(simulated.groupby(["chamber_state", "office"], sort=False))) if len(simulated) else {}
    empty_seats, empty_sims = ranked.iloc[:0], simulated.iloc[:0]
    rows = []
    for row in comp.to_dict(orient="records"):
        key = (row["state_po"], row["office"])
        outlook = outlook_from(row, by_chamber.get(key, empty_seats), party, simulated=sims.get(key, empty_sims))
        rows.append(
            {
                **row,
                "party": party,
                "target_year": outlook.target_year,
                "seats_needed": outlook.seats_needed,
                "p_majority": outlook.p_majority,
                "expected_seats": outlook.expected_seats,
                "tipping_point": outlook.tipping_point_label,
                "p_tipping_point": outlook.p_tipping_point,
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
