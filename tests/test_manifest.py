"""The download path: fetch the manifest's files from a local HTTP server serving the mirror."""

from __future__ import annotations

import functools
import gzip
import http.server
import shutil
import threading
from pathlib import Path

import pytest

from analysis import manifest

SUBSET = [
    "statelegislative/princeton_historic_slers/va2017.csv",
    "statelegislative/multistate_elections/districts/DE.json",
    "statelegislative/medsl_2024_precinct/pa24.zip",
    "congress/presidential_by_cd/presidential_results_by_2022_cd.csv",
]


def lay_out_origin(mirror: Path, root: Path, entries: list[dict]) -> None:
    """Serve each file at {repo}/{commit}/{path}, uncompressed, as the public originals are."""
    for e in entries:
        src = mirror / (e["mirror_path"] + (".gz" if e["gzipped_in_mirror"] else ""))
        dst = root / e["repo"] / e["commit"] / e["path"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        if e["gzipped_in_mirror"]:
            with gzip.open(src, "rb") as fin, open(dst, "wb") as fout:
                shutil.copyfileobj(fin, fout)
        else:
            shutil.copyfile(src, dst)


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "origin"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a, **k: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def test_manifest_covers_every_published_mirror_file(mirror):
    listed = {e["mirror_path"] for e in manifest.load_manifest()["files"]}
    for path in mirror.rglob("*"):
        rel = path.relative_to(mirror).as_posix().removesuffix(".gz")
        if path.is_file() and path.suffix != ".md" and not rel.startswith("congress/presidential_by_cd/cd_info_"):
            assert rel in listed, rel


def test_fetch_verifies_checksums_and_reads_back(mirror, server, tmp_path):
    root, base = server
    entries = [e for e in manifest.load_manifest()["files"] if e["mirror_path"] in SUBSET]
    assert len(entries) == len(SUBSET)
    lay_out_origin(mirror, root, entries)
    dest = tmp_path / "cache"
    got = manifest.fetch_all(dest, {"files": entries}, base=base, progress=lambda m: None)
    assert sorted(got) == sorted(SUBSET)
    # The downloaded VA 2017 file still holds the certified HD-94 tie (11,608 each).
    text = (dest / "statelegislative/princeton_historic_slers/va2017.csv").read_text()
    assert text.count("11608") >= 2
    # A second fetch finds everything verified and downloads nothing.
    assert manifest.fetch_all(dest, {"files": entries}, base=base, progress=lambda m: None) == []


def test_checksum_mismatch_fails_and_leaves_no_file(mirror, server, tmp_path):
    root, base = server
    entries = [e for e in manifest.load_manifest()["files"] if e["mirror_path"] == SUBSET[0]]
    lay_out_origin(mirror, root, entries)
    served = root / entries[0]["repo"] / entries[0]["commit"] / entries[0]["path"]
    served.write_text(served.read_text().replace("11608", "11609", 1))
    dest = tmp_path / "cache"
    with pytest.raises(RuntimeError, match="checksum mismatch"):
        manifest.fetch_all(dest, {"files": entries}, base=base, progress=lambda m: None)
    assert not (dest / SUBSET[0]).exists()
    assert list((dest / SUBSET[0]).parent.iterdir()) == []


def test_missing_file_on_server_is_a_clear_error(server, tmp_path):
    _, base = server
    entry = {
        "mirror_path": "x/y.csv",
        "repo": "o/r",
        "commit": "c" * 40,
        "path": "y.csv",
        "sha256": "0",
        "checksum_of": "file",
        "gzipped_in_mirror": False,
    }
    with pytest.raises(RuntimeError, match="download failed for x/y.csv"):
        manifest.fetch_all(tmp_path, {"files": [entry]}, base=base, progress=lambda m: None)


def test_derived_cd_info_csv_matches_mirror_byte_for_byte(mirror, tmp_path):
    pytest.importorskip("pyreadr")
    rel = "congress/presidential_by_cd/cd_info_2024"
    target = tmp_path / (rel + ".rda")
    target.parent.mkdir(parents=True)
    shutil.copyfile(mirror / (rel + ".rda"), target)
    manifest.derive_csvs(tmp_path)
    assert (tmp_path / (rel + ".csv")).read_bytes() == (mirror / (rel + ".csv")).read_bytes()


@pytest.mark.slow
def test_full_build_from_downloads_without_a_mirror(mirror, server, tmp_path, monkeypatch):
    """No mirror: `python -m analysis.build` downloads every file, verifies it, and builds."""
    pytest.importorskip("pyreadr")
    from analysis import build, config

    root, base = server
    lay_out_origin(mirror, root, manifest.load_manifest()["files"])
    monkeypatch.setattr(config, "DOWNLOAD_BASE", base)
    monkeypatch.setenv("FLIPPABLE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(config, "default_mirror", lambda: None)
    out = tmp_path / "fromdownload.duckdb"
    assert build.main(["--out", str(out), "--no-rank"]) == 0
    import duckdb

    with duckdb.connect(str(out), read_only=True) as con:
        assert (
            con.execute(
                "SELECT votes FROM candidates WHERE race_id = 'KS-us_house-4-2016-general' "
                "AND candidate = 'MIKE POMPEO'"
            ).fetchone()[0]
            == 166998
        )
        assert con.execute("SELECT mirror FROM build_info").fetchone()[0] == str(tmp_path / "cache")
