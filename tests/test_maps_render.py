"""maps.render without a browser: determinism, assets, escaping, notices and contract errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

import maps
import maps.page
from tests.maps_seed import seed_gdf

PACKAGE_JSON = Path(__file__).resolve().parent / "assets" / "package.json"


def options_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="[^"]+_options">(.*?)</script>', html)
    return json.loads(match.group(1))


def test_same_input_gives_byte_identical_html():
    first = maps.render(seed_gdf(), title="Seed").html
    assert maps.render(seed_gdf(), title="Seed").html == first
    assert maps.render(seed_gdf(), title="Seed 2").html != first


@pytest.mark.parametrize("heatmap", [False, True])
def test_page_loads_only_cdn_files_pinned_for_the_tests(heatmap):
    html = maps.render(seed_gdf(), heatmap=heatmap).html
    urls = re.findall(r'<script src="([^"]+)"', html) + re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    pinned = json.loads(PACKAGE_JSON.read_text())["dependencies"]
    packages = set()
    for url in urls:
        match = re.match(r"https://cdn\.jsdelivr\.net/npm/([^@/]+)@([^/]+)/", url)
        assert match, f"{url} is not served from an npm package"
        assert pinned.get(match[1]) == match[2], f"{url}: tests/assets pins {match[1]} {pinned.get(match[1])}"
        packages.add(match[1])
    assert packages == ({"leaflet", "leaflet.heat"} if heatmap else {"leaflet"})


def test_hostile_text_never_reaches_the_html_unescaped():
    gdf = seed_gdf()
    payload = "</script><script>alert(1)</script><!-- {{ 7*7 }}"
    for column in ("notes", "actor1", "event_type", "location", "source"):
        gdf[column] = payload
    html = maps.render(gdf, title=payload).html
    assert "alert(1)</script>" not in html and "<!--" not in html
    assert html.count("<script") == maps.render(seed_gdf(), title="x").html.count("<script")
    assert "<title>&lt;/script&gt;&lt;script&gt;alert(1)" in html
    assert "{{ 7*7 }}" in html  # rendered once, as text, never evaluated to 49


def test_counts_and_notices_account_for_every_row():
    gdf = seed_gdf()
    gdf.loc[gdf["event_id_cnty"] == "SEED02", "geometry"] = None
    gdf.loc[gdf["event_id_cnty"] == "SEED12", "event_date"] = "2025-13-45"
    gdf.loc[gdf["event_id_cnty"] == "SEED13", "end_date"] = "2025-01-01"
    doc = maps.render(gdf)
    assert doc.counts == {"Battles": 9, "Violence against civilians": 1}
    assert doc.notices == [
        "1 record(s) without a location are not on the map",
        "not drawn: SEED12: event_date missing or not a date",
        "not drawn: SEED13: end_date before event_date",
    ]


def test_clusters_become_the_default_above_the_threshold(monkeypatch):
    monkeypatch.setattr(maps.page, "CLUSTER_THRESHOLD", 13)
    doc = maps.render(seed_gdf())
    assert options_of(doc.html)["cluster"] is True
    assert doc.notices == ["13 records: clusters on by default (switch them off on the page "
                           "or render with cluster=False)"]
    explicit = maps.render(seed_gdf(), cluster=False)
    assert options_of(explicit.html)["cluster"] is False and explicit.notices == []
    monkeypatch.setattr(maps.page, "CLUSTER_THRESHOLD", 14)
    assert options_of(maps.render(seed_gdf()).html)["cluster"] is False


@pytest.mark.parametrize(("change", "message"), [
    (lambda g: g.drop(columns="event_date"), "no column 'event_date'"),
    (lambda g: g.drop(columns="event_type"), "no column 'event_type'"),
    (lambda g: g.assign(fatalities=["many"] * len(g)), "'fatalities' must be numeric; row 0 holds 'many'"),
])
def test_contract_violations_raise_a_clear_error(change, message):
    with pytest.raises(maps.ColumnContractError, match=re.escape(message)):
        maps.render(change(seed_gdf()), size_by="fatalities")


def test_a_plain_dataframe_is_refused():
    with pytest.raises(maps.MapError, match="expected a GeoDataFrame, got DataFrame"):
        maps.render(pd.DataFrame(seed_gdf().drop(columns="geometry")))


def test_other_crs_is_reprojected():
    doc = maps.render(seed_gdf().to_crs("EPSG:3857"))
    assert doc.html == maps.render(seed_gdf()).html  # same points at 1e-5 degree


def test_every_layer_gets_its_own_colour():
    # twelve layers: the eight colour-blind-safe colours first, then new ones, none repeated
    gdf = pd.concat([seed_gdf()] * 2, ignore_index=True)
    gdf["event_id_cnty"] = [f"E{i}" for i in range(len(gdf))]
    gdf["event_type"] = [f"type {i % 12:02d}" for i in range(len(gdf))]
    doc = maps.render(gdf)
    assert "12 layers: colours past the eighth are not colour-blind safe" in doc.notices
    html = doc.html
    data = re.search(r'<script type="application/json" id="[^"]+_data">(.*?)</script>', html).group(1)
    colours = [layer["color"] for layer in json.loads(data)["layers"]]
    assert len(colours) == 12 and len(set(colours)) == 12
    assert colours[:8] == ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"]
