"""Shared fixtures: the real-data mirror (skipped with a reason when absent)."""

from __future__ import annotations

import pytest

from analysis.config import default_mirror


@pytest.fixture(scope="session")
def mirror():
    path = default_mirror()
    if path is None or not path.exists():
        pytest.skip("real-data mirror not found (set FLIPPABLE_MIRROR or place ../shared/data beside the checkout)")
    return path
