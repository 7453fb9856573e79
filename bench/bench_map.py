"""Benchmark: incidentmap's page against folium's per-marker page and TimestampedGeoJson.

Synthetic ACLED-like events over Jammu & Kashmir (two years, five event types, 40-60 character
notes, 600 named places) are rendered three ways in one run. For each N it measures

- build: Python seconds from the GeoDataFrame to the HTML text;
- html: size of the page in MB;
- drawn: ``performance.now()`` in headless Chromium after the load event plus two animation
  frames (seconds, median of the repeats);
- step: one time-window change drawn (``setTimeWindow`` for incidentmap, one
  ``timeDimension.nextTime()`` for TimestampedGeoJson; two animation frames included; ms).

CDN requests are answered from npm copies (``tests/assets`` for incidentmap, ``bench/assets``
for folium's extra libraries; run ``npm ci`` there once); tiles get a blank image and anything
else folium's page asks for (fonts, bootstrap styles) is refused, so nothing goes to the network.

Usage::

    python bench/bench_map.py                 # N = 1k, 10k, 100k, all three pages
    python bench/bench_map.py --n 1000000 --only incidentmap
    python bench/bench_map.py --n 100000 --only incidentmap --places 0   # no repeated places
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import maps  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
MODULE_DIRS = [ROOT / "tests" / "assets" / "node_modules", ROOT / "bench" / "assets" / "node_modules"]
JSDELIVR = re.compile(r"^https://cdn\.jsdelivr\.net/npm/(?P<package>[^/@]+)@(?P<version>[^/]+)/(?P<path>[^?#]+)")
CDNJS = {  # cdnjs paths folium uses -> (npm package, version, file)
    "https://cdnjs.cloudflare.com/ajax/libs/jquery/3.7.1/jquery.min.js": ("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://code.jquery.com/jquery-3.7.1.min.js": ("jquery", "3.7.1", "dist/jquery.min.js"),
    "https://cdnjs.cloudflare.com/ajax/libs/moment.js/2.18.1/moment.min.js": ("moment", "2.18.1", "min/moment.min.js"),
}
TILES = re.compile(r"^https://(tile\.openstreetmap\.org|tile\.opentopomap\.org|server\.arcgisonline\.com)/")
BLANK_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")

EVENT_TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
               "Strategic developments"]
TYPE_WEIGHTS = [0.35, 0.2, 0.15, 0.2, 0.1]
SUB_TYPES = ["Armed clash", "Shelling/artillery/missile attack", "Attack", "Peaceful protest",
             "Arrests", "Disrupted weapons use", "Other"]
ACTORS = ["Military Forces of India", "Military Forces of Pakistan", "Police Forces of India",
          "Unidentified armed group", "Civilians (India)", "Protesters (India)", "Rioters (Pakistan)"]
WORDS = ("firing across the line of control reported near village border post shelling "
         "patrol attack protest arrested district police army militants civilians injured").split()


def synthetic_events(n: int, n_places: int = 600, seed: int = 7) -> gpd.GeoDataFrame:
    """ACLED-like events over Jammu & Kashmir, following the map's column contract.

    Events fall on ``n_places`` named places (ACLED codes many events to the same town);
    ``n_places=0`` gives every event its own point, the worst case for the page.
    """
    rng = np.random.default_rng(seed)
    n_places = n_places or n
    place_lat = rng.uniform(32.3, 36.0, n_places)
    place_lon = rng.uniform(73.0, 80.0, n_places)
    place = rng.integers(0, n_places, n)
    start = pd.Timestamp("2023-06-01") + pd.to_timedelta(rng.integers(0, 730, n), unit="D")
    span = np.where(rng.random(n) < 0.1, rng.integers(1, 10, n), 0)
    end = start + pd.to_timedelta(span, unit="D")
    geo_precision = rng.choice([1, 2, 3], n, p=[0.7, 0.25, 0.05])
    picks = rng.integers(0, len(WORDS), (n, 12))
    lengths = rng.integers(40, 61, n)
    notes = [" ".join(WORDS[w] for w in row)[:size] for row, size in zip(picks, lengths)]
    frame = pd.DataFrame({
        "event_id_cnty": [f"IND{100000 + k}" for k in range(n)],
        "event_date": start.strftime("%Y-%m-%d"),
        "end_date": end.strftime("%Y-%m-%d"),
        "time_precision": rng.choice([1, 2, 3], n, p=[0.9, 0.07, 0.03]),
        "event_type": rng.choice(EVENT_TYPES, n, p=TYPE_WEIGHTS),
        "sub_event_type": rng.choice(SUB_TYPES, n),
        "actor1": rng.choice(ACTORS, n),
        "actor2": rng.choice(ACTORS, n),
        "country": "India",
        "admin1": "Jammu and Kashmir",
        "admin2": [f"District {p % 20}" for p in place],
        "location": [f"Place {p}" for p in place],
        "geo_precision": geo_precision,
        "precision_km": np.where(geo_precision == 1, 2.0, np.where(geo_precision == 2, 10.0, 50.0)),
        "fatalities": pd.array(rng.poisson(0.6, n), dtype="Int64"),
        "notes": notes,
        "source": rng.choice(["Times of India", "Dawn", "Greater Kashmir", "https://example.org/r"], n),
        "resolved_name": [f"Place {p}" for p in place],
        "confidence": 0.9,
    })
    geometry = gpd.points_from_xy(place_lon[place], place_lat[place])  # x = lon, y = lat
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


# ---- the three pages -------------------------------------------------------------------------

def page_incidentmap(gdf: gpd.GeoDataFrame) -> tuple[str, dict]:
    doc = maps.render(gdf, title="Benchmark", cluster=False)
    return doc.html, {"kind": "incidentmap"}


def page_incidentmap_clusters(gdf: gpd.GeoDataFrame) -> tuple[str, dict]:
    doc = maps.render(gdf, title="Benchmark", cluster=True)
    return doc.html, {"kind": "incidentmap"}


def page_folium_markers(gdf: gpd.GeoDataFrame) -> tuple[str, dict]:
    """One CircleMarker (with a popup) per event in a FeatureGroup per type: the obvious way."""
    import folium

    fmap = folium.Map(location=[34, 75], zoom_start=7)
    groups = {t: folium.FeatureGroup(name=t).add_to(fmap) for t in EVENT_TYPES}
    for row in gdf.itertuples():
        folium.CircleMarker([row.geometry.y, row.geometry.x], radius=4, popup=row.notes,
                            fill=True).add_to(groups[row.event_type])
    folium.LayerControl().add_to(fmap)
    return fmap.get_root().render(), {"kind": "folium"}


def page_folium_timestamped(gdf: gpd.GeoDataFrame) -> tuple[str, dict]:
    """folium's TimestampedGeoJson: one layer, weekly steps, popups with the notes."""
    import folium
    from folium.plugins import TimestampedGeoJson

    fmap = folium.Map(location=[34, 75], zoom_start=7)
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [row.geometry.x, row.geometry.y]},
         "properties": {"times": [row.event_date], "popup": row.notes}}
        for row in gdf.itertuples()
    ]
    TimestampedGeoJson({"type": "FeatureCollection", "features": features}, period="P1W",
                       duration="P1W", add_last_point=False).add_to(fmap)
    return fmap.get_root().render(), {"kind": "timestamped", "map": fmap.get_name()}


PAGES = {
    "incidentmap": page_incidentmap,
    "incidentmap-clusters": page_incidentmap_clusters,
    "folium-markers": page_folium_markers,
    "folium-timestamped": page_folium_timestamped,
}

# ---- measuring in Chromium ---------------------------------------------------------------------

TWO_FRAMES = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
WINDOW_STEP = """(() => {
  const t0 = performance.now();
  incidentmap.setTimeWindow('2024-02-01', '2024-02-29');
  return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0))));
})()"""
TIMESTAMPED_STEP = """(() => {
  const t0 = performance.now();
  %s.timeDimension.nextTime();
  return new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now() - t0))));
})()"""


def _serve(route) -> None:
    url = route.request.url
    if url.startswith("file:"):
        route.continue_()
        return
    if TILES.match(url):
        route.fulfill(status=200, body=BLANK_PNG, content_type="image/png")
        return
    match = JSDELIVR.match(url)
    target = (match["package"], match["version"], match["path"]) if match else CDNJS.get(url)
    if target:
        for modules in MODULE_DIRS:
            package = modules / target[0]
            manifest = package / "package.json"
            if manifest.is_file() and json.loads(manifest.read_text())["version"] == target[1]:
                path = package / target[2]
                if not path.is_file() and path.name.endswith(".min.js"):  # jsdelivr minifies on the fly
                    path = path.with_name(path.name[: -len(".min.js")] + ".js")
                if path.is_file():
                    kind = "text/css" if path.suffix == ".css" else "application/javascript"
                    route.fulfill(status=200, body=path.read_bytes(), content_type=kind)
                    return
    route.abort()


def measure(browser, path: Path, info: dict, repeats: int) -> tuple[float, float | None]:
    """Median seconds until drawn, and median ms of one time step (None: no time control)."""
    drawn, steps = [], []
    for _ in range(repeats):
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        context.route("**/*", _serve)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(path.as_uri(), wait_until="load", timeout=600_000)
        drawn.append(page.evaluate(TWO_FRAMES) / 1000)
        if info["kind"] == "incidentmap":
            steps.append(page.evaluate(WINDOW_STEP))
        elif info["kind"] == "timestamped":
            steps.append(page.evaluate(TIMESTAMPED_STEP % info["map"]))
        context.close()
        if errors:
            print(f"    page errors in {path.name}: {errors[:3]}", flush=True)
    return statistics.median(drawn), (statistics.median(steps) if steps else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, action="append", help="event counts (repeatable)")
    parser.add_argument("--only", action="append", choices=sorted(PAGES), help="pages to measure")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--places", type=int, default=600,
                        help="distinct places the events fall on (0: every event its own point)")
    parser.add_argument("--max-folium", type=int, default=100_000,
                        help="skip folium's pages above this N (they take minutes)")
    args = parser.parse_args()
    counts = args.n or [1_000, 10_000, 100_000]
    names = args.only or ["incidentmap", "folium-markers", "folium-timestamped"]

    from playwright.sync_api import sync_playwright

    results = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for n in counts:
            gdf = synthetic_events(n, args.places)
            for name in names:
                if name.startswith("folium") and n > args.max_folium:
                    continue
                t0 = time.perf_counter()
                html, info = PAGES[name](gdf)
                build = time.perf_counter() - t0
                path = Path(tmp) / f"{name}-{n}.html"
                path.write_text(html, encoding="utf-8")
                size = path.stat().st_size / 1e6
                repeats = args.repeats if size < 150 else 1
                drawn, step = measure(browser, path, info, repeats)
                results.append({"n": n, "page": name, "build_s": build, "html_mb": size,
                                "drawn_s": drawn, "step_ms": step})
                print(f"{n:>9,} {name:<22} build {build:7.2f} s  html {size:8.1f} MB  "
                      f"drawn {drawn:6.2f} s  step {'-' if step is None else f'{step:6.1f} ms'}",
                      flush=True)
        browser.close()
    print()
    print(ratios(results))


def ratios(results: list[dict]) -> str:
    """folium figures divided by incidentmap's, per N."""
    lines = ["ratios (folium / incidentmap):"]
    ours = {r["n"]: r for r in results if r["page"] == "incidentmap"}
    for r in results:
        base = ours.get(r["n"])
        if base is None or r["page"] == "incidentmap" or not r["page"].startswith("folium"):
            continue
        step = (f"{r['step_ms'] / base['step_ms']:.1f}x" if r["step_ms"] and base["step_ms"] else "-")
        lines.append(f"  N={r['n']:>9,} {r['page']:<20} build {r['build_s'] / base['build_s']:.1f}x  "
                     f"html {r['html_mb'] / base['html_mb']:.1f}x  drawn {r['drawn_s'] / base['drawn_s']:.1f}x  "
                     f"step {step}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
