"""Hostile and broken input through the real CLI, end to end (issue 7 items 2-6).

Every broken file gives one clear line on stderr naming the file (and line and field where
there is one) and exit 1; bad values make only their row invalid; outputs are atomic, never
written onto an input nor into a folder that cannot be written; the same input gives the same
bytes in another process; map, export, extract and resolve make no network attempt at all;
control characters from a file never reach the terminal raw.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds" / "seed_events.csv"
ARTICLE = ROOT / "seeds" / "2025-05-05-india-japan-defence-talks.txt"
H = "event_date,location,notes\n"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def geojson(features) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def feature(geometry) -> dict:
    return {"type": "Feature", "properties": {"event_date": "2025-05-04"}, "geometry": geometry}


# name -> (content, what the message says, line or None, field or None)
BROKEN = {
    "empty.csv": (b"", "file is empty", None, None),
    "blank.csv": (b"\n \n\n", "holds only blank text", None, None),
    "header.csv": (H.encode(), "has a header but no records", 1, None),
    "binary.csv": (bytes(range(256)) * 20, "binary file", None, None),
    "utf16.csv": ((H + "2025-05-04,Poonch,a\n").encode("utf-16"), "binary file", None, None),
    "nodelimiter.csv": (b"event_date location notes\n2025-05-04 Poonch a\n", "single column", 1, None),
    "mixed.csv": ((H + "2025-05-04,Poonch,a\n2025-05-04;Rajouri;b\n").encode(), "mixed delimiter", 3, None),
    "wrong.tsv": ((H + "2025-05-04\tPoonch\ta\n").encode(), "wrong or mixed delimiter", 2, None),
    "quote.csv": ((H + '2025-05-04,Poonch,"open\n2025-05-05,Rajouri,b\n').encode(), "unterminated quoted", 2, None),
    "lastquote.csv": ((H + '2025-05-04,Poonch,ok\n2025-05-05,Rajouri,"open\n').encode(), "unterminated quoted", 3, None),
    "latin1.csv": (H.encode() + b"2025-05-04,Poonch,caf\xe9\n", "not valid UTF-8", 2, None),
    "latenul.csv": ((H + "2025-05-04,Poonch,a\n" * 4000 + "2025-05-04,Poonch,b\x00c\n").encode(), "NUL byte", 4002,
                    "notes"),
    "long.csv": (b"a" * 10_000_000, "longer than", 1, None),
    "longfield.csv": (H.encode() + b"2025-05-04,Poonch," + b"x" * 10_000_000 + b"\n", "longer than", 2, "notes"),
    "duplicate.csv": (b"event_date,location,location\n2025-05-04,a,b\n", "duplicate column", 1, "location"),
    "noname.csv": (b"event_date,,location\n2025-05-04,a,b\n", "column 2 has an empty header", 1, None),
    "syntax.json": (b'[{"event_date": "2025-05-04", "location": "Poonch"},\n {"event_date" "x"}]',
                    "JSON syntax error", 2, None),
    "unclosed.json": (b'[{"event_date": "2025-05-04", "location": "Poonch"}', "JSON syntax error", 1, None),
    "nested.json": (b"[" * 100_000 + b"]" * 100_000, "nested too deeply", None, None),
    "syntax.jsonl": (b'{"event_date": "2025-05-04", "location": "Poonch"}\n{oops\n', "JSON syntax error", 2, None),
    "line.geojson": (geojson([feature({"type": "LineString", "coordinates": [[1, 2], [3, 4]]})]),
                     "LineString geometry", 1, "geometry"),
    "polygon.geojson": (geojson([feature({"type": "Point", "coordinates": [74, 33]}),
                                 feature({"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [1, 2]]]})]),
                        "Polygon geometry", 2, "geometry"),
    "range.geojson": (geojson([feature({"type": "Point", "coordinates": [200, 95]})]), "out of range", 1, "geometry"),
    "latlon.geojson": (geojson([feature({"type": "Point", "coordinates": [33.77, 174.09]})]), "out of range", 1,
                       "geometry"),
    "fake.xlsx": ((H + "2025-05-04,Poonch,a\n").encode(), "not an Excel .xlsx file", None, None),
    "zipped.csv": (b"PK\x03\x04" + b"\x00" * 200, "zip/Excel file", None, None),
    "nodate.csv": (b"place,notes\nPoonch,a\n", "no event_date column", 1, None),
}


def assert_one_clear_line(result, path, message, line=None, field=None):
    """Exit 1, nothing on stdout, one line on stderr naming the file (line, field), no traceback."""
    assert result.exit_code == 1, (result.stderr, result.exception)
    assert isinstance(result.exception, SystemExit)   # a clean exit, not an escaped exception
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"Error: {path}"), result.stderr
    assert message in result.stderr
    if line:
        assert f"{path}, line {line}" in result.stderr
    if field:
        assert f"field {field!r}" in result.stderr


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_map_refuses_each_broken_file_in_one_clear_line(tmp_path, name):
    content, message, line, field = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "out" / "map.html"
    assert_one_clear_line(run("map", path, "-o", out), path, message, line, field)
    assert not out.exists()


@pytest.mark.parametrize("name", ["lastquote.csv", "nested.json", "polygon.geojson", "utf16.csv"])
def test_export_refuses_the_new_broken_files_too(tmp_path, name):
    content, message, line, field = BROKEN[name]
    path = tmp_path / name
    path.write_bytes(content)
    assert_one_clear_line(run("export", path, "-o", tmp_path / "o.geojson"), path, message, line, field)


def test_folders_and_missing_files_where_files_are_expected(tmp_path):
    folder = tmp_path / "folder.csv"
    folder.mkdir()
    (folder / "notes.odt").write_text("not a supported input")
    missing = tmp_path / "missing.csv"
    out = tmp_path / "o.html"
    assert_one_clear_line(run("map", missing, "-o", out), missing, "no such file")
    assert_one_clear_line(run("map", folder, "-o", out), folder, "folder holds no supported input files")
    assert_one_clear_line(run("map", SEEDS, "-o", out, "--gazetteer", folder), folder, "Is a directory")
    assert_one_clear_line(run("map", SEEDS, "-o", out, "--gazetteer", missing), missing, "file not found")
    assert_one_clear_line(run("map", SEEDS, "-o", folder), folder, "is a folder; give a file name")
    assert_one_clear_line(run("map", SEEDS, "-o", out, "--report", folder), folder, "is a folder")
    assert_one_clear_line(run("extract", folder, "-o", tmp_path / "x.csv"), folder, "no article files")
    assert_one_clear_line(run("extract", missing.with_suffix(".txt"), "-o", tmp_path / "x.csv"),
                          missing.with_suffix(".txt"), "no such file")
    assert not out.exists()


def test_bad_values_make_only_their_row_invalid_and_the_rest_maps(tmp_path):
    data = tmp_path / "values.csv"
    data.write_text("event_id_cnty,event_date,end_date,location,latitude,longitude,fatalities,notes,time_precision\n"
                    "OK1,2025-05-04,,Poonch,,,2,note-ok-1,\n"
                    "BAD1,2025-13-45,,Poonch,,,,note-bad-1,\n"
                    "BAD2,2025-05-04,,Poonch,123,74,,note-bad-2,\n"
                    "BAD3,2025-05-04,,Poonch,,,many,note-bad-3,\n"
                    "BAD4,2025-05-04,2025-05-01,Poonch,,,,note-bad-4,\n"
                    "BAD5,2025-05-04,,Poonch,,,99999999999999999999999,note-bad-5,\n"
                    "BAD6,2025-05-04,,Poonch,,,,note-bad-6,4\n"
                    "OK2,2025-05-05,,Rajouri,33.38,74.31,0,note-ok-2,1\n")
    out, report = tmp_path / "values.html", tmp_path / "unmapped.csv"
    result = run("map", data, "-o", out, "--report", report)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"{out}\n"
    assert "8 records read: 2 mapped, 0 unresolved, 6 invalid" in result.stderr.splitlines()
    rows = [line.split(",", 5) for line in report.read_text().splitlines()[1:]]
    assert [(r[1], r[2], r[3], r[4]) for r in rows] == [
        ("3", "BAD1", "invalid", "event_date"), ("4", "BAD2", "invalid", "latitude"),
        ("5", "BAD3", "invalid", "fatalities"), ("6", "BAD4", "invalid", "end_date"),
        ("7", "BAD5", "invalid", "fatalities"), ("8", "BAD6", "invalid", "time_precision")]
    assert "'2025-13-45'" in rows[0][5] and "'123'" in rows[1][5] and "'many'" in rows[2][5]
    assert "before" in rows[3][5] and "'99999999999999999999999' is too large" in rows[4][5] and "'4'" in rows[5][5]
    html = out.read_text()
    assert "note-ok-1" in html and "note-ok-2" in html
    assert "note-bad" not in html


def test_an_interrupted_map_write_leaves_the_previous_file(tmp_path, monkeypatch):
    out = tmp_path / "seed.html"
    assert run("map", SEEDS, "-o", out).exit_code == 0
    before = out.read_bytes()
    real_write = Path.write_text

    def half_then_killed(self, text, *args, **kwargs):
        real_write(self, text[: len(text) // 2], *args, **kwargs)
        raise KeyboardInterrupt  # stands in for Ctrl-C or a kill between two writes

    monkeypatch.setattr(Path, "write_text", half_then_killed)
    result = run("map", SEEDS, "-o", out, "--force", "--title", "Other")
    assert result.exit_code != 0
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["seed.html"]   # no temporary left behind


def test_outputs_onto_inputs_or_existing_files_are_refused(tmp_path):
    data = tmp_path / "in.csv"
    data.write_bytes(SEEDS.read_bytes())
    assert_one_clear_line(run("map", data, "-o", data, "--force"), data, "is one of the inputs")
    assert_one_clear_line(run("map", data, "-o", tmp_path / "m.html", "--report", data, "--force"), data,
                          "is one of the inputs")
    assert_one_clear_line(run("extract", ARTICLE, "-o", tmp_path / "x.csv", "--report", tmp_path / "x.csv"),
                          tmp_path / "x.csv", "is one of the inputs")
    assert data.read_bytes() == SEEDS.read_bytes()
    existing = tmp_path / "m.html"
    existing.write_text("keep me")
    assert_one_clear_line(run("map", data, "-o", existing), existing, "exists; pass --force")
    assert existing.read_text() == "keep me"
    assert run("map", data, "-o", existing, "--force").exit_code == 0
    assert existing.read_text().lstrip().lower().startswith("<!doctype html")


@pytest.fixture
def unwritable_folder(tmp_path):
    """A folder nobody may write in, even root: immutable (chattr +i) when running as root,
    read-only permissions otherwise."""
    folder = tmp_path / "locked"
    folder.mkdir()
    if os.geteuid() == 0:
        chattr = shutil.which("chattr")
        if chattr is None or subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode:
            pytest.skip("root, and this file system cannot make a folder immutable")
        yield folder
        subprocess.run([chattr, "-i", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


@pytest.mark.parametrize("command", ["map", "export"])
def test_an_unwritable_folder_gives_a_clear_error(unwritable_folder, command):
    out = unwritable_folder / ("o.html" if command == "map" else "o.geojson")
    with pytest.raises(PermissionError):   # the premise: this process cannot write there
        (unwritable_folder / "probe").write_text("x")
    result = run(command, SEEDS, "-o", out)
    assert_one_clear_line(result, out, "writ")
    assert "not writable" in result.stderr or "cannot write" in result.stderr
    assert list(unwritable_folder.iterdir()) == []


def test_a_report_in_an_unwritable_folder_is_refused_before_any_work(unwritable_folder, tmp_path):
    report = unwritable_folder / "r.csv"
    result = run("map", SEEDS, "-o", tmp_path / "m.html", "--report", report)
    assert_one_clear_line(result, report, "writ")
    assert not (tmp_path / "m.html").exists()


# -- determinism: same input and options, same bytes, whatever the process ------------------------

DETERMINISM_INPUT = ("event_id_cnty,event_date,event_type,actor1,location,latitude,longitude,notes\n"
                     "H1,2025-05-04,Shelling,Army,Poonch,,,a\n"
                     "H2,2025-05-04,Protests,Crowd,Qwxzyville,,,unresolved\n"
                     "H3,2025-05-05,Shelling,Army,Mendhar,33.6,74.11,b\n"
                     "H4,2025-05,Riots,Mob,Rajouri,,,a month\n")

_OTHER_PROCESS = """
import sys
from geo.cli import main
for args in sys.argv[1:]:
    try:
        main(args.split("|"), standalone_mode=False)
    except SystemExit:
        pass
"""


def test_same_input_gives_byte_identical_html_and_geojson_in_another_process(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text(DETERMINISM_INPUT)
    runs = {}
    for tag in ("a", "b"):
        html, gj, ex = tmp_path / tag / "m.html", tmp_path / tag / "e.geojson", tmp_path / tag / "x.geojson"
        runs[tag] = (html, gj, ex)
        commands = [["map", SEEDS, data, "-o", html, "--title", "T", "--cluster", "--heatmap"],
                    ["export", SEEDS, data, "-o", gj, "--keep-unmapped"],
                    ["extract", ARTICLE, "-o", ex]]
        if tag == "a":
            for args in commands:
                assert run(*args).exit_code == 0
        else:  # another interpreter, another hash seed (set and dict-of-set orders differ)
            seed = "1" if os.environ.get("PYTHONHASHSEED") != "1" else "2"
            done = subprocess.run(
                [sys.executable, "-c", _OTHER_PROCESS, *("|".join(map(str, c)) for c in commands)],
                env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, timeout=120)
            assert done.returncode == 0, done.stderr
    for first, second in zip(runs["a"], runs["b"]):
        assert first.read_bytes() == second.read_bytes(), first.name


# -- offline: no lookup, no connection, not even loopback ------------------------------------------

@pytest.fixture
def any_socket_use(monkeypatch):
    """Record every name lookup and connection attempt (loopback too), even if swallowed."""
    seen: list[str] = []

    def recorder(name, real):
        def call(*args, **kwargs):
            seen.append(f"{name}{args[1:] if name.startswith('connect') else args}")
            return real(*args, **kwargs)
        return call

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "create_connection"):
        monkeypatch.setattr(socket, name, recorder(name, getattr(socket, name)))
    for name in ("connect", "connect_ex"):
        monkeypatch.setattr(socket.socket, name, recorder(name, getattr(socket.socket, name)))
    return seen


def test_default_commands_make_no_network_attempt(tmp_path, any_socket_use, monkeypatch):
    opened = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    data = tmp_path / "d.csv"
    data.write_text(DETERMINISM_INPUT)   # with a name the bundled gazetteer cannot resolve
    commands = [["map", SEEDS, data, "-o", tmp_path / "m.html", "--open"],
                ["export", data, "-o", tmp_path / "e.geojson", "--report", tmp_path / "r.csv"],
                ["extract", ARTICLE, "-o", tmp_path / "x.csv"],
                ["resolve", "Qwxzyville", "Nowshera", "Poonch"],
                ["gazetteer", "search", "Qwxzyvil"]]
    for args in commands:
        result = run(*args)
        assert result.exit_code == 0, (args, result.stderr)
    assert any_socket_use == []
    assert opened == [(tmp_path / "m.html").resolve().as_uri()]   # --open: a local file, nothing else


def test_escape_sequences_from_a_file_never_reach_the_terminal(tmp_path):
    """Values are echoed in the first problems and in errors: control characters (terminal
    escape sequences, a bidi override) come out as visible escapes, not raw."""
    data = tmp_path / "esc.csv"
    data.write_text("event_date,location,latitude,longitude,fatalities\n"
                    "2025-05-04,Qwx\x1b]0;pwned\x07zy,,,\n"
                    "2025-05-04,Poonch,1\x1b[2J,2,\n"
                    "2025-05-04,Poonch,,,\u202emany\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["export", str(data), "-o", str(tmp_path / "o.geojson")], color=True)
    assert result.exit_code == 0, result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\u202e" not in result.stderr
    assert "latitude: '1\\x1b[2J' is not a number" in result.stderr
    assert "fatalities: '\\u202emany'" in result.stderr
    broken = tmp_path / "broken.geojson"
    broken.write_bytes(geojson([feature({"type": "Line\x1b[2JString", "coordinates": []})]))
    failed = CliRunner().invoke(main, ["map", str(broken), "-o", str(tmp_path / "o.html")], color=True)
    assert failed.exit_code == 1 and "has a Line\\x1b[2JString geometry" in failed.stderr
    assert "\x1b" not in failed.stderr


def test_a_failed_run_leaves_no_new_folder_and_a_good_one_makes_it(tmp_path):
    content, message, line, field = BROKEN["quote.csv"]
    broken = tmp_path / "quote.csv"
    broken.write_bytes(content)
    out = tmp_path / "new" / "sub" / "map.html"
    assert_one_clear_line(run("map", broken, "-o", out), broken, message, line, field)
    assert not (tmp_path / "new").exists()
    result = run("map", SEEDS, "-o", out)
    assert result.exit_code == 0, result.stderr
    assert out.is_file() and [p.name for p in out.parent.iterdir()] == ["map.html"]
