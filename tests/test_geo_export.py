"""Exports: every format read back by GDAL (pyogrio), round trips, determinism, atomic writes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import geopandas
import pyogrio
import pytest

import geo
from gazetteer import Gazetteer
from geo.errors import OutputError

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "seed_events.csv"
RECORD = ["event_id_cnty", "event_date", "end_date", "time_precision", "event_type", "sub_event_type",
          "actor1", "actor2", "country", "location", "geo_precision", "fatalities", "notes", "source"]


@pytest.fixture(scope="module")
def seed_gdf():
    return geo.to_geodataframe(geo.read_events(SEEDS), Gazetteer.load())


@pytest.fixture(scope="module")
def mixed_gdf(tmp_path_factory):
    """The seed rows plus one unresolvable and one invalid row."""
    folder = tmp_path_factory.mktemp("mixed")
    extra = folder / "extra.csv"
    extra.write_text("event_id_cnty,event_date,location\nX1,2025-05-04,Qwxzyville\nX2,2025-13-45,Poonch\n")
    return geo.to_geodataframe(geo.read_events([SEEDS, extra]), Gazetteer.load())


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".kml"])
def test_gdal_reads_back_every_record(tmp_path, seed_gdf, suffix):
    out = tmp_path / f"seed{suffix}"
    assert geo.write(seed_gdf, out) == 13
    options = {"X_POSSIBLE_NAMES": "longitude", "Y_POSSIBLE_NAMES": "latitude"} if suffix == ".csv" else {}
    back = pyogrio.read_dataframe(out, **options)
    assert len(back) == 13
    ids = "Name" if suffix == ".kml" else "event_id_cnty"   # KML names placemarks by location
    column = back[ids] if suffix != ".kml" else back["event_id_cnty"]
    assert sorted(column) == sorted(seed_gdf["event_id_cnty"])
    assert back.geometry.notna().all()
    poonch = seed_gdf.set_index("event_id_cnty").loc["SEED06"].geometry
    got = back.set_index("event_id_cnty").loc["SEED06"].geometry
    assert abs(got.x - poonch.x) < 1e-6 and abs(got.y - poonch.y) < 1e-6


def test_geoparquet_reads_back(tmp_path, seed_gdf):
    """This machine's GDAL has no Parquet driver, so pyarrow (via geopandas) reads it back."""
    out = tmp_path / "seed.parquet"
    geo.write(seed_gdf, out)
    back = geopandas.read_parquet(out)
    assert len(back) == 13 and back.crs.to_epsg() == 4326
    assert list(back["event_date"]) == list(seed_gdf["event_date"])


def test_geojson_is_rfc7946(tmp_path, seed_gdf):
    out = tmp_path / "seed.geojson"
    geo.write(seed_gdf, out)
    doc = json.loads(out.read_text())
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    feature = next(f for f in doc["features"] if f["properties"]["event_id_cnty"] == "SEED03")
    props = feature["properties"]
    assert (props["event_date"], props["end_date"]) == ("2025-04-24", "2025-05-05")
    for field in ("resolved_name", "geonameid", "precision_km", "confidence", "resolve_reason"):
        assert field in props
    lon, lat = feature["geometry"]["coordinates"]
    assert 60 < lon < 80 and 30 < lat < 40       # lon first
    for f in doc["features"]:
        for value in f["geometry"]["coordinates"]:
            assert len(repr(value).split(".")[-1]) <= 6


def test_same_input_gives_byte_identical_geojson(tmp_path, seed_gdf):
    first, second = tmp_path / "a.geojson", tmp_path / "b.geojson"
    geo.write(geo.to_geodataframe(geo.read_events(SEEDS), Gazetteer.load()), first)
    geo.write(seed_gdf, second)
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("keep_unmapped", [False, True])
def test_streamed_gdal_write_equals_a_one_shot_geodataframe_write(tmp_path, mixed_gdf, monkeypatch,
                                                                  keep_unmapped):
    """Exports stream to GDAL in Arrow batches (one row each here, so with --keep-unmapped some
    batches hold only a null geometry); the files must match pyogrio's own one-shot write."""
    import geo.export
    from geopandas.testing import assert_geodataframe_equal

    monkeypatch.setattr(geo.export, "_BATCH_ROWS", 1)
    rows = geo.export.export_frame(mixed_gdf, keep_unmapped).drop(columns=["latitude", "longitude"])
    streamed, plain = tmp_path / "streamed.geojson", tmp_path / "plain.geojson"
    assert geo.write(mixed_gdf, streamed, keep_unmapped=keep_unmapped) == len(rows)
    pyogrio.write_dataframe(rows, plain, layer="events", driver="GeoJSON", RFC7946="YES",
                            COORDINATE_PRECISION=6, WRITE_NAME="NO")
    assert streamed.read_bytes() == plain.read_bytes()
    streamed, plain = tmp_path / "streamed.gpkg", tmp_path / "plain.gpkg"
    geo.write(mixed_gdf, streamed, keep_unmapped=keep_unmapped)
    pyogrio.write_dataframe(rows, plain, layer="events", driver="GPKG")
    assert pyogrio.read_info(streamed)["geometry_type"] == pyogrio.read_info(plain)["geometry_type"]
    assert_geodataframe_equal(pyogrio.read_dataframe(streamed), pyogrio.read_dataframe(plain))


@pytest.mark.parametrize("suffix", [".geojson", ".gpkg", ".csv", ".parquet"])
def test_export_import_round_trip_gives_the_same_records(tmp_path, seed_gdf, suffix):
    out = tmp_path / f"seed{suffix}"
    geo.write(seed_gdf, out)
    again = geo.to_geodataframe(geo.read_events(out), Gazetteer.load())
    assert set(again["status"]) == {"mapped"}
    a = seed_gdf[RECORD].set_index("event_id_cnty").sort_index()
    b = again[RECORD].set_index("event_id_cnty").sort_index()
    assert a.astype(str).equals(b.astype(str))
    a_xy = seed_gdf.set_index("event_id_cnty").geometry.sort_index().get_coordinates()
    b_xy = again.set_index("event_id_cnty").geometry.sort_index().get_coordinates()
    assert ((a_xy - b_xy).abs() < 1e-6).all().all()


def test_keep_unmapped_writes_null_geometries(tmp_path, mixed_gdf):
    assert geo.write(mixed_gdf, tmp_path / "only.geojson") == 13
    out = tmp_path / "all.gpkg"
    assert geo.write(mixed_gdf, out, keep_unmapped=True) == 15
    back = pyogrio.read_dataframe(out).set_index("event_id_cnty")
    assert back.loc["X1"].geometry is None and back.loc["X1", "status"] == "unresolved"
    assert "2025-13-45" in back.loc["X2", "status_reason"]
    rows = (tmp_path / "all.csv")
    geo.write(mixed_gdf, rows, keep_unmapped=True)
    assert ",X1," not in rows.read_text() and "\nX1," in rows.read_text()


def test_report_lists_each_unmapped_row(tmp_path, mixed_gdf):
    report = tmp_path / "r.csv"
    assert geo.write_report(mixed_gdf, report) == 2
    lines = report.read_text().splitlines()
    assert lines[0] == "source_file,source_line,event_id_cnty,status,field,reason"
    assert lines[1].split(",")[1:5] == ["2", "X1", "unresolved", "location"]
    assert lines[2].split(",")[1:5] == ["3", "X2", "invalid", "event_date"]


def test_filters(seed_gdf):
    window = geo.filter_events(seed_gdf, date_from="2025-05-04", date_to="2025-05-04")
    assert len(window) == 9      # the 8 night-of-4-5-May records and the 11-day span
    assert set(geo.filter_events(seed_gdf, event_types=["battles"])["event_type"]) == {"Battles"}
    assert list(geo.filter_events(seed_gdf, countries=["Laos"])["event_id_cnty"]) == ["SEED02"]


def test_dedupe_merges_near_reports_and_keeps_sources(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(
        "event_id_cnty,event_date,event_type,location,latitude,longitude,source,fatalities\n"
        "A,2025-05-04,Battles,Poonch,33.770,74.090,paper one,1\n"
        "B,2025-05-05,Battles,Poonch,33.780,74.095,paper two,3\n"     # ~1.2 km, next day
        "C,2025-05-04,Battles,Poonch,33.900,74.090,paper three,\n"    # ~14 km away
        "D,2025-05-04,Protests,Poonch,33.770,74.090,paper four,\n"    # other type
        "E,2025-05-07,Battles,Poonch,33.770,74.090,paper five,\n")    # 3 days later
    gdf = geo.to_geodataframe(geo.read_events(path), Gazetteer.load())
    merged, count = geo.dedupe(gdf, days=1, km=5)
    assert count == 1 and list(merged["event_id_cnty"]) == ["A", "C", "D", "E"]
    a = merged.iloc[0]
    assert (a.event_date, a.end_date, a.fatalities) == ("2025-05-04", "2025-05-05", 3)
    assert a.source == "paper one; paper two" and a.merged_ids == "A;B"
    assert geo.dedupe(gdf, days=1, km=20)[1] == 2      # thresholds are configurable
    assert geo.dedupe(gdf, days=3, km=5)[1] == 2


def test_refuses_inputs_existing_files_and_bad_folders(tmp_path, seed_gdf):
    out = tmp_path / "seed.geojson"
    geo.write(seed_gdf, out)
    with pytest.raises(OutputError, match="exists; pass --force"):
        geo.write(seed_gdf, out)
    geo.write(seed_gdf.head(2), out, force=True)
    assert len(json.loads(out.read_text())["features"]) == 2
    copy = tmp_path / "in.csv"
    copy.write_bytes(SEEDS.read_bytes())
    with pytest.raises(OutputError, match="is one of the inputs"):
        geo.write(seed_gdf, tmp_path / "." / "in.csv", force=True, inputs=[copy])
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create folder"):
        geo.write(seed_gdf, blocker / "out.geojson")
    with pytest.raises(OutputError, match="is a folder"):
        geo.write(seed_gdf, tmp_path)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".incidentmap-")]


_WRITER = """
import sys, geopandas, shapely, numpy as np, pandas as pd
import geo
n = 400_000
gdf = geopandas.GeoDataFrame({
    "event_id_cnty": [f"R{i}" for i in range(n)], "event_date": ["2025-05-04"] * n,
    "notes": ["x" * 80] * n, "status": ["mapped"] * n, "status_reason": [""] * n,
    "latitude": np.full(n, 33.0), "longitude": np.full(n, 74.0)},
    geometry=shapely.points(np.full(n, 74.0), np.full(n, 33.0)), crs=4326)
print("ready", flush=True)
geo.write(gdf, sys.argv[1], force=True)
"""


def test_a_killed_export_leaves_the_previous_file(tmp_path, seed_gdf):
    out = tmp_path / "keep.geojson"
    geo.write(seed_gdf, out)
    before = out.read_bytes()
    proc = subprocess.Popen([sys.executable, "-c", _WRITER, str(out)], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    deadline = time.monotonic() + 120
    temp = []
    while not temp and time.monotonic() < deadline and proc.poll() is None:
        temp = [p for d in tmp_path.glob(".incidentmap-*") for p in d.iterdir() if p.stat().st_size > 0]
        time.sleep(0.005)
    assert temp, "the writer never started writing its temporary file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert out.read_bytes() == before


def test_geojson_keeps_any_text_exactly(tmp_path):
    tricky = ['a "quoted" \\ back\\slash \\/ and / slash', "line\nbreak\ttab", "</script><b>é ✓ 中文",
              "https://example.org/a?b=1&c=2", "{{ 7*7 }}"]
    path = tmp_path / "t.csv"
    geopandas.pd.DataFrame({"event_date": "2025-05-04", "latitude": 33.7, "longitude": 74.1,
                            "notes": tricky}).to_csv(path, index=False)
    gdf = geo.to_geodataframe(geo.read_events(path), Gazetteer.load())
    out = tmp_path / "t.geojson"
    geo.write(gdf, out)
    features = json.loads(out.read_text(encoding="utf-8"))["features"]
    assert [f["properties"]["notes"] for f in features] == tricky
    assert list(pyogrio.read_dataframe(out)["notes"]) == tricky
    empty = tmp_path / "empty.geojson"
    assert geo.write(gdf.iloc[:0], empty) == 0
    doc = json.loads(empty.read_text())
    assert doc["type"] == "FeatureCollection" and doc["features"] == []
