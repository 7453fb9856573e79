"""The join: records + gazetteer -> a GeoDataFrame of the column contract, one row per record.

Rows with valid coordinates keep them (checked against the named place when it resolves);
other rows are placed by resolving their ``location`` (or, when it is empty, the most specific
of admin2/admin1/country) with the row's own country/admin1/admin2 as context. Each distinct
(name, country, admin1, admin2) is resolved once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from geo.records import NORMALISED, normalise
from geo.schema import TEXT_COLUMNS

if TYPE_CHECKING:
    import geopandas
    import pandas as pd

#: A coordinate may sit this far (km) from its named place before a warning, at the least.
MIN_AGREEMENT_KM = 5.0
_BATCH = 2000


def _context(country: str, admin1: str, admin2: str):
    """Build the gazetteer's Context for one row (empty fields are no hint)."""
    from gazetteer import Context

    return Context(country=country or None, admin1=admin1 or None, admin2=admin2 or None)


def _default_gazetteer():
    from gazetteer import Gazetteer

    return Gazetteer.load()


def to_geodataframe(events: pd.DataFrame, gazetteer: Any = None, *,
                    progress: Callable[[int, int], None] | None = None) -> geopandas.GeoDataFrame:
    """Join records with places into the GeoDataFrame of the column contract.

    Parameters
    ----------
    events : pandas.DataFrame
        From :func:`geo.read_events`, or any table with at least a date column and a place
        column (it is normalised first; see :func:`geo.records.normalise`).
    gazetteer : gazetteer.Gazetteer, optional
        Default: ``gazetteer.Gazetteer.load()``, the bundled data.
    progress : callable, optional
        Called as ``progress(done, total)`` while distinct place names are resolved.

    Returns
    -------
    geopandas.GeoDataFrame
        EPSG:4326, one row per record, geometry ``Point(lon, lat)`` or None, with
        ``resolved_name``, ``geonameid``, ``precision_km``, ``confidence``, ``resolve_reason``,
        ``status`` (mapped/unresolved/invalid), ``status_field``, ``status_reason``,
        ``source_file``, ``source_line``. ``attrs["warnings"]`` counts mapped rows whose
        coordinates disagree with their named place.
    """
    import geopandas
    import numpy as np
    import pandas as pd
    import shapely

    frame = events if events.attrs.get(NORMALISED) else normalise(events)
    frame = frame.copy(deep=False)   # copy-on-write: new columns only
    n = len(frame)
    pending = (frame["status"] == "pending").to_numpy()
    lat = frame["latitude"].to_numpy(dtype="float64", na_value=np.nan)
    lon = frame["longitude"].to_numpy(dtype="float64", na_value=np.nan)
    has_coords = pending & ~np.isnan(lat)

    name = frame["location"]
    for fallback in ("admin2", "admin1", "country"):
        name = name.where(name != "", frame[fallback])
    wants = pending & (name != "").to_numpy()
    keys = pd.DataFrame({"name": name, "country": frame["country"], "admin1": frame["admin1"],
                         "admin2": frame["admin2"]})[wants]
    codes = np.full(n, -1, dtype="int64")
    table = _resolve_distinct(keys, gazetteer, codes, wants, progress)

    has_code = codes >= 0
    found = np.zeros(n, dtype=bool)
    found[has_code] = np.asarray(table["resolved"], dtype=bool)[codes[has_code]]
    out: dict[str, np.ndarray] = {}
    for column, fill, dtype in (("r_lat", np.nan, "float64"), ("r_lon", np.nan, "float64"),
                                ("geonameid", -1, "int64"), ("precision_km", np.nan, "float64"),
                                ("confidence", np.nan, "float64"), ("geo_precision", -1, "int64")):
        picked = np.full(n, fill, dtype=dtype)
        picked[has_code] = np.asarray(table[column], dtype=dtype)[codes[has_code]]
        out[column] = picked

    def pick(texts: list[str], index) -> pd.Series:
        """``texts[index]`` per row as a str Series: one Arrow take, no per-row temporaries."""
        return pd.Series(pd.array(texts, dtype="str").take(index), index=frame.index)

    # Rows with coordinates: keep them, compare with the resolved place.
    distance = _haversine_km(lat, lon, out["r_lat"], out["r_lon"])
    allowed = np.maximum(np.nan_to_num(out["precision_km"], nan=0.0), MIN_AGREEMENT_KM)
    disagree = has_coords & found & (distance > allowed)
    final_lat = np.where(has_coords, lat, np.where(found, out["r_lat"], np.nan))
    final_lon = np.where(has_coords, lon, np.where(found, out["r_lon"], np.nan))
    mapped = pending & (has_coords | found)
    unresolved = pending & ~mapped

    # Texts are built per distinct key, then spread to the rows by index: with k keys, index
    # i < k is key i's text, and the fixed texts follow the per-key ones.
    k = len(table["key"])
    resolved_name = pick([*table["resolved_name"], ""], np.where(found, codes, k))
    agree = [f"coordinates from input; agree with {r!r}" for r in table["resolved_name"]]
    reason = pick([*table["resolve_reason"], *agree, "coordinates from input", ""],
                  np.where(has_coords, np.where(found, k + codes, 2 * k),
                           np.where(found, codes, 2 * k + 1)))
    not_resolved = [f"{key[0]!r} not resolved: {why or 'no match'}"
                    for key, why in zip(table["key"], table["resolve_reason"])]
    status_reason = frame["status_reason"].where(~unresolved, pick(
        [*not_resolved, "no location, admin2, admin1, country or coordinates"],
        np.where(has_code, codes, k)))
    status_field = frame["status_field"].where(~unresolved, "location")
    if disagree.any():
        idx = np.flatnonzero(disagree)
        texts = [f"coordinates from input; {distance[i]:.1f} km from resolved "
                 f"{resolved_name.iat[i]!r} (beyond its {allowed[i]:.0f} km precision)" for i in idx]
        reason.iloc[idx] = texts
        status_reason.iloc[idx] = texts
        status_field.iloc[idx] = "latitude,longitude"
    status = frame["status"].where(~pending, pick(["unresolved", "mapped"], mapped.astype("intp")))

    geo_precision = frame["geo_precision"].astype("Int64")
    derived = pd.array(np.where(has_coords, 1, out["geo_precision"]), dtype="Int64")
    derived[~mapped | (np.asarray(derived.fillna(-1)) < 1)] = pd.NA
    frame["geo_precision"] = geo_precision.fillna(pd.Series(derived, index=frame.index))
    frame["latitude"] = np.where(mapped, final_lat, np.nan)
    frame["longitude"] = np.where(mapped, final_lon, np.nan)
    frame["resolved_name"] = resolved_name
    frame["geonameid"] = pd.array(out["geonameid"], dtype="Int64")
    frame.loc[~found | (out["geonameid"] < 0), "geonameid"] = pd.NA
    frame["precision_km"] = np.where(found, out["precision_km"], np.nan)
    frame["confidence"] = np.where(has_coords, 1.0, np.where(found, out["confidence"], np.nan))
    frame["resolve_reason"] = reason
    frame["status"] = status
    frame["status_field"] = status_field
    frame["status_reason"] = status_reason
    for column in TEXT_COLUMNS:
        frame[column] = frame[column].astype("str")

    accounting = ["status", "status_field", "status_reason", "source_file", "source_line"]
    resolution = ["resolved_name", "geonameid", "precision_km", "confidence", "resolve_reason"]
    order = [c for c in frame.columns if c not in accounting + resolution] + resolution + accounting
    geometry = np.full(n, None, dtype=object)
    geometry[mapped] = shapely.points(final_lon[mapped], final_lat[mapped])
    gdf = geopandas.GeoDataFrame(frame[order], geometry=geometry, crs="EPSG:4326")
    gdf.attrs = {"warnings": int(disagree.sum())}
    return gdf


def _resolve_distinct(keys: pd.DataFrame, gazetteer: Any, codes, wants,
                      progress: Callable[[int, int], None] | None) -> dict[str, list]:
    """Resolve each distinct (name, country, admin1, admin2) once; fill ``codes`` per row."""
    import numpy as np

    table: dict[str, list] = {k: [] for k in ("key", "resolved", "r_lat", "r_lon", "resolved_name",
                                              "geonameid", "precision_km", "confidence",
                                              "resolve_reason", "geo_precision")}
    if keys.empty:
        return table
    import pandas as pd

    # Factorize column by column (Arrow-native, no Python strings per row), then pairwise
    # combine the integer codes: every intermediate stays below rows**2, within int64.
    combined = np.zeros(len(keys), dtype=np.int64)
    for column in ("name", "country", "admin1", "admin2"):
        column_codes, uniques = pd.factorize(keys[column])
        combined = pd.factorize(combined * (len(uniques) + 1) + column_codes)[0]
    _, first = np.unique(combined, return_index=True)   # first row of key 0, 1, 2, ...
    codes[np.flatnonzero(wants)] = combined
    distinct = list(keys.iloc[first].itertuples(index=False, name=None))
    table["key"] = distinct
    gz = gazetteer if gazetteer is not None else _default_gazetteer()
    total = len(distinct)
    for start in range(0, total, _BATCH):
        chunk = distinct[start:start + _BATCH]
        results = gz.resolve_many([(n, _context(c, a1, a2)) for n, c, a1, a2 in chunk])
        for res in results:
            place = res.place if res.resolved else None
            table["resolved"].append(place is not None)
            table["r_lat"].append(place.lat if place else math.nan)
            table["r_lon"].append(place.lon if place else math.nan)
            table["resolved_name"].append(place.name if place else "")
            table["geonameid"].append(place.geonameid if place and place.geonameid is not None else -1)
            table["precision_km"].append(float(place.precision_km) if place else math.nan)
            table["confidence"].append(float(res.confidence))
            table["resolve_reason"].append(res.reason or "")
            table["geo_precision"].append(int(place.geo_precision) if place else -1)
        if progress:
            progress(min(start + _BATCH, total), total)
    return table


def _haversine_km(lat1, lon1, lat2, lon2):
    """Great-circle distance in km between arrays of points (NaN where any is NaN)."""
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * 6371.0088 * np.arcsin(np.sqrt(np.clip(a, 0, 1)))
