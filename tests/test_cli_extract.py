"""`incidentmap extract` through click's CliRunner, on the real gazetteer; outputs read back
(GeoJSON by GDAL through pyogrio); `incidentmap map` on articles."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from geo.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2025-05-05-india-japan-defence-talks.txt"
ARTICLES = Path(__file__).parent / "data" / "articles"


@pytest.fixture
def runner():
    return CliRunner()


def test_csv_on_stdout_summary_on_stderr(runner):
    result = runner.invoke(main, ["extract", str(SEED)])
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 13
    assert {"event_date", "end_date", "time_precision", "event_type", "latitude", "longitude",
            "article", "sentence_start", "sentence", "extract_confidence"} <= set(rows[0])
    assert "1 articles: 13 records" in result.stderr
    assert "records" not in result.stdout.splitlines()[-1]  # no diagnostics mixed into the data


def test_geojson_read_back_by_gdal(runner, tmp_path):
    out = tmp_path / "events.geojson"
    result = runner.invoke(main, ["extract", str(ARTICLES), "-o", str(out), "--date", "2025-05-08"])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == 12
    assert frame.crs.to_epsg() == 4326
    lahore = frame[frame["location"] == "Lahore"].iloc[0]
    assert abs(lahore.geometry.y - 31.55) < 0.1 and abs(lahore.geometry.x - 74.34) < 0.1
    assert "crs" not in json.loads(out.read_text())


def test_jsonl_records_have_numbers(runner, tmp_path):
    out = tmp_path / "events.jsonl"
    assert runner.invoke(main, ["extract", str(SEED), "-o", str(out)]).exit_code == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    kupwara = next(r for r in rows if r["location"] == "Kupwara")
    assert (kupwara["event_date"], kupwara["end_date"], kupwara["time_precision"]) == ("2025-05-04", "2025-05-05", 1)
    assert isinstance(kupwara["latitude"], float) and kupwara["fatalities"] is None


def test_mentions_jsonl(runner):
    result = runner.invoke(main, ["extract", "--mentions", str(SEED)])
    assert result.exit_code == 0, result.stderr
    mentions = [json.loads(line) for line in result.stdout.splitlines()]
    text = SEED.read_text(encoding="utf-8")
    assert all(text[m["start"]:m["end"]] == m["surface"] for m in mentions)
    by_surface = {m["surface"]: m for m in mentions}
    assert by_surface["Pakistani"]["mention"] == "demonym" and by_surface["Pakistani"]["country"] == "PK"
    assert by_surface["Nowshera"]["admin1"] == "Jammu and Kashmir"
    assert {"file", "start", "end", "surface", "lat", "lon", "confidence", "reason"} <= set(mentions[0])


def test_stdin_with_date(runner):
    text = "Three civilians were killed in shelling in Uri on Sunday, officials said."
    result = runner.invoke(main, ["extract", "-", "--date", "2025-05-05"], input=text)
    assert result.exit_code == 0, result.stderr
    (row,) = csv.DictReader(io.StringIO(result.stdout))
    assert (row["location"], row["event_date"], row["fatalities"]) == ("Uri", "2025-05-04", "3")
    assert row["sub_event_type"] == "Shelling/artillery/missile attack"


def test_warns_without_publication_date(runner):
    result = runner.invoke(main, ["extract", str(ARTICLES / "wire-report.txt")])
    assert result.exit_code == 0
    assert "no publication date" in result.stderr and "--date" in result.stderr


@pytest.mark.parametrize("args, message", [
    (["extract", "missing.txt"], "missing.txt: no such file"),
    (["extract", str(SEED), "--date", "5/5/2025"], "expected a date as YYYY-MM-DD"),
    (["extract", str(SEED), "-o", "out.xlsx"], "unknown output format"),
    (["extract", "--mentions", str(SEED), "-o", "out.csv"], "--mentions writes JSON Lines"),
])
def test_errors_are_one_line_messages(runner, tmp_path, monkeypatch, args, message):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, args)
    assert result.exit_code == 1
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_existing_output_needs_force_and_report_lists_skipped(runner, tmp_path):
    out, report = tmp_path / "e.csv", tmp_path / "skipped.csv"
    out.write_text("old")
    result = runner.invoke(main, ["extract", str(SEED), "-o", str(out)])
    assert result.exit_code == 1 and "--force" in result.stderr and out.read_text() == "old"
    result = runner.invoke(main, ["extract", str(SEED), "-o", str(out), "--force", "--report", str(report), "--strict"])
    assert result.exit_code == 3  # one sentence ("During the bilateral meeting, ...") has a cue but no place
    rows = list(csv.DictReader(report.open()))
    assert len(rows) == 1 and rows[0]["file"] == str(SEED) and "no place" in rows[0]["reason"]
    assert len(list(csv.DictReader(out.open()))) == 13


def test_extracted_csv_feeds_map_and_export(runner, tmp_path):
    events, out = tmp_path / "events.csv", tmp_path / "events.geojson"
    assert runner.invoke(main, ["extract", str(SEED), "-o", str(events)]).exit_code == 0
    result = runner.invoke(main, ["export", str(events), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "13 records read: 13 mapped" in result.stderr
    frame = pyogrio.read_dataframe(out)
    assert len(frame) == 13 and "sentence" in frame.columns


def test_map_command_reads_articles_and_the_seed_folder(runner, tmp_path):
    out = tmp_path / "seeds.html"
    result = runner.invoke(main, ["map", str(ROOT / "seeds"), "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert "26 records read: 26 mapped" in result.stderr  # 13 table rows + 13 from the article
    assert out.exists()


def test_override_places_become_mentions(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # a new names set: its own automaton
    overrides = tmp_path / "places.csv"
    overrides.write_text("action,name,lat,lon,country,kind\nplace,Salotri,33.72,74.08,IN,village\n")
    article = str(ROOT / "tests" / "data" / "articles" / "local-report.html")
    result = runner.invoke(main, ["extract", "--mentions", article, "--gazetteer", str(overrides)])
    assert result.exit_code == 0, result.stderr
    salotri = [json.loads(line) for line in result.stdout.splitlines() if '"Salotri"' in line]
    assert salotri and salotri[0]["lat"] == 33.72 and salotri[0]["source"] == "user"
    # named, but nothing happened there: still no record at Salotri
    records = runner.invoke(main, ["extract", article, "--gazetteer", str(overrides)])
    assert "Salotri" not in {row["location"] for row in csv.DictReader(io.StringIO(records.stdout))}


def test_extracted_csv_defuses_formulas_but_keeps_numbers():
    from geo.extract_write import render_records

    rec = {"location": "=HYPERLINK(\"http://x\")", "longitude": "-76.8", "notes": "@SUM(1)"}
    (row,) = csv.DictReader(io.StringIO(render_records([rec], rec, "csv")))
    assert row == {"location": "'=HYPERLINK(\"http://x\")", "longitude": "-76.8", "notes": "'@SUM(1)"}
