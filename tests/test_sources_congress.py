"""US House source readers: medsl_house, fte_specials, dke_cd, house_members, plus the plans and
states reference tables.

Hand-made fixtures in tmp_path test each rule with exact values; the real-data tests (mirror
fixture) assert certified results read by hand in the raw files (quoted in each test).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from analysis.config import REFERENCE_DIR
from analysis.errors import InputError
from analysis.normalize import build_contests
from analysis.sources import dke_cd, fte_specials, house_members, medsl_house

# --------------------------------------------------------------------------- helpers

MEDSL_HEADER = (
    "year,state,state_po,state_fips,state_cen,state_ic,office,district,stage,runoff,special,candidate,party,"
    "writein,mode,candidatevotes,totalvotes,unofficial,version,fusion_ticket"
)


def medsl_line(
    year,
    st,
    district,
    candidate,
    party,
    votes,
    stage="GEN",
    runoff="FALSE",
    special="FALSE",
    writein="FALSE",
    total=1000,
):
    return (
        f"{year},STATE,{st},1,1,1,US HOUSE,{district},{stage},{runoff},{special},{candidate},{party},"
        f"{writein},TOTAL,{votes},{total},FALSE,20250910,FALSE"
    )


def write(root: Path, rel_path: str, text: str | bytes) -> Path:
    path = root / rel_path
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def medsl_file(root: Path, lines: list[str]) -> None:
    write(root, medsl_house.FILE, "\n".join([MEDSL_HEADER, *lines]) + "\n")


def row(frame: pd.DataFrame, **match) -> pd.Series:
    hit = frame
    for col, value in match.items():
        hit = hit[hit[col] == value]
    assert len(hit) == 1, f"expected one row for {match}, found {len(hit)}"
    return hit.iloc[0]


# --------------------------------------------------------------------------- medsl_house: rules


def test_general_election_date():
    assert medsl_house.general_election_date(2024) == "2024-11-05"
    assert medsl_house.general_election_date(2020) == "2020-11-03"
    assert medsl_house.general_election_date(2016) == "2016-11-08"
    assert medsl_house.general_election_date(1976) == "1976-11-02"
    # Nov 1 is itself a Monday -> the Tuesday after the *first Monday* is Nov 2; Nov 1 a Tuesday -> Nov 8.
    assert medsl_house.general_election_date(2010) == "2010-11-02"
    assert medsl_house.general_election_date(2022) == "2022-11-08"


def test_medsl_kinds_districts_dates(tmp_path):
    medsl_file(
        tmp_path,
        [
            medsl_line(2024, "KS", 4, "RON ESTES", "REPUBLICAN", 100),
            medsl_line(2024, "WY", 0, "HARRIET HAGEMAN", "REPUBLICAN", 200),
            medsl_line(2024, "DC", 0, "ELEANOR HOLMES NORTON", "DEMOCRAT", 300),
            medsl_line(1996, "TX", 9, "NICK LAMPSON", "DEMOCRAT", 83782, stage="PRI", special="TRUE"),
            medsl_line(1996, "TX", 9, "NICK LAMPSON", "DEMOCRAT", 59225, runoff="TRUE"),
            medsl_line(2002, "LA", 5, "RODNEY ALEXANDER", "DEMOCRAT", 86718, runoff="TRUE"),
            medsl_line(2006, "TX", 22, "SHELLEY SEKULA GIBBS", "REPUBLICAN", 76924, runoff="", special="TRUE"),
            medsl_line(1990, "LA", 1, "BOB LIVINGSTON", "REPUBLICAN", 1),
            medsl_line(2012, "LA", 1, "STEVE SCALISE", "REPUBLICAN", 193490),
        ],
    )
    res = medsl_house.read(tmp_path)
    c = res.tables["candidates"]
    assert res.rows_read == 9 and len(c) == 9 and res.rejected.empty
    assert list(c.columns) == medsl_house.CANDIDATE_COLUMNS
    ks = row(c, candidate="RON ESTES")
    assert (ks["district"], ks["kind"], ks["election_date"], ks["office"], ks["seats"]) == (
        "4",
        "general",
        "2024-11-05",
        "us_house",
        1,
    )
    assert ks["source_row"] == 1 and ks["source_file"] == medsl_house.FILE
    assert row(c, candidate="HARRIET HAGEMAN")["district"] == "AL"
    assert row(c, candidate="ELEANOR HOLMES NORTON")["district"] == "AL"
    lampson = c[c["candidate"] == "NICK LAMPSON"].set_index("votes")
    assert lampson.loc[83782, "kind"] == "special" and lampson.loc[83782, "election_date"] == "1996-11-05"
    assert lampson.loc[59225, "kind"] == "special_runoff" and pd.isna(lampson.loc[59225, "election_date"])
    assert row(c, candidate="RODNEY ALEXANDER")["kind"] == "runoff"
    assert row(c, candidate="SHELLEY SEKULA GIBBS")["kind"] == "special"
    # Louisiana 1978-1996: open primary in Sept/Oct, date unknown; 2012: jungle primary on general day.
    assert pd.isna(row(c, candidate="BOB LIVINGSTON")["election_date"])
    assert row(c, candidate="BOB LIVINGSTON")["votes"] == 1  # placeholder kept for build_contests
    assert row(c, candidate="STEVE SCALISE")["election_date"] == "2012-11-06"


def test_medsl_parties_accounting_and_names(tmp_path):
    medsl_file(
        tmp_path,
        [
            medsl_line(2024, "NY", 17, "MICHAEL LAWLER", "REPUBLICAN", 180924),
            medsl_line(2024, "NY", 17, "MICHAEL LAWLER", "CONSERVATIVE", 16921),
            medsl_line(2024, "NY", 17, "MONDAIRE L. JONES", "DEMOCRAT", 173899),
            medsl_line(2024, "NY", 17, "SCATTERING", "", 234),
            medsl_line(2024, "MN", 5, "ILHAN OMAR", "DEMOCRATIC-FARMER-LABOR", 10),
            medsl_line(2024, "MN", 5, "A CANDIDATE", "MADE UP PARTY", 3),
            medsl_line(2024, "MN", 5, "B CANDIDATE", "MADE UP PARTY", 2),
            medsl_line(2014, "IL", 11, 'CONSTANT \\"CONNER\\" VLAKANCIC', "", 1, writein="TRUE"),
            medsl_line(2016, "MA", 1, "OTHER", "", 55),
            medsl_line(2024, "DC", 0, "TOTAL", "", 328404),
            medsl_line(2024, "DC", 0, "WRITEIN", "", 1858, writein="TRUE"),
        ],
    )
    res = medsl_house.read(tmp_path)
    c = res.tables["candidates"]
    lawler = c[c["candidate"] == "MICHAEL LAWLER"].set_index("party_raw")["party"]
    assert lawler.to_dict() == {"REPUBLICAN": "REP", "CONSERVATIVE": "OTHER"}
    assert row(c, candidate="ILHAN OMAR")["party"] == "DEM"
    assert pd.isna(row(c, candidate="A CANDIDATE")["party"])  # unmapped: reported, never guessed
    assert row(c, candidate='CONSTANT "CONNER" VLAKANCIC')["writein"]
    # MEDSL 'OTHER' aggregate is not in normalize.ACCOUNTING_NAMES: rejected here; TOTAL passes through.
    assert res.rejected[["source_row", "reason"]].values.tolist() == [[9, "ballot-accounting row"]]
    assert "TOTAL" in set(c["candidate"]) and "SCATTERING" in set(c["candidate"])
    labels = res.unmapped_labels.set_index("label")["rows"].to_dict()
    assert labels == {"MADE UP PARTY": 2, "": 1}  # accounting rows are not counted as unmapped
    races, _ = build_contests(c[c["state_po"] == "NY"])
    ny = races.iloc[0]
    assert (ny["rep_votes"], ny["dem_votes"], ny["winner_party"]) == (197845, 173899, "REP")


def test_medsl_known_bad_me02_2022(tmp_path):
    medsl_file(
        tmp_path,
        [
            medsl_line(2022, "ME", 2, "JARED F GOLDEN", "DEMOCRAT", 1165136, total=2656104),
            medsl_line(2022, "ME", 2, "BRUCE POLIQUIN", "REPUBLICAN", 1146142, total=2656104),
            medsl_line(2022, "ME", 1, "CHELLIE PINGREE", "DEMOCRAT", 219753, total=358138),
        ],
    )
    bad = medsl_house.read(tmp_path).tables["known_bad"]
    assert bad[["state_po", "office", "district", "year", "kind"]].values.tolist() == [
        ["ME", "us_house", "2", 2022, "general"]
    ]


def test_medsl_known_bad_dropped_when_fixed(tmp_path):
    medsl_file(tmp_path, [medsl_line(2022, "ME", 2, "JARED F GOLDEN", "DEMOCRAT", 165136)])
    assert medsl_house.read(tmp_path).tables["known_bad"].empty


def test_medsl_missing_column(tmp_path):
    write(
        tmp_path,
        medsl_house.FILE,
        MEDSL_HEADER.replace("candidatevotes", "votes") + "\n" + medsl_line(2024, "KS", 4, "X", "REPUBLICAN", 1) + "\n",
    )
    with pytest.raises(InputError) as err:
        medsl_house.read(tmp_path)
    assert err.value.file == medsl_house.FILE and err.value.column == "candidatevotes"


def test_medsl_non_numeric_vote(tmp_path):
    medsl_file(
        tmp_path, [medsl_line(2024, "KS", 4, "A", "REPUBLICAN", 5), medsl_line(2024, "KS", 4, "B", "DEMOCRAT", "12x")]
    )
    with pytest.raises(InputError) as err:
        medsl_house.read(tmp_path)
    assert (err.value.row, err.value.column) == (2, "candidatevotes")


def test_medsl_wrong_encoding(tmp_path):
    body = (
        "\n".join(
            [
                MEDSL_HEADER,
                medsl_line(2024, "KS", 4, "A", "REPUBLICAN", 5),
                medsl_line(2024, "KS", 4, "JOS\u00c9", "DEMOCRAT", 6),
            ]
        )
        + "\n"
    )
    write(tmp_path, medsl_house.FILE, body.encode("latin-1"))
    with pytest.raises(InputError) as err:
        medsl_house.read(tmp_path)
    assert err.value.row == 2 and "UTF-8" in err.value.message


def test_medsl_truncated_file(tmp_path):
    full = medsl_line(2024, "KS", 4, "B", "DEMOCRAT", 6)
    write(
        tmp_path,
        medsl_house.FILE,
        "\n".join([MEDSL_HEADER, medsl_line(2024, "KS", 4, "A", "REPUBLICAN", 5), full[: full.index(",TOTAL,")]]),
    )
    with pytest.raises(InputError) as err:
        medsl_house.read(tmp_path)
    assert (err.value.row, err.value.column) == (2, "mode")


def test_medsl_unterminated_quote_and_missing_file(tmp_path):
    write(tmp_path, medsl_house.FILE, MEDSL_HEADER + "\n" + medsl_line(2024, "KS", 4, '"A', "REPUBLICAN", 5))
    with pytest.raises(InputError) as err:
        medsl_house.read(tmp_path)
    assert err.value.row == 1 and "fields" in err.value.message
    with pytest.raises(InputError, match="not found"):
        medsl_house.read(tmp_path / "nowhere")


def test_medsl_accepts_gzipped_copy(tmp_path):
    import gzip

    text = "\n".join([MEDSL_HEADER, medsl_line(2024, "KS", 4, "A", "REPUBLICAN", 5)]) + "\n"
    write(tmp_path, medsl_house.FILE + ".gz", gzip.compress(text.encode()))
    assert medsl_house.read(tmp_path).tables["candidates"]["votes"].tolist() == [5]


# --------------------------------------------------------------------------- fte_specials: rules

FTE_HEADER = (
    "id,race_id,state_abbrev,state,office_id,office_name,office_seat_name,cycle,stage,special,party,"
    "politician_id,candidate_id,candidate_name,ballot_party,ranked_choice_round,votes,percent,unopposed,"
    "winner,alt_result_text,source"
)
RACES_HEADER = (
    "id,type,state_abbrev,State,office_id,office_name,office_seat_name,cycle,stage,party,special,"
    "incumbent_party,date,Winning party,created_at,updated_at"
)


def fte_line(race_id, st, seat, cycle, stage, special, name, party, votes, winner="false", rcv="", alt=""):
    return (
        f"1,{race_id},{st},State,1,U.S. House,District {seat},{cycle},{stage},{special},,1,1,{name},{party},"
        f"{rcv},{votes},1.0,,{winner},{alt},http://x"
    )


def race_line(race_id, st, seat, cycle, stage, special, date, inc="vacant", win="", party="", kind="HouseRace"):
    return f"{race_id},{kind},{st},State,1,U.S. House,District {seat},{cycle},{stage},{party},{special},{inc},{date},{win},,"


def fte_files(root: Path, results: list[str], races: list[str]) -> None:
    write(root, fte_specials.RESULTS, "\n".join([FTE_HEADER, *results]) + "\n")
    write(root, fte_specials.RACES, "\n".join([RACES_HEADER, *races]) + "\n")


def test_fte_specials_rules(tmp_path):
    fte_files(
        tmp_path,
        [
            fte_line(1765, "KS", 4, 2017, "general", "true", "Ron Estes", "REP", 64044, "true"),
            fte_line(1765, "KS", 4, 2017, "general", "true", "James A. Thompson", "DEM", 56435),
            fte_line(1765, "KS", 4, 2017, "general", "true", "", "", 65, alt="Write-in"),
            fte_line(1764, "MT", 1, 2017, "general", "true", "Greg Gianforte", "REP", 190520, "true"),
            fte_line(2001, "NM", 1, 2021, "general", "true", "Melanie Stansbury", "DEM", 79838, "true"),
            fte_line(8723, "GA", 6, 2017, "jungle primary", "true", "Jon Ossoff", "DEM", 92673, "true"),
            fte_line(1762, "GA", 6, 2017, "runoff", "true", "Karen Handel", "REP", 134799, "true"),
            fte_line(9496, "AK", 1, 2022, "general", "true", "Mary S. Peltola", "DEM", 75799, "true", rcv=1),
            fte_line(9496, "AK", 1, 2022, "general", "true", "Mary S. Peltola", "DEM", 80000, "true", rcv=2),
            fte_line(9496, "AK", 1, 2022, "general", "true", "Mary S. Peltola", "DEM", 91266, "true", rcv=3),
            fte_line(3000, "OH", 6, 2024, "primary", "true", "Michael Rulli", "REP", 100, "true"),
            fte_line(4000, "KS", 4, 2016, "general", "false", "Mike Pompeo", "REP", 166998, "true"),
        ],
        [
            race_line(1765, "KS", 4, 2017, "general", "true", "4/11/17", win="REP"),
            race_line(1764, "MT", 1, 2017, "general", "true", "5/25/17", win="REP"),
            race_line(2001, "NM", 1, 2021, "general", "true", "6/1/21", win="DEM"),
            race_line(8723, "GA", 6, 2017, "jungle primary", "true", "4/18/17"),
            race_line(1762, "GA", 6, 2017, "runoff", "true", "6/20/17", win="REP"),
            race_line(9496, "AK", 1, 2022, "general", "true", "8/16/22", win="DEM"),
            race_line(3000, "OH", 6, 2024, "primary", "true", "3/19/24", inc="REP", party="REP"),
            race_line(4000, "KS", 4, 2016, "general", "false", "11/8/16", inc="REP", win="REP"),
            race_line(5000, "NY", 3, 2024, "general", "true", "2/13/24", win="DEM"),
            race_line(6000, "KS", 0, 2016, "general", "true", "11/8/16", kind="SenateRace"),
        ],
    )
    res = fte_specials.read(tmp_path)
    c = res.tables["candidates"]
    assert res.rows_read == 12 + 8  # result rows + House special race rows
    estes = row(c, candidate="Ron Estes")
    assert (estes["district"], estes["election_date"], estes["kind"], estes["votes"], estes["won_reported"]) == (
        "4",
        "2017-04-11",
        "special",
        64044,
        True,
    )
    assert row(c, candidate="Greg Gianforte")["district"] == "AL"  # MT at-large in 2017
    assert row(c, candidate="Melanie Stansbury")["district"] == "1"  # NM 'District 1' is not at-large
    assert row(c, candidate="Jon Ossoff")["kind"] == "special"
    assert row(c, candidate="Karen Handel")["kind"] == "special_runoff"
    peltola = c[c["candidate"] == "Mary S. Peltola"].set_index("kind")["votes"].to_dict()
    assert peltola == {"special": 75799, "special_rcv_final": 91266}
    reasons = res.rejected.groupby("reason")["source_row"].apply(list).to_dict()
    assert reasons == {
        "ballot-accounting row": [3],
        "intermediate RCV round (round 1 and the final round are kept)": [9],
        "primary, not a general-election contest": [11],
    }
    cross = res.tables["cross_check"]
    assert cross[["state_po", "district", "year", "candidate", "party", "votes"]].values.tolist() == [
        ["KS", "4", 2016, "Mike Pompeo", "REP", 166998]
    ]
    sr = res.tables["special_races"].set_index("race_id")
    assert len(sr) == 8 and "4000" not in sr.index and "6000" not in sr.index
    assert sr.loc["5000", ["state_po", "district", "date", "has_votes"]].tolist() == ["NY", "3", "2024-02-13", False]
    assert sr.loc["1765", "has_votes"] and pd.isna(sr.loc["1765", "incumbent_party"])  # 'vacant'
    assert sr.loc["3000", ["kind", "primary_party", "incumbent_party"]].tolist() == ["special_primary", "REP", "REP"]


def test_fte_bad_date_and_votes(tmp_path):
    fte_files(
        tmp_path,
        [fte_line(1, "KS", 4, 2017, "general", "true", "A", "REP", 5)],
        [race_line(1, "KS", 4, 2017, "general", "true", "2017-04-11")],
    )
    with pytest.raises(InputError) as err:
        fte_specials.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (fte_specials.RACES, 1, "date")
    fte_files(
        tmp_path,
        [fte_line(1, "KS", 4, 2017, "general", "true", "A", "REP", "n/a")],
        [race_line(1, "KS", 4, 2017, "general", "true", "4/11/17")],
    )
    with pytest.raises(InputError) as err:
        fte_specials.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (fte_specials.RESULTS, 1, "votes")


def test_fte_missing_column(tmp_path):
    write(tmp_path, fte_specials.RESULTS, FTE_HEADER.replace("ballot_party", "bp") + "\n")
    write(tmp_path, fte_specials.RACES, RACES_HEADER + "\n" + race_line(1, "KS", 4, 2017, "general", "true", "4/11/17"))
    with pytest.raises(InputError) as err:
        fte_specials.read(tmp_path)
    assert err.value.column == "ballot_party"


# --------------------------------------------------------------------------- dke_cd: rules

LONG_HEADER = "lines,cd,elec,party,candidate,pct,presvotes_DR,presvotes_total"
DB_HEAD = (
    "Calculated by The Downballot,,,Subscribe,,,,,\nDistrict,Incumbent,Party,2024,,,2020,,\n"
    ",,,Harris,Trump,Margin,Biden,Trump,Margin\n"
)


def dke_files(root: Path, long_rows: list[str], downballot_rows: list[str] | None = None, head: str = DB_HEAD):
    write(root, dke_cd.LONG, "\n".join([LONG_HEADER, *long_rows]) + "\n")
    write(
        root,
        dke_cd.CD2024,
        "year,cd,dailykos_name,largest_place,pct_trump,presvotes_DR,presvotes_total\n"
        "2024.0,KS-04,Wichita,Wichita,0.6,1000.0,1100.0\n2024.0,WY-01,All,Cheyenne,0.75,200.0,210.0\n",
    )
    write(
        root,
        dke_cd.DOWNBALLOT,
        head
        + "\n".join(
            downballot_rows
            or ["KS-04,Ron Estes,(R),37,61,-23,38,60,-22", "WY-AL,Harriet Hageman,(R),26,72,-46,27,70,-44"]
        )
        + "\n",
    )
    write(
        root,
        dke_cd.BY2022,
        "\ufeffstate,seat_number,incumbent,house_incumbent_party,biden_2020,trump_2020,"
        "total_2020\nKansas,4,Ron Estes,REP,300,700,1050\nWyoming,1,Harriet Hageman,REP,100,300,410\n",
    )


def test_dke_shares_votes_and_bases(tmp_path):
    dke_files(
        tmp_path,
        [
            "2022.0,KS-04,2020.0,D,biden,0.4,1000.0,1050.0",
            "2022.0,KS-04,2020.0,R,trump,0.6,1000.0,1050.0",
            "2022.0,WY-01,2020.0,D,biden,0.25,400.0,410.0",
            "2022.0,WY-01,2020.0,R,trump,0.75,400.0,410.0",
            "2016.0,KS-04,2012.0,D,obama,0.37,,",
            "2016.0,KS-04,2012.0,R,romney,0.63,,",
            "2018.0,KS-04,2012.0,D,obama,0.39,,",
            "2018.0,KS-04,2012.0,R,romney,0.61,,",
            "2020.0,KS-04,2020.0,R,trump,0.61,316082.0,323577.0",
        ],
    )
    res = dke_cd.read(tmp_path)
    p = res.tables["presidential"]
    assert list(p.columns) == dke_cd.PRESIDENTIAL_COLUMNS
    ks = row(p, state_po="KS", lines_year=2022, pres_year=2020, source="dke_cd_info")
    assert (ks["dem_votes"], ks["rep_votes"], ks["total_votes"]) == (400.0, 600.0, 1050.0)
    assert ks["margin"] == pytest.approx(-20.0) and ks["margin_basis"] == "two_party"
    assert row(p, state_po="WY", lines_year=2022, source="dke_cd_info")["district"] == "AL"
    no_votes = row(p, state_po="KS", lines_year=2016, pres_year=2012)
    assert math.isnan(no_votes["dem_votes"]) and no_votes["margin"] == pytest.approx(-26.0)
    # 2024 on 2024 lines from cd_info_2024 (pct_trump is the 2024 result there).
    k24 = row(p, state_po="KS", lines_year=2024, pres_year=2024, source="dke_cd_info")
    assert (k24["rep_votes"], k24["dem_votes"], k24["total_votes"]) == (600.0, 400.0, 1100.0)
    db = row(p, state_po="KS", pres_year=2024, source="downballot_119")
    assert (db["margin"], db["margin_basis"], db["lines_year"]) == (-23.0, "all_votes", 2024)
    assert row(p, state_po="WY", pres_year=2020, source="downballot_119")["district"] == "AL"
    raw = row(p, state_po="KS", source="pres_by_2022_cd")
    assert (raw["dem_votes"], raw["rep_votes"], raw["total_votes"], raw["lines_year"]) == (300, 700, 1050, 2022)
    assert raw["margin"] == pytest.approx(-40.0)
    assert row(p, state_po="WY", source="pres_by_2022_cd")["district"] == "AL"
    reasons = res.rejected.groupby("reason")["source_row"].apply(list).to_dict()
    assert reasons == {
        "2008/2012 share on the 2018 lines inconsistent with the 2016 lines (source bug)": [7, 8],
        "D or R row missing for this district/election": [9],
    }
    assert res.rows_read == 9 + 2 + 2 + 2


def test_dke_downballot_layout_change(tmp_path):
    dke_files(
        tmp_path,
        ["2022.0,KS-04,2020.0,D,biden,0.4,1000.0,1050.0", "2022.0,KS-04,2020.0,R,trump,0.6,1000.0,1050.0"],
        head=DB_HEAD.replace("Harris,Trump", "Trump,Harris"),
    )
    with pytest.raises(InputError) as err:
        dke_cd.read(tmp_path)
    assert err.value.file == dke_cd.DOWNBALLOT and err.value.column == "harris24"


def test_dke_non_numeric_share_and_bad_code(tmp_path):
    dke_files(
        tmp_path, ["2022.0,KS-04,2020.0,D,biden,0.4,1000.0,1050.0", "2022.0,KS-04,2020.0,R,trump,sixty,1000.0,1050.0"]
    )
    with pytest.raises(InputError) as err:
        dke_cd.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (dke_cd.LONG, 2, "pct")
    dke_files(
        tmp_path, ["2022.0,KS-04,2020.0,D,biden,0.4,1000.0,1050.0"], ["Kansas 4,Ron Estes,(R),37,61,-23,38,60,-22"]
    )
    with pytest.raises(InputError) as err:
        dke_cd.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (dke_cd.DOWNBALLOT, 1, "district")


# --------------------------------------------------------------------------- house_members: rules

YAML = """\
- id: {bioguide: S000001}
  name: {first: Sam, last: Senator, official_full: Sam Senator}
  terms:
  - {type: rep, start: '2011-01-05', end: '2013-01-03', state: KS, district: 4, party: Republican}
  - {type: sen, start: '2013-01-03', end: '2019-01-03', state: KS, class: 2, party: Republican}
- id: {bioguide: E000298}
  name: {first: Ron, last: Estes, official_full: Ron Estes}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: KS, district: 4, party: Republican}
- id: {bioguide: H001096}
  name: {first: Harriet, last: Hageman}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: WY, district: 0, party: Republican}
- id: {bioguide: N000147}
  name: {first: Eleanor, last: Norton, official_full: Eleanor Holmes Norton}
  terms:
  - {type: rep, start: '2025-01-03', end: '2027-01-03', state: DC, district: 0, party: Democrat}
- id: {bioguide: S000033}
  name: {first: Bernard, last: Sanders}
  terms:
  - {type: rep, start: '1999-01-06', end: '2001-01-03', state: VT, district: 0, party: Independent, caucus: Democrat}
"""
INCUMBENTS = """\
year,state,seat_number,incumbent_running,incumbent_first_elected,democrat_running,republican_running,redistricted
2002,Connecticut,5,Both (redistricting),,TRUE,TRUE,TRUE
2010,Alabama,5,None,2008,TRUE,TRUE,FALSE
2000,Vermont,1,IND,1990,TRUE,TRUE,FALSE
2022,Kansas,4,REP,2017,TRUE,TRUE,FALSE
2022,Kansas,3,DEM,2018,TRUE,TRUE,FALSE
"""


def members_files(root: Path, yaml_text: str = YAML, incumbents: str = INCUMBENTS) -> None:
    write(root, house_members.CURRENT, yaml_text)
    write(root, house_members.HISTORY, incumbents)


def test_house_members_rules(tmp_path):
    members_files(tmp_path)
    res = house_members.read(tmp_path)
    m = res.tables["current_members"].set_index("bioguide")
    assert sorted(m.index) == ["E000298", "H001096", "N000147", "S000033"]
    assert m.loc["E000298", ["state_po", "district", "name", "party"]].tolist() == ["KS", "4", "Ron Estes", "REP"]
    assert m.loc["H001096", ["district", "name"]].tolist() == ["AL", "Harriet Hageman"]
    assert m.loc["N000147", "district"] == "AL"
    assert m.loc["S000033", ["party", "caucus"]].tolist() == ["IND", "Democrat"]
    assert res.rejected[["source_row", "reason"]].values.tolist() == [[1, "senator, not a House member"]]
    inc = res.tables["incumbency"].set_index(["state_po", "year"])
    assert inc.loc[("CT", 2002), "incumbent_running"] == "BOTH"
    assert pd.isna(inc.loc[("CT", 2002), "incumbent_first_elected"])
    assert pd.isna(inc.loc[("AL", 2010), "incumbent_running"]) and inc.loc[("AL", 2010), "open_seat"]
    assert inc.loc[("VT", 2000), ["district", "incumbent_running"]].tolist() == ["AL", "IND"]  # one seat: at-large
    ks = res.tables["incumbency"].query("state_po == 'KS'").set_index("district")
    assert ks.loc["4", ["incumbent_running", "republican_running", "redistricted"]].tolist() == ["REP", True, False]
    assert res.rows_read == 5 + 5


def test_house_members_bad_inputs(tmp_path):
    members_files(tmp_path, yaml_text="- id: {bioguide: X\n  name: [")
    with pytest.raises(InputError, match="invalid YAML"):
        house_members.read(tmp_path)
    members_files(tmp_path, incumbents=INCUMBENTS.replace("2022,Kansas,3,DEM,2018,TRUE", "2022,Kansas,3,DEM,2018,YES"))
    with pytest.raises(InputError) as err:
        house_members.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (house_members.HISTORY, 5, "democrat_running")
    members_files(tmp_path, incumbents=INCUMBENTS.replace("Kansas,4", "Kanzas,4"))
    with pytest.raises(InputError) as err:
        house_members.read(tmp_path)
    assert (err.value.row, err.value.column) == (4, "state")


def test_states_reference():
    s = house_members.state_codes()
    assert len(s) == 56 and s["state_po"].is_unique and s["fips"].is_unique
    assert s.set_index("name").loc["Kansas", ["state_po", "fips"]].tolist() == ["KS", "20"]
    assert {"DC", "PR", "GU", "VI", "AS", "MP"} <= set(s["state_po"])


# --------------------------------------------------------------------------- plans reference


def test_plans_reference_shape():
    plans = pd.read_csv(REFERENCE_DIR / "plans_us_house.csv", dtype={"first_year": int})
    assert list(plans.columns) == ["state_po", "office", "first_year", "note"]
    assert set(plans["office"]) == {"us_house"} and plans["note"].str.len().gt(0).all()
    assert not plans.duplicated(["state_po", "first_year"]).any()
    assert len(set(plans["state_po"])) == 51 and plans.groupby("state_po")["first_year"].min().eq(1972).all()
    # Spot facts: at-large states never redrawn; Maine's constitutional schedule.
    assert plans.loc[plans.state_po == "AK", "first_year"].tolist() == [1972]
    assert plans.loc[plans.state_po == "ME", "first_year"].tolist() == [1972, 1984, 1994, 2004, 2012, 2022]


# --------------------------------------------------------------------------- real data (mirror)


@pytest.fixture(scope="module")
def medsl(mirror):
    return medsl_house.read(mirror)


@pytest.fixture(scope="module")
def fte(mirror):
    return fte_specials.read(mirror)


@pytest.fixture(scope="module")
def dke(mirror):
    return dke_cd.read(mirror)


def test_real_medsl_ks04_2016(medsl):
    # 1976-2024-house.tab line 27264 (data row 27263): 2016,KANSAS,KS,...,4,GEN,,FALSE,MIKE POMPEO,REPUBLICAN,...,166998,275251
    c = medsl.tables["candidates"]
    pompeo = row(c, state_po="KS", district="4", year=2016, candidate="MIKE POMPEO")
    assert (pompeo["votes"], pompeo["party"], pompeo["kind"], pompeo["source_row"]) == (166998, "REP", "general", 27263)


def test_real_medsl_ny17_2024_fusion(medsl):
    c = medsl.tables["candidates"]
    ny = c[(c.state_po == "NY") & (c.district == "17") & (c.year == 2024)]
    lines = ny[ny.candidate == "MICHAEL LAWLER"].set_index("party_raw")["votes"].to_dict()
    assert lines == {"REPUBLICAN": 180924, "CONSERVATIVE": 16921}
    races, cands = build_contests(ny)
    assert len(races) == 1
    race = races.iloc[0]
    assert (race["rep_votes"], race["winner_party"], race["status"]) == (197845, "REP", "contested")
    assert row(cands, candidate="MICHAEL LAWLER")["votes"] == 197845


def test_real_medsl_435_districts_and_quirks(medsl):
    c = medsl.tables["candidates"]
    voting = c[c.state_po != "DC"]
    for year in (1976, 2022):
        assert voting[voting.year == year].groupby(["state_po", "district"]).ngroups == 435
    assert set(c.loc[c.state_po == "DC", "district"]) == {"AL"}
    # TX 1996 court-ordered open specials: 60 PRI rows (SOURCES.md), all kind 'special'.
    tx96 = c[(c.state_po == "TX") & (c.year == 1996)]
    assert int((tx96["kind"] == "special").sum()) == 60
    assert tx96.loc[tx96.kind == "special_runoff", "district"].unique().tolist() == ["8", "9", "25"]
    bad = medsl.tables["known_bad"]
    assert bad[["state_po", "district", "year"]].values.tolist() == [["ME", "2", 2022]]
    dc_total = row(c, state_po="DC", year=2024, candidate="TOTAL")
    assert dc_total["votes"] == 328404  # passed through; build_contests drops it
    assert medsl.rows_read == 33807 == len(c) + len(medsl.rejected)


def test_real_fte_ks04_special(fte):
    # 538_election_results_house.csv: race 1765, KS District 4, 2017, Ron Estes REP 64044, James A. Thompson DEM 56435;
    # 538_races.csv id 1765 date 4/11/17.
    c = fte.tables["candidates"]
    ks = c[(c.state_po == "KS") & (c.district == "4") & (c.election_date == "2017-04-11")].set_index("candidate")
    assert ks.loc["Ron Estes", "votes"] == 64044 and ks.loc["James A. Thompson", "votes"] == 56435
    assert set(ks["kind"]) == {"special"}
    # AK-AL 2022-08-16 RCV: round 1 Peltola 75,799; final round Peltola 91,266 vs Palin 86,026.
    ak = c[(c.state_po == "AK") & (c.election_date == "2022-08-16")]
    final = ak[ak.kind == "special_rcv_final"].set_index("candidate")["votes"].to_dict()
    assert final == {"Mary S. Peltola": 91266, "Sarah Palin": 86026}
    assert row(ak, kind="special", candidate="Mary S. Peltola")["votes"] == 75799
    sr = fte.tables["special_races"]
    ny3 = row(sr, state_po="NY", district="3", date="2024-02-13")
    assert not ny3["has_votes"] and ny3["winning_party"] == "DEM"
    assert fte.rows_read == len(c) + len(fte.tables["cross_check"]) + len(fte.rejected) + len(sr)


def test_real_dke_known_values(dke):
    p = dke.tables["presidential"]
    # downballot file line 170: KS-04,Ron Estes,(R),37,61,-23,38,60,-22
    assert row(p, state_po="KS", district="4", pres_year=2024, source="downballot_119")["margin"] == -23
    # cd_info_2024.csv line 2: 2024.0,AK-01,All of Alaska,Anchorage,0.5684656254237497,324484.0,338177.0
    ak = row(p, state_po="AK", district="AL", lines_year=2024, pres_year=2024, source="dke_cd_info")
    assert ak["total_votes"] == 338177
    # presidential_results_by_2022_cd.csv line 168: Kansas,4,Ron Estes,REP,123326,193958,324810
    ks = row(p, state_po="KS", district="4", source="pres_by_2022_cd")
    assert (ks["dem_votes"], ks["rep_votes"], ks["total_votes"]) == (123326, 193958, 324810)
    counts = p.groupby(["source", "lines_year", "pres_year"]).size()
    assert counts.eq(435).all()


def test_real_house_members(mirror):
    res = house_members.read(mirror)
    m = res.tables["current_members"]
    # legislators-current.yaml: bioguide E000298 Ron Estes, KS district 4, Republican.
    estes = row(m, bioguide="E000298")
    assert (estes["state_po"], estes["district"], estes["party"]) == ("KS", "4", "REP")
    voting = m[~m.state_po.isin(["DC", "PR", "GU", "VI", "AS", "MP"])]
    assert len(voting) == 431  # SOURCES.md 5a: 431 voting representatives at the snapshot
    inc = res.tables["incumbency"]
    # historical_house_incumbents.csv line 4952: 2022,Kansas,4,REP,2017,TRUE,TRUE,FALSE
    assert row(inc, state_po="KS", district="4", year=2022)["incumbent_running"] == "REP"
    # line 2180: 2010,Alabama,5,None,2008,... -> open seat
    assert row(inc, state_po="AL", district="5", year=2010)["open_seat"]
    assert len(inc) == 5219


def test_real_plans_match_redrawn_line_sets(mirror):
    """Mid-decade plan starts 2016-2024 equal the states whose districts changed between DKE line sets."""
    long = pd.read_csv(mirror / dke_cd.LONG)
    rep = long[long.party == "R"]

    def changed(a: int, b: int, elec: int) -> set[str]:
        x = rep[(rep.lines == a) & (rep.elec == elec)].set_index("cd")["pct"]
        y = rep[(rep.lines == b) & (rep.elec == elec)].set_index("cd")["pct"]
        return {cd[:2] for cd in (x - y).abs().loc[lambda d: d > 0.003].index}

    plans = pd.read_csv(REFERENCE_DIR / "plans_us_house.csv")
    starts = plans.groupby("first_year")["state_po"].apply(set)
    assert changed(2014, 2016, 2012) == starts[2016] == {"FL", "NC", "VA"}
    assert changed(2016, 2018, 2016) == starts[2018] == {"PA"}
    assert changed(2018, 2020, 2016) == starts[2020] == {"NC"}
    assert changed(2022, 2024, 2020) == starts[2024] == {"AL", "GA", "LA", "NC", "NY"}


def test_real_plans_cover_seat_count_changes(medsl):
    """A state's number of districts only changes at a plan start in the reference table."""
    c = medsl.tables["candidates"]
    counts = c[c.state_po != "DC"].groupby(["state_po", "year"])["district"].nunique().unstack()
    plans = pd.read_csv(REFERENCE_DIR / "plans_us_house.csv")
    years = list(counts.columns)
    for state, series in counts.iterrows():
        starts = set(plans.loc[plans.state_po == state, "first_year"])
        for before, after in zip(years, years[1:], strict=False):
            if series[before] != series[after]:
                assert any(before < s <= after for s in starts), (state, before, after)
