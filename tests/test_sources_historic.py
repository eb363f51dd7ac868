"""Historic and cross-check readers: princeton, medsl_2018, openelections_pa, chamber_composition, county_pres.

Tiny hand-made files for each rule (exact asserts), then real-data checks against results read
by hand in the raw mirror files (statelegislative/SOURCES.md and county/SOURCES.md checks).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis.errors import InputError
from analysis.normalize import build_contests
from analysis.sources import chamber_composition, county_pres, medsl_2018, openelections_pa, princeton

PRINCETON_HEADER = "State,Year,District,Dem Votes,GOP Votes,D Voteshare,Incumbent,Party\n"
POST2013_HEADER = "State,District,Year,Party,Incumbent,Dem Votes,GOP Votes,Other Votes\n"
CAND_HEADER = (
    ",Democrat,Republican,Other,State,Year,District,Democrat Incumbent,Democrat Votes,Republican Incumbent,"
    "Republican Votes,Other Incumbent,Other Votes\n"
)
VA_HEADER = (
    "District,Democrat,Republican,Other,State,Year,Democrat Incumbent,Democrat Votes,Republican Incumbent,"
    "Republican Votes,Other Incumbent,Other Votes\n"
)
NJ_DEFAULT = "2017,New Jersey,District 1,Democratic,Ann Able,300,True,True\n"


def write(path: Path, text: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def princeton_mirror(
    tmp_path: Path,
    post1971: str = "",
    y2018: str = "",
    post2013: str = "",
    c2016: str = "",
    va2017: str = "",
    nj2017: str = NJ_DEFAULT,
) -> Path:
    write(tmp_path / princeton.POST1971, PRINCETON_HEADER + post1971)
    write(tmp_path / princeton.FILE_2018, PRINCETON_HEADER + y2018)
    write(tmp_path / princeton.POST2013, POST2013_HEADER + post2013)
    write(tmp_path / princeton.CANDIDATES_2016, CAND_HEADER + c2016)
    write(tmp_path / princeton.VA_2017, VA_HEADER + va2017)
    write(tmp_path / princeton.NJ_2017, nj2017)
    return tmp_path


@pytest.fixture(scope="module")
def princeton_real(mirror) -> pd.DataFrame:
    return princeton.read(mirror).tables["candidates"]


def rows_for(cands: pd.DataFrame, state: str, year: int, district: str, seat: str | None = None) -> pd.DataFrame:
    pick = (cands["state_po"] == state) & (cands["year"] == year) & (cands["district"] == district)
    if seat is not None:
        pick &= cands["seat"] == seat
    return cands[pick].set_index("party")


# --------------------------------------------------------------------------- shared helpers


@pytest.mark.parametrize(
    "year,date",
    [(2016, "2016-11-08"), (2017, "2017-11-07"), (2018, "2018-11-06"), (2020, "2020-11-03"), (2022, "2022-11-08")],
)
def test_general_election_date_is_tuesday_after_first_monday(year, date):
    assert princeton.general_election_date(year) == date


@pytest.mark.parametrize(
    "raw,name",
    [
        ("BARNSTABLE1.", "1st Barnstable"),
        ("MIDDLESEX22", "22nd Middlesex"),
        ("Eighteenth Essex District", "18th Essex"),
        ("Thirty-third Middlesex", "33rd Middlesex"),
        ("Twentieth Middlesex", "20th Middlesex"),
        ("District 1 Bristol a Plymouth", "1st Bristol and Plymouth"),
        ("District 2 Plymou a Bristol", "2nd Plymouth and Bristol"),
        ("BARNSTABLE DUKES AND NANTUCKET..", "Barnstable, Dukes, and Nantucket"),
        ("District Barnstable, Dukes a Nantucket", "Barnstable, Dukes, and Nantucket"),
        ("CAPE AND ISLAND..", "Cape and Islands"),
        ("District Cape a Islands", "Cape and Islands"),
        ("12", None),
    ],
)
def test_ma_district_names_follow_multistate(raw, name):
    assert princeton.ma_district_name(raw) == name


def test_strict_reader_missing_column(tmp_path):
    write(tmp_path / princeton.POST1971, "State,Year,District,Dem Votes,GOP Votes,Incumbent\nPA,2010,1,5,6,D\n")
    for name in ("FILE_2018", "POST2013", "CANDIDATES_2016", "VA_2017"):
        write(tmp_path / getattr(princeton, name), "x\n")
    write(tmp_path / princeton.NJ_2017, NJ_DEFAULT)
    with pytest.raises(InputError) as err:
        princeton.read(tmp_path)
    assert err.value.file == princeton.POST1971
    assert err.value.column == "Party"


def test_strict_reader_non_numeric_vote_names_row_and_column(tmp_path):
    princeton_mirror(tmp_path, post1971="PA,2010,1,5,6,0.45,D,D\nPA,2010,2,12x,6,0.5,D,D\n")
    with pytest.raises(InputError) as err:
        princeton.read(tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == (princeton.POST1971, 2, "Dem Votes")


def test_strict_reader_truncated_row(tmp_path):
    path = write(tmp_path / "t.csv", "a,b,c\n1,2,3\n4,5\n")
    with pytest.raises(InputError) as err:
        princeton.read_csv_strict(path, tmp_path)
    assert (err.value.file, err.value.row, err.value.column) == ("t.csv", 2, "c")
    path = write(tmp_path / "u.csv", "a,b,c\n1,2,3\n4,5,6\n7")  # cut after the first field
    with pytest.raises(InputError) as err:
        princeton.read_csv_strict(path, tmp_path)
    assert (err.value.row, err.value.column) == (3, "b")


def test_strict_reader_unterminated_quote(tmp_path):
    path = write(tmp_path / "t.csv", 'a,b\n1,2\n3,"cut off\n')
    with pytest.raises(InputError) as err:
        princeton.read_csv_strict(path, tmp_path)
    assert err.value.file == "t.csv"


def test_strict_reader_wrong_encoding_names_row(tmp_path):
    # Latin-1 bytes read as UTF-8 (the MEDSL 2018 trap): 0xf1 is 'ñ' in Latin-1, invalid UTF-8 here.
    path = write(tmp_path / "t.csv", "name,votes\nAnn,1\nPe\xf1a,2\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        princeton.read_csv_strict(path, tmp_path, encoding="utf-8")
    assert (err.value.row, "wrong encoding" in err.value.message) == (2, True)


# --------------------------------------------------------------------------- princeton


def test_princeton_district_totals_become_candidate_rows(tmp_path):
    mirror = princeton_mirror(
        tmp_path,
        post1971=(
            "PA,2010,164,10083,8711,0.53,O,D\n"  # contested, open seat
            "PA,2010,165,0,17202,0,R,R\n"  # uncontested: no Democratic row
            "KY,1971,2,100,0,1,D,D\n"  # pre-2012 placeholder 100 kept
            "NY,1980,38,8795,8054,0.52,O,Both\n"  # cross-nominated winner: no flag
            "MN,1972,1100,0,0,0,O,Other\n"  # nonpartisan MN 1972: no votes at all
            "MN,1974,1200,5,9,0.3,R,R\n"  # Klarner 1200 = 1B
            "MA,1978,BARNSTABLE1.,7,3,0.7,D,D\n"
        ),
    )
    result = princeton.read(mirror)
    cands = result.tables["candidates"]
    pa = rows_for(cands, "PA", 2010, "164")
    assert pa.loc["DEM", "votes"] == 10083 and pa.loc["REP", "votes"] == 8711
    assert (pa.loc["DEM", "won_reported"], pa.loc["REP", "won_reported"]) == (True, False)
    assert (pa.loc["DEM", "candidate"], pa.loc["REP", "candidate"]) == ("Democratic candidate", "Republican candidate")
    assert pa.loc["DEM", "incumbent"] is False and pa.loc["DEM", "election_date"] == "2010-11-02"
    assert set(rows_for(cands, "PA", 2010, "165").index) == {"REP"}
    ky = rows_for(cands, "KY", 1971, "2")
    assert list(ky.index) == ["DEM"] and ky.loc["DEM", "votes"] == 100
    assert rows_for(cands, "NY", 1980, "38")["won_reported"].isna().all()
    assert len(rows_for(cands, "MN", 1974, "1B")) == 2
    assert len(rows_for(cands, "MA", 1978, "1st Barnstable")) == 2
    assert (cands["source"] == "princeton").all() and (cands["office"] == "state_house").all()
    rejected = result.rejected.set_index("source_row")
    assert rejected.loc[5, "reason"] == "no votes recorded for any party"
    assert result.rows_read == 8  # 7 post1971 rows + the one default nj2017 row


def test_princeton_overlaps_use_one_file_per_election(tmp_path):
    mirror = princeton_mirror(
        tmp_path,
        post1971="VA,2017,94,11608,11609,0.5,R,R\nOH,2014,5,10,20,0.33,R,R\n",
        post2013=(
            "OH,5,2014,R,R,10.5,20.0,7.0\n"  # Other Votes -> third row
            "VA,94,2017,,R,11608.0,11608.0,675.0\n"  # the same election as va2017.csv
            "NJ,1,2015,D,D,28284.5,26721.0,0.0\n"  # averaged over two seats
        ),
        va2017="94,Shelly Simonds,David Yancey,Michael Bartley,Virginia,2017,False,11608,True,11608,False,675\n",
        y2018="AZ,2018,1,30243.5,66212.5,0.31,R,R\nVA,2018,8,13134.0,21251.0,0.38,O,R\n",
    )
    result = princeton.read(mirror)
    cands = result.tables["candidates"]
    oh = rows_for(cands, "OH", 2014, "5")
    assert oh.loc["DEM", "votes"] == 10.5 and oh.loc["OTHER", "candidate"] == "Other candidates"
    assert oh.loc["OTHER", "votes"] == 7 and oh.loc["OTHER", "source_file"] == princeton.POST2013
    va = rows_for(cands, "VA", 2017, "94")
    assert va.loc["REP", "candidate"] == "David Yancey" and va.loc["REP", "votes"] == 11608
    assert va.loc["DEM", "votes"] == 11608 and va["won_reported"].isna().all()  # Party '' on the tie
    assert (va["source_file"] == princeton.VA_2017).all()
    assert rows_for(cands, "NJ", 2015, "1").empty and rows_for(cands, "AZ", 2018, "1").empty
    special = rows_for(cands, "VA", 2018, "8")
    assert set(special["kind"]) == {"special"} and special["election_date"].isna().all()
    reasons = result.rejected.groupby("source_file")["reason"].apply(list)
    assert len(reasons[princeton.POST1971]) == 2
    assert any("averaged over the two seats" in r for r in reasons[princeton.POST2013])
    assert any("duplicate" in r for r in reasons[princeton.POST2013])


def test_princeton_position_seats_and_scrape_letter_loss(tmp_path):
    # WA 2014: the first row lost its letter ('1' = 1a); a/b are Positions 1/2; ID keeps A/B.
    mirror = princeton_mirror(
        tmp_path,
        post2013=("WA,1,2014,R,R,10,20,0\nWA,1b,2014,D,D,30,20,0\nID,2A,2016,R,R,5,9,0\nID,2B,2016,R,R,0,9,0\n"),
    )
    cands = princeton.read(mirror).tables["candidates"]
    assert rows_for(cands, "WA", 2014, "1", seat="1").loc["REP", "votes"] == 20
    assert rows_for(cands, "WA", 2014, "1", seat="2").loc["DEM", "votes"] == 30
    assert list(rows_for(cands, "ID", 2016, "2", seat="B").index) == ["REP"]
    races, _ = build_contests(cands[cands["state_po"].isin(["WA", "ID"])])
    assert len(races) == 4  # the two positions are separate contests


def test_princeton_nj_2017_two_seats_and_repeated_names(tmp_path):
    nj = (
        "2017,New Jersey,District 7,Democratic,Herbert Conaway,39879,True,True\n"
        "2017,New Jersey,District 7,Democratic,Herbert Conaway,38819,True,False\n"
        "2017,New Jersey,District 7,Republican,Octavia Scott,20941,False,False\n"
        "2017,New Jersey,District 7,Republican,Robert Thibault,20726,False,False\n"
        "2017,New Jersey,District 7,One For All,Pat Doe,500,False,False\n"
    )
    result = princeton.read(princeton_mirror(tmp_path, nj2017=nj))
    cands = result.tables["candidates"]
    assert set(cands["seats"]) == {2}
    assert cands.loc[1, "candidate"] == "Unnamed Democratic candidate (name repeated at source, row 2)"
    assert cands.loc[4, "party"] == "IND"  # NJ petition slogan
    races, decided = build_contests(cands)
    assert races.loc[0, "seats_won_dem"] == 2 and races.loc[0, "seats_won_rep"] == 0
    assert set(decided.loc[decided["won"], "votes"]) == {39879, 38819}


def test_princeton_real_va_2017_tie_settled_by_lot(mirror, princeton_real):
    raw = pd.read_csv(mirror / princeton.VA_2017, dtype=str)
    hd94 = raw[raw["District"] == "94"].iloc[0]
    assert (hd94["Democrat Votes"], hd94["Republican Votes"]) == ("11608", "11608")
    assert (hd94["Democrat"], hd94["Republican"]) == ("Shelly Simonds", "David Yancey")

    cands = princeton_real
    va = cands[(cands["state_po"] == "VA") & (cands["year"] == 2017)]
    races, decided = build_contests(va, princeton.tie_overrides())
    winner = decided[decided["won"] & (decided["district"] == "94")]
    assert list(winner["candidate"]) == ["David Yancey"] and list(winner["party"]) == ["REP"]
    assert races["winner_party"].value_counts().to_dict() == {"REP": 51, "DEM": 49}
    # Without the lot the order of rows must not pick a winner silently: the tie is 0.0 margin.
    assert races.set_index("district").loc["94", "margin"] == 0.0


def test_princeton_real_post1971_row_pa_2010_hd164(princeton_real):
    # state_legislative_election_results_post1971.csv line 68102: PA,2010,164,10083,8711,...,O,D
    cands = princeton_real
    pa = rows_for(cands, "PA", 2010, "164")
    assert pa.loc["DEM", "votes"] == 10083 and pa.loc["REP", "votes"] == 8711
    assert pa.loc["DEM", "won_reported"] is True and pa.loc["DEM", "source_row"] == 68101
    # 2016 file: Mark Longietti unopposed in PA-7, coded with the 1-vote placeholder.
    pa7 = rows_for(cands, "PA", 2016, "7")
    assert list(pa7.index) == ["DEM"] and pa7.loc["DEM", "candidate"] == "Mark Longietti"
    races, _ = build_contests(cands[(cands["state_po"] == "PA") & (cands["year"] == 2016)])
    assert races.set_index("district").loc["7", "status"] == "uncontested"


# --------------------------------------------------------------------------- medsl_2018

MEDSL_HEADER = (
    '"year","state","state_po","state_fips","state_cen","state_ic","office","district","stage","special",'
    '"candidate","party","writein","mode","candidatevotes","totalvotes","unofficial","version"\n'
)


def medsl_row(state, office, district, candidate, party, mode, votes, special="FALSE", writein="FALSE"):
    return (
        f'2018,"X","{state}",1,1,1,"{office}","{district}","gen",{special},"{candidate}","{party}",{writein},'
        f'"{mode}",{votes},0,FALSE,20200508\n'
    )


def medsl_mirror(tmp_path: Path, body: str, encoding: str = "latin-1") -> Path:
    write(tmp_path / medsl_2018.FILE, (MEDSL_HEADER + body).encode(encoding))
    return tmp_path


def test_medsl_latin1_and_embedded_utf8_names(tmp_path):
    body = medsl_row("NM", "State Representative", "District 1", "Joseline Peña", "democrat", "total", 10) + medsl_row(
        "NM", "State Representative", "District 1", "Bob Roe", "republican", "total", 8
    )
    text = (MEDSL_HEADER + body).encode("latin-1").replace(b"Bob Roe", "André Roe".encode())
    write(tmp_path / medsl_2018.FILE, text)
    cands = medsl_2018.read(tmp_path).tables["candidates"]
    assert set(cands["candidate"]) == {"Joseline Peña", "André Roe"}


def test_medsl_invalid_file_names_row(tmp_path):
    # UTF-16 is not Latin-1 text: NUL bytes.
    body = medsl_row("NM", "State Representative", "District 1", "Ann", "democrat", "total", 10)
    write(tmp_path / medsl_2018.FILE, (MEDSL_HEADER + body).encode("utf-16-le"))
    with pytest.raises(InputError) as err:
        medsl_2018.read(tmp_path)
    assert err.value.file == medsl_2018.FILE and err.value.row is None  # NUL in the header line
    write(tmp_path / medsl_2018.FILE, (MEDSL_HEADER + body).encode("latin-1") + b"2018,\x00\n")
    with pytest.raises(InputError) as err:
        medsl_2018.read(tmp_path)
    assert err.value.row == 2


def test_medsl_modes_offices_seats_and_rejects(tmp_path):
    body = (
        medsl_row("NC", "State Representative", "District 5", "Ann", "democrat", "election day", 100)
        + medsl_row("NC", "State Representative", "District 5", "Ann", "democrat", "absentee", 20)
        + medsl_row("NC", "State Representative", "District 5", "Bob", "republican", "total", 90)
        + medsl_row("NC", "State Representative", "District 5", "Bob", "republican", "election day", 80)
        + medsl_row("NC", "State Representative", "District 5", "Under Votes", "NA", "total", 4)
        + medsl_row("NC", "Governor", "statewide", "Cal", "democrat", "total", 1000)
        + medsl_row("WA", "State Representative Pos. 2", "District 3", "Dee", "democrat", "total", 50)
        + medsl_row("ID", "State Representative B", "District 3", "Eve", "republican", "total", 60)
        + medsl_row("MN", "State Representative", "Distrcit 47B", "Fay", "democratic-farmer-labor", "total", 70)
        + medsl_row("NJ", "State Assembly Member", "District 15 (2)", "Gus", "democrat", "total", 80, special="TRUE")
        + medsl_row("NH", "State Representative", "District No. 1 (2)", "Hal", "republican", "total", 9)
        + medsl_row("MA", "State Senator", "District 1 Bristol a Plymouth", "Ida", "republican", "total", 9)
        + medsl_row("AZ", "State Representative", "District 4", "Jo", "democrat", "total", 9)
    )
    result = medsl_2018.read(medsl_mirror(tmp_path, body))
    c = result.tables["candidates"].set_index("candidate")
    assert c.loc["Ann", "votes"] == 120  # modes summed
    assert c.loc["Bob", "votes"] == 90  # TOTAL row preferred, never added to the modes
    assert (c.loc["Dee", "seat"], c.loc["Dee", "district"]) == ("2", "3")
    assert (c.loc["Eve", "seat"], c.loc["Eve", "office"]) == ("B", "state_house")
    assert c.loc["Fay", "district"] == "47B" and c.loc["Fay", "party"] == "DEM"
    assert (c.loc["Gus", "seats"], c.loc["Gus", "kind"], c.loc["Gus", "district"]) == (2, "special", "15")
    assert (c.loc["Ida", "district"], c.loc["Ida", "office"]) == ("1st Bristol and Plymouth", "state_senate")
    assert c.loc["Jo", "seats"] == 2
    assert set(c["source"]) == {"medsl_2018"} and set(c["year"]) == {2018}
    reasons = result.rejected.set_index("source_row")["reason"]
    assert reasons[5] == "ballot-accounting row" and reasons[6] == "not a state legislative office"
    assert reasons[11].startswith("NH House label has no county")
    assert result.rows_read == 13


def test_medsl_real_2018_winners_pa_and_mi(mirror):
    cands = medsl_2018.read(mirror).tables["candidates"]
    house = cands[(cands["office"] == "state_house") & (cands["kind"] == "general")]
    races, _ = build_contests(house[house["state_po"].isin(["PA", "MI"])])
    counts = races.groupby("state_po")["winner_party"].value_counts().to_dict()
    assert (counts[("PA", "REP")], counts[("PA", "DEM")]) == (110, 93)
    assert (counts[("MI", "REP")], counts[("MI", "DEM")]) == (58, 52)


# --------------------------------------------------------------------------- openelections_pa


def pa_mirror(tmp_path: Path, body2016: str, body2018: str = "") -> Path:
    header = "county,office,district,party,candidate,votes\n"
    write(tmp_path / openelections_pa.FOLDER / openelections_pa.FILES[0], header + body2016)
    write(tmp_path / openelections_pa.FOLDER / openelections_pa.FILES[1], header + body2018)
    return tmp_path


def test_openelections_sums_counties_and_resolves_cross_filing(tmp_path):
    mirror = pa_mirror(
        tmp_path,
        (
            "Adams,President,,DEM,Hillary Clinton,14219\n"
            "Beaver,State House,14,DEMREP,Jim Marshall,22801\n"
            "Butler,State House,14,DEMREP,Jim Marshall,6698\n"
            "Berks,State House,124,DEMREP,Jerry Knowles,8847\n"
            "Berks,State House,124,REP,Jerry Knowles,100\n"
            "Berks,State House,124,DEM,Sue Smith,50\n"
        ),
    )
    result = openelections_pa.read(mirror)
    c = result.tables["candidates"]
    marshall = c[c["candidate"] == "Jim Marshall"].iloc[0]
    assert (marshall["votes"], marshall["party"], marshall["party_raw"]) == (29499, "OTHER", "DEMREP")
    assert (marshall["source_row"], marshall["election_date"]) == (2, "2016-11-08")
    knowles = c[c["candidate"] == "Jerry Knowles"].set_index("party_raw")
    assert knowles.loc["DEMREP", "party"] == "REP"  # his own REP line exists
    races, decided = build_contests(c)
    won = decided[decided["won"]].set_index("district")
    assert (won.loc["124", "party"], won.loc["124", "votes"]) == ("REP", 8947)
    assert any("Jim Marshall" in n for n in result.notes)
    assert result.rejected["reason"].tolist() == ["not a state legislative office"]


def test_openelections_real_pa_house_winners(mirror):
    c = openelections_pa.read(mirror).tables["candidates"]
    races, decided = build_contests(c[c["office"] == "state_house"])
    won = decided[decided["won"]]
    counts = won.groupby("year")["party_raw"].value_counts().to_dict()
    assert (counts[(2018, "REP")], counts[(2018, "DEM")], counts[(2018, "DEMREP")]) == (107, 92, 4)
    assert (counts[(2016, "REP")], counts[(2016, "DEM")], counts[(2016, "DEMREP")]) == (113, 78, 12)
    # 20181106__pa__general__county.csv: Mercer,State House,7,DEMREP,Mark Alfred Longietti,21573
    longietti = c[(c["year"] == 2018) & (c["district"] == "7") & (c["office"] == "state_house")]
    assert longietti["votes"].tolist() == [21573] and longietti["party"].tolist() == ["OTHER"]


# --------------------------------------------------------------------------- chamber_composition

COMP_HEADER = "state,year,senate_total,senate_dem,senate_rep,senate_other,house_total,house_dem,house_rep,house_other\n"


def test_chamber_composition_long_form_prefers_ncsl(tmp_path):
    write(
        tmp_path / chamber_composition.NCSL_FILE,
        COMP_HEADER + "Virginia,2018,40,19,21,0,100,49,51,0\nNebraska,2018,49,0,0,49,0,0,0,0\n",
    )
    write(
        tmp_path / chamber_composition.LONG_FILE,
        COMP_HEADER + "Virginia,2018,40,19,21,0,100,49,51,0\n"
        "Virginia,1990,40,30,10,0,100,59,39,2\nAlabama,1934,,,,,,,,\nNebraska,1950,43,,,,,,,\n",
    )
    result = chamber_composition.read(tmp_path)
    t = result.tables["chamber_composition"].set_index(["state_po", "year", "office"])
    assert t.loc[("VA", 2018, "state_house"), ["dem", "rep", "source"]].tolist() == [49, 51, "ncsl"]
    assert t.loc[("VA", 1990, "state_house"), ["total", "other", "source"]].tolist() == [100, 2, "klarner"]
    assert ("NE", 2018, "state_house") not in t.index and t.loc[("NE", 2018, "state_senate"), "other"] == 49
    assert t.loc[("NE", 1950, "state_senate"), "total"] == 43 and pd.isna(t.loc[("NE", 1950, "state_senate"), "dem"])
    assert len(t) == 6  # VA 2018 x2, NE 2018 senate, VA 1990 x2, NE 1950 senate
    reasons = result.rejected.set_index("source_row")["reason"]
    assert reasons[1].startswith("duplicate") and reasons[3].startswith("no seat counts")


def test_chamber_composition_real_virginia_2018(mirror):
    t = chamber_composition.read(mirror).tables["chamber_composition"].set_index(["state_po", "year", "office"])
    assert t.loc[("VA", 2018, "state_house"), ["total", "dem", "rep"]].tolist() == [100, 49, 51]
    assert t.loc[("NE", 2020, "state_senate"), ["total", "other"]].tolist() == [49, 49]


# --------------------------------------------------------------------------- county_pres

MEDSL_COUNTY_HEADER = "year,state,state_po,county,FIPS,office,candidate,party,candidatevotes,totalvotes,version\n"
TONMCG_HEADER = (
    "state_name,county_fips,county_name,votes_gop,votes_dem,total_votes,diff,per_gop,per_dem,per_point_diff\n"
)


def county_mirror(tmp_path: Path, medsl: str, t2020: str = "", t2024: str = "") -> Path:
    write(tmp_path / county_pres.MEDSL_FILE, MEDSL_COUNTY_HEADER + medsl)
    write(tmp_path / county_pres.TONMCG_FILES[2020], TONMCG_HEADER + t2020)
    write(tmp_path / county_pres.TONMCG_FILES[2024], TONMCG_HEADER + t2024)
    return tmp_path


def test_county_pres_pivot_pad_margin_and_non_county_lines(tmp_path):
    medsl = (
        "2016,Alabama,AL,Autauga,1001,President,Hillary Clinton,democrat,50,999,1\n"
        "2016,Alabama,AL,Autauga,1001,President,Donald Trump,republican,40,999,1\n"
        "2016,Alabama,AL,Autauga,1001,President,Other,NA,10,999,1\n"
        "2016,Virginia,VA,Bedford,51515,President,Hillary Clinton,democrat,NA,0,1\n"
        "2016,Maine,NA,Maine UOCAVA,NA,President,Hillary Clinton,democrat,30,5056,1\n"
        "2016,Maine,NA,Maine UOCAVA,NA,President,Donald Trump,republican,10,5056,1\n"
        "2016,Connecticut,NA,Statewide writein,NA,President,Hillary Clinton,democrat,NA,5056,1\n"
    )
    mirror = county_mirror(tmp_path, medsl, t2020="Alabama,01001,Autauga County,60,30,100,30,0.6,0.3,0.3\n")
    result = county_pres.read(mirror)
    t = result.tables["county_presidential"]
    assert list(t.columns) == county_pres.OUTPUT_COLUMNS
    autauga = t[(t["county_fips"] == "01001") & (t["year"] == 2016)].iloc[0]
    assert (autauga["dem_votes"], autauga["rep_votes"], autauga["total_votes"]) == (50, 40, 100)
    assert autauga["margin"] == pytest.approx(10.0)  # (50 - 40) / 100 of ALL votes, not two-party
    assert t[(t["county_fips"] == "01001") & (t["year"] == 2020)].iloc[0]["margin"] == pytest.approx(-30.0)
    assert pd.isna(t[t["county_fips"] == "51515"].iloc[0]["margin"])
    uocava = t[t["county_name"] == "Maine UOCAVA"].iloc[0]
    assert (uocava["state_po"], uocava["dem_votes"], uocava["total_votes"]) == ("ME", 30, 40)
    assert pd.isna(uocava["county_fips"])
    assert result.rejected["source_row"].tolist() == [7]


def test_county_pres_real_national_sums(mirror):
    t = county_pres.read(mirror).tables["county_presidential"]
    sums = t.groupby("year")["dem_votes"].sum()
    assert sums[2016] == 65_844_241 and sums[2000] == 51_001_968  # county/SOURCES.md checks
    assert t.groupby("year")["rep_votes"].sum()[2016] == 62_979_031
    autauga = t[(t["county_fips"] == "01001") & (t["year"] == 2000)].iloc[0]
    assert (autauga["dem_votes"], autauga["rep_votes"]) == (4942, 11993)  # first rows of countypres_2000-2016.csv
