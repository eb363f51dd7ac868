"""The dashboard in a real browser: `streamlit run app.py` on a free loopback port, driven by headless Chromium.

Opens every page, asserts no exception element and no request leaving 127.0.0.1 (the app must
work offline), clicks a district on the map and checks its page opens, downloads the rankings
CSV and reads it back. Screenshots go to $FLIPPABLE_SCREENSHOTS or artifacts/browser/<time>/,
printed at the start. Runs on the fixture warehouse, and on the real one when it is built.

Run: python -m pytest tests/test_browser.py -m browser
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest
from fixtures.make_fixture_db import make_fixture_db

from analysis import config
from devtools import serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REAL_DB = config.DATA_DIR / "flippable.duckdb"
PAGES = {  # url path -> the page's title (h1)
    "": "Flippable",
    "map": "Map",
    "rankings": "Rankings",
    "district": None,
    "chambers": "Chambers",
    "specials": "Special elections",
    "methodology": "Methodology & Data",
}


@contextmanager
def streamlit_server(db: Path, log_path: Path) -> Iterator[str]:
    """Start `streamlit run app.py` on the given warehouse; yield its base URL once /_stcore/health answers."""
    with open(log_path, "w") as log, serve.streamlit_server(ROOT / "app.py", db, ROOT, output=log) as base:
        yield base


def wait_for_app(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script has finished running and stays finished (a rerun may follow a first run)."""
    idle = '[data-testid="stApp"][data-test-script-state="notRunning"]'
    for _ in range(5):
        page.wait_for_selector(idle, timeout=timeout_ms)
        page.wait_for_timeout(400)
        if page.locator(idle).count():
            return
    raise AssertionError("the app kept rerunning")


@pytest.fixture(scope="module")
def shots(request) -> Path:
    folder = Path(
        os.environ.get("FLIPPABLE_SCREENSHOTS") or ROOT / "artifacts" / "browser" / time.strftime("%Y%m%d-%H%M%S")
    )
    folder.mkdir(parents=True, exist_ok=True)
    with request.config.pluginmanager.get_plugin("capturemanager").global_and_fixture_disabled():
        print(f"\n[browser] screenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def fixture_server(tmp_path_factory, shots) -> Iterator[str]:
    db = make_fixture_db(tmp_path_factory.mktemp("browser") / "fixture.duckdb")
    with streamlit_server(db, shots / "streamlit-fixture.log") as base:
        yield base


@contextmanager
def open_page(browser, base: str) -> Iterator:
    """A fresh browser page that records requests leaving the server, page errors and exceptions."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = context.new_page()
    page.external_requests = []
    page.page_errors = []
    page.on(
        "request",
        lambda r: page.external_requests.append(r.url) if not r.url.startswith((base, "data:", "blob:")) else None,
    )
    page.on("pageerror", lambda e: page.page_errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()


def assert_page_ok(page, title: str | None) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, page.locator(
        '[data-testid="stException"]'
    ).first.inner_text()
    if title is not None:
        assert page.locator("h1").first.inner_text().strip() == title
    assert page.external_requests == [], page.external_requests
    assert page.page_errors == [], page.page_errors


def test_every_page_opens(browser, fixture_server, shots):
    with open_page(browser, fixture_server) as page:
        for path, title in PAGES.items():
            page.goto(f"{fixture_server}/{path}")
            wait_for_app(page)
            assert_page_ok(page, title)
            page.screenshot(path=str(shots / f"fixture-{path or 'home'}.png"), full_page=True)
        # Deep links carry their state: the district page and a state chamber map.
        page.goto(f"{fixture_server}/district?state=XX&office=state_house&district=O%27Neil-1")
        wait_for_app(page)
        assert_page_ok(page, "XX State House O'Neil-1")
        page.goto(f"{fixture_server}/map?office=state_house&state=XX&measure=holder_party")
        wait_for_app(page)
        assert_page_ok(page, "Map")
        page.wait_for_selector(".choroplethlayer path")
        assert "XX-6" in page.locator('[data-testid="stAlert"]').first.inner_text()  # the unmatched district
        page.screenshot(path=str(shots / "fixture-map-state-house.png"), full_page=True)


def click_district(page, index: int) -> None:
    """Click the middle of the index-th map path. plotly's geo layer handles pointer events on its
    background and finds the location under the cursor itself, so click by coordinates (as
    Streamlit's own e2e tests do), after a hover so plotly knows the point."""
    box = page.locator(".choroplethlayer path").nth(index).bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.wait_for_timeout(200)
    page.mouse.click(x, y)


def choropleth_locations(page) -> list[str]:
    """The district keys of the drawn map paths, in DOM order (d3 binds each path's calcdata point)."""
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('.choroplethlayer path')).map(p => p.__data__ && p.__data__.loc)"
    )


def test_clicking_a_district_on_the_map_opens_its_page(browser, fixture_server, shots):
    with open_page(browser, fixture_server) as page:
        page.goto(f"{fixture_server}/map")
        wait_for_app(page)
        page.wait_for_selector(".choroplethlayer path")
        locations = choropleth_locations(page)
        assert sorted(locations) == ["XX|1", "XX|2", "YY|AL"]
        click_district(page, locations.index("XX|2"))
        page.wait_for_url("**/district?**", timeout=30_000)
        wait_for_app(page)
        assert_page_ok(page, "XX-2 (XX 2nd District)")
        assert "district=2" in page.url and "office=us_house" in page.url
        page.screenshot(path=str(shots / "fixture-district-after-map-click.png"), full_page=True)


def test_rankings_csv_download_reads_back(browser, fixture_server, shots):
    with open_page(browser, fixture_server) as page:
        page.goto(f"{fixture_server}/rankings?office=state_house")
        wait_for_app(page)
        assert_page_ok(page, "Rankings")
        with page.expect_download() as download_info:
            page.get_by_role("button", name="CSV", exact=True).click()
        path = download_info.value.path()
        data = Path(path).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM
        table = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype={"district": str})
        assert len(table) == 7 and set(table["office"]) == {"state_house"}
        assert table["rank"].is_monotonic_increasing
        row = table.set_index("district").loc["3"]
        assert row["reason"].startswith("'-5 votes")  # neutralized: a spreadsheet shows it as text
        assert table["pres_margin"].dtype.kind == "f"  # numbers stayed numbers
        (shots / "fixture-rankings.csv").write_bytes(data)
        page.screenshot(path=str(shots / "fixture-rankings-state-house.png"), full_page=True)


def test_real_warehouse_every_page_and_map_click(browser, shots):
    if not REAL_DB.exists():
        pytest.skip(f"real warehouse not built ({REAL_DB})")
    with streamlit_server(REAL_DB, shots / "streamlit-real.log") as base, open_page(browser, base) as page:
        for path, title in PAGES.items():
            page.goto(f"{base}/{path}")
            wait_for_app(page)
            assert_page_ok(page, title)
            page.screenshot(path=str(shots / f"real-{path or 'home'}.png"), full_page=True)
        page.goto(f"{base}/map")
        wait_for_app(page)
        page.wait_for_selector(".choroplethlayer path")
        locations = choropleth_locations(page)
        assert {"AK|AL", "HI|1", "HI|2"} <= set(locations)  # Alaska and Hawaii are drawn
        target = "KS|4" if "KS|4" in locations else locations[len(locations) // 2]
        click_district(page, locations.index(target))
        page.wait_for_url("**/district?**", timeout=30_000)
        wait_for_app(page)
        state, district = target.split("|")
        assert_page_ok(page, None)
        assert page.locator("h1").first.inner_text().startswith(f"{state}-{district}")
        page.screenshot(path=str(shots / "real-district-after-map-click.png"), full_page=True)


def move_swing(page, steps: int) -> None:
    """Move the sidebar's national swing slider by `steps` of 0.5 points with the keyboard, like a user."""
    thumb = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"] input[type="range"]').first
    thumb.focus()
    for _ in range(abs(steps)):
        thumb.press("ArrowRight" if steps > 0 else "ArrowLeft")
    page.wait_for_timeout(300)


def test_real_warehouse_swing_home_chambers_and_district(browser, shots):
    if not REAL_DB.exists():
        pytest.skip(f"real warehouse not built ({REAL_DB})")
    from analysis import queries

    con = queries.connect(REAL_DB)
    try:
        ranker = queries.model_ranker(con)
        house3 = queries.rankings(3.0, {"offices": ["us_house"]}, con=con, ranker=ranker)
        us3 = queries.chamber_outlook("US", "us_house", 3.0, "DEM", con=con, ranker=ranker)
    finally:
        con.close()
    with streamlit_server(REAL_DB, shots / "streamlit-real-swing.log") as base, open_page(browser, base) as page:
        page.goto(f"{base}/")
        wait_for_app(page)
        assert_page_ok(page, "Flippable")
        assert page.locator('[data-testid="stDataFrame"]').count() == 3  # top races per office
        page.screenshot(path=str(shots / "real-home-per-office.png"), full_page=True)

        page.goto(f"{base}/rankings")
        wait_for_app(page)
        assert_page_ok(page, "Rankings")
        assert "office=us_house" in page.url  # one office by default
        move_swing(page, 6)  # +3.0 points toward Democrats
        wait_for_app(page, timeout_ms=120_000)  # the first swing loads the model (about 5 s)
        assert_page_ok(page, "Rankings")
        assert "swing=3" in page.url
        assert "Re-ranked by the model under a national swing of D+3.0" in page.locator("body").inner_text()
        page.screenshot(path=str(shots / "real-rankings-swing-plus3.png"), full_page=True)
        with page.expect_download() as download_info:
            page.get_by_role("button", name="CSV", exact=True).click()
        table = pd.read_csv(download_info.value.path(), encoding="utf-8-sig", dtype={"district": str})
        assert table["district"].head(5).tolist() == house3["district"].head(5).tolist()  # the model's order at +3
        assert table["p_flip"].head(5).tolist() == pytest.approx(house3["p_flip"].head(5).tolist())

        page.goto(f"{base}/chambers?swing=3")
        wait_for_app(page, timeout_ms=120_000)
        assert_page_ok(page, "Chambers")
        metric = page.locator('[data-testid="stMetric"]').filter(has_text="P(majority)").first.inner_text()
        assert f"{100 * us3.p_majority:.0f}%" in metric
        assert us3.tipping_point_label in page.locator('[data-testid="stMetric"]').nth(3).inner_text()
        page.screenshot(path=str(shots / "real-chambers-swing-plus3.png"), full_page=True)

        page.goto(f"{base}/chambers?chamber=AK%7Cstate_house")
        wait_for_app(page)
        assert_page_ok(page, "Chambers")
        assert "bipartisan coalition" in page.locator('[data-testid="stAlert"]').first.inner_text()
        page.screenshot(path=str(shots / "real-chambers-alaska-house.png"), full_page=True)

        page.goto(f"{base}/district?state=KS&office=us_house&district=4")
        wait_for_app(page)
        assert_page_ok(page, None)
        assert page.locator("h1").first.inner_text().startswith("KS-4")
        body = page.locator("body").inner_text()
        assert "Results history" in body and "2017-04-11" in body  # the special after Pompeo left
        page.screenshot(path=str(shots / "real-district-ks-04.png"), full_page=True)
