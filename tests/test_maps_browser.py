"""The rendered seed map in headless Chromium: counts, time window, layers, play, URL hash,
downloads and hostile text (issues 2 items 4 and 8, 5, 7 item 1).

Expected record sets come from the interval rule written out in :func:`expected_ids`, applied to
the seed table, not from the page.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

import maps
from tests.maps_seed import seed_gdf, seed_records

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TWO_FRAMES = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
ALL_SEEDS = {f"SEED{i:02d}" for i in range(1, 14)}


def expected_ids(frame: pd.DataFrame, first: str, last: str, layers: set[str] | None = None) -> set[str]:
    """Ids whose span [event_date, end_date] meets [first, last] (ISO strings compare as dates)."""
    meets = (frame["event_date"] <= last) & (frame["end_date"] >= first)
    if layers is not None:
        meets &= frame["event_type"].isin(layers)
    return set(frame.loc[meets, "event_id_cnty"])


@pytest.fixture
def seed_page(map_page):
    map_page.open(maps.render(seed_gdf(), title="Seed incidents, spring 2025").html)
    return map_page


def test_seed_map_counts_window_and_screenshots(seed_page):
    page, call = seed_page.page, seed_page.call
    records = seed_records()
    assert call("incidentmap.visibleCount()") == 13
    assert set(call("incidentmap.visibleIds()")) == ALL_SEEDS
    layers = {x["name"]: x["visible"] for x in call("incidentmap.layers()")}
    assert layers == {"Battles": 9, "Strategic developments": 3, "Violence against civilians": 1}
    assert page.title() == "Seed incidents, spring 2025"
    assert page.locator(".im-title").inner_text() == "Seed incidents, spring 2025"
    assert "GeoNames" in page.locator(".leaflet-control-attribution").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.evaluate(TWO_FRAMES)
    page.screenshot(path=str(ARTIFACTS / "seed-default.png"))

    call("incidentmap.setTimeWindow('2025-05-04', '2025-05-04')")
    assert call("incidentmap.visibleCount()") == 9
    assert set(call("incidentmap.visibleIds()")) == expected_ids(records, "2025-05-04", "2025-05-04")
    assert "9 of 13 records shown" in page.locator(".im-summary").inner_text()
    page.evaluate(TWO_FRAMES)
    page.screenshot(path=str(ARTIFACTS / "seed-2025-05-04.png"))

    for first, last in [("2025-04-22", "2025-04-22"), ("2025-04-23", "2025-04-23"),
                        ("2025-05-05", "2025-05-05"), ("2024-11-01", "2024-11-30"),
                        ("2025-05-06", "2025-06-01")]:
        call(f"incidentmap.setTimeWindow('{first}', '{last}')")
        assert set(call("incidentmap.visibleIds()")) == expected_ids(records, first, last), (first, last)
    call("incidentmap.clearTimeWindow()")
    assert call("incidentmap.visibleCount()") == 13


def test_popup_tells_span_precision_and_resolution(seed_page):
    page = seed_page.page
    x, y = seed_page.call("incidentmap.screenPoint('SEED03')")
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Battles — Armed clash" in text
    assert "24 Apr 2025 – 5 May 2025 (12 days)" in text
    assert "Military Forces of Pakistan vs Military Forces of India" in text
    assert "Jammu and Kashmir (a larger region, ±150 km, confidence 0.90)" in text
    assert "Ceasefire violations along the Line of Control for 11 consecutive days" in text
    page.screenshot(path=str(ARTIFACTS / "seed-popup.png"))
    seed_page.open(maps.render(seed_gdf().iloc[[1]]).html, name="laos.html")  # alone, centred
    x, y = seed_page.call("incidentmap.screenPoint('SEED02')")
    page.mouse.click(x, y)
    popup.wait_for()
    text = popup.inner_text()
    assert "15 Nov 2024 — month known only (middle of the month)" in text
    assert "Government of India vs Government of Japan" in text


def test_layer_switched_off_removes_its_records(seed_page):
    page, call = seed_page.page, seed_page.call
    records = seed_records()
    call("incidentmap.setLayerVisible('Battles', false)")
    assert call("incidentmap.visibleCount()") == 4
    assert set(call("incidentmap.visibleIds()")) == expected_ids(
        records, "0000-01-01", "9999-12-31", {"Strategic developments", "Violence against civilians"})
    assert {x["name"]: x["visible"] for x in call("incidentmap.layers()")}["Battles"] == 0
    call("incidentmap.setTimeWindow('2025-05-04', '2025-05-04')")
    assert set(call("incidentmap.visibleIds()")) == {"SEED03"} - expected_ids(records, "0", "9", {"Battles"})
    # the same through the layer panel, by keyboard
    call("incidentmap.setLayerVisible('Battles', true)")
    assert call("incidentmap.visibleCount()") == 9
    box = page.get_by_role("checkbox", name="Battles")
    box.focus()
    page.keyboard.press("Space")
    assert call("incidentmap.visibleCount()") == 0
    assert not box.is_checked()


def test_window_sliders_are_keyboard_operable(seed_page):
    page, call = seed_page.page, seed_page.call
    end = page.get_by_role("slider", name="Window end")
    end.focus()
    page.keyboard.press("ArrowLeft")  # 5 May -> 4 May: SEED12 and SEED13 (5 May only) leave
    assert call("incidentmap.getTimeWindow()") == ["2024-11-15", "2025-05-04"]
    assert set(call("incidentmap.visibleIds()")) == ALL_SEEDS - {"SEED12", "SEED13"}
    start = page.get_by_role("slider", name="Window start")
    start.focus()
    page.keyboard.press("End")  # start jumps to the end handle
    assert call("incidentmap.getTimeWindow()") == ["2025-05-04", "2025-05-04"]
    assert call("incidentmap.visibleCount()") == 9


def test_play_moves_the_window_and_ids_follow(seed_page):
    page, call = seed_page.page, seed_page.call
    records = seed_records()
    call("incidentmap.setStep('day')")
    call("incidentmap.setTimeWindow('2025-04-20', '2025-04-22')")
    assert set(call("incidentmap.visibleIds()")) == {"SEED01"}
    call("incidentmap.play()")
    assert call("incidentmap.isPlaying()")
    seen = set()
    for _ in range(4):  # one step every 0.8 s at 1x
        page.wait_for_function("incidentmap.getTimeWindow()[0] !== %s" % json.dumps(
            call("incidentmap.getTimeWindow()[0]")), timeout=5000)
        window, ids = call("[incidentmap.getTimeWindow(), incidentmap.visibleIds()]")
        assert set(ids) == expected_ids(records, *window)
        seen.add(tuple(window))
    call("incidentmap.pause()")
    assert not call("incidentmap.isPlaying()")
    assert len(seen) >= 3
    paused = call("incidentmap.getTimeWindow()")
    page.wait_for_timeout(1000)
    assert call("incidentmap.getTimeWindow()") == paused
    # cumulative: from the first record up to the right handle
    call("incidentmap.setCumulative(true)")
    window = call("incidentmap.getTimeWindow()")
    assert window[0] == "2024-11-15"
    assert set(call("incidentmap.visibleIds()")) == expected_ids(records, *window)


def test_url_hash_round_trips(seed_page):
    page, call = seed_page.page, seed_page.call
    call("incidentmap.setTimeWindow('2025-05-04', '2025-05-05')")
    call("incidentmap.setLayerVisible('Strategic developments', false)")
    page.wait_for_function("location.hash.includes('from=2025-05-04')")
    state = call("[incidentmap.getTimeWindow(), incidentmap.visibleIds(), incidentmap.layers()]")
    url = page.url
    other = seed_page.new_page()
    other.goto(url)
    other.wait_for_function("window.incidentmap !== undefined")
    assert seed_page.call("[incidentmap.getTimeWindow(), incidentmap.visibleIds(), incidentmap.layers()]",
                          other) == state
    assert sorted(state[1]) == sorted(expected_ids(seed_records(), "2025-05-04", "2025-05-05",
                                                   {"Battles", "Violence against civilians"}))


def test_downloads_hold_exactly_what_is_shown(seed_page, tmp_path):
    page, call = seed_page.page, seed_page.call
    call("incidentmap.setTimeWindow('2025-05-05', '2025-05-05')")
    call("incidentmap.setLayerVisible('Strategic developments', false)")
    shown = set(call("incidentmap.visibleIds()"))
    assert shown == expected_ids(seed_records(), "2025-05-05", "2025-05-05", {"Battles", "Violence against civilians"})

    with page.expect_download() as info:
        page.get_by_role("button", name="GeoJSON").click()
    geojson = tmp_path / info.value.suggested_filename
    info.value.save_as(geojson)
    assert geojson.name == "seed-incidents-spring-2025-shown.geojson"
    frame = pyogrio.read_dataframe(geojson, datetime_as_string=True)  # GDAL reads it back
    assert set(frame["event_id_cnty"]) == shown and len(frame) == len(shown)
    kupwara = frame[frame["event_id_cnty"] == "SEED04"].iloc[0]
    assert (round(kupwara.geometry.y, 4), round(kupwara.geometry.x, 4)) == (34.5258, 74.2553)
    assert kupwara["event_date"] == "2025-05-04" and kupwara["end_date"] == "2025-05-05"

    with page.expect_download() as info:
        page.get_by_role("button", name="CSV").click()
    rows = list(csv.DictReader(Path(info.value.path()).read_text(encoding="utf-8").splitlines()))
    assert {row["event_id_cnty"] for row in rows} == shown and len(rows) == len(shown)
    by_id = {row["event_id_cnty"]: row for row in rows}
    assert by_id["SEED03"]["notes"] == "Ceasefire violations along the Line of Control for 11 consecutive days"
    assert by_id["SEED03"]["event_date"] == "2025-04-24"


PAYLOADS = {
    "script": "<script>window.__pwned = 'script'</script>",
    "img": "<img src=x onerror=\"window.__pwned='img';alert(1)\">",
    "svg": "\"><svg onload=\"window.__pwned='svg'\">",
    "template": "{{ 7*7 }}",
}


def hostile_gdf():
    """One seed record whose every text field, the layer column's name and the source carry payloads."""
    frame = seed_records().iloc[[3]].copy()
    evil = " ".join(PAYLOADS.values())
    for column in ("notes", "actor1", "actor2", "event_type", "location", "sub_event_type"):
        frame[column] = f"{column}: {evil}"
    frame["source"] = "javascript:window.__pwned='href' and https://example.org/report?a=1&b=<b>"
    gdf = seed_gdf(seed_records().iloc[[3]])  # placed at Kupwara
    for column in frame.columns:
        gdf[column] = frame[column].to_numpy()
    layer_column = PAYLOADS["img"]
    gdf[layer_column] = gdf["event_type"]
    return gdf, layer_column, evil


def test_hostile_text_is_shown_literally_and_never_runs(map_page):
    gdf, layer_column, evil = hostile_gdf()
    title = "Title " + evil
    page = map_page.open(maps.render(gdf, title=title, layer_by=layer_column).html)
    call = map_page.call
    assert page.title() == title
    assert page.locator(".im-title").inner_text() == title
    panel = page.locator(".im-panel").inner_text()
    assert "Layers: " + layer_column in panel and f"event_type: {evil}" in panel

    x, y = call("incidentmap.screenPoint('SEED04')")
    page.mouse.move(x, y)
    page.mouse.click(x, y)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "hostile-popup.png"))
    text = popup.inner_text()
    for column in ("notes", "actor1", "actor2", "event_type", "location", "sub_event_type"):
        assert f"{column}: {evil}" in text, column
    assert "javascript:window.__pwned='href'" in text
    assert popup.locator("img, svg, script").count() == 0
    links = popup.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert links == ["https://example.org/report?a=1&b=%3Cb%3E"]
    page.get_by_role("button", name="CSV").focus()  # leave the page some time to run anything
    page.wait_for_timeout(300)
    assert call("window.__pwned") is None
    assert "49" not in page.locator("body").inner_text()
    assert map_page.dialogs == []


def test_clusters_and_heat_follow_the_window(map_page):
    page = map_page.open(maps.render(seed_gdf(), cluster=True, heatmap=True).html)
    call = map_page.call
    assert call("incidentmap.visibleCount()") == 13
    call("incidentmap.setTimeWindow('2025-05-04', '2025-05-04')")
    assert call("incidentmap.visibleCount()") == 9
    assert page.get_by_role("checkbox", name="Cluster markers").is_checked()
    assert page.get_by_role("checkbox", name="Heat layer").is_checked()
    page.wait_for_timeout(100)
    assert call("document.querySelectorAll('canvas.leaflet-heatmap-layer').length") == 1


def test_values_survive_the_compact_encoding(map_page):
    gdf = seed_gdf()
    ids = ["SEED01", "X7", "row 3", "IND100000", "IND099", "a-b", "007", "0", "ünï", "SEED10",
           "Z 12", "z9", "12345678901234567"]
    gdf["event_id_cnty"] = ids
    gdf["confidence"] = [0.123456, 1.0, 0.5, 0.25, 0.75, 0.9, 0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8]
    gdf.loc[3, "precision_km"] = float("nan")
    gdf.loc[[0, 4], "fatalities"] = [pd.NA, 123456789]
    map_page.open(maps.render(gdf.to_crs("EPSG:32643")).html)  # UTM 43N in, lon/lat out
    features = {f["id"]: f for f in map_page.call("incidentmap.geojson()")["features"]}
    assert set(features) == set(ids)
    for row in gdf.itertuples():
        props = features[row.event_id_cnty]["properties"]
        lon, lat = features[row.event_id_cnty]["geometry"]["coordinates"]
        assert abs(lat - row.geometry.y) < 2e-5 and abs(lon - row.geometry.x) < 2e-5
        assert (props["event_date"], props["end_date"]) == (row.event_date, row.end_date)
        assert props["notes"] == row.notes and props["location"] == row.location
        assert props["confidence"] == row.confidence
        assert props["fatalities"] == (None if pd.isna(row.fatalities) else row.fatalities)
        assert props["precision_km"] == (None if pd.isna(row.precision_km) else row.precision_km)
        assert props["geonameid"] == (None if pd.isna(row.geonameid) else row.geonameid)


def test_boundaries_overlay_names_its_source_and_worldview(map_page):
    page = map_page.open(maps.render(seed_gdf(), boundaries=True).html)
    toggle = page.get_by_role("checkbox", name="Boundaries")
    toggle.wait_for()
    attribution = page.locator(".leaflet-control-attribution").inner_text()
    assert "Natural Earth" in attribution and "de facto worldview" in attribution
    assert page.locator(".leaflet-tile-pane path").count() > 100  # one path per country
    toggle.uncheck()
    assert page.locator(".leaflet-tile-pane path").count() == 0
    assert map_page.call("incidentmap.visibleCount()") == 13


@pytest.mark.parametrize(("size_by", "hit"), [(None, False), ("fatalities", True)])
def test_size_by_fatalities_grows_the_marker(map_page, size_by, hit):
    """10 px from Pahalgam (26 killed) is off a plain marker but on a fatality-sized one."""
    page = map_page.open(maps.render(seed_gdf(), size_by=size_by).html)
    x, y = map_page.call("incidentmap.screenPoint('SEED01')")
    page.mouse.move(x + 10, y)
    tip = page.locator(".im-tip")
    if hit:
        tip.wait_for()
        assert tip.inner_text() == "Pahalgam · 22 Apr 2025"
    else:
        page.evaluate(TWO_FRAMES)
        assert tip.count() == 0


def test_clicking_a_cluster_zooms_in(map_page):
    gdf = seed_gdf().iloc[[1, 3, 4, 5, 6, 7]].copy()  # Laos, and five records put at Kupwara
    gdf.loc[gdf.index[1:], "geometry"] = gdf.geometry.iloc[1]
    page = map_page.open(maps.render(gdf, cluster=True).html)
    page.wait_for_function("location.hash.includes('view=')")
    zoom = int(page.evaluate("location.hash").split("view=")[1].split("/")[0])
    x, y = map_page.call("incidentmap.screenPoint('SEED04')")
    page.mouse.click(x, y)
    page.wait_for_function(f"!location.hash.includes('view={zoom}/')")
    assert int(page.evaluate("location.hash").split("view=")[1].split("/")[0]) == zoom + 2
    assert map_page.call("incidentmap.visibleCount()") == 6
