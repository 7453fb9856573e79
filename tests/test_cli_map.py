"""``incidentmap map``: the seed map file, its summary, --open, default output, --strict."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner

from geo.cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "seed_events.csv"


def run(*args, **kwargs):
    return CliRunner().invoke(main, [str(a) for a in args], **kwargs)


def test_seed_map_is_written_with_a_summary(tmp_path):
    out = tmp_path / "maps" / "seed.html"
    result = run("map", SEEDS, "-o", out, "--title", "Seed <b>incidents</b>")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert "13 records read: 13 mapped, 0 unresolved, 0 invalid" in result.stderr.splitlines()
    html = out.read_text()
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "Seed <b>incidents</b>" not in html          # the title is escaped
    assert "Pahalgam" in html and "Akhnoor" in html
    assert not [p for p in out.parent.iterdir() if p.name != "seed.html"]   # no temp left


def test_default_output_and_open_without_a_browser(tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or False)
    monkeypatch.chdir(tmp_path)
    result = run("map", SEEDS, "--open")
    assert result.exit_code == 0, result.stderr
    expected = os.path.join("maps", "seed_events.html")
    assert result.stdout == expected + "\n"
    assert f"no browser available; open {expected} yourself" in result.stderr
    assert opened == [(tmp_path / expected).resolve().as_uri()]
    assert (tmp_path / expected).stat().st_size > 0


def test_strict_exit_3_after_writing_and_report(tmp_path):
    data = tmp_path / "t.csv"
    data.write_text("date,place\n2025-05-04,Poonch\n2025-05-04,Qwxzyville\n")
    out, report = tmp_path / "t.html", tmp_path / "r.csv"
    result = run("map", data, "-o", out, "--strict", "--report", report)
    assert result.exit_code == 3
    assert "2 records read: 1 mapped, 1 unresolved, 0 invalid" in result.stderr
    assert out.exists() and "Qwxzyville" in report.read_text()
    again = run("map", data, "-o", out)
    assert again.exit_code == 1 and "exists; pass --force" in again.stderr


def test_article_input_goes_to_extraction(tmp_path):
    article = Path(__file__).resolve().parents[1] / "seeds" / "2025-05-05-india-japan-defence-talks.txt"
    result = run("map", article, "-o", tmp_path / "a.html")
    assert result.exit_code in (0, 3), result.stderr
    summary = [line for line in result.stderr.splitlines() if " records read: " in line]
    assert summary and int(summary[0].split()[0]) > 0


def test_a_table_without_one_valid_row_gives_an_empty_map_and_says_why(tmp_path):
    data = tmp_path / "bad.csv"
    data.write_text("date,place\n2025-13-45,Poonch\n")
    result = run("map", data, "-o", tmp_path / "bad.html")
    assert result.exit_code == 0, result.stderr
    assert "1 records read: 0 mapped, 0 unresolved, 1 invalid" in result.stderr
    assert f"{data}:2: invalid: event_date: '2025-13-45' is not a calendar date" in result.stderr
