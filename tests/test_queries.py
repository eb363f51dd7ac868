"""analysis.queries on the fixture warehouse (hand-computed values) and, when present, the real one."""

from __future__ import annotations

import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from fixtures.make_fixture_db import make_fixture_db
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import norm

from analysis import charts, config, queries

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


# ----------------------------------------------------------------------------- swing (placeholder seam)


def test_swing_zero_is_the_models_output(con):
    assert queries.rankings(0.0, con=con).equals(queries.rankings(con=con))


def test_swing_shifts_expected_margin_and_flips_probability_the_right_way(con):
    base = queries.rankings(0.0, con=con).set_index(["state_po", "office", "district"])
    swung = queries.rankings(3.0, con=con).set_index(["state_po", "office", "district"])
    assert swung.loc[("XX", "us_house", "2"), "expected_margin"] == pytest.approx(2.6)  # -0.4 + 3
    joined = base.join(swung.add_suffix("_s"))
    rep = joined[joined["holder_party"] == "REP"]
    dem = joined[joined["holder_party"] == "DEM"]
    assert (rep["p_flip_s"] > rep["p_flip"]).all()  # a swing toward D raises R-held seats' flip chance
    assert (dem["p_flip_s"] < dem["p_flip"]).all()
    assert swung.loc[("XX", "us_house", "2"), "p_flip"] > 0.5  # now D-favoured
    assert sorted(swung["rank"]) == list(range(1, 15))


def test_swing_is_continuous_at_zero(con):
    base = queries.rankings(0.0, con=con)["p_flip"].to_numpy()
    tiny = queries.rankings(1e-9, con=con).sort_values("rank")
    base_sorted = queries.rankings(0.0, con=con).set_index(["state_po", "office", "district"])["p_flip"]
    near = tiny.set_index(["state_po", "office", "district"])["p_flip"].reindex(base_sorted.index)
    assert np.allclose(near.to_numpy(), base_sorted.to_numpy(), atol=1e-3)
    assert len(base) == len(tiny)


@settings(max_examples=40, deadline=None)
@given(st.floats(-10, 10), st.floats(0, 5))
def test_larger_swing_toward_dems_never_lowers_their_chances(low, step):
    frame = pd.DataFrame(
        {
            "rank": [1, 2, 3],
            "holder_party": ["REP", "DEM", "IND"],
            "expected_margin": [-1.0, 4.0, 0.0],
            "pres_margin": [2.0, 5.0, 0.0],
            "p_flip": [0.4, 0.2, 0.3],
        }
    )
    a = queries.apply_swing(frame, low).set_index("holder_party")
    b = queries.apply_swing(frame, low + step).set_index("holder_party")
    assert b.loc["REP", "p_flip"] >= a.loc["REP", "p_flip"] - 1e-12
    assert b.loc["DEM", "p_flip"] <= a.loc["DEM", "p_flip"] + 1e-12
    assert b.loc["IND", "p_flip"] == 0.3  # neither major party holds it: unchanged
    assert ((b["p_flip"] >= 0) & (b["p_flip"] <= 1)).all()


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


def test_seat_distribution_by_hand():
    assert queries.seat_distribution(np.array([0.5, 0.5]), np.array([1, 1])).tolist() == [0.25, 0.5, 0.25]
    assert queries.seat_distribution(np.array([1.0, 0.0]), np.array([2, 1])).tolist() == [0.0, 0.0, 1.0, 0.0]
    dist = queries.seat_distribution(np.array([0.2, 0.7, 0.9]), np.array([1, 2, 1]))
    assert dist.sum() == pytest.approx(1.0)


def test_chamber_outlook_state_house(con):
    outlook = queries.chamber_outlook("XX", "state_house", 0.0, "DEM", national_sigma=0.0, con=con)
    assert (outlook.held, outlook.total_seats, outlook.majority_threshold, outlook.seats_needed) == (4, 8, 5, 1)
    # national_sigma=0: independent seats, all up in 2026, Democrats hold none outside them: brute force
    # over the 2^7 outcomes.
    p_win = {"5": 0.97, "1": 0.80, "O'Neil-1": 0.75, "2": 0.44, "3": 0.40, "6": 0.15, "4": 0.08}
    seats = {"O'Neil-1": 2}
    expected = 0.0
    for outcome in itertools.product([0, 1], repeat=len(p_win)):
        won = sum(seats.get(d, 1) for d, w in zip(p_win, outcome, strict=True) if w)
        prob = np.prod([p if w else 1 - p for p, w in zip(p_win.values(), outcome, strict=True)])
        expected += prob * (won >= 5)
    assert outlook.p_majority == pytest.approx(expected)
    assert outlook.seats_up["district"].tolist() == list(p_win)  # tipping-point order
    assert outlook.seats_up["seats_if_won_in_order"].tolist() == [1, 2, 4, 5, 6, 7, 8]
    assert outlook.tipping_point["district"] == "2"
    assert outlook.cheapest["district"].tolist() == ["2"]
    assert outlook.cheapest_votes == 51.0  # floor((9,500 - 9,400) / 2) + 1


def test_chamber_outlook_us_house_and_unknown_costs(con):
    us = queries.chamber_outlook("US", "us_house", 0.0, "DEM", national_sigma=0.0, con=con)
    assert (us.held, us.seats_needed, us.tipping_point["district"]) == (1, 1, "2")
    assert us.p_majority == pytest.approx(
        0.88 * 0.46 * 0.95 + 0.88 * 0.46 * 0.05 + 0.88 * 0.54 * 0.05 + 0.12 * 0.46 * 0.05
    )
    senate = queries.chamber_outlook("XX", "state_senate", 0.0, "DEM", con=con)
    assert senate.target_year == 2026  # seats 3-4 are not up until 2028
    assert senate.cheapest.empty and senate.cheapest_short == 1 and senate.unknown_cost == 1
    assert senate.cheapest_votes is None
    rep = queries.chamber_outlook("US", "us_house", 0.0, "REP", con=con)
    assert rep.seats_needed == 0 and rep.cheapest_votes == 0.0


def test_chamber_summary_matches_outlooks(con):
    summary = queries.chamber_summary(2.0, "DEM", con=con).set_index(["state_po", "office"])
    for (state, office), row in summary.iterrows():
        outlook = queries.chamber_outlook(state, office, 2.0, "DEM", con=con)
        assert row["p_majority"] == pytest.approx(outlook.p_majority)
        assert row["seats_needed"] == outlook.seats_needed


def test_shared_national_error_by_quadrature():
    p, margin, seats = np.array([0.7, 0.6, 0.3]), np.array([4.0, 2.0, -4.0]), np.array([1, 1, 1])
    independent = queries.majority_probability(p, margin, seats, 2, national_sigma=0.0)
    assert independent == pytest.approx(0.7 * 0.6 + 0.7 * 0.4 * 0.3 + 0.3 * 0.6 * 0.3)
    # Brute force: integrate the shared shift numerically on a fine grid.
    sigma = margin / norm.ppf(p)
    own = np.sqrt(sigma**2 - 3.0**2)
    grid = np.linspace(-8, 8, 4001)
    weights = norm.pdf(grid) / norm.pdf(grid).sum()
    q = norm.cdf((margin[None, :] + 3.0 * grid[:, None]) / own[None, :])
    at_least_two = q[:, 0] * q[:, 1] + q[:, 0] * (1 - q[:, 1]) * q[:, 2] + (1 - q[:, 0]) * q[:, 1] * q[:, 2]
    assert queries.majority_probability(p, margin, seats, 2, national_sigma=3.0) == pytest.approx(
        float(weights @ at_least_two), abs=1e-6
    )
    # Each seat keeps its own chance on average, so needing one seat of one is just p.
    assert queries.majority_probability(p[:1], margin[:1], seats[:1], 1, national_sigma=3.0) == pytest.approx(0.7)
    assert queries.majority_probability(p, margin, seats, 0) == 1.0
    assert queries.majority_probability(p, margin, seats, 4) == 0.0


def test_larger_swing_never_lowers_dem_majority_chance(con):
    chances = [queries.chamber_outlook("XX", "state_house", s, "DEM", con=con).p_majority for s in (-5, -1, 0, 1, 5)]
    assert chances == sorted(chances)


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
        outlook = queries.chamber_outlook("XX", "state_house", 1.0, con=con)
        cands = queries.district_candidates("XX", "state_house", "O'Neil-1", con=con)
        return (ranked.to_json(), frame.to_json(), round(outlook.p_majority, 12), cands.to_json())

    expected = work()
    barrier = threading.Barrier(20)

    def session(_: int) -> tuple:
        barrier.wait()  # all twenty start at once
        return work()

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    assert all(run == expected for run in results)


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
