"""The source manifest: where each raw file comes from, and fetching it when there is no mirror.

`data/sources.json` lists every raw file the build reads: its path in the mirror, the public
repository + commit + path it was copied from (as the mirror's SOURCES.md files give them), and
the SHA-256 of its *uncompressed* content (the mirror gzips a few files; the public originals
are the same bytes uncompressed). `python -m analysis.manifest --write` regenerates it from a
mirror; `ensure_raw_dir()` returns a directory laid out like the mirror, downloading into the
cache (and verifying checksums) when no mirror exists.

Usage: python -m analysis.manifest --write [--mirror DIR]   regenerate data/sources.json
       python -m analysis.manifest --fetch                  download into the cache
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import shutil
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from analysis import config

# mirror path (regex) -> (repository, commit, path in the repository; \1.. from the regex).
# Commits and paths are those listed in the mirror's SOURCES.md files.
ORIGINS: list[tuple[str, str, str, str]] = [
    (
        r"congress/house_results/1976-2024-house\.tab",
        "music10019-arch/sideProjectFront",
        "66d8b68e146cdd14b54c0c1d3da32410d4091d1f",
        "1976-2024-house.tab",
    ),
    (
        r"congress/presidential_by_cd/(cd_info_\w+)\.rda",
        "kuriwaki/ccesMRPprep",
        "fefe935a6014deaf1c4ee589e723fe5f89983cb6",
        r"data/\1.rda",
    ),
    (
        r"congress/presidential_by_cd/downballot_2020_2024_presidential_by_cd\.csv",
        "SamDaltonJr/texas_election_analysis",
        "8bcbc458e883588d6e588f2325488373057d7eee",
        "texas_election_data/pdf_extracts/daily_kos_2020_2024_presidential_by_cd.csv",
    ),
    (
        r"congress/presidential_by_cd/presidential_results_by_2022_cd\.csv",
        "thisismactan/USA-2024",
        "c2a7c54ad6f47a9b3b41eaad59427b26e2c23147",
        "data/presidential_results_by_2022_cd.csv",
    ),
    (
        r"congress/boundaries/cb_2024_us_cd119_20m\.json",
        "cpfrish/democracy-decoded",
        "f1150cdfdb2bbc64dce0b4bb63c7850577dfcab2",
        "data/cb_2024_us_cd119_20m.json",
    ),
    (
        r"congress/boundaries/cb_2023_us_cd118_20m\.zip",
        "dawaldron/albers-usa-webmap",
        "93ae5b847f26efa749230ff3237746a1ec87a61c",
        "cb_2023_us_cd118_20m.zip",
    ),
    (
        r"congress/boundaries/cb_2018_us_cd116_20m\.zip",
        "OutfoxAI/mapping",
        "56090cd5b26fbf572c86138326988da95f0ab80b",
        "cb_2018_us_cd116_20m.zip",
    ),
    (
        r"congress/specials/538_election_results_house\.csv",
        "fivethirtyeight/election-results",
        "d23db33870ae1b965fed51bb87e863e02c532c0f",
        "election_results_house.csv",
    ),
    (
        r"congress/specials/538_races\.csv",
        "fivethirtyeight/election-results",
        "d7a7cff101da28f4ff77114450a964874800ca54",
        "races.csv",
    ),
    (
        r"congress/members/legislators-current\.yaml",
        "unitedstates/congress-legislators",
        "dfa9622263dd4c8d08636926e498f1845704d7eb",
        "legislators-current.yaml",
    ),
    (
        r"congress/members/historical_house_incumbents\.csv",
        "thisismactan/USA-2024",
        "c2a7c54ad6f47a9b3b41eaad59427b26e2c23147",
        "data/historical_house_incumbents.csv",
    ),
    (
        r"statelegislative/multistate_elections/(districts|geo)/(\w+\.json)(?:\.gz)?",
        "w85kramer/elections",
        "1199cdc5c57a93db22c03c9c36764b7ded4638f9",
        r"site/data/\1/\2",
    ),
    (
        r"statelegislative/multistate_elections/(\w+\.json)",
        "w85kramer/elections",
        "1199cdc5c57a93db22c03c9c36764b7ded4638f9",
        r"site/data/\1",
    ),
    (
        r"statelegislative/medsl_2024_precinct/(\w+24\.zip)",
        "MEDSL/2024-elections-official",
        "7ec08dbd33e7e0d74360477aec766a72c3ecc9df",
        r"individual_states/\1",
    ),
    (
        r"statelegislative/medsl_2018/(state_overall_2018\.csv)",
        "MEDSL/2018-elections-official",
        "ad98f04a108951372749f9481c54916d45789a7a",
        r"\1",
    ),
    (
        r"statelegislative/princeton_historic_slers/((?:state_legislative_election_results_post1971|2018_Statehouses_20181203)\.csv)",
        "PrincetonUniversity/historic_state_legislative_election_results",
        "6514ea0ef6d195cc4e33edeb24572f07e0a62559",
        r"\1",
    ),
    (
        r"statelegislative/princeton_historic_slers/(post2013_state_legislative_elections\.csv)",
        "PrincetonUniversity/historic_state_legislative_election_results",
        "6514ea0ef6d195cc4e33edeb24572f07e0a62559",
        r"post2013_scraper/\1",
    ),
    (
        r"statelegislative/princeton_historic_slers/(2016_election_results\.csv)",
        "PrincetonUniversity/historic_state_legislative_election_results",
        "6514ea0ef6d195cc4e33edeb24572f07e0a62559",
        r"post2013_scraper/results_2016/\1",
    ),
    (
        r"statelegislative/princeton_historic_slers/((?:va|nj)2017\.csv)",
        "PrincetonUniversity/historic_state_legislative_election_results",
        "6514ea0ef6d195cc4e33edeb24572f07e0a62559",
        r"post2013_scraper/results_2017/\1",
    ),
    (
        r"statelegislative/dke_pres_by_sld_2012_2016/(\w+\.csv)",
        "jacobwachspress/elections",
        "78c1393700aa783cf8f146e68d3869692c5da257",
        r"data/input/election/pres_results_by_state_leg_district/\1",
    ),
    (
        r"statelegislative/pres2024_by_sld_jdjohn215/(district-votes-pres2024\.csv)",
        "jdjohn215/special-elections-2025",
        "2b9db7f9b72fa13edff8a378f5e2ceec0657ccb6",
        r"precincts-to-districts/\1",
    ),
    (
        r"statelegislative/openelections_pa/(2016)(1108__pa__general_county\.csv)",
        "openelections/openelections-data-pa",
        "90ff99bcb7eb786e8498205b19a29f51355a0ec2",
        r"\1/\1\2",
    ),
    (
        r"statelegislative/openelections_pa/(2018)(1106__pa__general__county\.csv)",
        "openelections/openelections-data-pa",
        "90ff99bcb7eb786e8498205b19a29f51355a0ec2",
        r"\1/\1\2",
    ),
    (
        r"statelegislative/chamber_composition/(state_partisan_composition_\w+\.csv)",
        "psthomas/state-partisan-composition",
        "eca87e939dbadbfd35ff95d3fa73e1af14e2e8a9",
        r"data/outputs/\1",
    ),
    (r"county/(countypres_2000-2016\.csv)", "MEDSL/county-returns", "2b755d0534a896e6ac6ce4924bb06f5dbc7432d8", r"\1"),
    (
        r"county/(\w*US_County_Level_Presidential_Results[\w-]*\.csv)",
        "tonmcg/US_County_Level_Election_Results_08-20",
        "b8a29da52ec4faff721727010b2220f1d4dedebd",
        r"\1",
    ),
]

# Members whose checksum is verified instead of the whole archive: the mirror removed an R
# script from pa24.zip (statelegislative/SOURCES.md section 2), so only the CSV member matches.
MEMBER_CHECK = {"statelegislative/medsl_2024_precinct/pa24.zip": "cleaned/2024-pa-precinct-general.csv"}


def origin_of(relpath: str) -> dict | None:
    """Repository, commit and path of a mirror file, or None when it is not a published file."""
    for pattern, repo, commit, template in ORIGINS:
        m = re.fullmatch(pattern, relpath)
        if m:
            return {"repo": repo, "commit": commit, "path": m.expand(template)}
    return None


def content_sha256(path: Path, member: str | None = None) -> str:
    """SHA-256 of the uncompressed content (gzip is undone; for zips with MEMBER_CHECK, of one member)."""
    digest = hashlib.sha256()
    if member:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def generate(mirror: Path) -> dict:
    """Build the manifest from a mirror: every published file with origin and checksum."""
    files = []
    for path in sorted(mirror.rglob("*")):
        if not path.is_file() or path.name in ("SOURCES.md", "README.md") or path.suffix == ".md":
            continue
        relpath = path.relative_to(mirror).as_posix()
        origin = origin_of(relpath)
        if origin is None:
            continue
        member = MEMBER_CHECK.get(relpath)
        files.append(
            {
                "mirror_path": relpath.removesuffix(".gz"),
                "gzipped_in_mirror": relpath.endswith(".gz"),
                **origin,
                "sha256": content_sha256(path, member),
                "checksum_of": member or "file",
            }
        )
    return {"schema": 1, "note": "sha256 is of the uncompressed content", "files": files}


def url_for(entry: dict, base: str | None = None) -> str:
    return f"{(base or config.DOWNLOAD_BASE).rstrip('/')}/{entry['repo']}/{entry['commit']}/{entry['path']}"


def load_manifest(path: Path | None = None) -> dict:
    return json.loads((path or config.MANIFEST_PATH).read_text())


def fetch_all(dest: Path, manifest: dict | None = None, base: str | None = None, progress=print) -> list[str]:
    """Download every manifest file into `dest` (mirror layout), verify checksums, derive CSVs.

    Files already present with the right checksum are skipped. A checksum mismatch raises and
    leaves no partial file behind. Returns the mirror paths downloaded.
    """
    manifest = manifest or load_manifest()
    done = []
    entries = manifest["files"]
    for i, entry in enumerate(entries, 1):
        target = dest / entry["mirror_path"]
        member = entry["checksum_of"] if entry["checksum_of"] != "file" else None
        if target.exists() and content_sha256(target, member) == entry["sha256"]:
            continue
        url = url_for(entry, base)
        progress(f"[{i}/{len(entries)}] downloading {entry['mirror_path']}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            try:
                with urllib.request.urlopen(url, timeout=120) as resp:
                    shutil.copyfileobj(resp, tmp)
            except Exception as exc:
                Path(tmp.name).unlink(missing_ok=True)
                raise RuntimeError(f"download failed for {entry['mirror_path']} from {url}: {exc}") from exc
        got = content_sha256(Path(tmp.name), member)
        if got != entry["sha256"]:
            Path(tmp.name).unlink(missing_ok=True)
            raise RuntimeError(
                f"checksum mismatch for {entry['mirror_path']} from {url}: expected {entry['sha256']}, got {got}"
            )
        Path(tmp.name).replace(target)
        done.append(entry["mirror_path"])
    derive_csvs(dest)
    return done


def derive_csvs(dest: Path) -> None:
    """Rebuild the mirror's derived cd_info CSVs from downloaded .rda files (needs pyreadr).

    The mirror's CSVs are pyreadr -> pandas exports of the published .rda files with no values
    changed (congress/SOURCES.md 2a), so the same conversion gives the same table.
    """
    for rda in sorted(dest.glob("congress/presidential_by_cd/cd_info_*.rda")):
        csv = rda.with_suffix(".csv")
        if csv.exists():
            continue
        try:
            import pyreadr  # optional: only needed when building from downloads
        except ImportError as exc:
            raise RuntimeError(
                "pyreadr is needed to convert downloaded cd_info .rda files: pip install pyreadr"
            ) from exc
        frame = next(iter(pyreadr.read_r(str(rda)).values()))
        frame.to_csv(csv, index=False)


def ensure_raw_dir(mirror: Path | None = None, progress=print) -> Path:
    """The directory to read raw files from: the mirror if present, else the verified download cache."""
    if mirror is not None:
        # An explicit mirror that is not there is a mistake, not a reason to download.
        if not Path(mirror).is_dir():
            raise FileNotFoundError(f"mirror directory not found: {mirror}")
        return Path(mirror)
    mirror = config.default_mirror()
    if mirror is not None and Path(mirror).exists():
        return Path(mirror)
    cache = config.cache_dir()
    progress(f"no mirror found; downloading raw files into {cache}")
    fetch_all(cache, progress=progress)
    return cache


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="regenerate data/sources.json from the mirror")
    parser.add_argument("--fetch", action="store_true", help="download every file into the cache")
    parser.add_argument("--mirror", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.write:
        mirror = args.mirror or config.default_mirror()
        if mirror is None:
            print("no mirror to read", file=sys.stderr)
            return 2
        manifest = generate(mirror)
        config.MANIFEST_PATH.write_text(json.dumps(manifest, indent=1) + "\n")
        print(f"wrote {config.MANIFEST_PATH} with {len(manifest['files'])} files")
    if args.fetch:
        fetch_all(config.cache_dir())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
