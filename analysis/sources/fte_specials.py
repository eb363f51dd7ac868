"""FiveThirtyEight House results -> special-election candidate rows, the specials list, cross-checks.

Files (congress/SOURCES.md section 4):
- congress/specials/538_election_results_house.csv: one row per candidate per ballot line (per RCV
  round in AK 2022), 1998-2023 (the snapshot predates 538's 2023-11 update, so later specials have
  no votes);
- congress/specials/538_races.csv: one row per race; joined on results.race_id = races.id for the
  election `date` (M/D/YY) and `incumbent_party`. Also lists 2023-2025 specials without votes.

Votes are raw counts; margins are computed by normalize.build_contests (Democratic minus
Republican, points of the two-party vote). For the AK-AL August 2022 special (RCV), round 1 is
kind 'special' and the final round kind 'special_rcv_final': the final round is the one that
decided the seat and the one margins/overperformance should use.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import InputError
from analysis.normalize import CANDIDATE_COLUMNS, canonical_district, canonical_party, fold_ws
from analysis.sources.base import SourceResult, rel, to_votes
from analysis.sources.medsl_house import map_parties, read_strict_csv, to_bool, unmapped

SOURCE = "fte_specials"
RESULTS = "congress/specials/538_election_results_house.csv"
RACES = "congress/specials/538_races.csv"
RESULT_COLUMNS = [
    "id",
    "race_id",
    "state_abbrev",
    "office_seat_name",
    "cycle",
    "stage",
    "special",
    "party",
    "candidate_name",
    "ballot_party",
    "ranked_choice_round",
    "votes",
    "unopposed",
    "winner",
    "alt_result_text",
]
RACE_COLUMNS = [
    "id",
    "type",
    "state_abbrev",
    "office_seat_name",
    "cycle",
    "stage",
    "party",
    "special",
    "incumbent_party",
    "date",
    "Winning party",
]

# Stage -> kind for special elections. 'general' and the one-round 'jungle primary' (LA, TX, GA,
# CA-22 2022 all-party specials: a majority winner takes the seat) are the special itself; a
# 'runoff' follows one. Party primaries and CA/AK top-two/top-four primaries elect nobody.
SPECIAL_KIND = {"general": "special", "jungle primary": "special", "runoff": "special_runoff"}
PRIMARY_STAGES = {"primary", "primary runoff", "top two primary", "top four primary"}

# 538 numbers every House seat 'District N', at-large seats 'District 1' (SOURCES.md table), so
# at-large needs outside knowledge: states with one seat in the apportionment in force.
ALWAYS_AT_LARGE = {"AK", "DE", "ND", "VT", "WY"}


def at_large(state_po: str, year: int) -> bool:
    """True when the state elected a single, statewide member that year (1972-2030 apportionments)."""
    if state_po in ALWAYS_AT_LARGE or state_po in {"DC", "PR", "GU", "VI", "AS", "MP"}:
        return True
    if state_po == "SD":
        return year >= 1982  # lost its 2nd seat in the 1980 apportionment
    if state_po == "MT":
        return 1992 <= year < 2022  # at-large 1992-2020, 2 seats again from 2022
    if state_po == "NV":
        return year < 1982
    return False


def _iso_dates(text: pd.Series, file: str, rows: pd.Series) -> pd.Series:
    """538 `date` M/D/YY -> ISO 'YYYY-MM-DD'; blank -> None (race not held / no date)."""
    stripped = text.str.strip()
    parsed = pd.to_datetime(stripped, format="%m/%d/%y", errors="coerce")
    bad = parsed.isna() & stripped.ne("")
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise InputError(file, f"bad date {text.iloc[pos]!r} (expected M/D/YY)", row=int(rows.iloc[pos]), column="date")
    return pd.Series(parsed.dt.strftime("%Y-%m-%d").to_numpy(dtype=object), index=text.index).where(
        parsed.notna(), None
    )


def _district(frame: pd.DataFrame, year: pd.Series) -> pd.Series:
    keys = pd.DataFrame({"s": frame["state_abbrev"], "d": frame["office_seat_name"], "y": year}).drop_duplicates()
    lookup = {
        (s, d, y): canonical_district(s, "us_house", d, at_large=at_large(s, int(y)))
        for s, d, y in keys.itertuples(index=False)
    }
    return pd.Series(
        [lookup[k] for k in zip(frame["state_abbrev"], frame["office_seat_name"], year, strict=True)], index=frame.index
    )


def _read_races(mirror: Path) -> tuple[pd.DataFrame, str]:
    path = Path(mirror) / RACES
    file = rel(path, mirror)
    races = read_strict_csv(path, mirror, RACE_COLUMNS)
    rows = pd.Series(np.arange(1, len(races) + 1), index=races.index)
    races = races.assign(source_row=rows, iso_date=_iso_dates(races["date"], file, rows))
    if races["id"].duplicated().any():
        pos = int(races["id"].duplicated().to_numpy().nonzero()[0][0])
        raise InputError(file, f"duplicate race id {races['id'].iloc[pos]!r}", row=pos + 1, column="id")
    return races, file


def read(mirror: Path) -> SourceResult:
    """Read 538 House results. Tables:

    candidates: CANDIDATE_COLUMNS, special elections only (special == true), every cycle in the
      file; kind 'special' (stage general / jungle primary), 'special_runoff' (stage runoff),
      AK RCV: round 1 'special', final round 'special_rcv_final'. election_date from races.csv.
      votes raw (None when 538 has no count, e.g. unopposed). won_reported = 538 `winner` (in a
      jungle primary that went to a runoff, 538 flags the leader, who did not win the seat yet).
    special_races: one row per House special race in races.csv (incl. 2023-2025 without votes):
      race_id, state_po, office, district, date (ISO), cycle, stage, primary_party, kind,
      incumbent_party (canonical; None when 538 says vacant/blank/new seat), incumbent_party_raw,
      winning_party (canonical), winning_party_raw, has_votes.
    cross_check: the non-special rows (538's regular generals, jungle primaries, runoffs),
      minimal, for comparison with MEDSL (the source of record): state_po, office, district, year,
      stage, ranked_choice_round, candidate, party_raw, party, votes, writein, won_reported, source_row.
    """
    path = Path(mirror) / RESULTS
    file = rel(path, mirror)
    raw = read_strict_csv(path, mirror, RESULT_COLUMNS)
    races, races_file = _read_races(mirror)
    house_specials = races[(races["type"] == "HouseRace") & races["special"].str.lower().eq("true")]
    result = SourceResult(source=SOURCE, rows_read=len(raw) + len(house_specials))
    rows = pd.Series(np.arange(1, len(raw) + 1), index=raw.index)

    frame = raw.assign(source=SOURCE, source_file=file, source_row=rows)
    frame = frame.merge(
        races[["id", "iso_date"]].rename(columns={"id": "race_id"}), on="race_id", how="left", validate="many_to_one"
    )
    frame.index = raw.index
    orphan = ~frame["race_id"].isin(races["id"])
    result.reject(frame[orphan], "race_id not in 538_races.csv", column="race_id")
    frame = frame[~orphan]
    r = frame["source_row"]

    cycle = pd.to_numeric(frame["cycle"], errors="coerce")
    if cycle.isna().any():
        pos = int(cycle.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, f"bad cycle {frame['cycle'].iloc[pos]!r}", row=int(r.iloc[pos]), column="cycle")
    # 538's cycle is the calendar year for specials (2017, 2021...); the date decides when present.
    date_year = pd.to_numeric(frame["iso_date"].str[:4], errors="coerce")
    frame["year"] = date_year.fillna(cycle).astype(int)
    frame["state_po"] = frame["state_abbrev"].str.strip().str.upper()
    frame["office"] = "us_house"
    frame["district"] = _district(frame.assign(state_abbrev=frame["state_po"]), frame["year"])
    frame["candidate"] = frame["candidate_name"].map(fold_ws)
    frame["party_raw"] = frame["ballot_party"].map(fold_ws)
    frame["party"] = map_parties(frame["party_raw"], SOURCE)
    frame["votes"] = to_votes(frame["votes"], file, "votes", r)
    frame["writein"] = frame["party_raw"].eq("W")
    frame["won_reported"] = to_bool(frame["winner"], file, "winner", r).astype(object)
    frame["won_reported"] = frame["won_reported"].where(frame["won_reported"].notna(), None)
    special = to_bool(frame["special"], file, "special", r, blank=False).astype(bool)
    stage = frame["stage"].str.strip().str.lower()
    rcv_round = pd.to_numeric(frame["ranked_choice_round"], errors="coerce")

    # Write-in / scattering / blank aggregates have no candidate name (538 README): not candidates.
    accounting = frame["candidate"].eq("")
    result.reject(frame[accounting], "ballot-accounting row", column="candidate_name")

    specials = frame[special & ~accounting]
    primary = specials["stage"].str.strip().str.lower().isin(PRIMARY_STAGES)
    result.reject(specials[primary], "primary, not a general-election contest", column="stage")
    specials = specials[~primary]
    unknown = ~specials["stage"].str.strip().str.lower().isin(list(SPECIAL_KIND))
    result.reject(specials[unknown], "unknown stage", column="stage")
    specials = specials[~unknown]
    result.tables["candidates"] = _special_rows(specials, stage, rcv_round, result)

    regular = frame[~special & ~accounting]
    cross = regular.assign(stage=stage[regular.index], ranked_choice_round=rcv_round[regular.index].astype("Int64"))
    result.tables["cross_check"] = cross[
        [
            "state_po",
            "office",
            "district",
            "year",
            "stage",
            "ranked_choice_round",
            "candidate",
            "party_raw",
            "party",
            "votes",
            "writein",
            "won_reported",
            "source_row",
        ]
    ].reset_index(drop=True)

    result.tables["special_races"] = _special_races(house_specials, frame, races_file, result)
    named = pd.concat([result.tables["candidates"], result.tables["cross_check"]], ignore_index=True)
    result.unmapped_labels = unmapped(named, SOURCE)
    result.notes.extend(_notes(result))
    return result


def _special_rows(specials: pd.DataFrame, stage: pd.Series, rcv_round: pd.Series, result: SourceResult) -> pd.DataFrame:
    out = specials.copy()
    out["kind"] = stage[out.index].map(SPECIAL_KIND)
    rounds = rcv_round[out.index]
    if rounds.notna().any():
        last = rounds.groupby(out["race_id"]).transform("max")
        final = rounds.notna() & rounds.eq(last) & rounds.gt(1)
        middle = rounds.notna() & rounds.gt(1) & ~final
        result.reject(
            out[middle], "intermediate RCV round (round 1 and the final round are kept)", column="ranked_choice_round"
        )
        out = out[~middle]
        out.loc[final[out.index], "kind"] = np.where(
            out.loc[final[out.index], "kind"].eq("special"), "special_rcv_final", "special_runoff_rcv_final"
        )
    out["election_date"] = out["iso_date"]
    out["seats"] = 1
    out["incumbent"] = None
    return out[CANDIDATE_COLUMNS].reset_index(drop=True)


def _special_races(house_specials: pd.DataFrame, frame: pd.DataFrame, file: str, result: SourceResult) -> pd.DataFrame:
    cycle = pd.to_numeric(house_specials["cycle"], errors="coerce")
    if cycle.isna().any():
        pos = int(cycle.isna().to_numpy().nonzero()[0][0])
        raise InputError(file, "bad cycle", row=int(house_specials["source_row"].iloc[pos]), column="cycle")
    year = pd.to_numeric(house_specials["iso_date"].str[:4], errors="coerce").fillna(cycle).astype(int)
    hs = house_specials.assign(state_abbrev=house_specials["state_abbrev"].str.strip().str.upper())
    stage = hs["stage"].str.strip().str.lower()
    with_votes = set(frame.loc[frame["votes"].notna(), "race_id"])
    inc_raw = hs["incumbent_party"].map(fold_ws)
    win_raw = hs["Winning party"].map(fold_ws)
    # 538 writes 'vacant', 'new_seat' or blank where no member held the seat: not a party.
    no_holder = inc_raw.str.lower().isin(["", "vacant", "new_seat"])
    out = pd.DataFrame(
        {
            "race_id": hs["id"],
            "state_po": hs["state_abbrev"],
            "office": "us_house",
            "district": _district(hs, year),
            "date": hs["iso_date"],
            "cycle": cycle.astype(int),
            "stage": stage,
            "primary_party": hs["party"].map(fold_ws).replace("", None),
            "kind": stage.map(SPECIAL_KIND).where(~stage.isin(PRIMARY_STAGES), "special_primary"),
            "incumbent_party": [
                None if n else canonical_party(p, SOURCE) for p, n in zip(inc_raw, no_holder, strict=True)
            ],
            "incumbent_party_raw": inc_raw,
            "winning_party": [canonical_party(p, SOURCE) if p else None for p in win_raw],
            "winning_party_raw": win_raw,
            "has_votes": hs["id"].isin(with_votes),
        }
    )
    return out.sort_values(["date", "state_po", "district"], na_position="last").reset_index(drop=True)


def _notes(result: SourceResult) -> list[str]:
    c = result.tables["candidates"]
    sr = result.tables["special_races"]
    since17 = c[c["year"] >= 2017]
    no_votes = sr[~sr["has_votes"]]
    return [
        f"fte_specials: {c.groupby(['state_po', 'district', 'election_date', 'kind']).ngroups} special contests with "
        f"candidates ({since17.groupby(['state_po', 'district', 'election_date', 'kind']).ngroups} since 2017), "
        f"{len(c)} rows; kinds {c['kind'].value_counts().to_dict()}.",
        "fte_specials: AK-AL 2022-08-16 special (RCV): round 1 is kind 'special', the final round "
        "'special_rcv_final' (use the final round for margins and overperformance).",
        "fte_specials: in jungle primaries followed by a runoff (GA-06 2017, CA-22 2022, ...) 538 sets winner=true "
        "on the leader, who was not yet elected; the runoff is a separate 'special_runoff' contest.",
        f"fte_specials: {len(no_votes)} House special races in 538_races.csv have no votes in the results file "
        f"(results snapshot ends 2023-11): "
        + ", ".join(
            f"{s}-{d} {t}"
            for s, d, t in no_votes[["state_po", "district", "date"]].fillna("no date").itertuples(index=False)
        )
        + ".",
        "fte_specials: TX 2006 specials (11/7/06) also appear in medsl_house as kind 'special' on the same date; "
        "538 has no 1996 TX specials with votes (races only).",
        f"fte_specials: {len(result.tables['cross_check'])} non-special rows kept as cross_check (MEDSL is the "
        "source of record for regular generals); AK 2022 general RCV rounds there carry ranked_choice_round.",
    ]
