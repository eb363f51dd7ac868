"""Paths and settings, from environment variables with defaults. Nothing else lives here."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("FLIPPABLE_DATA_DIR", PROJECT_ROOT / "data"))
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
SQL_DIR = Path(__file__).resolve().parent / "sql"
MANIFEST_PATH = DATA_DIR / "sources.json"


def default_mirror() -> Path | None:
    """The mirror of raw public files: $FLIPPABLE_MIRROR, else ../shared/data beside the checkout."""
    env = os.environ.get("FLIPPABLE_MIRROR")
    if env:
        return Path(env)
    beside = PROJECT_ROOT.parent / "shared" / "data"
    return beside if beside.exists() else None


def db_path() -> Path:
    """The warehouse file the app and analysts read."""
    return Path(os.environ.get("FLIPPABLE_DB", DATA_DIR / "flippable.duckdb"))


def cache_dir() -> Path:
    """Where downloaded raw files are kept when there is no mirror."""
    return Path(os.environ.get("FLIPPABLE_CACHE", DATA_DIR / "cache"))


# Base URL for downloads: {base}/{repo}/{commit}/{path}. Overridable so tests can serve a
# local copy on 127.0.0.1.
DOWNLOAD_BASE = os.environ.get("FLIPPABLE_DOWNLOAD_BASE", "https://raw.githubusercontent.com")
