"""Features from the warehouse and the ranking, on the synthetic state XX and on the real warehouse."""

from __future__ import annotations

import copy
import math

import duckdb
import numpy as np
import pandas as pd
import pytest

from analysis import config, features, model, rank
from tests import xx_state

CONTRACT_COLUMNS = [
    "state_po",
    "office",
    "district",
    "target_year",
    "holder_party",
    "pres_margin",
    "last_margin",
    "expected_margin",
    "p_flip",
    "p_decisive",
    "impact",
    "rank",
    "reason",
]


def nat_two_party(year):
    d, r, _ = model.NATIONAL_PRES_VOTES[year]
    return 100.0 * (d - r) / (d + r)


@pytest.fixture(scope="module")
def xx_db(tmp_path_factory):
    return xx_state.write_db(tmp_path_factory.mktemp("xx") / "xx.duckdb")


@pytest.fixture(scope="module")
def xx_inputs(xx_db):
    return xx_state.inputs_from_db(xx_db)


@pytest.fixture(scope="module")
def xx_seats(xx_inputs):
    s = features.current_seats(xx_inputs)
    return {(r.office, r.district, r.seat_no): r for r in s.itertuples()}


@pytest.fixture(scope="module")
def xx_ranker(xx_inputs):
    return rank.Ranker.from_inputs(xx_inputs, n_draws=2000, seed=5)


# --------------------------------------------------------------------------- pure helpers


def test_incumbent_sign_and_party_sign():
    sign = features.incumbent_sign([True, False, False, None], [False, True, False, None], [True, True, True, None])
    assert sign[:3].tolist() == [1.0, -1.0, 0.0]
    assert math.isnan(sign[3])
    assert features.party_sign(["DEM", "REP", "IND", None]).tolist() == [1.0, -1.0, 0.0, 0.0]


def test_result_status_categories():
    status = features.result_status(
        ["contested", "uncontested", "no_dem", "same_party", "no_votes"],
        ["DEM", "REP", "REP", "DEM", "DEM"],
        [5.0, np.nan, np.nan, np.nan, np.nan],
    )
    assert status.tolist() == ["contested", "rep_only", "rep_only", "dem_only", None]


def test_parse_holder_detail_orders_democrats_first():
    assert features.parse_holder_detail("DEM 2, REP 1, VACANT 1", 4, "DEM") == ["DEM", "DEM", None, "REP"]
    assert features.parse_holder_detail(None, 3, "REP") == ["REP", "REP", "REP"]
    assert features.parse_holder_detail(None, 2, "SPLIT") == [None, None]


def test_bloc_seat_pairs_strongest_democrat_with_weakest_republican():
    contests = pd.DataFrame({"race_id": ["r1"], "seats": [2]})
    cands = pd.DataFrame({"race_id": ["r1"] * 3, "party": ["DEM", "DEM", "REP"], "votes": [100.0, 90.0, 80.0]})
    pairs = features.bloc_seat_margins(contests, cands)
    # seat 1: best Democrat (100) vs the 2nd Republican (none) -> Democrats hold it unopposed
    # seat 2: 2nd Democrat (90) vs best Republican (80) -> D+5.88
    assert pairs["result_status"].tolist() == ["dem_only", "contested"]
    assert math.isnan(pairs["margin"].iloc[0])
    assert pairs["margin"].iloc[1] == pytest.approx(100 * 10 / 170)
    assert pairs["pair_votes"].tolist() == [100.0, 170.0]


# --------------------------------------------------------------------------- XX features


def test_queries_use_bound_parameters(xx_db):
    with duckdb.connect(xx_db, read_only=True) as con:
        only_xx = features.query(con, "contests", "XX")
        none = features.query(con, "contests", "ZZ")
    assert len(only_xx) == 31 and len(none) == 0
    for name in ("contests", "presidential", "districts", "bloc_candidates", "upcoming"):
        assert "$state" in features.read_sql(name)
        assert "'XX'" not in features.read_sql(name)


def test_current_seat_metrics_by_hand(xx_seats):
    d1 = xx_seats[("state_house", "1", 1)]
    assert d1.lean == pytest.approx(0.75 * (16 - nat_two_party(2024)) + 0.25 * (20 - nat_two_party(2020)))
    assert d1.trend == pytest.approx(16.0 - 20.0)  # 5800/4200 in 2024 vs 6000/4000 in 2020, same lines
    assert d1.last_margin == pytest.approx(10.0)  # 5500 vs 4500
    assert d1.candidate_effect == pytest.approx(10.0 - 16.0)  # ran 6 points behind Harris
    assert d1.roll_off_dem == pytest.approx(5800 - 5500)
    assert d1.roll_off_rep == pytest.approx(4200 - 4500)
    assert (d1.won_by_votes, d1.votes_to_flip, d1.votes_cast) == (1000, 501, 10000)
    d2 = xx_seats[("state_house", "2", 1)]
    assert d2.lean == pytest.approx(3.0 - model.national_margin(2024, "all_votes"))  # all-vote basis both sides
    assert math.isnan(d2.trend)
    assert (d2.won_by_votes, d2.votes_to_flip) == (200, 101)
    assert d2.candidate_effect == pytest.approx(-2.0 - 3.0)


def test_seats_where_no_democrat_ran_and_bloc_seats(xx_seats):
    d3 = xx_seats[("state_house", "3", 1)]
    assert d3.last_status == "rep_only" and d3.holder_party == "REP"
    assert d3.votes_cast_basis == "earlier lines" and d3.votes_cast == 10000  # 2020: 3900 + 6100
    seat1, seat2 = xx_seats[("state_house", "5", 1)], xx_seats[("state_house", "5", 2)]
    assert seat1.last_margin == pytest.approx(100 * (5200 - 4900) / 10100)
    assert seat2.last_margin == pytest.approx(100 * (5000 - 5100) / 10100)
    assert (seat1.holder_party, seat2.holder_party) == ("DEM", "REP")
    assert (seat1.votes_to_flip, seat2.votes_to_flip) == (151, 51)
    assert seat1.unit == seat2.unit  # one district, one shared error
    us2 = xx_seats[("us_house", "2", 1)]
    assert us2.chamber_state == "US" and us2.incumbent == -1.0 and not us2.incumbent_known


def test_bloc_seat_without_a_pair_takes_its_districts_turnout(xx_inputs):
    # District 7 (3 seats): one Democrat ran against three Republicans, so only seat 1 has a D-vs-R pair
    # (6,000 vs the 3rd Republican's 4,600). District 8 (2 seats): no Democrat in 2024; in 2020, on the
    # old lines, 8,000 D and 12,000 R votes over its 2 seats.
    inputs = copy.deepcopy(xx_inputs)
    base = inputs.districts[inputs.districts["district"] == "5"].iloc[0]
    new_districts = pd.DataFrame(
        [
            {**base.to_dict(), "district": "7", "seats": 3, "holder_party": "REP", "holder_detail": "REP 3"},
            {**base.to_dict(), "district": "8", "seats": 2, "holder_party": "REP", "holder_detail": "REP 2"},
        ]
    )
    inputs.districts = pd.concat([inputs.districts, new_districts], ignore_index=True)
    race = inputs.contests[inputs.contests["district"] == "5"].iloc[0].to_dict()

    def contest(district, year, plan, seats, dem, rep, margin, status):
        return {
            **race,
            "race_id": f"XX-state_house-{district}-{year}-general",
            "district": district,
            "year": year,
            "plan": plan,
            "seats": seats,
            "dem_votes": dem,
            "rep_votes": rep,
            "total_votes": (dem or 0) + rep,
            "margin": margin,
            "winner_party": "REP",
            "status": status,
            "votes_to_flip": np.nan,
        }

    new_contests = pd.DataFrame(
        [
            contest("7", 2024, "2022", 3, 6000.0, 14400.0, -41.2, "contested"),
            contest("8", 2024, "2022", 2, np.nan, 9000.0, np.nan, "no_dem"),
            contest("8", 2020, "2012", 2, 8000.0, 12000.0, -20.0, "contested"),
        ]
    )
    inputs.contests = pd.concat([inputs.contests, new_contests], ignore_index=True)
    cands = pd.DataFrame(
        {
            "race_id": ["XX-state_house-7-2024-general"] * 4 + ["XX-state_house-8-2024-general"] * 2,
            "party": ["DEM", "REP", "REP", "REP", "REP", "REP"],
            "votes": [6000.0, 5000.0, 4800.0, 4600.0, 4600.0, 4400.0],
        }
    )
    inputs.bloc_candidates = pd.concat([inputs.bloc_candidates, cands], ignore_index=True)
    s = features.current_seats(inputs).set_index(["office", "district", "seat_no"]).sort_index()
    d7 = s.loc[("state_house", "7")]
    assert d7["last_status"].tolist() == ["contested", "rep_only", "rep_only"]
    assert d7["votes_cast"].tolist() == [10600.0, 10600.0, 10600.0]  # seat 1's own pair: 6,000 + 4,600
    assert d7["votes_cast_basis"].tolist() == ["last result", "district's other seats", "district's other seats"]
    d8 = s.loc[("state_house", "8")]
    assert d8["votes_cast"].tolist() == [10000.0, 10000.0]  # (8,000 + 12,000) / 2 seats
    assert d8["votes_cast_basis"].tolist() == ["earlier lines", "earlier lines"]


def test_decisive_words_only_for_seats_in_play():
    words = rank.decisive_words(
        np.array([0.0213, 0.0213, 0.35, 0.0001, 0.05]),
        np.array(["US House"] * 5),
        np.array([0.0, 0.05, 0.4, 0.3, np.nan]),
        np.array([0.0, 0.05, 0.6, 0.3, 0.005]),
    )
    assert words == [
        "",  # P(flip) 0%: no clause however often the other seats leave the majority on it
        "the US House majority comes down to this seat in 1 of 47 simulations",
        "the US House majority comes down to this seat in 35% of simulations",
        "the US House majority rarely comes down to this seat",
        "",  # P(flip) unknown: the less likely side's P(win), 0.5%, is below 1%
    ]


def test_training_frame_uses_only_earlier_results_on_the_same_lines(xx_inputs):
    tr = features.training_frame(xx_inputs)
    row = tr[(tr.office == "state_house") & (tr.district == "2") & (tr.year == 2018)].iloc[0]
    assert row.last_margin == pytest.approx(-6.0) and row.holder == "REP" and bool(row.flip)
    m16 = 100 * (4800 - 5200) / 10000
    assert row.lean == pytest.approx(0.75 * (m16 - nat_two_party(2016)) + 0.25 * (0.0 - nat_two_party(2012)))
    first = tr[(tr.office == "state_house") & (tr.district == "1") & (tr.year == 2016)].iloc[0]
    assert first.lean == pytest.approx(10.0 - nat_two_party(2012))  # the 2016 result is not known before 2016
    new_lines = tr[(tr.office == "state_house") & (tr.district == "1") & (tr.year == 2022)].iloc[0]
    assert math.isnan(new_lines.last_margin) and pd.isna(new_lines.flip)  # no previous result on the 2022 lines
    # 2024 XX-2 US House: the filed Republican incumbent; 2024 state house D2: flagged open
    assert tr[(tr.office == "us_house") & (tr.district == "2") & (tr.year == 2024)].incumbent.iloc[0] == -1
    assert tr[(tr.office == "state_house") & (tr.district == "2") & (tr.year == 2024)].incumbent.iloc[0] == 0


def test_upcoming_contests_are_not_results(tmp_path):
    path = xx_state.write_db(tmp_path / "xx.duckdb")
    with duckdb.connect(path) as con:
        con.execute("""INSERT INTO races (race_id, year, state_po, office, district, plan, kind, seats, status,
                       winner_party, non_voting) VALUES ('XX-state_house-2-2026-general', 2026, 'XX', 'state_house',
                       '2', '2022', 'general', 1, 'uncontested', 'DEM', false)""")
        con.execute("""INSERT INTO candidates (race_id, candidate, party, votes, won, incumbent, writein)
                       VALUES ('XX-state_house-2-2026-general', 'Filed Democrat', 'DEM', NULL, NULL, false, false)""")
        inputs = features.load_inputs(con)
    assert inputs.contests["year"].max() == 2024
    seats = features.current_seats(inputs)
    d2 = seats[(seats.office == "state_house") & (seats.district == "2")].iloc[0]
    assert d2.last_year == 2024  # the pending 2026 contest is not read as a result
    assert d2.incumbent_known and d2.incumbent == 0  # the filed list has no incumbent: open seat


# --------------------------------------------------------------------------- ranking


def test_rank_columns_order_and_probabilities(xx_ranker):
    out = xx_ranker.rank()
    assert set(CONTRACT_COLUMNS) <= set(out.columns)
    assert len(out) == 8 and out["rank"].tolist() == list(range(1, 9))
    assert (out["score"].diff().dropna() <= 1e-15).all()  # best first
    for col in ("p_flip", "p_decisive", "p_dem", "chamber_p_dem_majority"):
        v = out[col].dropna()
        assert ((v >= 0) & (v <= 1)).all()
    assert (out["target_year"] == 2026).all()
    assert out["data_through"].iloc[0] == "general results through 2024-11-07; presidential baseline through 2024"


def test_swing_moves_every_expected_margin_by_the_swing(xx_ranker):
    base = xx_ranker.rank(0.0).set_index(["office", "district", "seat_no"])
    moved = xx_ranker.rank(2.5).set_index(["office", "district", "seat_no"]).loc[base.index]
    assert (moved["expected_margin"] - base["expected_margin"]).to_numpy() == pytest.approx(np.full(8, 2.5))
    assert (moved["p_dem"] >= base["p_dem"]).all()


def test_reasons_are_one_plain_line(xx_ranker):
    out = xx_ranker.rank().set_index(["office", "district", "seat_no"])
    assert not out["reason"].str.contains("\n").any()
    assert out.loc[("state_house", "3", 1), "reason"].startswith("no Democrat ran in 2024 in a Harris +3 district")
    assert out.loc[("state_house", "3", 1), "category"] == "no_dem_ran"
    assert out.loc[("state_house", "2", 1), "reason"].startswith(
        "Harris +3 seat held by a Republican who won by 200 votes in 2024"
    )
    assert "seat 2 of 2 in a bloc-vote district" in out.loc[("state_house", "5", 2), "reason"]
    assert "XX House majority" in out.loc[("state_house", "1", 1), "reason"]
    assert "US House majority" in out.loc[("us_house", "1", 1), "reason"]


def test_filters_and_scores(xx_ranker):
    assert set(xx_ranker.rank(office="us_house")["office"]) == {"us_house"}
    assert xx_ranker.rank(state="ZZ").empty
    by_flip = xx_ranker.rank(score="p_flip")
    assert (by_flip["p_flip"].fillna(-1).diff().dropna() <= 1e-12).all()
    with pytest.raises(ValueError):
        xx_ranker.rank(score="vibes")
    chambers = xx_ranker.chambers()
    assert set(chambers["chamber"]) == {"XX House", "US House"}
    assert chambers["p_dem_majority"].between(0, 1).all()


def test_target_year_selects_the_seats_up(xx_inputs):
    later = rank.Ranker.from_inputs(xx_inputs, target_year=2028, n_draws=500)
    assert len(later.rank()) == 8 and (later.rank()["target_year"] == 2028).all()
    odd = rank.Ranker.from_inputs(xx_inputs, target_year=2027, n_draws=500)
    assert odd.rank().empty


def test_write_rankings_and_cli(tmp_path):
    path = xx_state.write_db(tmp_path / "xx.duckdb")
    with duckdb.connect(path) as con:
        rank.write_rankings(con, n_draws=1000)
        table = con.execute("SELECT * FROM rankings ORDER BY rank").df()
        chambers = con.execute("SELECT * FROM rankings_chambers").df()
        info = con.execute("SELECT * FROM rankings_info").df()
    assert set(CONTRACT_COLUMNS) <= set(table.columns) and len(table) == 8
    assert len(chambers) == 2 and info["n_draws"].iloc[0] == 1000
    out = tmp_path / "rank.csv"
    assert (
        rank.main(["--db", path, "--format", "csv", "--out", str(out), "--draws", "1000", "--office", "state_house"])
        == 0
    )
    csv = pd.read_csv(out)
    assert len(csv) == 6 and set(csv["office"]) == {"state_house"}
    table_out = tmp_path / "rank.txt"
    assert (
        rank.main(["--db", path, "--format", "table", "--out", str(table_out), "--draws", "1000", "--swing", "3"]) == 0
    )
    text = table_out.read_text()
    assert text.startswith("# general results through 2024-11-07") and "swing +3.0" in text


# --------------------------------------------------------------------------- the real warehouse


@pytest.fixture(scope="module")
def real_ranker():
    path = config.db_path()
    if not path.exists():
        pytest.skip(f"no warehouse at {path} (run `python -m analysis.build`)")
    with duckdb.connect(str(path), read_only=True) as con:
        return rank.Ranker.from_connection(con, n_draws=2000)


@pytest.mark.slow
def test_real_house_seats_match_certified_2024_results(real_ranker):
    house = real_ranker.rank(office="us_house").set_index(["state_po", "district"])
    assert len(house) == 435
    # NE-2 2024 (MEDSL house file): Bacon (R) 160,198, Vargas (D) 154,369.
    ne2 = house.loc[("NE", "2")]
    assert ne2["last_margin"] == pytest.approx(100 * (154_369 - 160_198) / (154_369 + 160_198))
    assert (ne2["won_by_votes"], ne2["votes_to_flip"]) == (5_829, 2_915)
    assert ne2["holder_party"] == "REP" and ne2["category"] == "pickup"
    # NY-17 2024: Lawler REPUBLICAN 180,924 + CONSERVATIVE 16,921 = 197,845 vs Jones 173,899 (fusion summed).
    assert house.loc[("NY", "17"), "won_by_votes"] == 197_845 - 173_899
    chambers = real_ranker.chambers()
    assert len(chambers[chambers["chamber"] == "US House"]) == 1
    assert chambers["p_dem_majority"].between(0, 1).all()


def test_real_safe_seats_are_not_said_to_decide_the_majority(real_ranker):
    house = real_ranker.rank(office="us_house")
    # PA-15 (Trump +38): the other seats may leave the majority on it, but it almost never flips.
    pa15 = house[(house["state_po"] == "PA") & (house["district"] == "15")].iloc[0]
    assert pa15["p_flip"] < 0.01 and "majority" not in pa15["reason"]
    safe = house[house["p_flip"] < 0.01]
    assert len(safe) > 100 and not safe["reason"].str.contains("comes down to this seat").any()
    close = house[(house["p_flip"] >= 0.2) & (house["p_decisive"] >= 0.001)]
    assert len(close) and close["reason"].str.contains("US House majority comes down to this seat").all()


# --------------------------------------------------------------------------- holders: vacant, independent, conflicts


def _holder_frame(rows: list[tuple]) -> pd.DataFrame:
    cols = ["holder_party", "vacant_seats", "last_winner", "incumbent", "incumbent_known", "gap_holder_conflict"]
    return pd.DataFrame(rows, columns=cols)


def test_resolve_holders_by_hand():
    s = _holder_frame(
        [
            ("REP", 0, "REP", -1.0, False, False),  # 0 ordinary
            (None, 1, "REP", 0.0, False, False),  # 1 vacant, last won by a Republican
            (None, 0, "DEM", 0.0, False, False),  # 2 not listed at all
            ("IND", 0, "REP", 0.0, False, False),  # 3 independent, last won by a Republican (CA-3)
            ("IND", 0, "IND", 0.0, False, False),  # 4 independent who also won last: no major party
            ("REP", 0, "DEM", 1.0, True, True),  # 5 list says R, a Democrat won and filed as one (NC House 34)
            ("REP", 0, "DEM", -1.0, False, True),  # 6 same conflict, no filing: keep the holder
            ("OTHER", 0, None, 0.0, False, False),  # 7 third party, no result on these lines
        ]
    )
    out = rank.resolve_holders(s)
    out = out.astype(object).where(out.notna(), None)  # pandas stores missing text as NaN
    assert out["holder_party"].tolist() == ["REP", "REP", "DEM", "IND", "IND", "DEM", "REP", "OTHER"]
    assert out["holder_listed"].tolist() == ["REP", "VACANT", None, "IND", "IND", "REP", "REP", "OTHER"]
    assert out["flip_party"].tolist() == ["REP", "REP", "DEM", "REP", None, "DEM", "REP", None]
    assert out["holder_note"].tolist() == [
        None,
        "vacant",
        "unknown",
        "independent",
        "independent",
        "conflict_filed",
        "conflict_unconfirmed",
        "independent",
    ]
    # Seats not up: a vacancy counts for nobody (as in the chamber's composition); a corrected holder counts.
    assert out["holder_fixed"].tolist() == ["REP", None, None, "IND", "IND", "DEM", "REP", "OTHER"]
    assert pd.isna(s["holder_party"].iloc[1])  # the input is not modified


def _reason_frame(out: pd.DataFrame) -> pd.DataFrame:
    n = len(out)
    return out.assign(
        pres_margin=[-16.0, -16.0, 37.0, -4.0, 7.0, 31.0, 3.0, -6.0][:n],
        pres_year=2024,
        category="pickup",
        last_year=[2024, 2024, 2024, 2024, 2024, 2024, 2024, np.nan][:n],
        last_status="contested",
        won_by_votes=[500.0, 71_347.0, 98_138.0, 46_179.0, 50.0, 4_000.0, 300.0, np.nan][:n],
        last_margin=5.0,
        seats=1,
        seat_no=1,
        target_year=2026.0,
    )


def test_reasons_say_how_the_holder_was_decided():
    s = _holder_frame(
        [
            ("REP", 0, "REP", -1.0, False, False),
            (None, 1, "REP", 0.0, False, False),
            (None, 0, "DEM", 0.0, False, False),
            ("IND", 0, "REP", 0.0, False, False),
            ("IND", 0, "IND", 0.0, False, False),
            ("REP", 0, "DEM", 1.0, True, True),
            ("REP", 0, "DEM", -1.0, False, True),
            ("OTHER", 0, None, 0.0, False, False),
        ]
    )
    reasons = rank.static_reasons(_reason_frame(rank.resolve_holders(s)))
    assert reasons[0] == "Trump +16 seat held by a Republican who won by 500 votes in 2024"
    assert reasons[1] == "Trump +16 seat, vacant; last won by a Republican by 71,347 votes in 2024"
    assert reasons[2] == "Harris +37 seat, holder not on file; last won by a Democrat by 98,138 votes in 2024"
    assert reasons[3] == "Trump +4 seat held by an independent (last won by a Republican by 46,179 votes in 2024)"
    assert reasons[4] == (
        "Harris +7 seat held by an independent (no Democrat or Republican won it last: no flip probability)"
    )
    assert reasons[5] == (
        "Harris +31 seat held by a Democrat who won by 4,000 votes in 2024 and filed for 2026 as a Democrat "
        "(the members list says Republican); incumbent running"
    )
    assert reasons[6] == "Harris +3 seat held by a Republican (holder party unconfirmed: last won by a Democrat)"
    assert reasons[7] == (
        "Trump +6 seat held by a third-party member (no flip probability); no result yet on these lines"
    )


def _xx_with(tmp_path, sql: list[str]) -> rank.Ranker:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = xx_state.write_db(tmp_path / "xx.duckdb")
    with duckdb.connect(path) as con:
        for statement in sql:
            con.execute(statement)
        return rank.Ranker.from_connection(con, n_draws=2000, seed=5)


def test_vacant_seat_gets_a_flip_chance_against_its_last_winner(tmp_path, xx_ranker):
    # XX state house 2: a Republican won by 200 votes in 2024 (Harris +3); now the seat is vacant.
    ranker = _xx_with(
        tmp_path,
        [
            "UPDATE districts SET holder_party = 'VACANT', holder_detail = 'VACANT 1' WHERE office = 'state_house' "
            "AND district = '2'"
        ],
    )
    row = ranker.rank().set_index(["office", "district", "seat_no"]).loc[("state_house", "2", 1)]
    assert (row["holder_party"], row["holder_listed"], row["flip_party"]) == ("REP", "VACANT", "REP")
    assert row["p_flip"] == pytest.approx(row["p_dem"])  # against the Republicans who last won it
    assert row["reason"].startswith("Harris +3 seat, vacant; last won by a Republican by 200 votes in 2024")
    before = xx_ranker.rank().set_index(["office", "district", "seat_no"]).loc[("state_house", "2", 1)]
    assert row["p_flip"] == pytest.approx(before["p_flip"])  # nobody is running as the incumbent either way


def test_holder_conflict_is_settled_by_the_incumbents_filing(tmp_path):
    # The list says a Democrat holds XX state house 2, which a Republican won in 2024 (no special since).
    conflict = [
        "ALTER TABLE districts ADD COLUMN gap_holder_conflict BOOLEAN DEFAULT false",
        "UPDATE districts SET holder_party = 'DEM', holder_detail = 'DEM 1', gap_holder_conflict = true "
        "WHERE office = 'state_house' AND district = '2'",
    ]
    unconfirmed = _xx_with(tmp_path / "a", conflict).rank().set_index(["office", "district", "seat_no"])
    row = unconfirmed.loc[("state_house", "2", 1)]
    assert (row["holder_party"], row["holder_note"]) == ("DEM", "conflict_unconfirmed")
    assert "held by a Democrat (holder party unconfirmed: last won by a Republican)" in row["reason"]
    # The Republican incumbent has filed for 2026 as a Republican: the list is wrong, the holder is REP.
    filed = conflict + [
        "INSERT INTO races (race_id, year, state_po, office, district, plan, kind, seats, status, winner_party, "
        "non_voting) VALUES ('XX-sh-2-2026', 2026, 'XX', 'state_house', '2', '2022', 'general', 1, 'uncontested', "
        "'REP', false)",
        "INSERT INTO candidates (race_id, candidate, party, votes, won, incumbent, writein) "
        "VALUES ('XX-sh-2-2026', 'The Incumbent', 'REP', NULL, NULL, true, false)",
    ]
    confirmed = _xx_with(tmp_path / "b", filed).rank().set_index(["office", "district", "seat_no"])
    row = confirmed.loc[("state_house", "2", 1)]
    assert (row["holder_party"], row["holder_listed"], row["holder_note"]) == ("REP", "DEM", "conflict_filed")
    assert row["p_flip"] == pytest.approx(row["p_dem"])
    assert "filed for 2026 as a Republican (the members list says Democrat)" in row["reason"]


def test_rank_is_read_only_across_threads(xx_ranker):
    """The app shares one Ranker across sessions: rank()/chambers() must not write into it."""
    from concurrent.futures import ThreadPoolExecutor

    swings = [(-3.0, 0.0, 1.5, 4.0)[i % 4] for i in range(20)]
    expected = {s: (xx_ranker.rank(s).to_json(), xx_ranker.chambers(s).to_json()) for s in set(swings)}
    seats, mu = xx_ranker.seats.copy(), xx_ranker.sim.mu.copy()
    with ThreadPoolExecutor(max_workers=20) as pool:
        got = list(pool.map(lambda s: (xx_ranker.rank(s).to_json(), xx_ranker.chambers(s).to_json()), swings))
    assert all(g == expected[s] for g, s in zip(got, swings, strict=True))
    pd.testing.assert_frame_equal(xx_ranker.seats, seats)
    assert np.array_equal(xx_ranker.sim.mu, mu)


@pytest.mark.slow
def test_real_vacant_independent_conflict_and_coalition_seats(real_ranker):
    ranked = real_ranker.rank().set_index(["state_po", "office", "district", "seat_no"]).sort_index()
    # NC House 34: MultiState's members list has Tim Longest as a Republican; he won in 2024 as a
    # Democrat (no Republican ran) and is on MultiState's 2026 list as the Democratic incumbent.
    nc34 = ranked.loc[("NC", "state_house", "34", 1)]
    assert (nc34["holder_party"], nc34["holder_listed"], nc34["holder_note"]) == ("DEM", "REP", "conflict_filed")
    assert nc34["p_flip"] < 0.05 and "filed for 2026 as a Democrat" in nc34["reason"]
    # TX-23 (vacant; Gonzales, R, won 2024 by 71,347) and CA-3 (independent; Kiley, R, won 2024): a P(flip).
    tx23 = ranked.loc[("TX", "us_house", "23", 1)]
    assert tx23["flip_party"] == "REP" and 0 < tx23["p_flip"] < 0.5
    assert "vacant; last won by a Republican by 71,347 votes in 2024" in tx23["reason"]
    ca3 = ranked.loc[("CA", "us_house", "3", 1)]
    assert (ca3["holder_party"], ca3["flip_party"]) == ("IND", "REP") and 0 < ca3["p_flip"] < 1
    assert all(
        pd.notna(ranked.loc[(s, "us_house", d, 1), "p_flip"]) for s, d in (("CA", "14"), ("GA", "13"), ("FL", "20"))
    )
    # Alaska's chambers are run by bipartisan coalitions (MultiState control_status 'Coalition').
    alaska = ranked.loc["AK"]
    legislature = alaska.index.get_level_values("office") != "us_house"
    assert legislature.sum() == 60 and alaska.loc[legislature, "reason"].str.endswith(rank.COALITION_NOTE).all()
    assert not alaska.loc[~legislature, "reason"].str.contains("coalition").any()  # AK's US House seat
    assert not ranked.loc["PA", "reason"].str.contains("coalition").any()
