"""Every place of the seed article resolves within the gold tolerance (tests/data/gold, a copy of
the shared gold table)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gazetteer import Context, Gazetteer
from gazetteer.resolver import haversine_km

GOLD = Path(__file__).parent / "data" / "gold" / "seed_places.csv"
ROWS = list(csv.DictReader(GOLD.open(encoding="utf-8")))
ARTICLE = Path(__file__).parents[1] / "seeds" / "2025-05-05-india-japan-defence-talks.txt"


@pytest.mark.parametrize("row", ROWS, ids=[r["surface"] for r in ROWS])
def test_seed_place_with_the_articles_other_places(row):
    others = tuple(r["surface"] for r in ROWS if r is not row)
    res = Gazetteer.load().resolve(row["surface"], Context(names=others))
    assert res.resolved, res.reason
    km = haversine_km(res.place.lat, res.place.lon, float(row["lat"]), float(row["lon"]))
    assert km <= float(row["tolerance_km"]), f"{res.place} is {km:.0f} km off"


def test_seed_places_resolved_jointly_in_the_article():
    text = ARTICLE.read_text(encoding="utf-8")
    found = [r for r in ROWS if r["surface"] in text]
    assert len(found) >= 10
    spans = [(text.index(r["surface"]), text.index(r["surface"]) + len(r["surface"])) for r in found]
    for row, res in zip(found, Gazetteer.load().resolve_document(text, spans)):
        km = haversine_km(res.place.lat, res.place.lon, float(row["lat"]), float(row["lon"]))
        assert km <= float(row["tolerance_km"]), f"{row['surface']}: {res.place.name} {km:.0f} km off"
