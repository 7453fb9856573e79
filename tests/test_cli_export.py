"""``incidentmap export``: the seed GeoJSON, accounting, filters, dedupe, and every broken input."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from geo.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "seed_events.csv"
SUMMARY_13 = "13 records read: 13 mapped, 0 unresolved, 0 invalid"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_seed_geojson(tmp_path):
    out = tmp_path / "seed.geojson"
    result = run("export", SEEDS, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert SUMMARY_13 in result.stderr.splitlines()
    back = pyogrio.read_dataframe(out)
    assert len(back) == 13
    doc = json.loads(out.read_text())
    assert "crs" not in doc
    props = doc["features"][0]["properties"]
    assert props["event_date"] == "2025-04-22" and props["resolved_name"] and props["geonameid"]
    assert {"precision_km", "confidence", "resolve_reason"} <= set(props)


def test_bad_rows_are_counted_reported_and_strict_exits_3(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("event_date,location,latitude,longitude,fatalities\n"
                    "2025-05-04,Poonch,,,1\n2025-13-45,Poonch,,,\n2025-05-04,Poonch,123,74,\n"
                    "2025-05-04,Poonch,,,many\n2025-05-04,Qwxzyville,,,\n")
    report = tmp_path / "unmapped.csv"
    result = run("export", data, "-o", tmp_path / "out.geojson", "--report", report, "--strict")
    assert result.exit_code == 3
    assert "5 records read: 1 mapped, 1 unresolved, 3 invalid" in result.stderr
    assert f"{data}:3: invalid: event_date: '2025-13-45'" in result.stderr
    lines = report.read_text().splitlines()
    assert [line.split(",")[1] for line in lines[1:]] == ["3", "4", "5", "6"]
    assert len(pyogrio.read_dataframe(tmp_path / "out.geojson")) == 1
    relaxed = run("export", data, "-o", tmp_path / "out2.geojson")
    assert relaxed.exit_code == 0 and "list them with --report" not in relaxed.stderr


def test_filters_and_dedupe_say_what_they_did(tmp_path):
    out = tmp_path / "battles.csv"
    result = run("export", SEEDS, "-o", out, "--event-type", "Battles", "--date-from", "2025-05-04",
                 "--date-to", "2025-05-04", "--dedupe", "--dedupe-km", "1")
    assert result.exit_code == 0, result.stderr
    assert "filters kept 9 of 13 records" in result.stderr
    assert "dedupe: 0 records merged into others" in result.stderr
    assert len(out.read_text().splitlines()) == 1 + 9


def test_output_rules(tmp_path):
    out = tmp_path / "seed.geojson"
    assert run("export", SEEDS, "-o", out).exit_code == 0
    again = run("export", SEEDS, "-o", out)
    assert again.exit_code == 1 and "exists; pass --force" in again.stderr and again.stdout == ""
    assert run("export", SEEDS, "-o", out, "--force").exit_code == 0
    onto = run("export", out, "-o", out, "--force")
    assert onto.exit_code == 1 and "is one of the inputs" in onto.stderr
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.csv").write_bytes(SEEDS.read_bytes())
    inside = run("export", folder, "-o", folder / "out.geojson")
    assert inside.exit_code == 1 and "would be read as an input" in inside.stderr
    unknown = run("export", SEEDS, "-o", tmp_path / "seed.shp")
    assert unknown.exit_code == 1 and "cannot tell the output format" in unknown.stderr


H = "event_date,location,notes\n"
BROKEN = {
    "empty.csv": (b"", "file is empty", None),
    "header.csv": (H.encode(), "has a header but no records", 1),
    "binary.csv": (bytes(range(256)) * 20, "binary file", None),
    "mixed.csv": ((H + "2025-05-04,Poonch,a\n2025-05-04;Rajouri;b\n").encode(), "mixed delimiter", 3),
    "quote.csv": ((H + '2025-05-04,Poonch,"open\n2025-05-05,Rajouri,b\n').encode(), "unterminated quoted field", 2),
    "latin1.csv": (H.encode() + b"2025-05-04,Poonch,caf\xe9\n", "not valid UTF-8", 2),
    "long.csv": (b"a" * 10_000_000, "longer than", 1),
    "longfield.csv": (H.encode() + b"2025-05-04,Poonch," + b"x" * 10_000_000 + b"\n", "longer than", 2),
    "syntax.json": (b'[{"event_date": "2025-05-04", "location": "Poonch"},\n {"event_date" "x"}]',
                    "JSON syntax error", 2),
    "line.geojson": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[1, 2], [3, 4]]}}
    ]}).encode(), "LineString geometry", 1),
    "range.geojson": (json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [200, 95]}}
    ]}).encode(), "out of range", 1),
    "fake.xlsx": ((H + "2025-05-04,Poonch,a\n").encode(), "not an Excel .xlsx file", None),
    "nodate.csv": (b"place,notes\nPoonch,a\n", "no event_date column", 1),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_files_give_a_clear_error(tmp_path, name):
    content, message, line = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = run("export", path, "-o", tmp_path / "out.geojson")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith(f"Error: {path}")
    assert message in result.stderr
    if line:
        assert f", line {line}" in result.stderr
    assert "Traceback" not in result.stderr
    assert isinstance(result.exception, SystemExit)   # a clean exit, not an escaped exception
    assert not (tmp_path / "out.geojson").exists()


def test_missing_file_folder_and_empty_folder(tmp_path):
    missing = run("export", tmp_path / "nope.csv", "-o", tmp_path / "o.geojson")
    assert missing.exit_code == 1 and f"Error: {tmp_path / 'nope.csv'}: no such file" in missing.stderr
    (tmp_path / "empty").mkdir()
    folder = run("export", tmp_path / "empty", "-o", tmp_path / "o.geojson")
    assert folder.exit_code == 1 and "folder holds no supported input files" in folder.stderr
    onto_folder = run("export", SEEDS, "-o", tmp_path / "empty")
    assert onto_folder.exit_code == 1 and "is a folder" in onto_folder.stderr


def test_the_cli_module_imports_no_heavy_library():
    import subprocess
    import sys

    code = ("import sys, geo, geo.cli; heavy = [m for m in ('pandas', 'geopandas', 'folium', 'shapely') "
            "if m in sys.modules]; print(heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_csv_outputs_defuse_spreadsheet_formulas(tmp_path):
    # text from reports must not run as a formula when an analyst opens the CSV in a spreadsheet
    data = tmp_path / "hostile.csv"
    data.write_text("event_id_cnty,event_date,location,latitude,longitude,actor1,fatalities,notes\n"
                    'H1,2025-05-04,Poonch,,,@SUM(1+1),2,"=HYPERLINK(""http://x"",""y"")"\n'
                    "H2,2025-05-04,Kingston,18.0,-76.8,-2+3,,+91 call\n"
                    "@H3,2025-05-04,Poonch,,,Army,many,\n")
    out, report = tmp_path / "out.csv", tmp_path / "unmapped.csv"
    result = run("export", data, "-o", out, "--report", report)
    assert result.exit_code == 0, result.stderr
    rows = {r["event_id_cnty"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert rows["H1"]["actor1"] == "'@SUM(1+1)" and rows["H1"]["notes"].startswith("'=HYPERLINK(")
    assert rows["H2"]["actor1"] == "'-2+3" and rows["H2"]["notes"] == "'+91 call"
    assert rows["H2"]["longitude"] == "-76.8" and rows["H1"]["fatalities"] == "2"   # numbers stay numbers
    # GDAL reads the same file, negative coordinates intact
    back = pyogrio.read_dataframe(out)
    assert sorted(back["longitude"].astype(float))[0] == -76.8
    (bad,) = csv.DictReader(report.open(encoding="utf-8"))      # the report too
    assert bad["event_id_cnty"] == "'@H3" and bad["field"] == "fatalities"
