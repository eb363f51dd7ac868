"""Every page through streamlit.testing.v1.AppTest, on the fixture warehouse (and the real one when built).

The fixture's known district is XX-2 (US House): held by Pat Example (REP), Harris 2024 D+2.0,
2024 result R+0.6, 618 votes to flip, P(flip) 46%, national rank 1, a 2023 special at +5.0 pts
over the presidential baseline.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from fixtures.make_fixture_db import make_fixture_db
from streamlit.testing.v1 import AppTest

from analysis import config, queries

APP = str(Path(__file__).resolve().parent.parent / "app.py")
REAL_DB = config.DATA_DIR / "flippable.duckdb"
PAGES = [
    "pages/home.py",
    "pages/map.py",
    "pages/rankings.py",
    "pages/district.py",
    "pages/chambers.py",
    "pages/specials.py",
    "pages/methodology.py",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    return make_fixture_db(tmp_path_factory.mktemp("pages") / "fixture.duckdb")


@pytest.fixture
def app(db, monkeypatch):
    """An AppTest on the fixture warehouse; call app(page, **query_params) to run one page."""
    monkeypatch.setenv("FLIPPABLE_DB", str(db))

    def run(page: str = "pages/home.py", **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.query_params.update(params)
        at.run()
        if page != "pages/home.py":
            at.switch_page(page)
            at.query_params.update(params)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table_with(at: AppTest, *columns: str):
    """The first dataframe shown that has all these columns (dataframes carry no key in AppTest)."""
    for frame in at.dataframe:
        value = frame.value
        if set(columns) <= set(value.columns):
            return value
    raise AssertionError(f"no dataframe with columns {columns}")


def plotly_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def vega_specs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("vega_lite_chart")]


def plotly_configs(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.config) for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(app, page):
    at = app(page)
    assert at.title, f"{page} shows no title"
    assert not at.error


def test_home(app):
    at = app()
    assert at.title[0].value == "Flippable"
    assert metrics(at) == {"State House": "2024", "State Senate": "2024", "US House": "2024"}
    # Top races per office (a national list would be all small legislative seats), at most 5 each.
    assert "Top races by office" in [h.value for h in at.subheader]
    house, senate, state_house = (frame.value for frame in at.dataframe)
    assert list(house["district"]) == ["2", "1", "AL"] and house.iloc[0]["p_flip"] == 0.46
    assert list(house["office_rank"]) == [1, 2, 3]
    assert len(senate) == 4 and len(state_house) == 5  # state house: the top 5 of 7
    assert state_house["office_rank"].tolist() == [1, 2, 3, 4, 5]
    labels = {link.proto.label for link in at.get("page_link")}
    assert {"Map", "Rankings", "District", "Chambers", "Specials", "Methodology & Data"} <= labels
    assert {"All 3 US House races →", "All 4 State Senate races →", "All 7 State House races →"} <= labels
    assert "fixture-0001" in " ".join(c.value for c in at.sidebar.caption)


def test_map_national_house(app):
    at = app("pages/map.py")
    assert any("3 of 3 districts drawn" in c.value for c in at.caption)
    assert not at.warning
    (spec,) = plotly_specs(at)
    locations = [loc for trace in spec["data"] for loc in trace["locations"]]
    assert sorted(locations) == ["XX|1", "XX|2", "YY|AL"]
    assert spec["layout"]["geo"]["projection"]["type"] == "albers usa"  # Alaska and Hawaii as insets
    assert spec["layout"]["geo"]["visible"] is False  # no base map, no tiles
    (config_,) = plotly_configs(at)
    assert config_["topojsonURL"].startswith("data:")  # nothing fetched from a CDN


def test_map_state_chamber_from_url_warns_about_unmatched(app):
    at = app("pages/map.py", office="state_house", state="XX", measure="holder_party")
    assert at.radio(key="map_office").value == "state_house"
    assert at.selectbox(key="map_measure").value == "holder_party"
    assert len(at.warning) == 1 and "XX-6" in at.warning[0].value and "1 of 7" in at.warning[0].value
    (spec,) = plotly_specs(at)
    names = {trace["name"]: trace["locations"] for trace in spec["data"]}
    assert names["DEM"] == ["XX|1", "XX|5", "XX|O'Neil-1"] and names["REP"] == ["XX|2", "XX|3", "XX|4"]
    assert spec["layout"]["geo"]["fitbounds"] == "locations"
    hover = spec["data"][0]["customdata"][0]
    assert hover[0] == "XX|1" and hover[3] == "D+7.1"  # Harris 9,100 vs 7,900


def test_map_office_switch_keeps_the_page_working(app):
    at = app("pages/map.py")
    at.radio(key="map_office").set_value("state_senate").run()
    assert not at.exception
    assert at.selectbox(key="map_state").value == "XX"
    assert any("4 of 4 districts drawn" in c.value for c in at.caption)
    assert at.query_params["office"] == "state_senate"


def test_rankings_filters_search_and_url(app):
    at = app("pages/rankings.py")
    # One office at a time, US House first; "all offices" one click away.
    assert at.radio(key="rk_office").value == "us_house"
    assert at.radio(key="rk_office").options == ["US House", "State Senate", "State House", "All offices"]
    assert metrics(at)["Races in view"] == "3"
    at.radio(key="rk_office").set_value("state_house").run()
    assert metrics(at)["Races in view"] == "7"
    assert at.query_params["office"] == "state_house"
    assert at.dataframe[0].value["office_rank"].tolist()[:3] == [1, 2, 3]
    at.text_input(key="rk_search").input("O'Neil").run()
    assert not at.exception
    assert at.dataframe[0].value["district"].tolist() == ["O'Neil-1"]
    at.text_input(key="rk_search").input("' OR '1'='1").run()
    assert not at.exception
    assert metrics(at)["Races in view"] == "0" and "No race matches" in at.info[0].value
    at.text_input(key="rk_search").input("").run()
    at.radio(key="rk_office").set_value("all").run()
    assert metrics(at)["Races in view"] == "14" and at.query_params["office"] == "all"
    assert {b.proto.label for b in at.get("download_button")} == {"CSV", "Excel (.xlsx)", "GeoJSON"}


def test_rankings_view_reproduced_from_a_link(app):
    at = app("pages/rankings.py", state="XX", office="state_senate", year="2028")
    assert at.multiselect(key="rk_states").value == ["XX"]
    assert at.radio(key="rk_office").value == "state_senate"
    assert at.selectbox(key="rk_year").value == 2028
    table = at.dataframe[0].value
    assert table["district"].tolist() == ["3", "4"]
    assert table.iloc[0]["expected_margin"] == pytest.approx(-0.5)
    assert dict(at.query_params) == {"state": "XX", "office": "state_senate", "year": "2028"}


def test_rankings_at_a_swing_are_the_models(app, db):
    at = app("pages/rankings.py", office="us_house", swing="2")
    assert at.slider(key="swing").value == 2.0
    table = at.dataframe[0].value
    con = queries.connect(db)
    model = queries.model_ranker(con).rank(2.0)
    con.close()
    # Re-ranked by the fixture's own model (the stored table is hand-made): its order, margins, P(flip).
    assert table["district"].tolist() == model["district"].tolist()
    assert table["expected_margin"].tolist() == pytest.approx(model["expected_margin"].tolist())
    assert table["p_flip"].tolist() == pytest.approx(model["p_flip"].tolist())
    assert "Re-ranked by the model under a national swing of D+2.0" in at.caption[0].value
    assert dict(at.query_params) == {"office": "us_house", "swing": "2"}


def test_rankings_hostile_url_values_do_not_break_the_page(app):
    at = app("pages/rankings.py", state="' OR '1'='1", office="x'; DROP TABLE races; --", margin_min="abc", q="O'Neil")
    assert at.multiselect(key="rk_states").value == []
    assert at.radio(key="rk_office").value == "us_house"  # an unknown office falls back to the default
    assert at.text_input(key="rk_search").value == "O'Neil"
    at.radio(key="rk_office").set_value("state_house").run()
    assert at.dataframe[0].value["district"].tolist() == ["O'Neil-1"]


def test_district_page_for_the_known_district(app):
    at = app("pages/district.py", state="XX", office="us_house", district="2")
    assert at.title[0].value == "XX-2 (XX 2nd District)"
    assert metrics(at) == {
        "President 2024": "D+2.0",
        "Last result 2024": "R+0.6",
        "Votes to flip": "618",
        "P(flip)": "46%",
        "National rank": "1",
    }
    assert "Harris +2 seat held by a Republican" in at.info[0].value
    assert "Pat Example" in at.markdown[0].value
    candidates = at.dataframe[0].value
    assert candidates["candidate"].tolist() == ["Pat Example", "Chris Dem", "Ima Green"]
    assert candidates["votes"].tolist() == [101_234, 100_000, 3_000]
    assert candidates["incumbent"].tolist() == [True, False, False]
    assert any("+5.0 pts" in m.value for m in at.markdown)  # the 2023 special
    history, locator = vega_specs(at)
    marks = [layer["mark"]["type"] for layer in history["layer"]]
    assert marks == ["rule", "line", "point", "rule", "text"]  # zero line, races, points, plan change + label
    assert history["layer"][1]["encoding"]["detail"]["field"] == "plan"  # the line breaks at new lines
    assert locator["mark"]["type"] == "geoshape"
    assert [f["id"] for f in locator["data"]["values"]] == ["XX|2"]
    assert not at.warning


def test_district_page_says_when_the_url_district_does_not_exist(app):
    at = app("pages/district.py", state="XX", office="us_house", district="18")
    assert at.warning[0].value == (
        "XX-18 (US House) is not a current district; showing XX-1 (XX 1st District) (US House) instead."
    )
    assert at.title[0].value == "XX-1 (XX 1st District)" and at.query_params["district"] == "1"
    at.selectbox(key="ds_district").set_value("2").run()  # the reader's own choice: no warning any more
    assert not at.exception and not at.warning


def test_district_page_with_apostrophe_and_gaps(app):
    at = app("pages/district.py", state="XX", office="state_house", district="6")
    assert "no boundary on file" in at.warning[0].value and "no presidential margin" in at.warning[0].value
    at.selectbox(key="ds_district").set_value("O'Neil-1").run()
    assert not at.exception
    assert at.query_params["district"] == "O'Neil-1"
    assert at.dataframe[0].value["candidate"].tolist()[:2] == ["Dana O'Neil", "Kim Lee"]


def test_swing_moves_the_district_flip_chance(app):
    at = app("pages/district.py", state="XX", office="us_house", district="2")
    at.slider(key="swing").set_value(3.0).run()
    assert not at.exception
    flip = metrics(at)["P(flip), swing D+3.0"]
    assert int(flip.rstrip("%")) > 50
    assert at.query_params["swing"] == "3"


def test_chambers(app, db):
    at = app("pages/chambers.py")
    # The fixture's build wrote no simulation (rankings_chambers): at swing 0 P(majority) is unknown.
    assert metrics(at) == {
        "Seats held by Democrats": "1 of 3",
        "Seats needed for a majority": "1",
        "P(majority)": "–",
        "Tipping-point seat": "—",
    }
    (tipping,) = vega_specs(at)
    assert [layer["mark"]["type"] for layer in tipping["layer"]] == ["bar"]  # no tipping point to mark
    at.selectbox(key="ch_chamber").set_value("XX|state_house").run()
    assert not at.exception
    cheapest = table_with(at, "cumulative_votes_to_flip")
    assert cheapest["district"].tolist() == ["2"] and cheapest["votes_to_flip"].tolist() == [51]
    assert any(m.value.startswith("Flipping this seat takes **51** switched votes") for m in at.markdown)
    at.selectbox(key="ch_chamber").set_value("XX|state_senate").run()
    assert "more seats are needed than have a known cost" in at.warning[0].value
    # The fixture's senate target had no D-vs-R race last time: left out, and the caption says so.
    assert any("held by Republicans had no D-vs-R race last time and" in c.value for c in at.caption)
    assert len(at.get("download_button")) == 4


def test_chambers_at_a_swing_show_the_models_simulation(app, db):
    at = app("pages/chambers.py", swing="2")
    con = queries.connect(db)
    expected = queries.chamber_outlook("US", "us_house", 2.0, "DEM", con=con)
    con.close()
    shown = metrics(at)
    assert shown["P(majority), swing D+2.0"] == f"{100 * expected.p_majority:.0f}%"
    assert shown["Tipping-point seat"] == expected.tipping_point_label
    (tipping,) = vega_specs(at)
    assert [layer["mark"]["type"] for layer in tipping["layer"]] == ["bar", "rule", "text"]
    summary = table_with(at, "p_majority", "tipping_point")
    assert summary.set_index("state_po").loc["US", "p_majority"] == expected.p_majority
    at.radio(key="ch_party").set_value("REP").run()
    assert not at.exception
    assert metrics(at)["P(majority), swing D+2.0"] != "–"


def test_specials(app):
    at = app("pages/specials.py")
    assert metrics(at)["Running average (last 5)"] == "+5.0 pts"
    assert metrics(at)["Specials on file"] == "2"
    table = at.dataframe[0].value  # newest first
    assert table["district_label"].tolist() == ["XX-2", "YY-AL"]
    assert table["overperformance"].tolist()[0] == 5.0 and np.isnan(table["overperformance"].tolist()[1])


def test_methodology(app):
    at = app("pages/methodology.py")
    coverage = table_with(at, "2024")
    assert coverage.loc["XX", "2024"] == 2 and coverage.loc["YY", "2024"] == 1  # us_house by default
    assert table_with(at, "rows_read")["source"].tolist() == ["fixture", "fixture_geo"]
    assert "MIT Election" in " ".join(table_with(at, "publisher", "licence")["publisher"])


def test_missing_warehouse_explains_instead_of_failing(monkeypatch, tmp_path):
    monkeypatch.setenv("FLIPPABLE_DB", str(tmp_path / "absent.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert "No warehouse found" in at.error[0].value


def test_warehouse_without_rankings(monkeypatch, tmp_path):
    monkeypatch.setenv("FLIPPABLE_DB", str(make_fixture_db(tmp_path / "w.duckdb", with_rankings=False)))
    for page in PAGES:
        at = AppTest.from_file(APP, default_timeout=60).run()
        if page != "pages/home.py":
            at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])


def test_atomic_rebuild_is_picked_up_without_a_traceback(monkeypatch, tmp_path):
    path = make_fixture_db(tmp_path / "w.duckdb", build_id="build-one")
    monkeypatch.setenv("FLIPPABLE_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "build-one" in " ".join(c.value for c in at.sidebar.caption)
    make_fixture_db(path, build_id="build-two")  # what `make build` does: write a temp file, rename it in place
    at.run()
    assert not at.exception
    assert "build-two" in " ".join(c.value for c in at.sidebar.caption)


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_real_warehouse_pages(monkeypatch, page):
    if not REAL_DB.exists():
        pytest.skip(f"real warehouse not built ({REAL_DB})")
    monkeypatch.setenv("FLIPPABLE_DB", str(REAL_DB))
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params.update({"state": "KS", "office": "us_house", "district": "4"})
    at.run()
    if page != "pages/home.py":
        at.switch_page(page)
        at.query_params.update({"state": "KS", "office": "us_house", "district": "4"})
        at.run()
    assert not at.exception, [e.value for e in at.exception]
    if page == "pages/district.py":
        assert at.title[0].value.startswith("KS-4")
        cands = at.dataframe[0].value
        assert len(cands) >= 1
    if page == "pages/home.py":
        house = at.dataframe[0].value
        assert len(house) == 5 and house["office_rank"].tolist() == [1, 2, 3, 4, 5]
        assert set(at.dataframe[1].value.columns) == set(house.columns) and len(at.dataframe) == 3


@pytest.fixture
def real_app(monkeypatch):
    """AppTest on the real warehouse; call real_app(page, **query_params)."""
    if not REAL_DB.exists():
        pytest.skip(f"real warehouse not built ({REAL_DB})")
    monkeypatch.setenv("FLIPPABLE_DB", str(REAL_DB))

    def run(page: str, **params: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=120)
        at.query_params.update(params)
        at.run()
        at.switch_page(page)
        at.query_params.update(params)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return run


def candidates_of(at: AppTest):
    return table_with(at, "candidate", "incumbent", "incumbent_basis")


@pytest.mark.slow
def test_real_district_ks_04(real_app):
    at = real_app("pages/district.py", state="KS", office="us_house", district="4")
    assert at.title[0].value == "KS-4 (Congressional District 4)"
    assert "Ron Estes" in at.markdown[0].value
    # 2024 (MEDSL House returns): Ron Estes 198,465, Esau Freeman 106,632; MEDSL has no incumbent flag,
    # Estes won the 2022 general here under the same name.
    cands = candidates_of(at).set_index("candidate")
    assert cands.loc["RON ESTES", "votes"] == 198_465 and cands.loc["ESAU FREEMAN", "votes"] == 106_632
    assert bool(cands.loc["RON ESTES", "incumbent"]) and cands.loc["RON ESTES", "incumbent_basis"] == "district history"
    # The 11 April 2017 special (Estes 64,044 vs Thompson 56,435): R+6.3 two-party.
    assert any("**2017-04-11**: R+6.3" in m.value for m in at.markdown)
    history, locator = vega_specs(at)
    assert [layer["mark"]["type"] for layer in history["layer"]][-2:] == ["rule", "text"]  # plan changes marked
    assert any("new district lines, first used in 1982, 1992, 2002, 2012, 2022" in c.value for c in at.caption)
    assert locator["mark"]["type"] == "geoshape" and [f["id"] for f in locator["data"]["values"]] == ["KS|4"]
    assert "Trump +24 seat held by a Republican who won by 91,833 votes in 2024" in at.info[0].value
    assert not at.warning


@pytest.mark.slow
def test_real_district_unknown_id_and_two_party_president(real_app):
    at = real_app("pages/district.py", state="PA", office="us_house", district="18")  # PA has 17 districts
    assert at.warning[0].value.startswith("PA-18 (US House) is not a current district; showing PA-1")
    # MI HD-3, 2024 (MEDSL precincts): Harris 9,667, Trump 11,679 -> two-party R+9.4, the model's baseline
    # (the same "Trump +9" as the ranking reason), not the all-vote margin.
    at = real_app("pages/district.py", state="MI", office="state_house", district="3")
    assert metrics(at)["President 2024 (two-party)"] == "R+9.4"


@pytest.mark.slow
def test_real_district_va_hd94_tie(real_app):
    at = real_app("pages/district.py", state="VA", office="state_house", district="94")
    assert at.title[0].value == "VA State House 94 (HD-94)"
    at.selectbox(key="ds_race").set_value("VA-state_house-94-2017-general").run()
    assert not at.exception
    cands = candidates_of(at).set_index("candidate")
    assert cands["votes"].tolist() == [11_608, 11_608]  # the 2017 tie
    assert bool(cands.loc["David Yancey", "won"]) and bool(cands.loc["David Yancey", "incumbent"])
    assert any("tie decided by lot" in c.value for c in at.caption)
    assert metrics(at)["P(flip)"].endswith("%")


@pytest.mark.slow
def test_real_district_mn_1a_and_nh_belknap(real_app):
    at = real_app("pages/district.py", state="MN", office="state_house", district="1A")
    assert at.title[0].value == "MN State House 1A"  # not MultiState's "HD-1", which 1B shares
    cands = candidates_of(at).set_index("candidate")
    # 2024 (MEDSL precinct returns, mn24): John Burkel 17,420, James Sceville 5,466.
    assert cands.loc["JOHN BURKEL", "votes"] == 17_420 and cands.loc["JAMES SCEVILLE", "votes"] == 5_466
    assert bool(cands.loc["JOHN BURKEL", "incumbent"])
    at = real_app("pages/district.py", state="NH", office="state_house", district="Belknap-1")
    cands = candidates_of(at).set_index("candidate")
    # 2024 (nh24): Tom Ploszaj 1,342, David Rose 1,000. Belknap-1 elects one member on the 2022 lines.
    assert cands.loc["TOM PLOSZAJ", "votes"] == 1_342 and cands.loc["DAVID ROSE", "votes"] == 1_000
    assert "1 seat" in at.markdown[0].value and metrics(at)["Last result 2024"] == "R+14.6"
    # A bloc-vote district: one ranked row per seat, the vacancy measured against its last winner.
    at = real_app("pages/district.py", state="NH", office="state_house", district="Belknap-6")
    assert "**Held by REP 3, VACANT 1**" in at.markdown[0].value
    seats = table_with(at, "seat_no", "holder_listed", "p_flip")
    assert seats["seat_no"].tolist() == [1, 2, 3, 4] and seats["holder_listed"].tolist()[0] == "VACANT"
    assert seats["p_flip"].notna().all()
    assert "P(flip), best seat" in metrics(at)


@pytest.mark.slow
def test_real_district_holder_conflict_and_alaska_coalition(real_app):
    at = real_app("pages/district.py", state="NC", office="state_house", district="34")
    assert "differs from the party that won the last general" in at.warning[0].value
    assert "filed for 2026 as a Democrat (the members list says Republican)" in at.info[0].value
    assert any("The members list says REP; the model measures P(flip) against DEM" in c.value for c in at.caption)
    at = real_app("pages/chambers.py", chamber="AK|state_house")
    assert "run by a bipartisan coalition" in at.warning[0].value
    assert metrics(at)["Tipping-point seat"].startswith("AK-")


def test_swing_without_a_loadable_model_warns_and_shows_no_swing(monkeypatch, tmp_path):
    path = make_fixture_db(tmp_path / "no_races.duckdb")
    with duckdb.connect(str(path)) as con:
        con.execute("DROP TABLE races")  # the model reads races; the stored rankings stay
    monkeypatch.setenv("FLIPPABLE_DB", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({"swing": "2"})
    at.run()
    at.switch_page("pages/rankings.py")
    at.query_params.update({"swing": "2"})
    at.run()
    assert not at.exception
    assert "The national swing cannot be applied" in at.warning[0].value
    assert at.dataframe[0].value["p_flip"].tolist()[0] == 0.46  # the stored table, at no swing
