"""Time to first render of every dashboard page in a real browser, and the map payloads.

Measured against a trivial Streamlit page (a title and a line of text), and the same page with a
three-point Plotly chart (the floor for any page that draws Plotly), served in the same run,
on the same machine, by the same headless Chromium: the difference is what the app itself costs.

Two ways of reaching a page, both timed from the user's action to the page's title shown with
the script finished (and, on map pages, the districts drawn):
- new tab: a fresh tab opens the page's URL (a shared link). The browser re-parses Streamlit's
  JavaScript and, on pages with a Plotly chart, plotly.js (4.7 MB) every time. "cold" is the first
  visit (server caches empty), "warm" the median of the next visits.
- in app: a click in the sidebar of an open tab (Streamlit is a single-page app: the JavaScript
  is already loaded). Median over the runs.

Map payload: bytes of the figure JSON the server sends for the national House map and for the
largest state chamber map (found by building every chamber's figure), and the websocket bytes
the browser received while loading each map page.

Goals (issue 4): national House map payload <= 1.5 MB, largest state chamber map <= 1 MB,
every page < 2 s.

Usage: python bench/pages.py [--db PATH] [--runs N] [--screenshots DIR]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import plotly.io as pio

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from analysis import charts, config, queries  # noqa: E402
from devtools.serve import streamlit_server  # noqa: E402

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
TRIVIAL_APP = 'import streamlit as st\n\nst.title("Trivial")\nst.write("A line of text.")\n'
# The floor for any page with a Plotly chart: the browser must load and parse plotly.js (4.7 MB).
TRIVIAL_PLOTLY_APP = (
    'import plotly.graph_objects as go\nimport streamlit as st\n\nst.title("Trivial")\n'
    "st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])))\n"
)
GOALS = {"national": 1_500_000, "state": 1_000_000, "render_s": 2.0}

# Ready when the script is idle, the title starts with `title` (old page gone) and, for maps, paths are drawn.
READY_JS = """([title, needMap]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-testid="stException"]')) return -1;
  const h1 = document.querySelector('h1');
  if (!h1 || !h1.innerText.trim().startsWith(title)) return false;
  if (needMap && !document.querySelector('.choroplethlayer path')) return false;
  return performance.now();
}"""


def server(script: Path, db: Path, cwd: Path):
    """`streamlit run script` on a free loopback port; yields the base URL once healthy."""
    return streamlit_server(script, db, cwd)


def _ready(page, title: str, need_map: bool) -> float:
    """performance.now() (ms) at the first render, after any immediate rerun."""
    ms = page.wait_for_function(READY_JS, arg=[title, need_map], timeout=60_000, polling=20).json_value()
    if ms == -1:
        raise RuntimeError(f"exception on {page.url}")
    # A rerun may follow the first run (e.g. widgets seeded from the URL): then take the render after it.
    page.wait_for_timeout(300)
    again = page.wait_for_function(READY_JS, arg=[title, need_map], timeout=60_000, polling=20).json_value()
    return again if again - ms > 350 else ms


def new_tab(context, url: str, title: str, need_map: bool, screenshot: Path | None = None) -> tuple[float, int]:
    """Seconds from navigation start to first render in a fresh tab, and websocket bytes received."""
    page = context.new_page()
    received = [0]

    def count(ws) -> None:
        ws.on("framereceived", lambda payload: received.__setitem__(0, received[0] + len(payload)))

    page.on("websocket", count)
    page.goto(url)
    seconds = _ready(page, title, need_map) / 1000.0
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return seconds, received[0]


def in_app(page, link: str, title: str, need_map: bool) -> float:
    """Seconds from a sidebar click to first render, in an open tab."""
    nav = page.locator('[data-testid="stSidebarNav"] a').filter(has_text=link).first
    start = page.evaluate("() => performance.now()")
    nav.click()
    return (_ready(page, title, need_map) - start) / 1000.0


def figure_payloads(db: Path) -> tuple[int, tuple[str, str, int]]:
    """JSON bytes of the national House map figure and of the largest state chamber map figure."""
    con = queries.connect(db)
    national = charts.district_map(
        queries.map_frame("us_house", con=con),
        queries.shapes("us_house", precision=charts.NATIONAL_PRECISION, con=con),
        "p_flip",
    )
    national_bytes = len(pio.to_json(national, validate=False))
    largest = ("", "", 0)
    chambers = queries.district_list(con=con)[["state_po", "office"]].drop_duplicates()
    for state, office in chambers.itertuples(index=False):
        if office == "us_house":
            continue
        fig = charts.district_map(
            queries.map_frame(office, state, con=con),
            queries.shapes(office, state, precision=charts.STATE_PRECISION, con=con),
            "p_flip",
            national=False,
        )
        size = len(pio.to_json(fig, validate=False))
        if size > largest[2]:
            largest = (state, office, size)
    con.close()
    return national_bytes, largest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=config.db_path(), help="warehouse (default: config.db_path())")
    parser.add_argument("--runs", type=int, default=3, help="timed visits per page after the cold one")
    parser.add_argument("--screenshots", type=Path, default=None, help="save one screenshot per page here")
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"no warehouse at {args.db}", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    national_bytes, (big_state, big_office, big_bytes) = figure_payloads(args.db)
    print(f"figure payloads computed in {time.perf_counter() - started:.1f} s")
    con = queries.connect(args.db)
    has_ks4 = not queries.district_info("KS", "us_house", "4", con=con).empty
    # The district page reached from the sidebar (no URL parameters) shows the first district listed.
    first = queries.district_list(con=con).iloc[0]
    sidebar_district_title = charts.district_title(first["state_po"], first["office"], first["district"])
    con.close()
    district_path, district_title = (
        ("district?state=KS&office=us_house&district=4", "KS-4") if has_ks4 else ("district", "")
    )
    # (label, url path, sidebar link, title prefix, map page?)
    pages = [
        ("Home", "", "Home", "Flippable", False),
        ("Map: national House", "map?office=us_house", "Map", "Map", True),
        (f"Map: {big_state} {big_office} (largest)", f"map?office={big_office}&state={big_state}", None, "Map", True),
        ("Rankings", "rankings", "Rankings", "Rankings", False),
        ("District", district_path, "District", district_title, False),
        ("Chambers", "chambers", "Chambers", "Chambers", False),
        ("Specials", "specials", "Specials", "Special elections", False),
        ("Methodology & Data", "methodology", "Methodology", "Methodology", False),
    ]
    if args.screenshots:
        args.screenshots.mkdir(parents=True, exist_ok=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        trivial = Path(tmp) / "trivial.py"
        trivial.write_text(TRIVIAL_APP)
        with server(trivial, args.db, Path(tmp)) as base:
            times = [new_tab(context, base + "/", "Trivial", False)[0] for _ in range(args.runs + 1)]
            rows.append(("(trivial page)", times[0], statistics.median(times[1:]), None, None))
        trivial.write_text(TRIVIAL_PLOTLY_APP)
        with server(trivial, args.db, Path(tmp)) as base:
            times = [new_tab(context, base + "/", "Trivial", False)[0] for _ in range(args.runs + 1)]
            rows.append(("(trivial page + tiny Plotly chart)", times[0], statistics.median(times[1:]), None, None))
        with server(ROOT / "app.py", args.db, ROOT) as base:
            for index, (label, path, _link, title, need_map) in enumerate(pages):
                shot = args.screenshots / f"{index}-{path.split('?')[0] or 'home'}.png" if args.screenshots else None
                cold, cold_bytes = new_tab(context, f"{base}/{path}", title, need_map, shot)
                warm = [new_tab(context, f"{base}/{path}", title, need_map) for _ in range(args.runs)]
                ws_bytes = max([cold_bytes] + [b for _, b in warm]) if need_map else None
                rows.append([label, cold, statistics.median(t for t, _ in warm), None, ws_bytes])
            # In-app navigation: one tab, sidebar clicks round the pages, `runs` times.
            tab = context.new_page()
            tab.goto(base + "/")
            _ready(tab, "Flippable", False)
            clicks: dict[str, list[float]] = {}
            for _ in range(args.runs):
                for label, _path, link, title, need_map in pages[1:] + pages[:1]:
                    if link is not None:
                        expected = sidebar_district_title if link == "District" else title
                        clicks.setdefault(label, []).append(in_app(tab, link, expected, need_map))
            for row in rows[1:]:
                if row[0] in clicks:
                    row[3] = statistics.median(clicks[row[0]])
        browser.close()

    trivial_warm = rows[0][2]
    print(f"\nwarehouse: {args.db}   load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print(f"{'page':<34} {'new tab':>8} {'new tab':>8} {'vs':>8} {'in app':>7} {'ws bytes':>9}")
    print(f"{'':<34} {'cold s':>8} {'warm s':>8} {'trivial':>8} {'s':>7} {'':>9}  goal < {GOALS['render_s']} s")
    for label, cold, warm, nav, ws_bytes in rows:
        verdict = ""
        if not label.startswith("("):
            in_app_verdict = "–" if nav is None else ("ok" if nav < GOALS["render_s"] else "OVER")
            verdict = f"in app {in_app_verdict}, new tab " + ("ok" if warm < GOALS["render_s"] else "OVER")
        nav_text = f"{nav:7.2f}" if nav is not None else f"{'':>7}"
        print(
            f"{label:<34} {cold:8.2f} {warm:8.2f} {warm - trivial_warm:+8.2f} {nav_text} "
            f"{ws_bytes if ws_bytes is not None else '':>9}  {verdict}"
        )
    print()
    print(
        f"national House map figure: {national_bytes:,} bytes "
        f"(goal <= {GOALS['national']:,}: {'ok' if national_bytes <= GOALS['national'] else 'OVER'})"
    )
    print(
        f"largest state chamber map ({big_state} {big_office}): {big_bytes:,} bytes "
        f"(goal <= {GOALS['state']:,}: {'ok' if big_bytes <= GOALS['state'] else 'OVER'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
