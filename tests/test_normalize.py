"""Normalization rules on tiny hand-made inputs (exact asserts)."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis import normalize as nz


def cand(
    candidate,
    party,
    votes,
    district="1",
    seats=1,
    writein=False,
    won=None,
    kind="general",
    state="XX",
    office="state_house",
    year=2024,
    party_raw=None,
    date=None,
):
    return {
        "source": "t",
        "source_file": "f.csv",
        "source_row": 1,
        "state_po": state,
        "office": office,
        "district": district,
        "year": year,
        "election_date": date,
        "kind": kind,
        "seats": seats,
        "candidate": candidate,
        "party_raw": party_raw or party,
        "party": party,
        "votes": votes,
        "writein": writein,
        "incumbent": None,
        "won_reported": won,
    }


def contests(rows, ties=None):
    races, cands = nz.build_contests(pd.DataFrame(rows), ties)
    return races.set_index("district"), cands


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("001", "1"),
        ("1", "1"),
        ("1.0", "1"),
        ("10", "10"),
        ("105", "105"),
        ("01a", "1A"),
        ("District 7", "7"),
        ("Belknap-1", "Belknap-1"),
        ("Addison-1", "Addison-1"),
        ("Cdale", "Cdale"),
        ("HD-12", "12"),
        ("1st  Barnstable", "1st Barnstable"),
        ("a", "A"),
    ],
)
def test_canonical_district_state(raw, expected):
    assert nz.canonical_district("XX", "state_house", raw) == expected


@pytest.mark.parametrize("raw", ["0", "00", "AL", "At-Large"])
def test_canonical_district_at_large(raw):
    assert nz.canonical_district("WY", "us_house", raw) == "AL"


def test_at_large_flag_for_minus_01():
    assert nz.canonical_district("WY", "us_house", "01", at_large=True) == "AL"
    assert nz.canonical_district("KS", "us_house", "04") == "4"


def test_party_map_explicit_and_unmapped():
    assert nz.canonical_party("Democratic-Farmer-Labor") == "DEM"
    assert nz.canonical_party("DEMOCRATIC-NPL") == "DEM"
    assert nz.canonical_party("republican") == "REP"
    assert nz.canonical_party("Purple Unicorn Party") is None


def test_accounting_rows_never_candidates():
    races, cands = contests(
        [
            cand("Ann", "DEM", 60),
            cand("Bob", "REP", 40),
            cand("TOTAL", None, 100),
            cand("UNDERVOTES", None, 5),
            cand("WRITE-IN", None, 3, writein=True),
        ]
    )
    assert set(cands["candidate"]) == {"Ann", "Bob"}
    assert races.loc["1", "total_votes"] == 100
    assert races.loc["1", "margin"] == pytest.approx(20.0)
    assert races.loc["1", "winner_party"] == "DEM"
    assert races.loc["1", "votes_to_flip"] == 11


def test_fusion_lines_sum_under_major_party():
    races, cands = contests(
        [
            cand("Mike Lawler", "REP", 180924, party_raw="REPUBLICAN"),
            cand("Mike Lawler", "OTHER", 16921, party_raw="CONSERVATIVE"),
            cand("Mondaire Jones", "DEM", 150000),
        ]
    )
    lawler = cands[cands.candidate == "Mike Lawler"].iloc[0]
    assert lawler["votes"] == 197845 and lawler["party"] == "REP" and lawler["party_lines"] == 2
    assert races.loc["1", "rep_votes"] == 197845


def test_cross_filed_both_majors_takes_larger_line():
    _, cands = contests([cand("Pat", "DEM", 900), cand("Pat", "REP", 100), cand("Lee", "REP", 500)])
    assert cands.set_index("candidate").loc["Pat", "party"] == "DEM"


def test_placeholder_votes_uncontested_null_margin_but_credited():
    races, cands = contests([cand("Solo", "REP", 1, won=None)])
    assert races.loc["1", "status"] == "uncontested"
    assert pd.isna(races.loc["1", "margin"])
    assert races.loc["1", "winner_party"] == "REP"
    assert bool(cands["won"].iloc[0])


def test_missing_votes_uses_reported_winner():
    races, _ = contests([cand("A", "DEM", None, won=False), cand("B", "REP", None, won=True)])
    assert races.loc["1", "status"] == "no_votes"
    assert races.loc["1", "winner_party"] == "REP"


def test_same_party_general():
    races, _ = contests([cand("A", "DEM", 60), cand("B", "DEM", 40)])
    assert races.loc["1", "status"] == "same_party" and pd.isna(races.loc["1", "margin"])


def test_no_dem_status():
    races, _ = contests([cand("A", "REP", 60), cand("B", "LIB", 40)])
    assert races.loc["1", "status"] == "no_dem" and pd.isna(races.loc["1", "margin"])


def test_multi_member_top_k_and_boundary_margin():
    rows = [
        cand(n, p, v, seats=2)
        for n, p, v in [("R1", "REP", 1000), ("D1", "DEM", 950), ("R2", "REP", 900), ("D2", "DEM", 800)]
    ]
    races, cands = contests(rows)
    assert set(cands.loc[cands.won, "candidate"]) == {"R1", "D1"}
    # last winner D1 (DEM, 950) vs first loser R2 (REP, 900): + for Democrats.
    assert races.loc["1", "margin"] == pytest.approx(100 * 50 / 1850)
    assert races.loc["1", "winner_party"] == "SPLIT"
    assert races.loc["1", "votes_to_flip"] == 26


def test_tie_decided_by_override_not_row_order():
    rows = [
        cand("Shelly Simonds", "DEM", 11608, district="94", state="VA", year=2017),
        cand("David Yancey", "REP", 11608, district="94", state="VA", year=2017),
    ]
    ties = pd.DataFrame(
        [
            {
                "state_po": "VA",
                "office": "state_house",
                "district": "94",
                "year": 2017,
                "kind": "general",
                "winner": "David Yancey",
            }
        ]
    )
    races, cands = contests(rows, ties)
    assert races.loc["94", "winner_party"] == "REP"
    assert races.loc["94", "margin"] == 0.0
    rows.reverse()
    races2, _ = contests(rows, ties)
    assert races2.loc["94", "winner_party"] == "REP"


def test_specials_and_runoffs_are_separate_contests():
    rows = [
        cand("A", "DEM", 10),
        cand("B", "REP", 20),
        cand("A", "DEM", 30, kind="runoff"),
        cand("B", "REP", 5, kind="runoff"),
        cand("C", "DEM", 7, kind="special", date="2024-04-02"),
        cand("D", "REP", 3, kind="special", date="2024-04-02"),
    ]
    races, _ = nz.build_contests(pd.DataFrame(rows))
    assert len(races) == 3
    assert set(races["race_id"]) == {
        "XX-state_house-1-2024-general",
        "XX-state_house-1-2024-runoff",
        "XX-state_house-1-2024-special-2024-04-02",
    }


def test_pick_mode_total_never_double_counts():
    f = pd.DataFrame(
        {
            "k": ["a", "a", "a", "b", "b"],
            "mode": ["TOTAL", "ELECTION DAY", "ABSENTEE", "ELECTION DAY", "ABSENTEE"],
            "votes": [10, 6, 4, 3, 2],
        }
    )
    out = nz.pick_mode_total(f, ["k"]).set_index("k")["votes"]
    assert out["a"] == 10 and out["b"] == 5


def test_votes_to_flip():
    assert nz.votes_to_flip(100, 90) == 6
    assert nz.votes_to_flip(100, 99) == 1
    assert nz.votes_to_flip(100, 100) == 1


def test_assign_plans():
    plans = pd.DataFrame({"state_po": ["XX", "XX"], "office": ["us_house"] * 2, "first_year": [2012, 2022]})
    frame = pd.DataFrame({"state_po": ["XX"] * 3, "office": ["us_house"] * 3, "year": [2010, 2016, 2024]})
    assert list(nz.assign_plans(frame, plans)) == ["pre", "2012", "2022"]


def test_position_seats_are_separate_contests():
    rows = [
        cand("A", "DEM", 10) | {"seat": "1"},
        cand("B", "REP", 20) | {"seat": "1"},
        cand("C", "DEM", 30) | {"seat": "2"},
        cand("D", "REP", 5) | {"seat": "2"},
    ]
    races, _ = nz.build_contests(pd.DataFrame(rows))
    assert sorted(races["race_id"]) == ["XX-state_house-1-seat1-2024-general", "XX-state_house-1-seat2-2024-general"]
    assert list(races.sort_values("seat")["winner_party"]) == ["REP", "DEM"]


def test_pick_mode_total_keeps_groups_with_missing_keys():
    f = pd.DataFrame({"k": ["a", "a", None], "mode": ["TOTAL", "ABSENTEE", "TOTAL"], "votes": [10, 4, 7]})
    out = nz.pick_mode_total(f, ["k"])
    assert sorted(out["votes"]) == [7, 10]


def test_tie_without_override_uses_reported_flag_and_is_flagged():
    rows = [cand("A", "DEM", 100, won=False), cand("B", "REP", 100, won=True)]
    races, cands = contests(rows)
    assert races.loc["1", "winner_party"] == "REP" and races.loc["1", "tie"] == "unresolved"
    rows = [cand("B", "REP", 100, won=False), cand("A", "DEM", 100, won=True)]
    races, _ = contests(rows)
    assert races.loc["1", "winner_party"] == "DEM"


def test_input_error_survives_pickling_with_its_location():
    import pickle

    from analysis.errors import InputError

    err = pickle.loads(pickle.dumps(InputError("a.csv", "bad vote", row=3, column="votes")))
    assert (err.file, err.row, err.column) == ("a.csv", 3, "votes")
    assert str(err) == "a.csv, row 3, column 'votes': bad vote"


def test_vectorized_folding_matches_scalar_rules():
    names = pd.Series(["  Ann   Lee ", None, "UNDERVOTES", '"TOTAL"', "Write-in", "Bob"])
    assert list(nz.fold_names(names)) == [nz.fold_ws(n).upper() for n in names]
    assert list(nz.accounting_mask(names)) == [nz.is_accounting_row(n) for n in names]


def test_single_seat_margin_is_leading_dem_vs_leading_rep():
    # AK-AL 2022 first round (MEDSL): Peltola 128,553; Palin 67,866; Begich 61,513.
    races, _ = contests([cand("Peltola", "DEM", 128553), cand("Palin", "REP", 67866), cand("Begich", "REP", 61513)])
    assert races.loc["1", "winner_party"] == "DEM"
    assert races.loc["1", "margin"] == pytest.approx(100 * (128553 - 67866) / (128553 + 67866))
    assert races.loc["1", "rep_votes"] == 67866 + 61513
