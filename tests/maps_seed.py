"""The seed records as a GeoDataFrame, for the map tests.

This STANDS IN FOR THE JOIN (``geo.to_geodataframe``), so the map can be tested on its own:
it reads ``seeds/seed_events.csv`` and places each ``location`` at the coordinates of the gold
answer (``/work/shared/gold/seed_places.csv``, copied below so the tests need no file outside
the checkout), with the resolution columns of the column contract filled in by hand. The
end-to-end test through the real gazetteer and join belongs to the CLI tests.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

SEED_EVENTS = Path(__file__).resolve().parent.parent / "seeds" / "seed_events.csv"

#: location -> (resolved name, lat, lon, geonameid, precision_km), from the gold places file.
GOLD_PLACES = {
    "Pahalgam": ("Pahalgam", 34.01592, 75.31899, 1260880, 5.0),
    "Kupwara": ("Kupwara", 34.52583, 74.25528, 10002798, 5.0),
    "Baramulla": ("Baramulla", 34.20900, 74.34285, 1277085, 5.0),
    "Poonch": ("Poonch", 33.77033, 74.09254, 1167718, 5.0),
    "Rajouri": ("Rajouri", 33.37526, 74.30920, 1258891, 5.0),
    "Mendhar": ("Mendhar", 33.60000, 74.11000, None, 5.0),
    "Nowshera": ("Nowshera (Jammu and Kashmir)", 33.15712, 74.24012, 1261675, 5.0),
    "Sunderbani": ("Sunderbani", 33.04841, 74.48846, 13353360, 5.0),
    "Akhnoor": ("Akhnoor", 32.89550, 74.73486, 1279126, 5.0),
    "New Delhi": ("New Delhi", 28.62137, 77.21480, 1261481, 10.0),
    "Manekshaw Centre": ("Manekshaw Centre", 28.59, 77.15, None, 10.0),
    "Laos": ("Laos", 18.0, 105.0, 1655842, 400.0),
    "Jammu and Kashmir": ("Jammu and Kashmir", 33.5, 75.0, None, 150.0),
}

TEXT = ("event_id_cnty", "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1",
        "admin2", "location", "notes", "source")


def seed_records(path: Path = SEED_EVENTS) -> pd.DataFrame:
    """The seed event table with the contract's dtypes (end_date filled)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["end_date"] = frame["end_date"].where(frame["end_date"] != "", frame["event_date"])
    for column in TEXT:
        frame[column] = frame[column] if column in frame.columns else ""
    frame["time_precision"] = frame["time_precision"].astype(int)
    frame["geo_precision"] = frame["geo_precision"].astype(int)
    frame["fatalities"] = pd.to_numeric(frame["fatalities"]).astype("Int64")
    return frame


def seed_gdf(frame: pd.DataFrame | None = None) -> gpd.GeoDataFrame:
    """Records placed at their gold coordinates; unknown locations stay unmapped."""
    frame = seed_records() if frame is None else frame.copy()
    places = [GOLD_PLACES.get(loc) for loc in frame["location"]]
    frame["resolved_name"] = [p[0] if p else "" for p in places]
    frame["geonameid"] = pd.array([p[3] if p else None for p in places], dtype="Int64")
    frame["precision_km"] = [p[4] if p else float("nan") for p in places]
    frame["confidence"] = [0.9 if p else 0.0 for p in places]
    frame["resolve_reason"] = ["gold coordinates (test stand-in)" if p else "unknown" for p in places]
    frame["status"] = ["mapped" if p else "unresolved" for p in places]
    frame["status_reason"] = ""
    frame["source_file"] = "seed_events.csv"
    frame["source_line"] = range(2, len(frame) + 2)
    geometry = [Point(p[2], p[1]) if p else None for p in places]  # Point(lon, lat)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
