"""Real-data assertions on the built warehouse: certified results read in the raw files.

Needs data/flippable.duckdb (`make build`); skipped with a reason when it is absent.
"""

from __future__ import annotations

import duckdb
import pytest

from analysis import config


@pytest.fixture(scope="module")
def con():
    path = config.db_path()
    if not path.exists():
        pytest.skip(f"warehouse not built at {path} (run `make build`)")
    with duckdb.connect(str(path), read_only=True) as c:
        yield c


def one(con, sql, params=()):
    return con.execute(sql, list(params)).fetchone()


def votes(con, race_id):
    return dict(con.execute("SELECT candidate, votes FROM candidates WHERE race_id = ?", [race_id]).fetchall())


def test_kansas_4th_2016_general(con):
    v = votes(con, "KS-us_house-4-2016-general")
    assert v["MIKE POMPEO"] == 166998
    assert one(con, "SELECT winner_party, status FROM races WHERE race_id = ?", ["KS-us_house-4-2016-general"]) == (
        "REP",
        "contested",
    )


def test_kansas_4th_april_2017_special(con):
    rid = "KS-us_house-4-2017-special-2017-04-11"
    v = votes(con, rid)
    assert v["Ron Estes"] == 64044 and v["James A. Thompson"] == 56435
    kind, winner = one(con, "SELECT kind, winner_party FROM races WHERE race_id = ?", [rid])
    assert kind == "special" and winner == "REP"
    # The special is its own contest, never summed with the 2016 or 2018 general.
    assert (
        one(con, "SELECT count(*) FROM races WHERE state_po='KS' AND office='us_house' AND district='4' AND year=2017")[
            0
        ]
        == 1
    )


def test_virginia_hd94_2017_tie_decided_by_lot(con):
    rid = "VA-state_house-94-2017-general"
    v = votes(con, rid)
    assert v["David Yancey"] == 11608 and v["Shelly Simonds"] == 11608
    assert one(con, "SELECT winner_party, margin, tie FROM races WHERE race_id = ?", [rid]) == ("REP", 0.0, "override")


def test_virginia_house_2017_chamber_result(con):
    dem, rep, n = one(
        con,
        """SELECT sum(seats_won_dem), sum(seats_won_rep), count(*) FROM races
                              WHERE state_po='VA' AND office='state_house' AND year=2017 AND kind='general'""",
    )
    assert (dem, rep, n) == (49, 51, 100)


def test_every_house_district_every_cycle(con):
    rows = con.execute("""
        SELECT year, count(DISTINCT state_po || '-' || district) FROM races
        WHERE office = 'us_house' AND NOT non_voting
          AND (kind = 'general' OR (kind LIKE 'special%' AND source = 'medsl_house'))
        GROUP BY year ORDER BY year""").fetchall()
    assert [y for y, _ in rows] == list(range(1976, 2025, 2))
    assert all(n == 435 for _, n in rows)


def test_fusion_lines_counted_once_under_major_party(con):
    lawler = con.execute("""SELECT votes, party, party_lines FROM candidates
                            WHERE race_id = 'NY-us_house-17-2024-general' AND candidate LIKE '%LAWLER%'""").fetchall()
    assert lawler == [(180924 + 16921, "REP", 2)]


def test_dc_total_row_is_not_a_candidate(con):
    assert (
        one(
            con, "SELECT count(*) FROM candidates WHERE race_id = 'DC-us_house-AL-2024-general' AND candidate = 'TOTAL'"
        )[0]
        == 0
    )
    assert one(con, "SELECT non_voting FROM races WHERE race_id = 'DC-us_house-AL-2024-general'")[0] is True


def test_maine_2nd_2022_rcv_rounds_not_used(con):
    assert one(con, "SELECT status, margin FROM races WHERE race_id = 'ME-us_house-2-2022-general'") == (
        "unusable",
        None,
    )


def test_florida_placeholder_is_uncontested_with_null_margin(con):
    status, margin, winner = one(
        con, "SELECT status, margin, winner_party FROM races WHERE race_id = 'FL-us_house-24-2016-general'"
    )
    assert status == "uncontested" and margin is None and winner == "DEM"


def test_all_99_chambers_have_current_districts(con):
    chambers = con.execute("SELECT DISTINCT state_po, office FROM districts WHERE office <> 'us_house'").fetchall()
    assert len(chambers) == 99
    assert ("NE", "state_senate") in chambers and ("NE", "state_house") not in chambers
    # MultiState lists 6,810 unique (state, chamber, district) and 7,386 seats.
    assert (
        one(con, "SELECT count(DISTINCT state_po || office || district) FROM districts WHERE office <> 'us_house'")[0]
        == 6810
    )
    assert one(con, "SELECT sum(seats) FROM districts WHERE office <> 'us_house'")[0] == 7386


def test_minnesota_house_2024_tied_67_67(con):
    assert one(
        con,
        """SELECT sum(seats_won_dem), sum(seats_won_rep) FROM races
                       WHERE state_po='MN' AND office='state_house' AND year=2024 AND kind='general'""",
    ) == (67, 67)


def test_nh_house_2024_complete_from_precincts(con):
    seats, n = one(
        con,
        """SELECT sum(seats), count(*) FROM races
                           WHERE state_po='NH' AND office='state_house' AND year=2024 AND kind='general'""",
    )
    assert (seats, n) == (400, 203)


def test_presidential_alaska_2024_total(con):
    assert (
        one(
            con,
            """SELECT total_votes FROM presidential WHERE state_po='AK' AND office='us_house'
                       AND pres_year=2024 AND source='dke_cd_info'""",
        )[0]
        == 338177
    )


def test_every_current_district_has_a_shape(con):
    missing = con.execute("""SELECT state_po, office, district FROM districts
                             WHERE gap_no_geometry AND NOT is_floterial""").fetchall()
    assert missing == []
    assert one(con, "SELECT count(*) FROM district_shapes WHERE office = 'us_house'")[0] == 437


def test_public_views_have_contract_columns(con):
    want = {
        "races": "race_id year election_date state_po office district plan kind seats dem_votes rep_votes total_votes margin winner_party status",
        "candidates": "race_id candidate party votes won incumbent writein",
        "presidential": "state_po office district plan pres_year dem_votes rep_votes total_votes margin",
        "districts": "state_po office district plan seats holder_party next_election",
        "build_report": "source rows_read rows_loaded rows_rejected",
    }
    for view, cols in want.items():
        have = {r[0] for r in con.execute(f"DESCRIBE {view}").fetchall()}
        assert set(cols.split()) <= have, (view, set(cols.split()) - have)


def test_every_row_read_is_loaded_or_rejected(con):
    for source, read, loaded, rejected in con.execute(
        "SELECT source, rows_read, rows_loaded, rows_rejected FROM build_report"
    ).fetchall():
        assert read == loaded + rejected and loaded >= 0, source


def test_top_four_margin_agrees_with_winner(con):
    # AK-AL 2024 (MEDSL rows): Begich 159,550 vs Peltola 152,828 among four candidates.
    margin, winner = one(con, "SELECT margin, winner_party FROM races WHERE race_id = 'AK-us_house-AL-2024-general'")
    assert winner == "REP" and margin == pytest.approx(100 * (152828 - 159550) / (152828 + 159550))
    wrong_sign = one(
        con,
        """SELECT count(*) FROM races WHERE seats = 1 AND status = 'contested'
                             AND ((margin > 0 AND winner_party = 'REP') OR (margin < 0 AND winner_party = 'DEM'))""",
    )[0]
    assert wrong_sign == 0


def test_special_compared_on_the_lines_it_was_held_on(con):
    # PA-18, March 2018: the old (2012) lines, Trump +20 in 2016 on them, not the 2018 map's.
    plan, base_year = one(
        con,
        """SELECT r.plan, s.baseline_pres_year FROM races r JOIN specials s USING (race_id)
                                  WHERE race_id = 'PA-us_house-18-2018-special-2018-03-13'""",
    )
    assert plan == "2012" and base_year == 2016


def test_rcv_first_round_not_listed_beside_final(con):
    rows = con.execute("SELECT kind FROM specials WHERE state_po = 'AK' AND year = 2022").fetchall()
    assert rows == [("special_rcv_final",)]
