"""MultiState reader (analysis/sources/multistate.py).

Hand-made mirrors in tmp_path test each rule with exact values; real-data tests (the `mirror`
fixture) assert what the raw files say, values read by hand from districts/{ST}.json.gz.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.normalize import build_contests
from analysis.sources import multistate

FOLDER = Path("statelegislative/multistate_elections")

# --------------------------------------------------------------------------- fixture builders


def cand(name, party, votes, result, incumbent=False, write_in=False, **extra):
    return {
        "id": 1, "name": name, "party": party, "votes": votes, "pct": None, "result": result,
        "is_incumbent": incumbent, "is_write_in": write_in, **extra,
    }  # fmt: skip


def elec(year, kind, date, cands, **extra):
    return {
        "year": year, "type": kind, "date": date, "total_votes": None, "is_open_seat": False,
        "result_status": "Certified", "filing_deadline": None, "forecast_rating": None, "candidates": cands, **extra,
    }  # fmt: skip


def seat(elections, designator=None, holder="Holder", party="D", next_election=2026, term=2, caucus=None):
    return {
        "seat_id": 1, "seat_label": "x", "seat_designator": designator, "current_holder": holder,
        "current_holder_party": party, "current_holder_caucus": caucus or party, "term_length": term,
        "next_election": next_election, "election_class": None, "since_year": 2020, "elections": elections,
    }  # fmt: skip


def dist(number, seats, chamber="House", name=None, margin="+1.0", num_seats=None, bloc=False, **extra):
    return {
        "district_number": number, "district_name": name or f"HD-{number}", "chamber": chamber,
        "num_seats": num_seats or len(seats), "is_floterial": False, "pres_2024_margin": margin,
        "pres_2024_winner": "D", "redistricting_year": 2022, "uses_bloc_voting": bloc, "partisan_shift": 0.0,
        "similar_districts": [], "seats": seats, **extra,
    }  # fmt: skip


def state_doc(state, districts, cycles=None):
    return {
        "generated_at": "2026-03-24T00:00:00Z", "state": state, "state_name": state, "uses_jungle_primary": False,
        "has_runoffs": False, "senate_term_years": 4, "house_term_years": 2,
        "redistricting_cycles": cycles or {"House": [2012, 2022], "Senate": [2012, 2022]}, "districts": districts,
    }  # fmt: skip


SIDE_FILES = {
    "pres_margins": {"generated_at": "x", "districts": []},
    "legislatures_data": {
        "generated_at": "x",
        "chambers": [
            {
                "state": "XX",
                "chamber": "House",
                "total_seats": 3,
                "d_seats": 2,
                "r_seats": 1,
                "other_seats": 0,
                "vacant_seats": 0,
                "control_status": "D",
                "majority_threshold": 2,
                "seats_up_2026": 3,
                "election_date": "2026-11-03",
                "supermajority": {"veto_override": "2/3"},
            },
            {
                "state": "XX",
                "chamber": "Senate",
                "total_seats": 2,
                "d_seats": 1,
                "r_seats": 1,
                "other_seats": 0,
                "vacant_seats": 0,
                "control_status": "Power_Sharing",
                "majority_threshold": 2,
                "seats_up_2026": 1,
            },
        ],
    },  # fmt: skip
    "control_history": {
        "trifectas": {"XX": {"2020": "D", "2021": "Split"}},
        "governors": {"XX": {"2020": "D"}},
        "legislatures": {"XX": {"2020": "R"}},
    },
    "flips_summary": {"flips": []},
    "nh_floterial_map": {"Belknap-8": ["Belknap-3", "Belknap-4"]},
}


def write_json(path: Path, doc, gz: bool) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(doc).encode("utf-8")
    if gz:
        path = path.with_name(path.name + ".gz")
        path.write_bytes(gzip.compress(data))
    else:
        path.write_bytes(data)
    return path


def make_mirror(tmp_path: Path, states: dict, gz: bool = True, **side) -> Path:
    base = tmp_path / FOLDER
    for code, doc in states.items():
        write_json(base / "districts" / f"{code}.json", doc, gz)
    for stem, doc in {**SIDE_FILES, **side}.items():
        write_json(base / f"{stem}.json", doc, gz=False)
    return tmp_path


def one_state(tmp_path, districts, state="XX", cycles=None, **side):
    return multistate.read(make_mirror(tmp_path, {state: state_doc(state, districts, cycles)}, **side))


def contest(result, **where):
    c = result.tables["candidates"]
    for k, v in where.items():
        c = c[c[k] == v]
    return c


# --------------------------------------------------------------------------- files


def test_reads_gzipped_and_plain_json_alike(tmp_path):
    doc = state_doc("XX", [dist("1", [seat([elec(2024, "General", "2024-11-05", [cand("Ann", "D", 10, "Won")])])])])
    gz = multistate.read(make_mirror(tmp_path / "a", {"XX": doc}, gz=True))
    plain = multistate.read(make_mirror(tmp_path / "b", {"XX": doc}, gz=False))
    cols = ["state_po", "office", "district", "year", "candidate", "votes"]
    assert gz.tables["candidates"][cols].equals(plain.tables["candidates"][cols])
    assert (
        gz.tables["candidates"]["source_file"].iloc[0] == "statelegislative/multistate_elections/districts/XX.json.gz"
    )
    assert (
        plain.tables["candidates"]["source_file"].iloc[0] == "statelegislative/multistate_elections/districts/XX.json"
    )


# --------------------------------------------------------------------------- kinds, rows, accounting


def test_kinds_primaries_and_row_accounting(tmp_path):
    elections = [
        elec(2024, "General", "2024-11-05", [cand("Ann", "D", 100, "Won"), cand("Bob", "R", 90, "Lost")]),
        elec(2024, "General_Runoff", "2024-12-03", [cand("Ann", "D", 50, "Won")]),
        elec(2023, "Special", "2023-03-01", [cand("Cy", "D", 40, "Won"), cand("Di", "R", 30, "Lost")]),
        elec(2023, "Special_Runoff", "2023-04-01", [cand("Cy", "D", 41, "Won")]),
        elec(2024, "Primary_D", "2024-06-01", [cand("Ann", "D", 9, "Won"), cand("Ed", "D", 8, "Lost")]),
        elec(2023, "Special_Primary", "2023-02-01", [cand("Cy", "D", 5, "Won")]),
        elec(2023, "Special_Runoff_R", "2023-02-15", [cand("Di", "R", 5, "Won")]),
    ]
    res = one_state(tmp_path, [dist("1", [seat(elections)])])
    c = res.tables["candidates"]
    assert sorted(set(zip(c["kind"], c["election_date"], strict=True))) == [
        ("general", "2024-11-05"), ("runoff", "2024-12-03"), ("special", "2023-03-01"),
        ("special_runoff", "2023-04-01"),
    ]  # fmt: skip
    summary = dict(zip(res.tables["rejected_summary"]["reason"], res.tables["rejected_summary"]["rows"], strict=True))
    assert summary["primary"] == 4  # Primary_D (2), Special_Primary, party runoff Special_Runoff_R
    assert res.rows_read == 10
    assert res.rows_read == len(c) + len(res.tables["upcoming"]) + len(res.rejected) + summary["primary"]


def test_candidate_fields(tmp_path):
    elections = [
        elec(
            2024, "General", "2024-11-05",
            [cand("  Ann   Lee ", "D", 100, "Won", incumbent=True), cand("Bob", "R", None, "Lost"),
             cand("Wanda", "I", 3, "Lost", write_in=True)],
        )
    ]  # fmt: skip
    c = one_state(tmp_path, [dist("7", [seat(elections)])]).tables["candidates"].set_index("candidate")
    assert list(c.index) == ["Ann Lee", "Bob", "Wanda"]
    assert c.loc["Ann Lee", "votes"] == 100.0 and pd.isna(c.loc["Bob", "votes"])
    assert c.loc["Ann Lee", "party"] == "DEM" and c.loc["Bob", "party"] == "REP" and c.loc["Wanda", "party"] == "IND"
    assert c["incumbent"].tolist() == [True, False, False]
    assert c["writein"].tolist() == [False, False, True]
    assert c["won_reported"].tolist() == [True, False, False]
    assert (c["seats"] == 1).all() and (c["district"] == "7").all() and (c["office"] == "state_house").all()
    assert c["source_row"].tolist() == [1, 2, 3]


def test_unmapped_party_label_is_listed_not_guessed(tmp_path):
    elections = [elec(2024, "General", "2024-11-05", [cand("Ann", "D", 10, "Won"), cand("Zed", "ZZQ", 5, "Lost")])]
    res = one_state(tmp_path, [dist("1", [seat(elections)])])
    assert contest(res, candidate="Zed")["party"].tolist() == [None]
    assert res.unmapped_labels[["source", "label", "rows"]].values.tolist() == [["multistate", "ZZQ", 1]]


def test_nebraska_nonpartisan_keeps_caucus(tmp_path):
    elections = [
        elec(
            2024, "General", "2024-11-05", [cand("Bob", "NP", 8905, "Won", caucus="R"), cand("Di", "NP", 8302, "Lost")]
        )
    ]
    res = one_state(
        tmp_path, [dist("1", [seat(elections, party="NP", caucus="R")], chamber="Legislature", name="LD-1")],
        state="NE", cycles={"Legislature": [2012, 2022]},
    )  # fmt: skip
    c = res.tables["candidates"]
    assert c["office"].unique().tolist() == ["state_senate"]
    assert c["party"].tolist() == ["NONPARTISAN", "NONPARTISAN"]
    assert c["caucus"].iloc[0] == "R" and pd.isna(c["caucus"].iloc[1])
    d = res.tables["districts"].iloc[0]
    assert (d["holder_party"], d["holder_caucus"]) == ("OTHER", "REP")


# --------------------------------------------------------------------------- multi-member districts


def test_identical_copies_under_every_seat_are_merged(tmp_path):
    # NH-style bloc district: the same list repeated under seats A and B.
    lst = [cand("Ann", "R", 300, "Won"), cand("Bob", "R", 280, "Won"), cand("Cy", "D", 250, "Lost")]
    e = elec(2024, "General", "2024-11-05", lst)
    res = one_state(tmp_path, [dist("Belknap-2", [seat([e], "A"), seat([e], "B")], name="Belknap-2", bloc=True)])
    c = res.tables["candidates"]
    assert c["candidate"].tolist() == ["Ann", "Bob", "Cy"]
    assert c["seats"].unique().tolist() == [2] and c["seat"].isna().all()
    assert c["list_complete"].unique().tolist() == [True]
    assert res.rejected["reason"].tolist() == ["repeated under another seat of a multi-member district"] * 3
    assert res.rejected["source_row"].tolist() == [4, 5, 6]


def test_split_copies_are_unioned_and_loser_flags_not_trusted(tmp_path):
    # NJ 2023 LD-5 pattern: each seat holds one winner, the losers, and a loser flagged 'Won'.
    a = elec(2023, "General", "2023-11-07", [cand("Spearman", "D", 25994, "Won"), cand("Miller", "R", 11386, "Won"),
                                             cand("Pagan", "R", 11048, "Lost")])  # fmt: skip
    b = elec(2023, "General", "2023-11-07", [cand("Moen", "D", 25757, "Won"), cand("Miller", "R", 11386, "Won"),
                                             cand("Pagan", "R", 11048, "Lost")])  # fmt: skip
    res = one_state(
        tmp_path, [dist("5", [seat([a], "A"), seat([b], "B")], chamber="Assembly")], state="NJ",
        cycles={"Assembly": [2011, 2022], "Senate": [2011, 2022]},
    )  # fmt: skip
    c = res.tables["candidates"]
    assert sorted(c["candidate"]) == ["Miller", "Moen", "Pagan", "Spearman"]
    assert c["seats"].unique().tolist() == [2]
    assert c["winners_reported"].unique().tolist() == [3]
    races, cands = build_contests(c[multistate.CANDIDATE_COLUMNS + ["seat"]])
    assert sorted(cands.loc[cands["won"], "candidate"]) == ["Moen", "Spearman"]
    assert races["seats_won_dem"].tolist() == [2]


def test_same_party_and_votes_under_another_name_is_a_copy(tmp_path):
    # AZ 2024 LD-1: seat B lists 'Mike Smith' with seat A's 'Marla Smith' party and votes.
    a = elec(2024, "General", "2024-11-05", [cand("Bliss", "R", 88691, "Won"), cand("Nguyen", "R", 87726, "Won"),
                                             cand("Marla Smith", "D", 44199, "Lost"), cand("Ruby", "D", 40911, "Lost")])  # fmt: skip
    b = elec(2024, "General", "2024-11-05", [cand("Nguyen", "R", 87726, "Won"), cand("Mike Smith", "D", 44199, "Lost"),
                                             cand("Ruby", "D", 40911, "Lost")])  # fmt: skip
    b["result_status"] = None
    res = one_state(tmp_path, [dist("1", [seat([a], "A"), seat([b], "B")])], state="AZ")
    assert sorted(res.tables["candidates"]["candidate"]) == ["Bliss", "Marla Smith", "Nguyen", "Ruby"]
    reasons = res.rejected["reason"].value_counts().to_dict()
    assert reasons == {
        "repeated under another seat of a multi-member district": 2,
        "repeated under another seat with a different name spelling (same party and votes)": 1,
    }


def test_position_seats_are_separate_single_seat_contests(tmp_path):
    p1 = elec(2024, "General", "2024-11-05", [cand("Duerr", "D", 55168, "Won"), cand("Davies", "R", 24467, "Lost")])
    p2 = elec(2024, "General", "2024-11-05", [cand("Kloba", "D", 59587, "Won")])
    res = one_state(
        tmp_path, [dist("1", [seat([p1], "A", holder="Duerr"), seat([p2], "B", holder="Kloba")], margin="+44.4")],
        state="WA",
    )  # fmt: skip
    c = res.tables["candidates"]
    assert c[["seat", "candidate", "seats"]].values.tolist() == [
        ["1", "Duerr", 1],
        ["1", "Davies", 1],
        ["2", "Kloba", 1],
    ]
    races, _ = build_contests(c[multistate.CANDIDATE_COLUMNS + ["seat"]])
    assert sorted(races["seat"]) == ["1", "2"]
    d = res.tables["districts"]
    assert d[["district", "seat", "seats", "district_seats", "holder_names"]].values.tolist() == [
        ["1", "1", 1, 2, "Duerr"], ["1", "2", 1, 2, "Kloba"],
    ]  # fmt: skip
    assert res.tables["presidential"]["district"].tolist() == ["1"]  # one row per district, not per seat


def test_incomplete_bloc_list_is_flagged(tmp_path):
    # NH 2022 Carroll-8: a 2-seat district listing one winner and two losers.
    e = elec(2022, "General", "2022-11-08", [cand("McConkey", "R", 6062, "Won"), cand("Knirk", "D", 4298, "Lost"),
                                             cand("Ringelstein", "D", 4287, "Lost")])  # fmt: skip
    res = one_state(tmp_path, [dist("Carroll-8", [seat([e], "A"), seat([e], "B")], name="Carroll-8", bloc=True)])
    c = res.tables["candidates"]
    assert c["seats"].unique().tolist() == [2]
    assert c["list_complete"].unique().tolist() == [False]
    assert any("fewer winners than seats" in n for n in res.notes)


def test_old_lines_take_the_magnitude_from_the_list(tmp_path):
    # WV House of Delegates: 2018 results (3-seat district, old lines) filed under a current 1-seat district.
    old = elec(2018, "General", "2018-11-06", [cand("A", "D", 7684, "Won"), cand("B", "R", 6544, "Won"),
                                                cand("C", "R", 6356, "Won"), cand("D", "D", 6110, "Lost")])  # fmt: skip
    new = elec(2024, "General", "2024-11-05", [cand("E", "R", 5000, "Won"), cand("F", "D", 4000, "Lost")])
    c = one_state(tmp_path, [dist("16", [seat([old, new])], chamber="House of Delegates")], state="WV",
                  cycles={"House of Delegates": [2012, 2022], "Senate": [2012, 2022]}).tables["candidates"]  # fmt: skip
    assert c.groupby("year")["seats"].first().to_dict() == {2018: 3, 2024: 1}
    assert c.groupby("year")["old_lines"].first().to_dict() == {2018: True, 2024: False}


def test_special_in_single_seat_district_stays_single(tmp_path):
    # GA HD-7 2023-01-03: a first round labelled Special_Runoff flags both candidates who advanced 'Won'.
    e = elec(2023, "Special_Runoff", "2023-01-03", [cand("Ralston", "R", 3582, "Won"), cand("Chastain", "R", 3125, "Won"),
                                                     cand("Heitman", "R", 590, "Lost")])  # fmt: skip
    c = one_state(tmp_path, [dist("7", [seat([e])])], state="GA").tables["candidates"]
    assert c["seats"].unique().tolist() == [1] and c["kind"].unique().tolist() == ["special_runoff"]


def test_runoff_bound_round_is_flagged(tmp_path):
    e = elec(2023, "General", "2023-10-14", [cand("A", "R", 4000, "Advanced"), cand("B", "D", 3000, "Advanced"),
                                             cand("C", "R", 1000, "Lost")])  # fmt: skip
    c = one_state(tmp_path, [dist("5", [seat([e])])], state="LA").tables["candidates"]
    assert c["went_to_runoff"].all() and c["won_reported"].tolist() == [False, False, False]


def test_future_and_unreported_elections_go_to_upcoming(tmp_path):
    elections = [
        elec(2026, "General", "2026-11-03", [cand("Ann", "D", None, "Pending"), cand("Bob", "R", None, None)]),
        elec(2026, "Special", "2026-03-01", [cand("Cy", "D", None, None)]),  # held before export, not yet reported
        elec(2026, "Special", "2026-02-01", [cand("Di", "D", 812, "Won")]),
    ]
    res = one_state(tmp_path, [dist("1", [seat(elections)])])
    assert res.tables["candidates"]["candidate"].tolist() == ["Di"]
    assert sorted(res.tables["upcoming"]["candidate"]) == ["Ann", "Bob", "Cy"]


# --------------------------------------------------------------------------- district keys


def test_district_keys():
    assert multistate.mn_house_district(1) == "1A"
    assert multistate.mn_house_district("2") == "1B"
    assert multistate.mn_house_district(134) == "67B"
    assert multistate.district_id("MN", "House", "3") == "2A"
    assert multistate.district_id("MN", "Senate", "3") == "3"
    assert multistate.district_id("AK", "Senate", "1", "SD-A") == "A"
    assert multistate.district_id("AK", "Senate", "20", "SD-T") == "T"
    assert multistate.district_id("AK", "House", "1", "HD-1") == "1"
    assert multistate.district_id("MA", "House", "1", "10th  Bristol") == "10th Bristol"
    assert multistate.district_id("VT", "House", "Addison-1", "Addison-1") == "Addison-1"
    assert multistate.district_id("NH", "House", "Hillsborough-12") == "Hillsborough-12"
    assert multistate.district_id("MD", "House of Delegates", "1a") == "1A"
    assert multistate.district_id("PA", "House", "012") == "12"


# --------------------------------------------------------------------------- plans


def test_plans_translate_cycles_to_first_election_years(tmp_path):
    docs = {
        "VA": state_doc("VA", [], {"House of Delegates": [2011, 2019, 2022], "Senate": [2011, 2022]}),
        "LA": state_doc("LA", [], {"House": [{"year": 2012}, {"year": 2022}]}),
        "MS": state_doc("MS", [], {"House": [{"year": 2012}, {"year": 2022}, {"year": 2025, "date": "2025-04-15"}]}),
        "NJ": state_doc("NJ", [], {"Senate": [2011, 2022]}),
        "AK": state_doc("AK", [], {"Senate": [2012, 2014, 2022]}),
    }
    plans = multistate.read(make_mirror(tmp_path, docs)).tables["plans"]
    got = {(r.state_po, r.office, r.cycle_year): r.first_year for r in plans.itertuples()}
    assert got == {
        ("VA", "state_house", 2011): 2011, ("VA", "state_house", 2019): 2019, ("VA", "state_house", 2022): 2023,
        ("VA", "state_senate", 2011): 2011, ("VA", "state_senate", 2022): 2023,
        ("LA", "state_house", 2012): 2011, ("LA", "state_house", 2022): 2023,
        ("MS", "state_house", 2012): 2015, ("MS", "state_house", 2022): 2023, ("MS", "state_house", 2025): 2025,
        ("NJ", "state_senate", 2011): 2011, ("NJ", "state_senate", 2022): 2023,
        ("AK", "state_senate", 2012): 2012, ("AK", "state_senate", 2014): 2014, ("AK", "state_senate", 2022): 2022,
    }  # fmt: skip
    assert set(plans["source"]) == {"multistate"}
    ms = plans[(plans.state_po == "MS") & (plans.cycle_year == 2025)]
    assert ms["adopted_date"].tolist() == ["2025-04-15"]


# --------------------------------------------------------------------------- districts and side files


def test_districts_table_holders_and_margins(tmp_path):
    districts = [
        dist("1", [seat([], "A", "Ann", "D"), seat([], "B", "Bob", "R"), seat([], "C", "Cy", "D")],
             margin="-17.4", bloc=True),
        dist("2", [seat([], "A", "Di", "D"), seat([], "B", "Ed", "R")], margin="+0.4", bloc=True),
        dist("3", [seat([], None, None, None)], margin=None),
        dist("9", [seat([], None, "Old", "R", next_election=None)], eliminated=True, redistricting_cycle=1974),
    ]  # fmt: skip
    res = one_state(tmp_path, districts)
    d = res.tables["districts"].set_index("district")
    assert d.loc["1", ["holder_party", "holder_detail", "holder_names", "seats"]].tolist() == [
        "DEM", "DEM 2, REP 1", "Ann; Bob; Cy", 3]  # fmt: skip
    assert d.loc["2", "holder_party"] == "SPLIT"
    assert pd.isna(d.loc["3", "holder_party"]) and d.loc["3", "holder_detail"] == "VACANT 1"
    assert d.loc["1", "pres_2024_margin"] == -17.4 and d.loc["2", "pres_2024_margin"] == 0.4
    assert "9" not in d.index
    assert res.tables["eliminated_districts"]["district"].tolist() == ["9"]
    p = res.tables["presidential"]
    assert p[["district", "margin", "margin_basis", "lines_year", "pres_year"]].values.tolist() == [
        ["1", -17.4, "all_votes", 2024, 2024], ["2", 0.4, "all_votes", 2024, 2024]]  # fmt: skip


def test_side_files(tmp_path):
    flips = {"flips": [{"state": "MN", "chamber": "House", "district": "35", "year": 2024, "type": "General",
                        "from_party": "D", "to_party": "R", "winner": "W", "loser": "L", "is_open": False,
                        "margin_pct": 3.37}]}  # fmt: skip
    res = multistate.read(make_mirror(tmp_path, {"MN": state_doc("MN", [dist("35", [seat([])])])}, flips_summary=flips))
    f = res.tables["flips"]
    assert f[["state_po", "office", "district", "district_number", "from_party", "to_party", "margin_pct"]].values.tolist() == [
        ["MN", "state_house", "18A", "35", "DEM", "REP", 3.37]]  # fmt: skip
    leg = res.tables["legislatures"]
    assert leg[["state_po", "office", "total_seats", "d_seats", "control_status"]].values.tolist() == [
        ["XX", "state_house", 3, 2, "D"], ["XX", "state_senate", 2, 1, "Power_Sharing"]]  # fmt: skip
    assert json.loads(leg["supermajority"].iloc[0]) == {"veto_override": "2/3"}
    ch = res.tables["control_history"]
    assert ch.values.tolist() == [["XX", 2020, "trifecta", "D"], ["XX", 2021, "trifecta", "Split"],
                                  ["XX", 2020, "governor", "D"], ["XX", 2020, "legislature", "R"]]  # fmt: skip
    assert res.tables["nh_floterial"][["floterial_district", "base_district"]].values.tolist() == [
        ["Belknap-8", "Belknap-3"], ["Belknap-8", "Belknap-4"]]  # fmt: skip


# --------------------------------------------------------------------------- malformed input


def _one_general(**cand_kw):
    return state_doc("XX", [dist("1", [seat([elec(2024, "General", "2024-11-05", [cand("Ann", "D", 10, "Won"),
                                                                                   cand(**cand_kw)])])])])  # fmt: skip


def test_non_numeric_votes_names_file_row_column(tmp_path):
    doc = _one_general(name="Bob", party="R", votes="lots", result="Lost")
    with pytest.raises(InputError) as err:
        multistate.read(make_mirror(tmp_path, {"XX": doc}))
    e = err.value
    assert (e.file, e.row, e.column) == ("statelegislative/multistate_elections/districts/XX.json.gz", 2, "votes")


def test_missing_field_names_file_row_column(tmp_path):
    doc = _one_general(name="Bob", party="R", votes=5, result="Lost")
    del doc["districts"][0]["seats"][0]["elections"][0]["candidates"][1]["votes"]
    with pytest.raises(InputError) as err:
        multistate.read(make_mirror(tmp_path, {"XX": doc}))
    assert (err.value.row, err.value.column) == (2, "votes")
    assert "districts[0].seats[0].elections[0].candidates[1]" in str(err.value)

    doc = _one_general(name="Bob", party="R", votes=5, result="Lost")
    del doc["districts"][0]["chamber"]
    with pytest.raises(InputError) as err:
        multistate.read(make_mirror(tmp_path / "b", {"XX": doc}))
    assert (err.value.row, err.value.column) == (1, "chamber")


def test_unknown_chamber_and_bad_margin(tmp_path):
    doc = state_doc("XX", [dist("1", [seat([])]), dist("2", [seat([])], chamber="Council")])
    with pytest.raises(InputError) as err:
        multistate.read(make_mirror(tmp_path / "a", {"XX": doc}))
    assert (err.value.row, err.value.column) == (2, "chamber")
    doc = state_doc("XX", [dist("1", [seat([])]), dist("2", [seat([])], margin="EVEN")])
    with pytest.raises(InputError) as err:
        multistate.read(make_mirror(tmp_path / "b", {"XX": doc}))
    assert (err.value.row, err.value.column) == (2, "pres_2024_margin")


def test_truncated_gzip_bad_encoding_and_truncated_json(tmp_path):
    mirror = make_mirror(tmp_path / "a", {"XX": _one_general(name="Bob", party="R", votes=5, result="Lost")})
    path = mirror / FOLDER / "districts" / "XX.json.gz"
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(InputError, match="truncated or corrupt gzip") as err:
        multistate.read(mirror)
    assert err.value.file == "statelegislative/multistate_elections/districts/XX.json.gz"

    mirror = make_mirror(tmp_path / "b", {"XX": _one_general(name="Bob", party="R", votes=5, result="Lost")}, gz=False)
    path = mirror / FOLDER / "districts" / "XX.json"
    path.write_bytes(path.read_bytes().replace(b'"Bob"', '"B\u00f6b"'.encode("latin-1")))
    with pytest.raises(InputError, match="not UTF-8"):
        multistate.read(mirror)

    path.write_bytes(json.dumps(_one_general(name="Bob", party="R", votes=5, result="Lost")).encode()[:-30])
    with pytest.raises(InputError, match="invalid or truncated JSON"):
        multistate.read(mirror)


def test_missing_side_file(tmp_path):
    mirror = make_mirror(tmp_path, {"XX": _one_general(name="Bob", party="R", votes=5, result="Lost")})
    (mirror / FOLDER / "legislatures_data.json").unlink()
    with pytest.raises(InputError, match="file not found") as err:
        multistate.read(mirror)
    assert err.value.file == "statelegislative/multistate_elections/legislatures_data.json"


# --------------------------------------------------------------------------- real data


@pytest.fixture(scope="module")
def real(mirror):
    return multistate.read(mirror)


def _rows(res, state, office, district, year, kind="general"):
    c = res.tables["candidates"]
    sel = (c.state_po == state) & (c.office == office) & (c.district == district) & (c.year == year) & (c.kind == kind)
    return c[sel].set_index("candidate")


def test_real_va_2017_hd94_tie_stored_as_yancey(real):
    # districts/VA.json.gz, HD-94, 2017 General (no date): Yancey R 11,608 'Won', Simonds D 11,608 'Lost'.
    c = _rows(real, "VA", "state_house", "94", 2017)
    assert sorted(c.index) == ["David Yancey", "Shelly Simonds"]
    assert c.loc["David Yancey", ["party", "votes", "won_reported"]].tolist() == ["REP", 11608.0, True]
    assert c.loc["Shelly Simonds", ["party", "votes", "won_reported"]].tolist() == ["DEM", 11608.0, False]
    assert c["election_date"].isna().all()


def test_real_pa_house_2022_winners(real):
    # MultiState's own 'Won' flags in PA.json.gz: 101 R / 100 D in 201 districts (HD-112, HD-194 absent).
    c = real.tables["candidates"]
    pa = c[(c.state_po == "PA") & (c.office == "state_house") & (c.year == 2022) & (c.kind == "general")]
    races, _ = build_contests(pa[multistate.CANDIDATE_COLUMNS + ["seat"]])
    assert len(races) == 201
    assert races["winner_party"].value_counts().to_dict() == {"REP": 101, "DEM": 100}
    assert not {"112", "194"} & set(races["district"])


def test_real_nj_assembly_2023_split_lists(real):
    # NJ.json.gz LD-5 2023: seat A Spearman D 25,994 (+ Miller R 11,386 flagged 'Won'), seat B Moen D 25,757.
    c = _rows(real, "NJ", "state_house", "5", 2023)
    assert c["votes"].to_dict() == {"William W. Spearman": 25994.0, "Joe Miller": 11386.0, "Yalinda Pagan": 11048.0,
                                    "William F. Moen Jr.": 25757.0}  # fmt: skip
    races, cands = build_contests(c.reset_index()[multistate.CANDIDATE_COLUMNS + ["seat"]])
    assert sorted(cands.loc[cands["won"], "candidate"]) == ["William F. Moen Jr.", "William W. Spearman"]
    nj = real.tables["candidates"]
    nj = nj[(nj.state_po == "NJ") & (nj.office == "state_house") & (nj.year == 2023) & (nj.kind == "general")]
    races, _ = build_contests(nj[multistate.CANDIDATE_COLUMNS + ["seat"]])
    assert (races["seats_won_dem"].sum(), races["seats_won_rep"].sum()) == (52, 28)  # the 2024-25 Assembly


def test_real_az_and_wa_2024(real):
    az = _rows(real, "AZ", "state_house", "1", 2024)
    assert az["votes"].to_dict() == {"Selina Bliss": 88691.0, "Quang Nguyen": 87726.0, "Marla Smith": 44199.0,
                                     "Jay Ruby": 40911.0}  # fmt: skip
    assert az["seats"].unique().tolist() == [2]
    wa = _rows(real, "WA", "state_house", "1", 2024)
    assert wa.reset_index()[["seat", "candidate", "votes"]].values.tolist() == [
        ["1", "Davina Duerr", 55168.0], ["1", "Mark Davies", 24467.0], ["2", "Shelley Kloba", 59587.0]]  # fmt: skip


def test_real_district_keys(real):
    d = real.tables["districts"]
    mn = d[(d.state_po == "MN") & (d.office == "state_house")].set_index("district_number")
    assert mn.loc["1", ["district", "holder_names"]].tolist() == ["1A", "John Burkel"]
    assert mn.loc["2", ["district", "holder_names"]].tolist() == ["1B", "Steve Gander"]
    ak = d[(d.state_po == "AK") & (d.office == "state_senate")].set_index("district")
    assert ak.loc["A", ["district_number", "district_name", "holder_names"]].tolist() == ["1", "SD-A", "Bert Stedman"]
    assert ak.loc["T", "holder_names"] == "Donny Olson"
    vt = d[(d.state_po == "VT") & (d.district == "Addison-1")].iloc[0]
    assert (vt["seats"], vt["holder_party"], vt["pres_2024_margin"]) == (2, "DEM", 56.6)
    ma = d[(d.state_po == "MA") & (d.office == "state_house")]
    assert ma.set_index("district_number").loc["1", "district"] == "10th Bristol"


def test_real_counts(real, mirror):
    d = real.tables["districts"]
    assert d[["state_po", "office", "district"]].drop_duplicates().shape[0] == 6810
    assert len(real.tables["eliminated_districts"]) == 72
    pres = json.loads((mirror / FOLDER / "pres_margins.json").read_text())["districts"]
    assert len({(r["state"], r["chamber"], r["district"]) for r in pres}) == 6810
    assert int(real.tables["legislatures"]["total_seats"].sum()) == 7386
    assert int(d["seats"].sum()) == 7386
    assert len(real.tables["presidential"]) == 6806  # 4 null margins: NH 3, MS 1
    assert real.rows_read == 156590
    summary = dict(zip(real.tables["rejected_summary"]["reason"], real.tables["rejected_summary"]["rows"], strict=True))
    assert real.rows_read == (len(real.tables["candidates"]) + len(real.tables["upcoming"]) + len(real.rejected)
                              + summary["primary"])  # fmt: skip
    assert real.unmapped_labels["label"].tolist() == [""]  # only missing labels; every code is mapped


def test_real_coverage_matches_known_gaps(real):
    cov = real.tables["coverage"].set_index(["state_po", "office", "year"])
    # SOURCES.md 1a: NH House 93 deduplicated winners in 2022 and 87 in 2024; HI 41 contests in 2020, 43 in 2024.
    assert cov.loc[("NH", "state_house", 2022), "winners_reported"] == 93
    assert cov.loc[("NH", "state_house", 2024), "winners_reported"] == 87
    hi = cov.loc["HI"]
    assert hi.loc[(slice(None), 2020), "contests"].sum() == 41
    assert hi.loc[(slice(None), 2024), "contests"].sum() == 43
    assert cov.loc[("WA", "state_house", 2018), "contests"] == 0  # "WA: 2018 has only 24 contests" (all Senate)
    assert cov.loc[("WA", "state_senate", 2018), "contests"] == 24
    assert cov.loc[("VA", "state_house", 2017), "contests"] == 99  # HD-40 has no results before 2025


def test_empty_district_key(tmp_path):
    with pytest.raises(InputError) as err:
        one_state(tmp_path, [dist("1", [seat([])]), dist(" ", [seat([])])])
    assert (err.value.row, err.value.column) == (2, "district_number")


def test_real_ma_senate_name_variant_counted_once(mirror):
    from analysis.normalize import build_contests
    from analysis.sources import multistate

    rows = multistate.read(mirror).tables["candidates"]
    cape = rows[
        (rows.state_po == "MA")
        & (rows.office == "state_senate")
        & (rows.district == "Cape and Islands")
        & (rows.year == 2024)
        & (rows.kind == "general")
    ]
    races, cands = build_contests(cape)
    # The raw 2024 list gives Cyr 64,636 and Lauzon 38,893, and names Cyr twice (once as 'Julian Andre Cyr').
    assert races["dem_votes"].iloc[0] == 64636
    assert int(cands["won"].sum()) == 1


def test_real_ma_10th_norfolk_suffix_variant_counted_once(mirror):
    from analysis.normalize import build_contests
    from analysis.sources import multistate

    rows = multistate.read(mirror).tables["candidates"]
    race = rows[
        (rows.state_po == "MA")
        & (rows.office == "state_house")
        & (rows.district == "10th Norfolk")
        & (rows.year == 2024)
        & (rows.kind == "general")
    ]
    races, _ = build_contests(race)
    # The raw list names 'Charles Bailey' and 'Charles F. Bailey, III', 9,653 votes each: one person.
    assert races["rep_votes"].iloc[0] == 9653
    assert races["winner_party"].iloc[0] == "DEM" and races["margin"].iloc[0] > 20
