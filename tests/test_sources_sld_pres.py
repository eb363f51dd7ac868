"""Readers for 2024 precinct-derived legislative results and presidential votes by legislative
district: medsl_precinct_2024, dke_sld, jdjohn215.

Hand-made fixtures test each rule with exact values; real-data tests (the `mirror` fixture) assert
numbers read directly in the raw files or certified totals.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.normalize import build_contests
from analysis.sources import dke_sld, jdjohn215
from analysis.sources import medsl_precinct_2024 as medsl

# --------------------------------------------------------------------------- MEDSL fixtures

HEADER = [
    "precinct",
    "office",
    "party_detailed",
    "party_simplified",
    "mode",
    "votes",
    "county_name",
    "county_fips",
    "jurisdiction_name",
    "jurisdiction_fips",
    "candidate",
    "district",
    "dataverse",
    "year",
    "stage",
    "state",
    "special",
    "writein",
    "state_po",
    "state_fips",
    "state_cen",
    "state_ic",
    "date",
    "magnitude",
]


def row(
    precinct,
    office,
    candidate,
    party,
    votes,
    district="",
    *,
    state="PA",
    mode="TOTAL",
    special="FALSE",
    writein="FALSE",
    stage="GEN",
    magnitude="1",
    county="42001",
    jurisdiction="ADAMS",
):
    return {
        "precinct": precinct,
        "office": office,
        "party_detailed": party,
        "party_simplified": party,
        "mode": mode,
        "votes": votes,
        "county_name": "C",
        "county_fips": county,
        "jurisdiction_name": jurisdiction,
        "jurisdiction_fips": county,
        "candidate": candidate,
        "district": district,
        "dataverse": "X",
        "year": "2024",
        "stage": stage,
        "state": "S",
        "special": special,
        "writein": writein,
        "state_po": state,
        "state_fips": "1",
        "state_cen": "1",
        "state_ic": "1",
        "date": "2024-11-05",
        "magnitude": magnitude,
    }


def csv_bytes(rows, header=HEADER, encoding="utf-8"):
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=header, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def write_zip(mirror, st, data, member=None):
    folder = mirror / medsl.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(folder / f"{st}24.zip", "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member or medsl.MEMBERS[st], data)


def read_medsl(tmp_path, rows, st="pa", **kw):
    write_zip(tmp_path, st, csv_bytes(rows, **kw))
    return medsl.read(tmp_path, states=(st,))


def cands_of(result):
    return result.tables["candidates"].set_index("candidate")


def pres_of(result):
    return result.tables["presidential"].set_index(["office", "district"])


def test_precincts_sum_to_district_and_accounting_rows_are_rejected(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "100", "032"),
        row("1", "STATE HOUSE", "BOB B", "REPUBLICAN", "80", "032"),
        row("1", "STATE HOUSE", "UNDERVOTES", "", "7", "032"),
        row("2", "STATE HOUSE", "ANN A", "DEMOCRAT", "1,050", "032"),
        row("2", "STATE HOUSE", "BOB B", "REPUBLICAN", "20", "032"),
        row("2", "US HOUSE", "CAL C", "DEMOCRAT", "999", "013"),
    ]
    result = read_medsl(tmp_path, rows)
    c = cands_of(result)
    assert c.loc["ANN A", "votes"] == 1150
    assert c.loc["BOB B", "votes"] == 100
    assert c.loc["ANN A", "district"] == "32"
    assert c.loc["ANN A", "office"] == "state_house"
    assert c.loc["ANN A", "party"] == "DEM"
    assert c.loc["ANN A", "kind"] == "general"
    assert c.loc["ANN A", "election_date"] == "2024-11-05"
    assert c.loc["ANN A", "source_row"] == 1
    assert c.loc["BOB B", "source_file"] == "statelegislative/medsl_2024_precinct/pa24.zip"
    assert "UNDERVOTES" not in c.index
    assert result.rows_read == 6
    reasons = result.rejected.set_index("source_row")["reason"]
    assert reasons[3] == "ballot-accounting row"
    assert reasons[6].startswith("office not used")
    assert len(result.rejected) == 2


def test_total_row_wins_over_modes_and_modes_sum_without_total(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "100", "001"),
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "60", "001", mode="ELECTION DAY"),
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "40", "001", mode="ABSENTEE"),
        row("2", "STATE HOUSE", "ANN A", "DEMOCRAT", "30", "001", mode="ELECTION DAY"),
        row("2", "STATE HOUSE", "ANN A", "DEMOCRAT", "5", "001", mode="ABSENTEE"),
    ]
    result = read_medsl(tmp_path, rows)
    assert cands_of(result).loc["ANN A", "votes"] == 135
    superseded = result.rejected[result.rejected["reason"] == "vote-mode row superseded by the TOTAL row"]
    assert sorted(superseded["source_row"]) == [2, 3]


def test_nh_named_districts_magnitude_and_recount(tmp_path):
    nh = dict(state="NH", special="False", writein="False", county="33001", jurisdiction="ALTON")
    rows = [
        row("ALTON", "STATE HOUSE", "ANN A", "DEMOCRAT", "500", "BELKNAP 005", magnitude="4.0", **nh),
        row("ALTON", "STATE HOUSE", "BOB B", "REPUBLICAN", "400", "BELKNAP 005", magnitude="4.0", **nh),
        row(
            "ALTON",
            "STATE HOUSE",
            "ANN A",
            "DEMOCRAT",
            "503",
            "BELKNAP 005",
            magnitude="4.0",
            stage="GEN RECOUNT",
            **nh,
        ),
        row(
            "ALTON",
            "STATE HOUSE",
            "BOB B",
            "REPUBLICAN",
            "398",
            "BELKNAP 005",
            magnitude="4.0",
            stage="GEN RECOUNT",
            **nh,
        ),
        row("ALTON", "STATE SENATE", "CAL C", "DEMOCRAT", "700", "007", **nh),
        row("ALTON", "BALLOTS CAST", "", "", "600", "", mode="ELECTION DAY", **nh),
    ]
    result = read_medsl(tmp_path, rows, st="nh")
    c = cands_of(result)
    assert c.loc["ANN A", "district"] == "Belknap-5"
    assert c.loc["ANN A", "seats"] == 4
    assert c.loc["ANN A", "votes"] == 503  # the recount replaces election night, never added to it
    assert c.loc["BOB B", "votes"] == 398
    assert c.loc["CAL C", "district"] == "7"
    assert sorted(
        result.rejected.loc[result.rejected["reason"].str.startswith("superseded by recount"), "source_row"]
    ) == [1, 2]


@pytest.mark.parametrize(
    "raw,expected", [("BELKNAP 001", "Belknap-1"), ("HILLSBOROUGH 045", "Hillsborough-45"), ("COOS 007", "Coos-7")]
)
def test_nh_house_district_form(raw, expected):
    assert medsl.nh_house_district(raw) == expected


def test_mn_lettered_district_and_special_flag_and_override(tmp_path):
    mn = dict(state="MN", county="27001", jurisdiction="AITKIN")
    rows = [
        row("5", "STATE HOUSE", "ANN A", "DEMOCRATIC-FARMER-LABOR", "10", "01A", **mn),
        row("5", "STATE HOUSE", "DAN D", "DEMOCRAT", "10", "02B", special="TRUE", **mn),
        # MN SD-45 2024 filled a vacancy; MEDSL codes it special=FALSE (KIND_OVERRIDES).
        row("5", "STATE SENATE", "EVE E", "DEMOCRAT", "20", "045", **mn),
    ]
    result = read_medsl(tmp_path, rows, st="mn")
    c = cands_of(result)
    assert c.loc["ANN A", "district"] == "1A"
    assert c.loc["DAN D", "kind"] == "special"
    assert c.loc["ANN A", "kind"] == "general"
    assert c.loc["EVE E", "kind"] == "special"
    assert any("MN state_senate 45 read as 'special'" in n for n in result.notes)


def test_pa_cross_filed_without_other_row_stays_unmapped(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "JOE MAC", "DEMOCRATIC / REPUBLICAN", "600", "032"),
        row("2", "STATE HOUSE", "JOE MAC", "DEMOCRATIC / REPUBLICAN", "400", "032"),
    ]
    result = read_medsl(tmp_path, rows)
    c = cands_of(result)
    assert c.loc["JOE MAC", "votes"] == 1000
    assert c.loc["JOE MAC", "party_raw"] == "DEMOCRATIC / REPUBLICAN"
    assert c.loc["JOE MAC", "party"] is None or pd.isna(c.loc["JOE MAC", "party"])
    labels = result.unmapped_labels.set_index("label")["rows"]
    assert labels["DEMOCRATIC / REPUBLICAN"] == 2
    assert any("JOE MAC" in n and "party left empty" in n for n in result.notes)


def test_cross_filed_party_from_another_row_of_same_candidate(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "JOE MAC", "DEMOCRATIC / REPUBLICAN", "600", "032"),
        row("9", "STATE SENATE", "JOE MAC", "DEMOCRAT", "5", "031"),
    ]
    result = read_medsl(tmp_path, rows)
    house = result.tables["candidates"].query("office == 'state_house'").iloc[0]
    assert house["party"] == "DEM"
    assert house["party_raw"] == "DEMOCRATIC / REPUBLICAN"
    assert result.unmapped_labels.empty


def test_combined_line_with_one_major_party_credits_it():
    assert medsl.combined_label_party("INDEPENDENT/DEMOCRAT") == "DEM"
    assert medsl.combined_label_party("INDEPENDENT/REPUBLICAN") == "REP"
    assert medsl.combined_label_party("DEMOCRATIC / REPUBLICAN") is None


def test_suppressed_votes_are_not_published_not_errors(tmp_path):
    ks = dict(state="KS", county="20177", jurisdiction="SHAWNEE")
    rows = [
        row("17", "STATE HOUSE", "ANN A", "DEMOCRAT", "*", "050", **ks),
        row("18", "STATE HOUSE", "ANN A", "DEMOCRAT", "12", "050", **ks),
    ]
    result = read_medsl(tmp_path, rows, st="ks")
    assert cands_of(result).loc["ANN A", "votes"] == 12
    assert any("suppressed votes '*'" in n for n in result.notes)


def test_presidential_by_district_whole_split_overlay_and_unassigned(tmp_path):
    """P1 in district 1 only; P2 split 300:100 between 1 and 2 (KS-style 0-vote row for 3 ignored);
    P3 has no legislative row (cannot be assigned)."""
    rows = [
        row("P1", "US PRESIDENT", "KAMALA D HARRIS", "DEMOCRAT", "60"),
        row("P1", "US PRESIDENT", "DONALD J TRUMP", "REPUBLICAN", "30"),
        row("P1", "US PRESIDENT", "JILL STEIN", "GREEN", "10"),
        row("P1", "US PRESIDENT", "UNDERVOTES", "", "50"),
        row("P1", "STATE HOUSE", "ANN A", "DEMOCRAT", "90", "001"),
        row("P2", "US PRESIDENT", "KAMALA D HARRIS", "DEMOCRAT", "200"),
        row("P2", "US PRESIDENT", "DONALD J TRUMP", "REPUBLICAN", "200"),
        row("P2", "STATE HOUSE", "ANN A", "DEMOCRAT", "300", "001"),
        row("P2", "STATE HOUSE", "BOB B", "REPUBLICAN", "100", "002"),
        row("P2", "STATE HOUSE", "CAL C", "REPUBLICAN", "0", "003"),
        row("P3", "US PRESIDENT", "KAMALA D HARRIS", "DEMOCRAT", "5"),
        row("P3", "US PRESIDENT", "DONALD J TRUMP", "REPUBLICAN", "15"),
    ]
    result = read_medsl(tmp_path, rows)
    p = pres_of(result)
    d1, d2 = p.loc[("state_house", "1")], p.loc[("state_house", "2")]
    assert (d1["dem_votes"], d1["rep_votes"], d1["total_votes"]) == (60 + 150, 30 + 150, 100 + 300)
    assert (d2["dem_votes"], d2["rep_votes"], d2["total_votes"]) == (50, 50, 100)
    assert d1["margin"] == pytest.approx(100 * (210 - 180) / 400)
    assert (d1["precincts"], d1["split_precincts"]) == (2, 1)
    assert d1["margin_basis"] == "all_votes" and d1["lines_year"] == 2024 and d1["pres_year"] == 2024
    assert d1["source"] == "medsl_precinct_2024"
    assert ("state_house", "3") not in p.index
    assert ("state_senate", "1") not in p.index
    cov = result.tables["presidential_coverage"].set_index("office")
    assert cov.loc["state_house", "pres_dem_votes"] == 265
    assert cov.loc["state_house", "pres_total_votes"] == 520
    assert cov.loc["state_house", "unassigned_pres_votes"] == 20
    assert cov.loc["state_senate", "assigned_total_votes"] == 0


def test_nh_floterial_precinct_counts_in_full_for_base_and_floterial(tmp_path):
    nh = dict(state="NH", special="False", writein="False", county="33001", jurisdiction="ALTON")
    rows = [
        row("ALTON", "US PRESIDENT", "KAMALA D HARRIS", "DEMOCRAT", "40", **nh),
        row("ALTON", "US PRESIDENT", "DONALD J TRUMP", "REPUBLICAN", "60", **nh),
        row("ALTON", "STATE HOUSE", "ANN A", "DEMOCRAT", "90", "BELKNAP 003", **nh),
        row("ALTON", "STATE HOUSE", "BOB B", "REPUBLICAN", "80", "BELKNAP 008", **nh),
    ]
    p = pres_of(read_medsl(tmp_path, rows, st="nh"))
    for district in ("Belknap-3", "Belknap-8"):
        assert p.loc[("state_house", district), "dem_votes"] == 40
        assert p.loc[("state_house", district), "split_precincts"] == 0


def test_medsl_missing_column(tmp_path):
    header = [c for c in HEADER if c != "magnitude"]
    with pytest.raises(InputError) as err:
        read_medsl(tmp_path, [row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "1", "001")], header=header)
    assert err.value.column == "magnitude"
    assert err.value.file == "statelegislative/medsl_2024_precinct/pa24.zip"


def test_medsl_non_numeric_vote(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "1", "001"),
        row("2", "STATE HOUSE", "ANN A", "DEMOCRAT", "12x", "001"),
    ]
    with pytest.raises(InputError) as err:
        read_medsl(tmp_path, rows)
    assert (err.value.row, err.value.column) == (2, "votes")


def test_medsl_wrong_encoding(tmp_path):
    rows = [
        row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "1", "001"),
        row("2", "STATE HOUSE", "TOYA LÓPEZ", "GREEN", "3", "001"),
    ]
    with pytest.raises(InputError) as err:
        read_medsl(tmp_path, rows, encoding="latin-1")
    assert (err.value.row, err.value.column) == (2, "candidate")
    assert "UTF-8" in err.value.message


def test_medsl_truncated_row(tmp_path):
    data = csv_bytes([row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "1", "001")] * 3)
    write_zip(tmp_path, "pa", data[: data.rindex(b",DEMOCRAT,")])
    with pytest.raises(InputError) as err:
        medsl.read(tmp_path, states=("pa",))
    assert err.value.row == 3
    assert "truncated" in err.value.message


def test_medsl_corrupt_zip_and_member_fallback(tmp_path):
    folder = tmp_path / medsl.FOLDER
    folder.mkdir(parents=True)
    good = folder / "ga24.zip"
    write_zip(
        tmp_path,
        "ga",
        csv_bytes([row("1", "STATE HOUSE", "ANN A", "DEMOCRAT", "1", "001", state="GA")]),
        member="renamed.csv",
    )
    assert cands_of(medsl.read(tmp_path, states=("ga",))).loc["ANN A", "votes"] == 1
    good.write_bytes(good.read_bytes()[:60])
    with pytest.raises(InputError) as err:
        medsl.read(tmp_path, states=("ga",))
    assert "corrupt or truncated zip" in err.value.message


# --------------------------------------------------------------------------- MEDSL real data


@pytest.fixture(scope="module")
def medsl_real(mirror):
    return medsl.read(mirror, states=("pa", "mn", "nh"))


def test_real_pa_statewide_presidential(medsl_real):
    """SOURCES.md sanity check and the sum of PA's precinct rows: Harris 3,420,865 / Trump 3,543,041."""
    cov = medsl_real.tables["presidential_coverage"].set_index(["state_po", "office"])
    assert cov.loc[("PA", "state_house"), "pres_dem_votes"] == 3_420_865
    assert cov.loc[("PA", "state_house"), "pres_rep_votes"] == 3_543_041
    assert cov.loc[("PA", "state_house"), "share_assigned"] > 0.999
    # Senate: only the 25 odd-numbered seats were up in 2024, so about half the votes are assignable.
    assert 0.4 < cov.loc[("PA", "state_senate"), "share_assigned"] < 0.6
    p = medsl_real.tables["presidential"]
    assert len(p[(p.state_po == "PA") & (p.office == "state_house")]) == 203
    assert len(p[(p.state_po == "PA") & (p.office == "state_senate")]) == 25


def test_real_mn_house_tie_and_sd45_special(medsl_real):
    c = medsl_real.tables["candidates"]
    races, cands = build_contests(c[c.state_po == "MN"])
    house = cands[cands.won & (cands.office == "state_house")]
    assert house["party"].value_counts().to_dict() == {"DEM": 67, "REP": 67}
    # MN SD-45 special, 2024-11-05 (raw rows summed; MultiState has the same numbers).
    sd45 = c[(c.state_po == "MN") & (c.office == "state_senate")].set_index("candidate")
    assert sd45.loc["ANN JOHNSON STEWART", "votes"] == 29_791
    assert sd45.loc["KATHLEEN FOWKE", "votes"] == 26_969
    assert set(sd45["kind"]) == {"special"}
    assert set(races.loc[races.office == "state_senate", "winner_party"]) == {"DEM"}


def test_real_nh_house_seats_and_names(medsl_real, mirror):
    c = medsl_real.tables["candidates"]
    nh = c[(c.state_po == "NH") & (c.office == "state_house")]
    races, cands = build_contests(nh)
    assert races["district"].nunique() == 203
    assert races["seats"].sum() == 400
    # SOURCES.md says 221 R / 179 D, but the raw rows give 221 REP + 178 DEM + one winner with a
    # blank party label: 'MARK PROULXR' (Hillsborough-15; MultiState lists Mark Proulx as R).
    winners = cands[cands.won]
    assert winners["party"].value_counts().to_dict() == {"REP": 221, "DEM": 178}
    blank = winners[winners["party"].isna()]
    assert list(zip(blank["district"], blank["candidate"], blank["votes"], strict=True)) == [
        ("Hillsborough-15", "MARK PROULXR", 2605)
    ]
    # Sullivan-5 went to a recount: Grant 1,686 / Tanner 1,670 (election night 1,683 / 1,669).
    sullivan5 = cands[cands.district == "Sullivan-5"].set_index("candidate")["votes"].to_dict()
    assert sullivan5 == {"GEORGE C GRANT": 1686, "LINDA TANNER": 1670}
    with gzip.open(mirror / "statelegislative/multistate_elections/districts/NH.json.gz") as fh:
        names = {d["district_number"] for d in json.load(fh)["districts"] if d["chamber"] == "House"}
    assert set(nh["district"]) <= names


def test_real_pa_cross_filed_mcandrew(medsl_real):
    c = medsl_real.tables["candidates"]
    row_ = c[(c.state_po == "PA") & (c.candidate == "JOSEPH MELVIN MCANDREW")].iloc[0]
    assert (row_["district"], row_["votes"], row_["party_raw"]) == ("32", 31_207, "DEMOCRATIC / REPUBLICAN")
    assert pd.isna(row_["party"])


def test_real_pa_house_margins_agree_with_multistate(medsl_real, mirror):
    """Precinct-derived PA House margins vs MultiState's StateNavigate margins (independent source)."""
    with gzip.open(mirror / "statelegislative/multistate_elections/districts/PA.json.gz") as fh:
        ms = {
            d["district_number"]: float(d["pres_2024_margin"])
            for d in json.load(fh)["districts"]
            if d["chamber"] == "House"
        }
    p = medsl_real.tables["presidential"]
    p = p[(p.state_po == "PA") & (p.office == "state_house")]
    diff = (p["margin"] - p["district"].map(ms)).abs()
    assert diff.notna().all()
    assert diff.mean() < 0.2
    assert diff.max() < 1.0


# --------------------------------------------------------------------------- DKE


def write_dke(mirror, name, text, encoding="utf-8"):
    folder = mirror / dke_sld.FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))


DKE_VA = (
    "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R,Obama 2012 President D,Romney 2012 President R,"
    "Kaine 2012 Senate D,Allen 2012 Senate R\n"
    'VA,VA House 1,"5,486","24,935","8,111","22,675","9,193","21,722"\n'
    "VA,VA House 2,300,100,10,30,1,1\n"
)


def test_dke_thousands_two_party_margin_and_years(tmp_path):
    write_dke(tmp_path, "VA_Lower.csv", DKE_VA)
    result = dke_sld.read(tmp_path)
    p = result.tables["presidential"].set_index(["district", "pres_year"])
    assert (p.loc[("1", 2016), "dem_votes"], p.loc[("1", 2016), "rep_votes"]) == (5486, 24935)
    assert (p.loc[("1", 2012), "dem_votes"], p.loc[("1", 2012), "rep_votes"]) == (8111, 22675)
    assert p.loc[("2", 2016), "margin"] == pytest.approx(50.0)
    assert p.loc[("2", 2012), "margin"] == pytest.approx(-50.0)
    row_ = p.loc[("2", 2016)]
    assert row_["margin_basis"] == "two_party" and pd.isna(row_["total_votes"])
    assert (row_["state_po"], row_["office"], row_["lines_year"], bool(row_["old_lines"])) == (
        "VA",
        "state_house",
        2016,
        True,
    )
    assert result.rows_read == 2 and len(p) == 4


def test_dke_nominee_decides_mislabelled_year_and_one_year_files(tmp_path):
    write_dke(
        tmp_path,
        "UT_Upper.csv",
        "STATE,DISTRICT,Clinton 2012 President D,Trump 2012 President R\nUT,UT Senate 1,10,6\n",
    )
    write_dke(
        tmp_path, "AR_Lower.csv", "STATE,DISTRICT,Obama 2012 President D,Romney 2012 President R\nAR,AR House 1,3,6\n"
    )
    p = dke_sld.read(tmp_path).tables["presidential"].set_index("state_po")
    assert p.loc["UT", "pres_year"] == 2016
    assert p.loc["AR", "pres_year"] == 2012


def test_dke_district_forms_and_shared_lines(tmp_path):
    write_dke(
        tmp_path,
        "NH_Lower.csv",
        " STATE,DISTRICT, Clinton 2016 President D,Trump 2016 President R\n"
        "NH,NH House Belknap 01,1,2\nNH,NH House Belknap 08 (F),3,4\n",
    )
    write_dke(
        tmp_path,
        "MD_Lower.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\nMD,MD House 01A,1,2\n",
    )
    write_dke(
        tmp_path,
        "NC_Upper.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\nNC,NC State Senate (2020) 7,1,2\n",
    )
    write_dke(
        tmp_path,
        "AZ_Upper.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\nAZ,AZ Legislature 1,1,2\n",
    )
    write_dke(
        tmp_path,
        "VT_Lower.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\nVT,VT House Bennington 2-1 ,1,2\n",
    )
    p = dke_sld.read(tmp_path).tables["presidential"]
    got = set(zip(p.state_po, p.office, p.district, p.lines_year, strict=True))
    assert got == {
        ("NH", "state_house", "Belknap-1", 2016),
        ("NH", "state_house", "Belknap-8", 2016),
        ("MD", "state_house", "1A", 2016),
        ("NC", "state_senate", "7", 2020),
        ("AZ", "state_senate", "1", 2016),
        ("AZ", "state_house", "1", 2016),
        ("VT", "state_house", "Bennington-2-1", 2016),
    }


@pytest.mark.parametrize(
    "district", ["MA House 1st Barnstable", "MA Senate Berkshire, Hampshire, Franklin and Hampden"]
)
def test_dke_named_districts_keep_state_names(district):
    expected = district.split(" ", 2)[2]
    assert dke_sld.dke_district("MA", "state_house", district) == expected


def test_dke_non_numeric_vote(tmp_path):
    write_dke(tmp_path, "VA_Lower.csv", DKE_VA.replace('"24,935"', "n/a"))
    with pytest.raises(InputError) as err:
        dke_sld.read(tmp_path)
    assert (err.value.row, err.value.column) == (1, "Trump 2016 President R")


def test_dke_missing_column_and_half_year(tmp_path):
    write_dke(tmp_path, "VA_Lower.csv", "STATE,Clinton 2016 President D,Trump 2016 President R\nVA,1,2\n")
    with pytest.raises(InputError) as err:
        dke_sld.read(tmp_path)
    assert err.value.column == "DISTRICT"
    write_dke(tmp_path, "VA_Lower.csv", "STATE,DISTRICT,Clinton 2016 President D\nVA,VA House 1,2\n")
    with pytest.raises(InputError) as err:
        dke_sld.read(tmp_path)
    assert err.value.column == "Clinton 2016 President D"


def test_dke_wrong_encoding_and_truncated(tmp_path):
    write_dke(
        tmp_path,
        "MA_Lower.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\nMA,MA House Barnstable \u2013 Dukes,1,2\n",
        encoding="cp1252",
    )
    with pytest.raises(InputError) as err:
        dke_sld.read(tmp_path)
    assert "UTF-8" in err.value.message
    assert (err.value.file, err.value.row, err.value.column) == (f"{dke_sld.FOLDER}/MA_Lower.csv", 1, "DISTRICT")
    write_dke(
        tmp_path,
        "MA_Lower.csv",
        "STATE,DISTRICT,Clinton 2016 President D,Trump 2016 President R\n"
        "MA,MA House 1st Barnstable,1,2\nMA,MA House 2nd Barnstable,3",
    )
    with pytest.raises(InputError) as err:
        dke_sld.read(tmp_path)
    assert (err.value.row, err.value.column) == (2, "Trump 2016 President R")
    assert "truncated" in err.value.message


def test_real_dke(mirror):
    p = dke_sld.read(mirror).tables["presidential"]
    assert p["state_po"].nunique() == 47
    va = p[(p.state_po == "VA") & (p.office == "state_house")].set_index(["pres_year", "district"])
    assert (va.loc[(2016, "1"), "dem_votes"], va.loc[(2016, "1"), "rep_votes"]) == (5486, 24935)
    # VA certified 2016: Clinton 1,981,473 / Trump 1,769,443; the DKE district sums give 1,981,473 / 1,769,440.
    assert va.loc[2016, "dem_votes"].sum() == 1_981_473
    # UT_Upper's '2012' columns are Utah's certified 2016 result (Clinton 310,676 / Trump 515,231).
    ut = p[(p.state_po == "UT") & (p.office == "state_senate")]
    assert set(ut["pres_year"]) == {2016}
    assert (ut["dem_votes"].sum(), ut["rep_votes"].sum()) == (310_676, 515_231)
    assert set(p.loc[p.state_po == "AR", "pres_year"]) == {2012}
    wa = p[(p.state_po == "WA") & (p.pres_year == 2016)]
    assert wa.groupby("office").size().to_dict() == {"state_house": 49, "state_senate": 49}


# --------------------------------------------------------------------------- jdjohn215

JD_HEADER = "state,house,district,harris,trump,total_2024\n"


def write_jd(mirror, text, encoding="utf-8"):
    path = mirror / jdjohn215.FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))


def test_jdjohn215_rows(tmp_path):
    write_jd(tmp_path, JD_HEADER + "virginia,upper,001,42555,76625,121125\nmaine,lower,007,60,30,100\n")
    result = jdjohn215.read(tmp_path)
    p = result.tables["presidential"].set_index(["state_po", "office", "district"])
    va = p.loc[("VA", "state_senate", "1")]
    assert (va["dem_votes"], va["rep_votes"], va["total_votes"]) == (42555, 76625, 121125)
    assert p.loc[("ME", "state_house", "7"), "margin"] == pytest.approx(30.0)
    assert (va["margin_basis"], va["lines_year"], va["pres_year"], va["source"]) == (
        "all_votes",
        2024,
        2024,
        "jdjohn215",
    )
    assert result.rows_read == 2


@pytest.mark.parametrize(
    "body,row,column",
    [
        ("virginia,upper,001,4x,7,12\n", 1, "harris"),
        ("narnia,upper,001,1,2,3\n", 1, "state"),
        ("iowa,upper,001,1,2,3\niowa,middle,002,1,2,3\n", 2, "house"),
        ("iowa,upper,001,5,5,3\n", 1, "total_2024"),
    ],
)
def test_jdjohn215_malformed(tmp_path, body, row, column):
    write_jd(tmp_path, JD_HEADER + body)
    with pytest.raises(InputError) as err:
        jdjohn215.read(tmp_path)
    assert (err.value.row, err.value.column) == (row, column)


def test_jdjohn215_missing_column_and_encoding(tmp_path):
    write_jd(tmp_path, "state,house,district,harris,trump\niowa,upper,001,1,2\n")
    with pytest.raises(InputError) as err:
        jdjohn215.read(tmp_path)
    assert err.value.column == "total_2024"
    write_jd(tmp_path, JD_HEADER + "iowa,upper,001,1,2,3\niow\u00e4,upper,002,1,2,3\n", encoding="latin-1")
    with pytest.raises(InputError) as err:
        jdjohn215.read(tmp_path)
    assert "UTF-8" in err.value.message
    assert (err.value.row, err.value.column) == (2, "state")
    write_jd(tmp_path, JD_HEADER + "iowa,upper,001,1,2,3\niowa,upper,002,1,2")
    with pytest.raises(InputError) as err:
        jdjohn215.read(tmp_path)
    assert (err.value.row, err.value.column) == (2, "total_2024")


def test_real_jdjohn215(mirror):
    p = jdjohn215.read(mirror).tables["presidential"]
    ia = p[(p.state_po == "IA") & (p.office == "state_house")]
    assert len(ia) == 100
    # Iowa certified 2024: Harris 707,278 / Trump 927,019; the lower-house districts sum to it exactly.
    assert (ia["dem_votes"].sum(), ia["rep_votes"].sum()) == (707_278, 927_019)
    va1 = p[(p.state_po == "VA") & (p.office == "state_senate") & (p.district == "1")].iloc[0]
    assert (va1["dem_votes"], va1["rep_votes"], va1["total_votes"]) == (42_555, 76_625, 121_125)
