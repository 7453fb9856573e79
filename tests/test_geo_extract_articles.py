"""End to end on real articles and the real bundled gazetteer: the seed article against the
shared gold records, and three test articles against their hand-written expected records."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import pytest

from gazetteer import Gazetteer
from geo.extract import COLUMNS, extract, read_articles

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2025-05-05-india-japan-defence-talks.txt"
GOLD = Path(__file__).parent / "data" / "gold"  # a copy of the shared gold answers
ARTICLES = Path(__file__).parent / "data" / "articles"
EXPECTED = Path(__file__).parent / "data" / "articles_expected"

#: Places each test article names without reporting an incident there: (name, lat, lon).
ABSENT = {
    "wire-report.txt": [("Islamabad", 33.72, 73.04), ("India", 22.0, 79.0), ("Pakistan", 30.0, 70.0)],
    "ministry-statement.md": [("New Delhi", 28.62, 77.21), ("Pakistan", 30.0, 70.0), ("India", 22.0, 79.0),
                              ("Line of Control", 33.9, 74.2)],
    "local-report.html": [("Poonch", 33.77, 74.09), ("Lahore", 31.55, 74.34), ("Salotri", 33.72, 74.08)],
}
DATES = {"wire-report.txt": "2025-05-08"}  # a wire dateline carries no year


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def gz():
    return Gazetteer.load()


def matches(rec: dict, want: dict, lat: float, lon: float, tol: float) -> bool:
    """Same place (within tolerance), same event_type, a span containing the expected span."""
    end = want["end_date"] or want["event_date"]
    return (km(float(rec["latitude"]), float(rec["longitude"]), lat, lon) <= tol
            and rec["event_type"] == want["event_type"]
            and rec["event_date"] <= want["event_date"] and rec["end_date"] >= end)


def test_seed_article_against_gold(gz):
    places = {p["surface"]: p for p in read_csv(GOLD / "seed_places.csv")}
    places["Manekshaw Centre"] = places["Delhi's Manekshaw Centre"]
    gold = read_csv(GOLD / "seed_events.csv")
    (result,) = extract([SEED], gazetteer=gz)
    records = result.records
    found = []
    for want in gold:
        p = places[want["location"]]
        lat, lon, tol = float(p["lat"]), float(p["lon"]), float(p["tolerance_km"])
        if any(matches(r, want, lat, lon, tol) for r in records):
            found.append(want["location"])
    assert len(found) >= 11, f"found only {found}"
    # no incident at a place the article does not report one at: every record is a gold place
    gold_points = [(float(places[g["location"]]["lat"]), float(places[g["location"]]["lon"]),
                    float(places[g["location"]]["tolerance_km"])) for g in gold]
    for r in records:
        assert any(km(float(r["latitude"]), float(r["longitude"]), lat, lon) <= tol
                   for lat, lon, tol in gold_points), f"unexpected incident at {r['location']}"
    assert len(records) == len(gold)


def test_seed_records_carry_provenance(gz):
    (result,) = extract([SEED], gazetteer=gz)
    text = result.article.text
    pahalgam = next(r for r in result.records if r["location"] == "Pahalgam")
    s, e = int(pahalgam["sentence_start"]), int(pahalgam["sentence_end"])
    assert text[s:e] == pahalgam["sentence"]
    assert "claimed 26 innocent lives" in pahalgam["sentence"]
    assert pahalgam["fatalities"] == "26"
    assert "open reference" in pahalgam["extract_flags"]  # "days after" is flagged
    assert 0 < float(pahalgam["extract_confidence"]) <= 1
    assert pahalgam["article"] == str(SEED)
    assert all(r["time_precision"] in {"1", "2", "3"} for r in result.records)


@pytest.mark.parametrize("name", sorted(ABSENT))
def test_own_articles_against_expected_records(gz, name):
    (result,) = extract([ARTICLES / name], gazetteer=gz, date=DATES.get(name))
    records = result.records
    expected = read_csv(EXPECTED / (name.rsplit(".", 1)[0] + ".expected.csv"))
    for want in expected:
        lat, lon, tol = float(want["lat"]), float(want["lon"]), float(want["tolerance_km"])
        hits = [r for r in records if matches(r, want, lat, lon, tol)]
        assert hits, f"{name}: no record for {want['location']} {want['event_type']}"
        assert hits[0]["sub_event_type"] == want["sub_event_type"]
        if want["fatalities"]:
            assert hits[0]["fatalities"] == want["fatalities"], want["location"]
    assert len(records) == len(expected), [r["location"] for r in records]
    for place, lat, lon in ABSENT[name]:
        assert not any(km(float(r["latitude"]), float(r["longitude"]), lat, lon) < 3 for r in records), place


def test_read_articles_frame_contract(gz):
    frame = read_articles([SEED, ARTICLES], gazetteer=gz, date=None)
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) == 13 + 4 + 4 + 4
    assert frame["source_line"].dtype == "int64"
    # the wire report has no year anywhere: its records keep empty dates and say why
    wire = frame[frame["article"].str.endswith("wire-report.txt")]
    assert (wire["event_date"] == "").all() and wire["extract_flags"].str.contains("--date").all()
    assert all(frame[c].map(type).eq(str).all() for c in COLUMNS if c != "source_line")
    assert frame["event_id_cnty"].is_unique
