"""Methodology & Data: the formulas, sources with provenance and licences, coverage, and the build report."""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui_cache
from analysis import charts, config, queries

ui_cache.ensure_entrypoint()

METHODOLOGY_MD = config.PROJECT_ROOT / "docs" / "METHODOLOGY.md"

# Publisher and licence notes per source folder, from the mirror's SOURCES.md files.
SOURCE_NOTES = pd.DataFrame(
    [
        (
            "congress/house_results",
            "US House results 1976–2024",
            "MIT Election Data + Science Lab (Harvard Dataverse doi:10.7910/DVN/IG0UN2), from the Clerk of the House",
            "Not stated in the files; see the Dataverse page",
        ),
        (
            "congress/presidential_by_cd",
            "Presidential results by congressional district 2008–2024",
            "Daily Kos Elections / The Downballot (compiled by S. Kuriwaki and others)",
            "Package MIT; underlying Downballot data: no licence stated",
        ),
        (
            "congress/boundaries",
            "Congressional district boundaries (116th/118th/119th)",
            "US Census Bureau cartographic boundary files 1:20m",
            "Public domain (US government work)",
        ),
        ("congress/specials", "House special elections 2017–2023", "FiveThirtyEight (ABC News)", "No licence file"),
        (
            "congress/members",
            "Current legislators; House incumbents",
            "@unitedstates project; compiled House incumbents",
            "CC0 1.0 (legislators); incumbents: no licence stated",
        ),
        (
            "statelegislative/multistate_elections",
            "State legislative results, holders, 2024 presidential margins, boundaries",
            "MultiState export (Ballotpedia-based); StateNavigate margins; Census TIGER/Line 2024 SLDL/SLDU",
            "No licence stated (Ballotpedia terms may apply); boundaries public domain",
        ),
        (
            "statelegislative/medsl_2024_precinct",
            "2024 precinct returns, 9 states",
            "MIT Election Data + Science Lab",
            "No licence file",
        ),
        (
            "statelegislative/medsl_2018",
            "2018 state-office returns",
            "MIT Election Data + Science Lab",
            "No licence file",
        ),
        (
            "statelegislative/princeton_historic_slers",
            "Lower-house results 1971–2018",
            "Princeton Gerrymandering Project (Klarner SLERs + Ballotpedia scrapes)",
            "No licence file",
        ),
        (
            "statelegislative/dke_pres_by_sld_2012_2016",
            "Presidential 2012/2016 by legislative district",
            "Daily Kos Elections (cleaned by J. Wachspress)",
            "No licence stated",
        ),
        (
            "statelegislative/pres2024_by_sld_jdjohn215",
            "2024 presidential by legislative district (VA IA DE ME CT)",
            "J. D. Johnson, from NYT precinct results",
            "No licence file",
        ),
        (
            "statelegislative/chamber_composition",
            "Chamber composition 1934–2021",
            "NCSL (digitized); Klarner",
            "No licence file",
        ),
        (
            "county",
            "County presidential results 2000–2024",
            "MIT Election Data + Science Lab and others",
            "No licence file",
        ),
    ],
    columns=["folder", "what", "publisher", "licence"],
)

st.title("Methodology & Data")

st.header("Formulas")
if METHODOLOGY_MD.exists():
    st.markdown(METHODOLOGY_MD.read_text(encoding="utf-8"))
else:
    st.markdown(r"""
- **Margin** = (D votes − R votes) / (D votes + R votes) × 100, in points of the two-party vote; positive = Democratic.
  Multi-member districts: last winner vs first loser.
- **Votes to flip** = ⌊(winner votes − first loser votes) / 2⌋ + 1: the fewest voters who, switching sides,
  reverse the result.
- **Overperformance** (specials) = special's margin − presidential margin on the same lines.
- **P(flip)** = probability the seat changes party, from the model (issue 3). Under a national swing *s*, each
  seat's expected margin moves by *s* and P(flip) is re-evaluated with the seat's spread.
- **P(majority)** = probability a party holds at least the majority threshold, combining every seat up.
- **Tipping point**: seats ordered from the party's best chance to its worst; the seat that brings the running
  total to a majority.
- **Cheapest set**: the other side's seats with the fewest votes to flip, until the seats needed are reached.
""")

st.header("Sources")
st.dataframe(SOURCE_NOTES, hide_index=True, key="me_sources")
manifest = queries.source_manifest()
if len(manifest):
    with st.expander(f"Provenance of each raw file ({len(manifest)} files: public repository, commit, path, SHA-256)"):
        st.dataframe(manifest, hide_index=True, key="me_manifest")

st.header("Coverage")
office = st.selectbox("Office", list(queries.OFFICES), format_func=charts.office_label, key="me_office")
long = ui_cache.query("coverage", office)
matrix = queries.coverage_matrix(long)
if matrix.empty:
    st.caption("No general-election contests for this office.")
else:
    st.caption("General-election contests in the warehouse per state (rows) and cycle (columns).")
    st.dataframe(matrix, key="me_coverage")

st.header("Build report")
info = ui_cache.query("build_info")
summary = ui_cache.query("warehouse_summary")
if info:
    st.markdown(
        f"Build `{info.get('build_id')}` at {info.get('built_at')} from `{info.get('mirror')}` "
        f"(schema {info.get('schema_version')}) · file `{summary['path']}` "
        f"({summary['bytes'] / 1e6:.1f} MB)"
    )
if summary["missing"]:
    st.warning("Missing from this warehouse: " + ", ".join(summary["missing"]))
st.dataframe(
    pd.DataFrame(sorted(summary["counts"].items()), columns=["relation", "rows"]), hide_index=True, key="me_counts"
)
report = ui_cache.query("build_report")
st.dataframe(
    report,
    hide_index=True,
    key="me_report",
    column_config={
        "rows_read": st.column_config.NumberColumn("Rows read", format="localized"),
        "rows_loaded": st.column_config.NumberColumn("Rows loaded", format="localized"),
        "rows_rejected": st.column_config.NumberColumn("Rows rejected", format="localized"),
        "detail": st.column_config.TextColumn("Detail", width="large"),
    },
)
