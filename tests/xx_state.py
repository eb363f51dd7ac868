"""A tiny synthetic state "XX", built by hand, shaped like the warehouse views (docs/CONTRACT.md).

State house: districts 1-4 elect one member each; district 5 elects two by bloc vote. Lines
changed in 2022 (plan '2022'; before that plan '2012'). US House: districts 1 and 2.
Every number below is chosen so the tests can compute the expected values by hand.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from analysis.features import WarehouseInputs

RACE_COLUMNS = [
    "race_id",
    "year",
    "election_date",
    "state_po",
    "office",
    "district",
    "seat",
    "plan",
    "kind",
    "seats",
    "dem_votes",
    "rep_votes",
    "total_votes",
    "margin",
    "winner_party",
    "status",
    "votes_to_flip",
    "seats_won_dem",
    "seats_won_rep",
    "n_candidates",
    "non_voting",
    "source",
]


def _race(office, district, year, dem, rep, status="contested", seats=1, winner=None, kind="general", plan=None):
    plan = plan or ("2022" if year >= 2022 else "2012")
    dem_v = np.nan if dem is None else float(dem)
    rep_v = np.nan if rep is None else float(rep)
    margin = 100.0 * (dem_v - rep_v) / (dem_v + rep_v) if status == "contested" and seats == 1 else np.nan
    if winner is None:
        winner = "DEM" if (dem_v if dem is not None else -1) > (rep_v if rep is not None else -1) else "REP"
    w, loser = (max(dem_v, rep_v), min(dem_v, rep_v)) if status == "contested" else (np.nan, np.nan)
    return {
        "race_id": f"XX-{office}-{district}-{year}-{kind}",
        "year": year,
        "election_date": f"{year}-11-0{3 + year % 5}",
        "state_po": "XX",
        "office": office,
        "district": str(district),
        "seat": None,
        "plan": plan,
        "kind": kind,
        "seats": seats,
        "dem_votes": dem_v,
        "rep_votes": rep_v,
        "total_votes": np.nansum([dem_v, rep_v]),
        "margin": margin,
        "winner_party": winner,
        "status": status,
        "votes_to_flip": np.floor((w - loser) / 2) + 1 if status == "contested" else np.nan,
        "seats_won_dem": int(winner == "DEM") * seats,
        "seats_won_rep": int(winner == "REP") * seats,
        "n_candidates": 2,
        "non_voting": False,
        "source": "synthetic",
    }


def races() -> pd.DataFrame:
    rows = [
        # State house, old lines (plan 2012): training history.
        _race("state_house", 1, 2016, 5200, 4800),
        _race("state_house", 1, 2018, 5600, 4400),
        _race("state_house", 1, 2020, 5300, 4700),
        _race("state_house", 2, 2016, 4700, 5300),
        _race("state_house", 2, 2018, 5100, 4900),
        _race("state_house", 2, 2020, 4800, 5200),
        _race("state_house", 3, 2016, 3800, 6200),
        _race("state_house", 3, 2018, 4300, 5700),
        _race("state_house", 3, 2020, 3900, 6100),
        _race("state_house", 4, 2016, 2800, 7200),
        _race("state_house", 4, 2018, 3300, 6700),
        _race("state_house", 4, 2020, 2900, 7100),
        # State house, current lines (plan 2022).
        _race("state_house", 1, 2022, 6000, 4000),
        _race("state_house", 1, 2024, 5500, 4500),
        _race("state_house", 2, 2022, 4800, 5200),
        _race("state_house", 2, 2024, 4900, 5100),
        _race("state_house", 3, 2022, None, 7000, status="uncontested", winner="REP"),
        _race("state_house", 3, 2024, None, 7200, status="uncontested", winner="REP"),
        _race("state_house", 4, 2022, 3000, 7000),
        _race("state_house", 4, 2024, 3500, 6500),
        # District 5: two seats, bloc vote; D 5200 + 5000, R 5100 + 4900 -> one seat each.
        {
            **_race("state_house", 5, 2024, 10200, 10000, seats=2, winner="SPLIT"),
            "margin": 100.0 * (5000 - 5100) / 10100,
            "seats_won_dem": 1,
            "seats_won_rep": 1,
            "votes_to_flip": 51.0,
            "n_candidates": 4,
        },
        # US House, old and current lines.
        _race("us_house", 1, 2016, 160000, 140000),
        _race("us_house", 1, 2018, 175000, 125000),
        _race("us_house", 1, 2020, 170000, 150000),
        _race("us_house", 2, 2016, 130000, 170000),
        _race("us_house", 2, 2018, 150000, 150001),
        _race("us_house", 2, 2020, 140000, 180000),
        _race("us_house", 1, 2022, 165000, 135000),
        _race("us_house", 1, 2024, 172000, 158000),
        _race("us_house", 2, 2022, 139000, 161000),
        _race("us_house", 2, 2024, 150000, 160000),
    ]
    return pd.DataFrame(rows, columns=RACE_COLUMNS)


def candidates(race_frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for r in race_frame.itertuples():
        if r.seats > 1:
            for name, party, votes, won in (
                ("Dee One", "DEM", 5200, True),
                ("Dee Two", "DEM", 5000, False),
                ("Arr One", "REP", 5100, True),
                ("Arr Two", "REP", 4900, False),
            ):
                rows.append((r.race_id, name, party, party, votes, won, None, False, 1))
            continue
        # Incumbents: the 2024 US House XX-2 Republican is running; state house 2024 D2 is open.
        inc_rep = r.office == "us_house" and r.district == "2" and r.year == 2024
        known = r.year == 2024
        if not np.isnan(r.dem_votes):
            rows.append(
                (
                    r.race_id,
                    f"D {r.district}",
                    "DEM",
                    "D",
                    r.dem_votes,
                    r.winner_party == "DEM",
                    False if known else None,
                    False,
                    1,
                )
            )
        if not np.isnan(r.rep_votes):
            rows.append(
                (
                    r.race_id,
                    f"R {r.district}",
                    "REP",
                    "R",
                    r.rep_votes,
                    r.winner_party == "REP",
                    inc_rep if known else None,
                    False,
                    1,
                )
            )
    return pd.DataFrame(
        rows,
        columns=["race_id", "candidate", "party", "party_raw", "votes", "won", "incumbent", "writein", "party_lines"],
    )


def presidential() -> pd.DataFrame:
    rows = [
        # current state house lines: MultiState-style all-vote 2024 margins, and D1 with votes.
        ("XX", "state_house", "1", "2022", 2024, 5800.0, 4200.0, 10300.0, 16.0, "two_party"),
        ("XX", "state_house", "1", "2022", 2020, 6000.0, 4000.0, 10200.0, 20.0, "two_party"),
        ("XX", "state_house", "2", "2022", 2024, None, None, None, 3.0, "all_votes"),
        ("XX", "state_house", "3", "2022", 2024, None, None, None, 3.0, "all_votes"),
        ("XX", "state_house", "4", "2022", 2024, None, None, None, -20.0, "all_votes"),
        ("XX", "state_house", "5", "2022", 2024, None, None, None, 1.0, "all_votes"),
        # old state house lines: 2012 and 2016 with votes (Daily Kos style)
        *[
            ("XX", "state_house", str(d), "2012", y, dv, rv, dv + rv, None, "two_party")
            for d, y, dv, rv in (
                (1, 2012, 5500, 4500),
                (1, 2016, 5400, 4600),
                (2, 2012, 5000, 5000),
                (2, 2016, 4800, 5200),
                (3, 2012, 4000, 6000),
                (3, 2016, 3800, 6200),
                (4, 2012, 3000, 7000),
                (4, 2016, 2700, 7300),
            )
        ],
        # US House
        ("XX", "us_house", "1", "2022", 2020, 180000.0, 150000.0, 335000.0, None, "two_party"),
        ("XX", "us_house", "1", "2022", 2024, 175000.0, 160000.0, 340000.0, None, "two_party"),
        ("XX", "us_house", "2", "2022", 2020, 160000.0, 165000.0, 330000.0, None, "two_party"),
        ("XX", "us_house", "2", "2022", 2024, 150000.0, 175000.0, 330000.0, None, "two_party"),
        ("XX", "us_house", "1", "2012", 2012, 165000.0, 140000.0, 310000.0, None, "two_party"),
        ("XX", "us_house", "1", "2012", 2016, 160000.0, 145000.0, 315000.0, None, "two_party"),
        ("XX", "us_house", "2", "2012", 2012, 140000.0, 160000.0, 305000.0, None, "two_party"),
        ("XX", "us_house", "2", "2012", 2016, 135000.0, 170000.0, 310000.0, None, "two_party"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "state_po",
            "office",
            "district",
            "plan",
            "pres_year",
            "dem_votes",
            "rep_votes",
            "total_votes",
            "margin",
            "margin_basis",
        ],
    )
    has_votes = frame["dem_votes"].notna()
    frame.loc[has_votes, "margin"] = (
        100 * (frame["dem_votes"] - frame["rep_votes"]) / (frame["dem_votes"] + frame["rep_votes"])
    )
    frame["source"] = "synthetic"
    frame["old_lines"] = frame["plan"] == "2012"
    return frame


def districts() -> pd.DataFrame:
    rows = [
        ("XX", "state_house", str(d), None, "2022", 1, h, h, f"H{d}", 2026, 2)
        for d, h in ((1, "DEM"), (2, "REP"), (3, "REP"), (4, "REP"))
    ] + [
        ("XX", "state_house", "5", None, "2022", 2, "SPLIT", "DEM 1, REP 1", "H5a; H5b", 2026, 2),
        ("XX", "us_house", "1", None, "2022", 1, "DEM", "DEM", "Rep One", 2026, 2),
        ("XX", "us_house", "2", None, "2022", 1, "REP", "REP", "Rep Two", 2026, 2),
    ]
    return pd.DataFrame(
        rows,
        columns=[
            "state_po",
            "office",
            "district",
            "seat",
            "plan",
            "seats",
            "holder_party",
            "holder_detail",
            "holder_names",
            "next_election",
            "term_length",
        ],
    )


def chambers() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("XX", "state_house", 6, 2, 4, 0, 0, 4, "R"),
            ("US", "us_house", 2, 1, 1, 0, 0, 2, "Split"),
        ],
        columns=[
            "state_po",
            "office",
            "total_seats",
            "d_seats",
            "r_seats",
            "other_seats",
            "vacant_seats",
            "majority_threshold",
            "control_status",
        ],
    )


def write_db(path) -> str:
    """A DuckDB file with tables named like the warehouse views, holding XX."""
    r = races()
    with duckdb.connect(str(path)) as con:
        for name, frame in (
            ("races", r),
            ("candidates", candidates(r)),
            ("presidential", presidential()),
            ("districts", districts()),
            ("chambers", chambers()),
        ):
            con.register("_f", frame)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM _f")
            con.unregister("_f")
        con.execute("ALTER TABLE races ALTER election_date TYPE DATE")
    return str(path)


def inputs_from_db(path) -> WarehouseInputs:
    from analysis import features

    with duckdb.connect(str(path), read_only=True) as con:
        return features.load_inputs(con)
