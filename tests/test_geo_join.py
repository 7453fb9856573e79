"""The join: records + places -> the GeoDataFrame column contract, one row per record."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

import geo
from gazetteer import Gazetteer

SEEDS = Path(__file__).resolve().parents[1] / "seeds" / "seed_events.csv"
CONTRACT = {
    "event_id_cnty": "str", "event_date": "str", "end_date": "str", "time_precision": "Int64",
    "geo_precision": "Int64", "event_type": "str", "sub_event_type": "str", "actor1": "str",
    "actor2": "str", "location": "str", "notes": "str", "source": "str", "country": "str",
    "admin1": "str", "admin2": "str", "fatalities": "Int64", "resolved_name": "str",
    "geonameid": "Int64", "precision_km": "float64", "confidence": "float64",
    "resolve_reason": "str", "status": "str", "status_reason": "str", "source_file": "str",
    "source_line": "int64",
}


@dataclass
class _Place:
    name: str
    lat: float
    lon: float
    geonameid: int | None
    precision_km: float
    geo_precision: int


@dataclass
class _Res:
    resolved: bool
    place: _Place | None
    confidence: float
    reason: str


class StandIn:
    """A two-name stand-in gazetteer that records what it was asked (unit tests only)."""

    def __init__(self):
        self.asked = []

    def resolve_many(self, items):
        places = {"poonch": _Place("Punch", 33.77, 74.09, 1, 5.0, 1)}
        self.asked.extend(items)
        return [_Res(name.lower() in places, places.get(name.lower()), 0.9, "stand-in")
                for name, _ctx in items]


def test_seed_table_with_the_real_gazetteer_fills_the_contract():
    gdf = geo.to_geodataframe(geo.read_events(SEEDS), Gazetteer.load())
    assert len(gdf) == 13 and gdf.crs.to_epsg() == 4326
    assert set(gdf["status"]) == {"mapped"}
    for column, dtype in CONTRACT.items():
        assert str(gdf[column].dtype) == dtype, column
    assert gdf["event_id_cnty"].is_unique
    assert gdf.geometry.notna().all()
    assert (gdf.geometry.x.round(6) == gdf["longitude"].round(6)).all()   # Point(lon, lat)
    nowshera = gdf[gdf["location"] == "Nowshera"].iloc[0]
    # the seed's Nowshera is in Rajouri district (J&K), not Khyber Pakhtunkhwa (lon ~72)
    assert 74 < nowshera.geometry.x < 75 and 33 < nowshera.geometry.y < 33.5
    spans = gdf.set_index("event_id_cnty")[["event_date", "end_date"]]
    assert tuple(spans.loc["SEED03"]) == ("2025-04-24", "2025-05-05")
    assert tuple(spans.loc["SEED12"]) == ("2025-05-05", "2025-05-05")


def test_each_distinct_name_and_context_is_resolved_once(monkeypatch):
    """Stand-in gazetteer; ``_context`` is replaced by a tuple so the test does not depend on it."""
    monkeypatch.setattr("geo.join._context", lambda c, a1, a2: (c, a1, a2))
    table = pd.DataFrame({"date": ["2025-05-04"] * 5, "place": ["Poonch", "Poonch", "Poonch", "Atlantis", ""],
                          "country": ["India", "India", "Pakistan", "", ""]})
    gz = StandIn()
    gdf = geo.to_geodataframe(table, gz)
    assert [(n, c) for n, (c, _a1, _a2) in gz.asked] == [("Poonch", "India"), ("Poonch", "Pakistan"), ("Atlantis", "")]
    assert list(gdf["status"]) == ["mapped", "mapped", "mapped", "unresolved", "unresolved"]
    assert "'Atlantis' not resolved" in gdf["status_reason"][3]
    assert "no location" in gdf["status_reason"][4]
    assert gdf.geometry[3] is None and gdf.geometry[4] is None


def test_coordinates_win_and_are_checked_against_the_named_place(monkeypatch):
    """Stand-in gazetteer (Poonch at 33.77, 74.09 with 5 km precision)."""
    monkeypatch.setattr("geo.join._context", lambda c, a1, a2: (c, a1, a2))
    table = pd.DataFrame({"date": ["2025-05-04"] * 3, "place": ["Poonch", "Poonch", "Nowhere"],
                          "lat": ["33.78", "34.5", "10"], "lon": ["74.10", "74.09", "20"]})
    gdf = geo.to_geodataframe(table, StandIn())
    assert list(gdf["status"]) == ["mapped"] * 3
    assert (gdf.geometry.y.tolist(), gdf.geometry.x.tolist()) == ([33.78, 34.5, 10.0], [74.10, 74.09, 20.0])
    assert gdf["status_reason"][0] == "" and "agree with 'Punch'" in gdf["resolve_reason"][0]
    assert "81.2 km from resolved 'Punch'" in gdf["status_reason"][1]
    assert gdf.attrs["warnings"] == 1
    assert gdf["confidence"].tolist() == [1.0, 1.0, 1.0]
