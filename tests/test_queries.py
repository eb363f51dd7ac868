"""analysis.queries on the fixture warehouse (hand-computed values) and, when present, the real one."""

from __future__ import annotations

import math
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from fixtures.make_fixture_db import make_fixture_db
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import charts, config, queries, rank
from tests import xx_state

HOSTILE = ["O'Neil", "' OR '1'='1", "XX'; DROP TABLE races; --", "%", "_", "\\", '"', "?", "$1", "\x00", "é"]
REAL_DB = config.DATA_DIR / "flippable.duckdb"


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return make_fixture_db(tmp_path_factory.mktemp("warehouse") / "fixture.duckdb")


@pytest.fixture(scope="module")
def con(db):
    connection = queries.connect(db)
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def model_db(tmp_path_factory) -> str:
    """The synthetic state XX (tests/xx_state.py) with the model's own tables written by the build's function."""
    path = xx_state.write_db(tmp_path_factory.mktemp("model") / "xx.duckdb")
    with duckdb.connect(path) as connection:
        rank.write_rankings(connection)
    return path


@pytest.fixture(scope="module")
def model_con(model_db):
    connection = queries.connect(model_db)
    yield connection
    connection.close()


# ----------------------------------------------------------------------------- connection


def test_connection_is_read_only(con):
    with pytest.raises(duckdb.Error):
        con.execute("CREATE TABLE intruder (x INTEGER)")


def test_missing_warehouse_names_path_and_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="analysis.build"):
        queries.connect(tmp_path / "nope.duckdb")
    assert queries.data_version(tmp_path / "nope.duckdb") == "missing"


def test_data_version_changes_on_atomic_rebuild(tmp_path):
    path = make_fixture_db(tmp_path / "w.duckdb", build_id="one")
    before = queries.data_version(path)
    assert queries.data_version(path) == before  # stable while unchanged
    old = queries.connect(path)
    make_fixture_db(path, build_id="two")
    assert queries.data_version(path) != before
    # A new connection sees the new file even while one on the replaced file is still open
    # (a plain duckdb.connect(path) would share the old instance), and the old one keeps working.
    new = queries.connect(path)
    assert queries.build_info(con=new)["build_id"] == "two"
    assert queries.build_info(con=old)["build_id"] == "one"
    old.close()
    new.close()


def test_default_connection_follows_env(db, monkeypatch):
    monkeypatch.setenv("FLIPPABLE_DB", str(db))
    assert queries.build_info()["build_id"] == "fixture-0001"


# ----------------------------------------------------------------------------- home / rankings


def test_freshness(con):
    fresh = queries.freshness(con=con).set_index("office")
    assert fresh.loc["us_house", "latest_year"] == 2024
    assert fresh.loc["us_house", "contests"] == 3  # XX-1, XX-2, YY-AL in 2024
    assert fresh.loc["state_senate", "contests"] == 2


def test_rankings_default_order_and_known_row(con):
    ranked = queries.rankings(con=con)
    assert list(ranked.columns) == queries.RANKING_COLUMNS
    assert len(ranked) == 14
    assert list(ranked["rank"]) == list(range(1, 15))
    top = ranked.iloc[0]
    assert (top["state_po"], top["office"], top["district"]) == ("XX", "us_house", "2")
    assert top["p_flip"] == 0.46
    assert top["votes_to_flip"] == 618  # floor((101,234 - 100,000) / 2) + 1
    assert top["last_status"] == "contested"
    assert top["last_margin"] == pytest.approx(-0.6132, abs=1e-4)
    assert top["holder_names"] == "Pat Example"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"states": ["YY"]}, [("YY", "us_house", "AL")]),
        (
            {"offices": ["state_senate"], "target_year": 2028},
            [("XX", "state_senate", "3"), ("XX", "state_senate", "4")],
        ),
        ({"holder_parties": ["DEM"], "offices": "us_house"}, [("XX", "us_house", "1")]),
        (
            {"offices": ["state_house"], "margin_measure": "pres_margin", "margin_min": -2, "margin_max": 2},
            [("XX", "state_house", "2"), ("XX", "state_house", "3")],
        ),
        # 4: last general uncontested; 3: the model's reason says open seat; senate 2: uncontested.
        (
            {"uncontested_or_open": True},
            [("XX", "state_senate", "2"), ("XX", "state_house", "3"), ("XX", "state_house", "4")],
        ),
        ({"search": "o'neil"}, [("XX", "state_house", "O'Neil-1")]),
        ({"search": "Pat Example"}, [("XX", "us_house", "2")]),
    ],
)
def test_ranking_filters(con, filters, expected):
    ranked = queries.rankings(0.0, filters, con=con)
    assert list(zip(ranked["state_po"], ranked["office"], ranked["district"], strict=True)) == expected


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_filter_values_return_nothing_or_work(con, value):
    for filters in ({"states": [value]}, {"offices": [value]}, {"holder_parties": [value]}, {"search": value}):
        out = queries.rankings(1.5, filters, con=con)
        assert list(out.columns) == queries.RANKING_COLUMNS
    assert queries.district_info("XX", "state_house", value, con=con).empty or value == "O'Neil-1"
    assert queries.district_history(value, "us_house", "2", con=con).empty
    assert queries.district_candidates("XX", value, "2", con=con).empty
    assert queries.district_presidential("XX", "us_house", value, con=con).empty
    assert queries.district_list(value, None, con=con).empty
    assert queries.shapes("us_house", value, con=con)["features"] == []
    assert queries.map_frame("us_house", value, con=con).empty
    assert queries.coverage(value, con=con).empty
    assert queries.chamber_outlook(value, "state_house", con=con) is None
    # Nothing was dropped or altered.
    assert len(queries.district_history("XX", "us_house", "2", con=con)) == 5


def test_apostrophe_district_works_everywhere(con):
    name = "O'Neil-1"
    assert queries.district_info("XX", "state_house", name, con=con)["seats"].tolist() == [2]
    cands = queries.district_candidates("XX", "state_house", name, con=con)
    assert cands["candidate"].tolist() == ["Dana O'Neil", "Kim Lee", "Ray Rojas", "Sue Smith"]
    assert cands["won"].tolist() == [True, True, False, False]
    history = queries.district_history("XX", "state_house", name, con=con)
    assert history["margin"].iloc[0] == pytest.approx(100 * (18_000 - 17_500) / 35_500, abs=1e-4)
    assert len(queries.shapes("state_house", "XX", name, con=con)["features"]) == 1
    assert queries.rankings(0, {"search": "O'Neil"}, con=con)["district"].tolist() == [name]


def test_filters_round_trip_through_url_params():
    filters = queries.RankingFilters(
        states=("XX", "YY"),
        offices=("state_house",),
        holder_parties=("REP",),
        margin_measure="expected_margin",
        margin_min=-5.5,
        margin_max=3.0,
        uncontested_or_open=True,
        target_year=2026,
        search="O'Neil",
    )
    params = filters.to_params()
    assert params["state"] == "XX,YY" and params["q"] == "O'Neil"
    assert queries.RankingFilters.from_params(params) == filters
    assert queries.RankingFilters().to_params() == {}


def test_malformed_url_params_are_ignored():
    parsed = queries.RankingFilters.from_params(
        {
            "margin_min": "abc",
            "margin_max": "nan",
            "year": "20x6",
            "margin_of": "DROP TABLE",
            "office": "senate,state_house",
        }
    )
    assert parsed == queries.RankingFilters(offices=("state_house",))
    with pytest.raises(ValueError):
        queries.RankingFilters(margin_measure="p_flip; DROP")


# ----------------------------------------------------------------------------- swing: the model


def _key(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index(["state_po", "office", "district", "seat_no"])


def test_swing_zero_reads_the_stored_tables_which_match_the_model(model_con):
    stored = queries.rankings(0.0, con=model_con)
    assert len(stored) == 8 and stored["rank"].tolist() == list(range(1, 9))
    ranker = queries.model_ranker(model_con)
    pd.testing.assert_frame_equal(stored, queries._model_rankings(ranker, 0.0, model_con))
    pd.testing.assert_frame_equal(
        queries.model_chambers(0.0, con=model_con).reset_index(drop=True),
        ranker.chambers(0.0)[queries.CHAMBER_MODEL_COLUMNS].reset_index(drop=True),
        check_dtype=False,
    )


def test_swing_reranks_with_the_model(model_con):
    ranker = queries.model_ranker(model_con)
    swung = queries.rankings(3.0, con=model_con)
    direct = ranker.rank(3.0)
    # The page-level frame is the model's re-ranking, row for row.
    assert swung["rank"].tolist() == direct["rank"].tolist() == list(range(1, 9))
    for col in ("state_po", "district", "p_flip", "expected_margin", "impact", "p_decisive", "reason"):
        assert swung[col].tolist() == direct[col].tolist(), col
    base, moved = (
        _key(queries.rankings(0.0, con=model_con)),
        _key(swung).loc[_key(queries.rankings(0.0, con=model_con)).index],
    )
    assert (moved["expected_margin"] - base["expected_margin"]).to_numpy() == pytest.approx(np.full(8, 3.0))
    rep, dem = base["holder_party"] == "REP", base["holder_party"] == "DEM"
    assert (moved.loc[rep, "p_flip"] > base.loc[rep, "p_flip"]).all()  # toward D: R-held seats more likely to flip
    assert (moved.loc[dem, "p_flip"] < base.loc[dem, "p_flip"]).all()
    assert (moved["reason"] != base["reason"]).any()  # "decides the majority in 1 of N" moves with the swing
    assert swung["office_rank"].tolist() == swung.groupby("office").cumcount().add(1).tolist()


def test_swing_on_the_fixture_uses_the_fixtures_model(con):
    """The hand-made fixture's stored table is not the model's; at a swing its own model (House only) ranks."""
    swung = queries.rankings(2.0, con=con)
    direct = queries.model_ranker(con).rank(2.0)
    assert list(zip(swung["state_po"], swung["district"], strict=True)) == list(
        zip(direct["state_po"], direct["district"], strict=True)
    )
    assert swung["p_flip"].tolist() == direct["p_flip"].tolist()
    assert set(swung["office"]) == {"us_house"}  # too few legislative contests to fit a model


def test_model_that_cannot_load_is_reported(tmp_path):
    path = tmp_path / "districts_only.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE districts AS SELECT 'XX' AS state_po, 'us_house' AS office, '1' AS district")
    connection = queries.connect(path)
    assert queries.rankings(0.0, con=connection).empty  # swing 0 needs no model
    with pytest.raises(queries.ModelUnavailable, match="could not be loaded"):
        queries.rankings(2.0, con=connection)
    connection.close()


def test_swing_toward_democrats_never_lowers_their_majority_chance_on_the_page(model_con):
    """Through chamber_summary (what the Chambers page shows), swing 0 read from the stored table."""
    swings = [-6.0, -3.0, -0.5, 0.0, 0.5, 3.0, 6.0]
    dem = [queries.chamber_summary(s, "DEM", con=model_con).set_index(["state_po", "office"]) for s in swings]
    rep = [queries.chamber_summary(s, "REP", con=model_con).set_index(["state_po", "office"]) for s in swings]
    for chamber in dem[0].index:
        p_dem = [frame.loc[chamber, "p_majority"] for frame in dem]
        p_rep = [frame.loc[chamber, "p_majority"] for frame in rep]
        assert p_dem == sorted(p_dem) and p_dem[0] < p_dem[-1], chamber
        assert p_rep == sorted(p_rep, reverse=True), chamber
        assert all(0 <= a + b <= 1 + 1e-12 for a, b in zip(p_dem, p_rep, strict=True))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.floats(-10, 10), st.floats(0, 5))
def test_larger_swing_toward_dems_never_lowers_their_chances(model_con, low, step):
    a = queries.chamber_outlook("XX", "state_house", low, "DEM", con=model_con)
    b = queries.chamber_outlook("XX", "state_house", low + step, "DEM", con=model_con)
    assert b.p_majority >= a.p_majority
    ra, rb = _key(queries.rankings(low, con=model_con)), _key(queries.rankings(low + step, con=model_con))
    rb = rb.loc[ra.index]
    assert (rb["p_dem"] >= ra["p_dem"] - 1e-12).all()
    assert ((rb["p_flip"] >= 0) & (rb["p_flip"] <= 1)).all()


# ----------------------------------------------------------------------------- maps


def test_map_frame_state_chamber(con):
    frame = queries.map_frame("state_house", "XX", con=con).set_index("key")
    assert list(frame.index) == ["XX|1", "XX|2", "XX|3", "XX|4", "XX|5", "XX|6", "XX|O'Neil-1"]  # natural order
    assert frame.loc["XX|2", "p_flip"] == 0.44
    assert frame.loc["XX|2", "pres_margin"] == pytest.approx(100 * (9_600 - 9_400) / 19_000, abs=1e-4)
    assert np.isnan(frame.loc["XX|6", "pres_margin"])  # gap: no presidential margin on file
    assert frame.loc["XX|O'Neil-1", "holder_names"] == "Dana O'Neil; Kim Lee"


def test_map_frame_keeps_unranked_districts(db, tmp_path):
    path = make_fixture_db(tmp_path / "no_rankings.duckdb", with_rankings=False)
    con = queries.connect(path)
    frame = queries.map_frame("us_house", con=con).set_index("key")
    assert len(frame) == 3 and frame["p_flip"].isna().all()
    assert frame.loc["XX|2", "pres_margin"] == pytest.approx(2.0)  # Harris 2024 on the 2022 lines
    assert frame.loc["XX|2", "last_margin"] == pytest.approx(-0.6132, abs=1e-4)
    assert queries.rankings(con=con).empty
    assert np.isnan(queries.chamber_outlook("US", "us_house", con=con).p_majority)  # unknown, not 0
    con.close()


def test_shapes_are_keyed_rounded_and_oriented_for_d3(con):
    fc = queries.shapes("state_house", "XX", precision=3, con=con)
    ids = [f["id"] for f in fc["features"]]
    assert ids == ["XX|1", "XX|2", "XX|3", "XX|4", "XX|5", "XX|O'Neil-1"]
    for feature in fc["features"]:
        ring = feature["geometry"]["coordinates"][0]
        assert queries._signed_area(ring) < 0  # exterior clockwise (d3), though the fixture stores RFC 7946 CCW
        assert all(round(x, 3) == x for x, _ in ring)
    multi = queries.shapes("us_house", "XX", "1", con=con)["features"][0]["geometry"]
    assert multi["type"] == "MultiPolygon" and len(multi["coordinates"]) == 2
    match = charts.match_report(queries.map_frame("state_house", "XX", con=con)["key"], fc)
    assert (match.rows, match.features, match.matched, match.rows_without_shape) == (7, 6, 6, ["XX|6"])


def test_rewind_keeps_holes_counter_clockwise_and_alaska_contiguous():
    outer = [[0, 0], [0, 4], [4, 4], [4, 0], [0, 0]]  # clockwise already
    hole = [[1, 1], [1, 2], [2, 2], [2, 1], [1, 1]]  # clockwise: must be reversed
    out = queries._rewind_for_d3({"type": "Polygon", "coordinates": [outer, hole]})["coordinates"]
    assert out[0] == outer and out[1] == hole[::-1]
    assert queries._shift_west([[179.5, 52.0], [-179.5, 52.0]]) == [[-180.5, 52.0], [-179.5, 52.0]]


# ----------------------------------------------------------------------------- district page, specials


def test_district_history_and_candidates(con):
    history = queries.district_history("XX", "us_house", "2", con=con)
    assert history["year"].tolist() == [2018, 2020, 2022, 2023, 2024]
    assert history["plan"].tolist() == ["2012", "2012", "2022", "2022", "2022"]
    assert charts.plan_changes(history) == [(2022, "2022")]
    cands = queries.district_candidates("XX", "us_house", "2", con=con)
    latest = cands[cands["year"] == 2024].set_index("candidate")
    assert latest.loc["Pat Example", "votes"] == 101_234 and bool(latest.loc["Pat Example", "won"])
    assert bool(latest.loc["Pat Example", "incumbent"])
    assert latest.loc["Chris Dem", "vote_share"] == pytest.approx(100 * 100_000 / 204_234)
    pres = queries.district_presidential("XX", "us_house", "2", con=con)
    assert pres[pres["plan"] == "2022"]["margin"].tolist() == [-1.0, 2.0]


def test_specials_overperformance_and_running_average(con):
    specials = queries.specials(window=3, con=con)
    assert specials["race_id"].tolist() == ["YY-us_house-AL-2021-special", "XX-us_house-2-2023-special"]  # by date/year
    row = specials.iloc[1]
    assert (row["margin"], row["pres_margin"], row["overperformance"], row["running_avg"]) == (4.0, -1.0, 5.0, 5.0)
    assert str(row["election_date"])[:10] == "2023-04-11"
    assert np.isnan(specials["running_avg"].iloc[0])  # no baseline, no running value


# ----------------------------------------------------------------------------- chambers


def test_chamber_outlook_state_house(con):
    outlook = queries.chamber_outlook("XX", "state_house", 0.0, "DEM", con=con)
    assert (outlook.held, outlook.total_seats, outlook.majority_threshold, outlook.seats_needed) == (4, 8, 5, 1)
    # The fixture's build wrote no simulation (rankings_chambers): P(majority) unknown, not made up.
    assert math.isnan(outlook.p_majority) and outlook.tipping_point is None and outlook.model_p_dem_majority is None
    # Tipping-point order: P(D win) from the stored P(flip) (1 - p_flip where Democrats hold the seat).
    p_win = {"5": 0.97, "1": 0.80, "O'Neil-1": 0.75, "2": 0.44, "3": 0.40, "6": 0.15, "4": 0.08}
    assert outlook.seats_up["district"].tolist() == list(p_win)
    assert outlook.seats_up["p_win"].tolist() == pytest.approx(list(p_win.values()))
    assert outlook.seats_up["seats_if_won_in_order"].tolist() == [1, 2, 4, 5, 6, 7, 8]
    assert outlook.cheapest["district"].tolist() == ["2"]
    assert outlook.cheapest_votes == 51.0  # floor((9,500 - 9,400) / 2) + 1


def test_chamber_outlook_us_house_and_unknown_costs(con):
    us = queries.chamber_outlook("US", "us_house", 0.0, "DEM", con=con)
    assert (us.held, us.seats_needed) == (1, 1)
    assert us.cheapest["district"].tolist() == ["2"] and us.cheapest_votes == 618.0
    senate = queries.chamber_outlook("XX", "state_senate", 0.0, "DEM", con=con)
    assert senate.target_year == 2026  # seats 3-4 are not up until 2028
    assert senate.cheapest.empty and senate.cheapest_short == 1 and senate.unknown_cost == 1
    assert senate.cheapest_votes is None
    rep = queries.chamber_outlook("US", "us_house", 0.0, "REP", con=con)
    assert rep.seats_needed == 0 and rep.cheapest_votes == 0.0


def test_cheapest_set_costs_only_dem_vs_rep_flips_of_the_other_party():
    # Democrats hold 2 of 8 (majority at 5): 3 more needed from the 6 seats up they do not hold.
    seats = pd.DataFrame(
        {
            "state_po": ["ZZ"] * 7,
            "district": ["1", "2", "3", "4", "B", "B", "6"],
            "seat_no": [1, 1, 1, 1, 1, 2, 1],
            "seats": [1, 1, 1, 1, 2, 2, 1],
            "target_year": [2026] * 7,
            "holder_party": ["REP", "REP", "OTHER", "REP", "REP", "REP", "DEM"],
            "p_dem": [0.01, 0.4, 0.3, 0.2, 0.3, 0.2, 0.9],
            "rank": [1, 2, 3, 4, 5, 6, 7],
            # seat 1: R vs R last time (7 votes would reverse it, but that is no D-vs-R flip)
            "seat_status": ["rep_only", "contested", "contested", "contested", "contested", "rep_only", "contested"],
            "seat_votes_to_flip": [7.0, 300.0, 5.0, 120.0, 40.0, np.nan, 10.0],
            "votes_to_flip": [7.0, 300.0, 5.0, 120.0, 999.0, 999.0, 10.0],  # district-level: the bloc's marginal seat
        }
    )
    comp = {
        "state_po": "ZZ",
        "office": "state_house",
        "total_seats": 8,
        "majority_threshold": 5,
        "d_seats": 2,
        "r_seats": 5,
        "control_status": "REP",
    }
    outlook = queries.outlook_from(comp, seats, "DEM")
    assert outlook.seats_needed == 3
    # Costed: 2 (300), 4 (120), B seat 1 (its own pair, 40): never 1 (R vs R) or 3 (held by a third party).
    assert outlook.cheapest["district"].tolist() == ["B", "4", "2"]
    assert outlook.cheapest["votes_to_flip"].tolist() == [40.0, 120.0, 300.0]
    assert outlook.cheapest_votes == 460.0 and outlook.cheapest_short == 0
    assert outlook.excluded == {"no_dem_vs_rep": 2, "bloc_no_pair": 0, "not_other_party": 1}
    assert queries.excluded_caption(outlook) == (
        "2 seats held by Republicans had no D-vs-R race last time and are not costed; 1 seat held by neither "
        "party (independent, third-party, nonpartisan or vacant) is not costed."
    )
    # A bloc district ranked as one row (no seat_no) has no seat's own pair: left out and said so.
    whole = seats.assign(seat_no=[1, 1, 1, 1, None, None, 1])
    short = queries.outlook_from(comp, whole, "DEM")
    assert short.cheapest["district"].tolist() == ["4", "2"] and short.cheapest_votes is None
    assert short.cheapest_short == 1 and short.excluded["bloc_no_pair"] == 2
    assert "2 bloc-vote seats held by Republicans had no D-vs-R pair" in queries.excluded_caption(short)


@pytest.mark.parametrize("swing", [0.0, 2.5, -4.0])
def test_chamber_outlook_is_the_models_simulation(model_con, swing):
    ranker = queries.model_ranker(model_con)
    sim = ranker.chambers(swing).set_index("chamber")
    dem = queries.chamber_outlook("XX", "state_house", swing, "DEM", con=model_con)
    rep = queries.chamber_outlook("XX", "state_house", swing, "REP", con=model_con)
    assert dem.p_majority == sim.loc["XX House", "p_dem_majority"]
    assert rep.p_majority == sim.loc["XX House", "p_rep_majority"]
    assert dem.expected_seats == pytest.approx(sim.loc["XX House", "expected_dem_seats"])
    assert dem.expected_seats + rep.expected_seats == pytest.approx(6)  # every seat up is D or R in a draw
    # The tipping point is the model's most frequent one (XX-5's first seat), marked in the order.
    assert dem.tipping_point_label == "XX-5 seat 1" and dem.p_tipping_point == sim.loc["XX House", "p_tipping_point"]
    marked = dem.seats_up[dem.seats_up["tipping_point"]]
    assert (marked["district"].tolist(), marked["seat_no"].tolist()) == (["5"], [1])
    us = queries.chamber_outlook("US", "us_house", swing, "DEM", con=model_con)
    assert us.p_majority == sim.loc["US House", "p_dem_majority"]


def test_chamber_summary_matches_outlooks(model_con):
    summary = queries.chamber_summary(2.0, "DEM", con=model_con).set_index(["state_po", "office"])
    assert len(summary) == 2
    for (state, office), row in summary.iterrows():
        outlook = queries.chamber_outlook(state, office, 2.0, "DEM", con=model_con)
        assert row["p_majority"] == outlook.p_majority
        assert row["seats_needed"] == outlook.seats_needed
        assert row["tipping_point"] == outlook.tipping_point_label


# ----------------------------------------------------------------------------- methodology & data


def test_coverage_and_build_report(con):
    long = queries.coverage(con=con)
    matrix = queries.coverage_matrix(long)
    assert matrix.loc["XX", "2024"] == 11  # 2 House + 2 Senate + 7 House-of-Delegates-style contests
    assert matrix.loc["YY", "2018"] == 0
    report = queries.build_report(con=con)
    assert report["source"].tolist() == ["fixture", "fixture_geo"]
    summary = queries.warehouse_summary(con=con)
    assert summary["counts"]["rankings"] == 14 and summary["missing"] == []


# ----------------------------------------------------------------------------- concurrency


def test_twenty_simultaneous_sessions_get_the_same_answers(con):
    def work() -> tuple:
        ranked = queries.rankings(2.0, {"states": ["XX"]}, con=con)
        frame = queries.map_frame("state_house", "XX", 1.0, con=con)
        outlook = queries.chamber_outlook("US", "us_house", 1.0, con=con)  # the fixture's model simulates the House
        cands = queries.district_candidates("XX", "state_house", "O'Neil-1", con=con)
        return (ranked.to_json(), frame.to_json(), outlook.p_majority, outlook.tipping_point_label, cands.to_json())

    expected = work()
    barrier = threading.Barrier(20)

    def session(_: int) -> tuple:
        barrier.wait()  # all twenty start at once
        return work()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    assert all(run == expected for run in results)


def test_twenty_sessions_share_one_model_and_agree(model_con):
    """The app shares one Ranker across sessions: twenty threads at different swings get what one thread gets."""
    ranker = rank.Ranker.from_connection(queries.cursor(model_con))  # a model not yet used by any other test
    swings = [(-4.0, -1.5, 0.5, 2.0, 6.5)[i % 5] for i in range(20)]

    def work(swing: float) -> tuple:
        ranked = queries.rankings(swing, {"offices": ["state_house"]}, con=model_con, ranker=ranker)
        outlook = queries.chamber_outlook("XX", "state_house", swing, con=model_con, ranker=ranker)
        direct = ranker.rank(swing)
        return (ranked.to_json(), outlook.p_majority, outlook.tipping_point_label, direct.to_json())

    expected = {s: work(s) for s in set(swings)}
    seats_before = ranker.seats.copy()
    blocks_before = [g.block.copy() for g in ranker.sim.groups]
    barrier = threading.Barrier(20)

    def session(i: int) -> tuple:
        barrier.wait()
        return work(swings[i])

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    assert all(result == expected[s] for result, s in zip(results, swings, strict=True))
    # rank() read the model and changed nothing in it.
    pd.testing.assert_frame_equal(ranker.seats, seats_before)
    assert all(np.array_equal(g.block, b) for g, b in zip(ranker.sim.groups, blocks_before, strict=True))


def test_twenty_sessions_on_fresh_connections_agree(db):
    """Also without the per-connection memo: twenty fresh connections racing on the same file."""
    barrier = threading.Barrier(20)

    def session(_: int) -> str:
        connection = queries.connect(db)
        barrier.wait()
        try:
            return queries.rankings(-1.5, {"offices": ["state_house"]}, con=connection).to_json()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    assert len(set(results)) == 1


# ----------------------------------------------------------------------------- real warehouse


@pytest.fixture(scope="module")
def real():
    if not REAL_DB.exists():
        pytest.skip(f"real warehouse not built ({REAL_DB}); run `make build`")
    connection = queries.connect(REAL_DB)
    yield connection
    connection.close()


def test_real_kansas_4th_2016_and_2017_special(real):
    # Certified results (issue 2): Pompeo 166,998 in the 2016 general; Estes 64,044 vs Thompson 56,435
    # in the 11 April 2017 special.
    cands = queries.district_candidates("KS", "us_house", "4", con=real)
    general = cands[(cands["year"] == 2016) & (cands["kind"] == "general")].set_index("candidate")
    pompeo = [name for name in general.index if "POMPEO" in name.upper()]
    assert pompeo and general.loc[pompeo[0], "votes"] == 166_998
    special = cands[(cands["year"] == 2017) & cands["kind"].str.startswith("special")]
    assert sorted(special["votes"].dropna().astype(int))[-2:] == [56_435, 64_044]
    specials = queries.specials(con=real)
    ks = specials[(specials["state_po"] == "KS") & (specials["district"] == "4") & (specials["year"] == 2017)]
    assert len(ks) == 1 and ks["dem_votes"].iat[0] == 56_435 and ks["rep_votes"].iat[0] == 64_044


def test_real_virginia_hd94_2017_tie(real):
    history = queries.district_history("VA", "state_house", "94", con=real)
    tie = history[(history["year"] == 2017) & (history["kind"] == "general")]
    assert len(tie) == 1 and tie["dem_votes"].iat[0] == 11_608 and tie["rep_votes"].iat[0] == 11_608


def test_real_national_house_map_matches_and_includes_alaska_hawaii(real):
    frame = queries.map_frame("us_house", con=real)
    features = queries.shapes("us_house", precision=charts.NATIONAL_PRECISION, con=real)
    match = charts.match_report(frame["key"], features)
    voting = frame[~frame["state_po"].isin(["DC", "PR", "AS", "GU", "MP", "VI"])]
    assert len(voting) == 435
    assert {"AK|AL", "HI|1", "HI|2"} <= {f["id"] for f in features["features"]}
    assert match.matched >= 435
    fig = charts.district_map(frame, features, "p_flip")
    import plotly.io as pio

    assert len(pio.to_json(fig, validate=False)) <= 1_500_000  # payload goal (issue 4)


@pytest.fixture(scope="module")
def real_ranker(real):
    return queries.model_ranker(real)


@pytest.mark.slow
def test_real_swing_zero_is_the_stored_table_and_the_model(real, real_ranker):
    stored = queries.rankings(0.0, con=real)
    pd.testing.assert_frame_equal(stored, queries._model_rankings(real_ranker, 0.0, real))
    chambers0 = queries.model_chambers(0.0, con=real).set_index(["chamber", "target_year"])
    live0 = real_ranker.chambers(0.0).set_index(["chamber", "target_year"])
    assert len(chambers0) == len(live0) == 128  # chamber elections: 99 chambers, staggered senates twice
    assert chambers0["p_dem_majority"].tolist() == live0.loc[chambers0.index, "p_dem_majority"].tolist()
    assert (
        chambers0.loc[("US House", 2026), "tipping_point_district"]
        == live0.loc[("US House", 2026), "tipping_point_district"]
    )


@pytest.mark.slow
def test_real_swing_toward_democrats_raises_their_house_majority_chance(real, real_ranker):
    summaries = {s: queries.chamber_summary(s, "DEM", con=real, ranker=real_ranker) for s in (-3.0, 0.0, 3.0)}
    p = {s: frame.set_index(["state_po", "office"])["p_majority"] for s, frame in summaries.items()}
    assert p[-3.0].loc[("US", "us_house")] < p[0.0].loc[("US", "us_house")] < p[3.0].loc[("US", "us_house")]
    assert ((p[-3.0] <= p[0.0]) & (p[0.0] <= p[3.0])).all()  # every chamber, the page's own numbers
    house = queries.rankings(3.0, {"offices": ["us_house"]}, con=real, ranker=real_ranker)
    assert len(house) == 435 and house["office_rank"].tolist() == list(range(1, 436))
    # NE-2 (Bacon, R, won 2024 by 5,829 votes in a Harris district) is more likely to flip at D+3.
    ne2 = {s: queries.district_ranking("NE", "us_house", "2", s, con=real, ranker=real_ranker) for s in (0.0, 3.0)}
    assert ne2[3.0]["p_flip"].iat[0] > ne2[0.0]["p_flip"].iat[0] > 0.5


@pytest.mark.slow
def test_real_vacant_and_independent_seats_get_a_flip_chance(real):
    house = queries.rankings(0.0, {"offices": ["us_house"]}, con=real).set_index(["state_po", "district"])
    # 2024 winners on the current lines (MEDSL House returns): CA-3 Kiley (R), TX-23 Gonzales (R),
    # CA-14 Swalwell (D), GA-13 Scott (D), FL-20 Cherfilus-McCormick (D).
    last_won = {("CA", "3"): "REP", ("TX", "23"): "REP", ("CA", "14"): "DEM", ("GA", "13"): "DEM", ("FL", "20"): "DEM"}
    for seat, party in last_won.items():
        row = house.loc[seat]
        assert 0 <= row["p_flip"] <= 1, seat
        # P(flip) is measured against the last winner's party: P(D wins) for an R-won seat, P(R wins) else.
        assert row["p_flip"] == pytest.approx(row["p_dem"] if party == "REP" else 1 - row["p_dem"]), seat
    assert house.loc[("CA", "3"), "holder_party"] == "IND" and house.loc[("TX", "23"), "holder_party"] == "REP"
    assert house.loc[("TX", "23"), "holder_listed"] == "VACANT"
    assert "vacant; last won by a Republican by 71,347 votes in 2024" in house.loc[("TX", "23"), "reason"]
    assert "held by an independent (last won by a Republican" in house.loc[("CA", "3"), "reason"]
    assert house.loc[("FL", "20"), "p_flip"] < 0.01  # Harris +40, no Republican ran in 2024


def test_real_cheapest_sets_are_dem_vs_rep_flips_only(real):
    ak = queries.chamber_outlook("AK", "state_house", 0.0, "DEM", con=real)
    # HD-28 (Trump +48) was R vs R in 2024: 7 switched votes there flip no seat to a Democrat.
    assert "28" not in ak.cheapest["district"].tolist()
    assert ak.excluded["no_dem_vs_rep"] > 0 and "held by Republicans had no D-vs-R race" in queries.excluded_caption(ak)
    summary_rows = queries.chambers(con=real)[["state_po", "office"]].itertuples(index=False)
    for state_po, office in summary_rows:
        for party, other in (("DEM", "REP"), ("REP", "DEM")):
            outlook = queries.chamber_outlook(state_po, office, 0.0, party, con=real)
            cheap = outlook.cheapest
            assert (cheap["seat_status"] == "contested").all(), (state_po, office, party)
            assert (cheap["holder_party"] == other).all(), (state_po, office, party)
    # NE's nonpartisan seats are never costed as D-vs-R flips.
    ne = queries.chamber_outlook("NE", "state_senate", 0.0, "DEM", con=real)
    assert ne.cheapest.empty and ne.excluded["not_other_party"] > 0
