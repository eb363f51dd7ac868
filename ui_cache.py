"""The one Streamlit-aware helper module: the cached read-only connection and cached queries.

- `st.cache_resource` holds one read-only DuckDB connection per *data version* (inode + mtime +
  size of the warehouse file). The build replaces the file by an atomic rename, so the next
  rerun sees a new version, opens the new file and never reads a half-written one; the old
  connection is dropped from the cache (sessions still holding a cursor finish on the old file).
- `st.cache_data` wraps the read functions of analysis.queries, keyed on the function name, its
  arguments and the data version. Each call runs on its own cursor (queries._query).
- `st.cache_resource` holds one model (analysis.rank.Ranker: the fitted margin model and its
  10,000 simulations, about 5 s to load) per *build id* (table build_info), shared by every
  session: at a non-zero national swing the rankings, maps, district and chamber figures are the
  model's re-ranking (Ranker.rank / Ranker.chambers only read the model, so sharing it across
  threads is safe). At swing 0 the pages read the tables the build wrote, and the model is not loaded.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any

import duckdb
import streamlit as st

from analysis import config, queries
from analysis.rank import Ranker

# Functions of analysis.queries the pages may call through query() (an allow-list).
CACHED_QUERIES = frozenset(
    {
        "build_info",
        "freshness",
        "rankings",
        "filter_options",
        "map_frame",
        "shapes",
        "district_list",
        "district_info",
        "district_history",
        "district_presidential",
        "district_candidates",
        "district_ranking",
        "specials",
        "chambers",
        "chamber_outlook",
        "chamber_summary",
        "model_chambers",
        "coverage",
        "build_report",
        "warehouse_summary",
        "relations",
    }
)
# Queries whose figures depend on the national swing: at a non-zero swing they get the cached model.
MODEL_QUERIES = frozenset(
    {"rankings", "map_frame", "district_ranking", "chamber_outlook", "chamber_summary", "model_chambers"}
)


def ensure_entrypoint() -> None:
    """Make sure a page runs inside app.py's st.navigation; call first thing in every page file.

    Streamlit still supports its older multipage mode, where any file in a `pages/` folder is a
    page run on its own. While no session has called st.navigation yet (right after a server
    start), a deep link such as /map runs pages/map.py directly: no shared sidebar, no layout,
    and every later session stays in that mode. Switch the mode off and rerun: the rerun enters
    through app.py and lands on the same page (page ids are hashes of the same url_path).
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def db_path() -> Path:
    return config.db_path()


def data_version() -> str:
    return queries.data_version(db_path())


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, version: str) -> duckdb.DuckDBPyConnection:
    del version  # part of the cache key only: a rebuilt file gets a new connection
    return queries.connect(path)


def connection() -> duckdb.DuckDBPyConnection:
    """The read-only connection for the current data version (FileNotFoundError when there is no file)."""
    path = db_path()
    version = queries.data_version(path)
    if version == "missing":
        raise FileNotFoundError(f"no warehouse at {path}")
    return _connection(str(path), version)


@st.cache_data(max_entries=1024, show_spinner=False)
def _cached_call(path: str, version: str, name: str, args: tuple, kwargs: tuple, _ranker: Ranker | None = None) -> Any:
    # `_ranker` is not hashed (leading underscore): the data version in the key already changes with
    # every rebuild, and the model passed is always the one for the current build.
    if name not in CACHED_QUERIES:
        raise ValueError(f"{name!r} is not a cached query")
    extra = {"ranker": _ranker} if _ranker is not None else {}
    return getattr(queries, name)(*args, con=_connection(path, version), **dict(kwargs), **extra)


@st.cache_resource(max_entries=1, show_spinner="Loading the model and its 10,000 simulations (once per data build)…")
def _ranker(path: str, build_id: str) -> Ranker:
    """The model for one data build; a rebuild (new build id) loads a new one and drops this one."""
    del build_id  # cache key only
    return queries.load_ranker(_connection(path, queries.data_version(path)))


def build_id() -> str:
    """The build id of the warehouse (table build_info), else its data version."""
    info = query("build_info")
    return str(info.get("build_id") or data_version()) if info else data_version()


def ranker() -> Ranker | None:
    """The shared model for the current build (loaded on first use, about 5 s), or None when it cannot load."""
    path = db_path()
    try:
        return _ranker(str(path), build_id())
    except queries.ModelUnavailable as exc:
        st.session_state["_model_problem"] = str(exc)
        return None


def _swing_of(name: str, args: tuple, kwargs: dict) -> float:
    bound = inspect.signature(getattr(queries, name)).bind_partial(*args, **kwargs)
    return float(bound.arguments.get("swing", 0.0) or 0.0)


def query(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call analysis.queries.<name>(*args, **kwargs) through the cache, keyed on the data version.

    At a non-zero swing the swing-dependent queries (MODEL_QUERIES) get the shared model. If the
    model cannot be loaded from this warehouse, a warning says so and the figures shown are at no swing.
    """
    path = db_path()
    version = queries.data_version(path)
    if version == "missing":
        raise FileNotFoundError(f"no warehouse at {path}")
    model = None
    if name in MODEL_QUERIES and _swing_of(name, args, kwargs):
        model = ranker()
        if model is None:
            st.warning(
                f"The national swing cannot be applied: {st.session_state.get('_model_problem')}. "
                "Figures are shown at no swing."
            )
            bound = inspect.signature(getattr(queries, name)).bind_partial(*args, **kwargs)
            bound.arguments["swing"] = 0.0
            args, kwargs = bound.args, bound.kwargs
    return _cached_call(str(path), version, name, args, tuple(sorted(kwargs.items())), _ranker=model)


def available() -> tuple[bool, str]:
    """(True, '') when the warehouse opens; else (False, what to do)."""
    path = db_path()
    if not path.exists():
        return False, (
            f"No warehouse found at `{path}`. Build it with `make build` (or "
            "`python -m analysis.build`), then reload this page."
        )
    try:
        connection()
    except (duckdb.Error, OSError) as exc:
        return False, f"The warehouse at `{path}` could not be opened read-only ({exc}). Try again in a moment."
    return True, ""


def swing() -> float:
    """The national swing set in the sidebar (points, + = toward Democrats)."""
    return float(st.session_state.get("swing", 0.0) or 0.0)


def district_params(state_po: str, office: str, district: str) -> dict[str, str]:
    return {"state": state_po, "office": office, "district": district}


def open_district(state_po: str, office: str, district: str) -> None:
    """Switch to the district page for one district (its identity travels in the URL)."""
    st.switch_page("pages/district.py", query_params=district_params(state_po, office, district))


def ranking_column_config() -> dict[str, Any]:
    """Column labels with units for ranking-like tables (st.dataframe sorts by clicking a header)."""
    cc = st.column_config
    pts = "%+.1f"
    return {
        "rank": cc.NumberColumn("National rank", format="%d", help="The model's national rank (by impact)"),
        "office_rank": cc.NumberColumn("Rank", format="%d", help="The model's rank within the office (by impact)"),
        "state_po": cc.TextColumn("State"),
        "office": cc.TextColumn("Office"),
        "district": cc.TextColumn("District"),
        "name": cc.TextColumn("Name"),
        "target_year": cc.NumberColumn("Target year", format="%d"),
        "holder_party": cc.TextColumn(
            "Holder",
            help="Holding party the model uses; a vacant seat takes the party that last won it",
        ),
        "holder_listed": cc.TextColumn("Members list", help="Holder party in the current members list"),
        "holder_names": cc.TextColumn("Holder names"),
        "pres_margin": cc.NumberColumn("Pres. margin (pts, + = D)", format=pts),
        "last_margin": cc.NumberColumn("Last margin (pts, + = D)", format=pts),
        "expected_margin": cc.NumberColumn(
            "Expected margin (pts, + = D)", format=pts, help="Under the current national swing"
        ),
        "p_flip": cc.NumberColumn("P(flip)", format="percent", help="Probability the seat changes party"),
        "p_decisive": cc.NumberColumn(
            "P(decisive)", format="percent", help="Probability the seat decides the chamber majority"
        ),
        "p_dem": cc.NumberColumn("P(D win)", format="percent", help="Probability the Democrat wins the seat"),
        "p_tipping": cc.NumberColumn(
            "P(tipping point)",
            format="percent",
            help="Share of the model's simulations in which this seat delivers the Democratic majority",
        ),
        "impact": cc.NumberColumn(
            "Impact (ΔP(maj) / 1k votes)",
            format="%.6f",
            help="Change in the Democratic P(majority) of the chamber per 1,000 net votes toward Democrats here",
        ),
        "reason": cc.TextColumn("Why", width="large"),
        "last_year": cc.NumberColumn("Last race", format="%d"),
        "last_status": cc.TextColumn("Last race status"),
        "votes_to_flip": cc.NumberColumn("Votes to flip (last race)", format="localized"),
        "last_total_votes": cc.NumberColumn("Votes cast (last race)", format="localized"),
        "seats": cc.NumberColumn("Seats", format="%d"),
        "seat_no": cc.NumberColumn("Seat", format="%d", help="Seat number within a multi-member district"),
        "chamber_p_dem_majority": cc.NumberColumn("Model P(D majority)", format="percent"),
        "open_seat": cc.CheckboxColumn("Open seat"),
        "p_win": cc.NumberColumn("P(win)", format="percent"),
        "seats_if_won_in_order": cc.NumberColumn("Seats if won in order", format="%d"),
        "tipping_point": cc.CheckboxColumn("Tipping point"),
        "cumulative_votes_to_flip": cc.NumberColumn("Cumulative votes to flip", format="localized"),
        "page": cc.LinkColumn("Page", display_text="open"),
    }
