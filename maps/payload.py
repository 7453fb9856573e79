"""GeoDataFrame -> the compact, columnar payload the page's script reads.

The page parses the payload once with ``JSON.parse`` from a ``<script type="application/json">``
block (a JavaScript object literal of the same data parses many times slower, see
``research/map-performance.md``). Rows are sorted by (start day, end day, id) so that a time
window only has to scan the records starting before its end. Columns use the encodings of
:mod:`maps.columns` (repeated strings stored once, integers as base-64 digits); dates are day
numbers, coordinates integers of 1e-5 degree (about 1 m). When places repeat (event data
usually names the same towns again and again), the place columns (coordinates, names,
precision, confidence) are stored once per distinct place with one place code per row."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from maps.columns import encode_ids, encode_numbers, encode_text, pack_ints
from maps.errors import ColumnContractError

#: Okabe & Ito's palette, distinguishable with the common colour-vision deficiencies
#: (yellow last: it is the hardest to see on a light basemap).
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")


def layer_colour(i: int) -> str:
    """Colour of the i-th layer (largest first): the palette, then hues a golden angle apart
    in two shades, so that layers do not share a colour (the first 600 at least)."""
    if i < len(PALETTE):
        return PALETTE[i]
    import colorsys

    k = i - len(PALETTE)
    hue = (0.61 + k * 0.381966) % 1.0
    r, g, b = colorsys.hls_to_rgb(hue, 0.38 if k % 2 else 0.55, 0.75)
    return "#{:02X}{:02X}{:02X}".format(*(round(v * 255) for v in (r, g, b)))

#: Text columns carried into the page (popups, downloads) when the frame has them.
TEXT_COLUMNS = (
    "event_type", "sub_event_type", "actor1", "actor2", "country", "admin1", "admin2",
    "location", "notes", "source", "resolved_name", "resolve_reason",
)
#: Numeric columns carried into the page when present.
NUMBER_COLUMNS = ("fatalities", "geonameid", "precision_km", "confidence", "time_precision",
                  "geo_precision")
COORD_SCALE = 100_000
#: Columns that describe a place; stored once per distinct place when places repeat.
PLACE_COLUMNS = ("_lat", "_lon", "country", "admin1", "admin2", "location", "resolved_name",
                 "resolve_reason", "geonameid", "precision_km", "confidence", "geo_precision")
BLANK_LAYER = "(blank)"


@dataclass
class Payload:
    """What :func:`build_payload` hands to the page, plus what the caller reports.

    Attributes
    ----------
    data : dict
        JSON-ready columnar data (see the module docstring).
    counts : dict
        Layer name -> number of records drawn in that layer.
    skipped : list of str
        One line per record that could not be drawn, with its reason.
    """

    data: dict[str, Any]
    counts: dict[str, int]
    skipped: list[str] = field(default_factory=list)


def build_payload(gdf: gpd.GeoDataFrame, layer_by: str, size_by: str | None) -> Payload:
    """Turn the drawable rows of a GeoDataFrame into the page's columnar payload.

    Parameters
    ----------
    gdf : geopandas.GeoDataFrame
        Records following the column contract; only ``geometry`` and ``event_date`` are
        required. Rows without geometry are not drawn (they are the caller's unmapped rows).
    layer_by : str
        Column whose values become the map's layers.
    size_by : str or None
        Numeric column scaling the marker size, or None for equal sizes.

    Returns
    -------
    Payload

    Raises
    ------
    ColumnContractError
        If a required column is missing or ``size_by`` is not numeric.
    """
    _check_columns(gdf, layer_by, size_by)
    frame = _drawable(gdf)
    skipped: list[str] = []

    ids = _ids(frame)
    start = _days(frame["event_date"])
    end = _days(frame["end_date"]) if "end_date" in frame.columns else start.copy()
    no_date = np.isnan(start)
    for rid in ids[no_date]:
        skipped.append(f"{rid}: event_date missing or not a date")
    end = np.where(np.isnan(end), start, end)
    bad_span = ~no_date & (end < start)
    for rid in ids[bad_span]:
        skipped.append(f"{rid}: end_date before event_date")
    keep = ~no_date & ~bad_span
    frame, ids, start, end = frame[keep], ids[keep], start[keep], end[keep]

    order = np.lexsort((ids, end, start))
    frame, ids = frame.iloc[order], ids[order]
    start, end = start[order].astype(np.int64), end[order].astype(np.int64)

    layer_values = _text(frame[layer_by]).replace("", BLANK_LAYER)
    tally = layer_values.value_counts()
    names = sorted(tally.index, key=lambda name: (-int(tally[name]), name))
    code = {name: i for i, name in enumerate(names)}
    counts = {name: int(tally[name]) for name in names}

    day0 = int(start.min()) if len(start) else 0
    columns = _columns(frame, size_by)
    row_columns, place_columns = columns, {}
    place_codes = None
    place_key = [c for c in columns if c in PLACE_COLUMNS]
    if len(frame):
        keys = pd.DataFrame({c: columns[c] for c in place_key})
        codes = keys.groupby(place_key, sort=True, dropna=False).ngroup().to_numpy()
        if codes.max() + 1 <= len(frame) // 2:
            first = np.unique(codes, return_index=True)[1]
            place_columns = {c: columns[c].iloc[first] for c in place_key}
            row_columns = {c: v for c, v in columns.items() if c not in PLACE_COLUMNS}
            place_codes = pack_ints(codes)
    data: dict[str, Any] = {
        "n": len(frame),
        "layerBy": layer_by,
        "sizeBy": size_by,
        "layers": [{"name": n, "color": layer_colour(i)} for i, n in enumerate(names)],
        "day0": day0,
        "coordScale": COORD_SCALE,
        "ids": encode_ids(ids.tolist()),
        "start": pack_ints(start - day0),
        "dur": pack_ints(end - start),
        "layer": pack_ints(np.array([code[v] for v in layer_values], dtype=np.int64)),
        "place": place_codes,
        "nPlaces": len(next(iter(place_columns.values()))) if place_columns else 0,
        "rows": {c: _encode(c, v) for c, v in row_columns.items()},
        "places": {c: _encode(c, v) for c, v in place_columns.items()},
        "text": [c for c in columns if c in TEXT_COLUMNS],
        "num": [c for c in columns if c not in TEXT_COLUMNS and c not in ("_lat", "_lon")],
    }
    return Payload(data=data, counts=counts, skipped=skipped)


def _columns(frame: gpd.GeoDataFrame, size_by: str | None) -> dict[str, pd.Series]:
    """The columns carried into the page, as text (stripped) or numbers."""
    columns: dict[str, pd.Series] = {
        "_lat": pd.Series(np.rint(frame.geometry.y.to_numpy() * COORD_SCALE).astype(np.int64)),
        "_lon": pd.Series(np.rint(frame.geometry.x.to_numpy() * COORD_SCALE).astype(np.int64)),
    }
    for c in TEXT_COLUMNS:
        if c in frame.columns:
            columns[c] = _text(frame[c]).reset_index(drop=True)
    for c in _number_columns(frame, size_by):
        columns[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64").reset_index(drop=True)
    return columns


def _encode(column: str, values: pd.Series) -> dict[str, Any]:
    if column in TEXT_COLUMNS:
        return encode_text(values.reset_index(drop=True))
    return encode_numbers(values.reset_index(drop=True))


def to_json(data: dict[str, Any]) -> str:
    """Serialise the payload for a ``<script type="application/json">`` block.

    ``<``, ``>`` and ``&`` become JSON unicode escapes, so no input text can close the
    script element or open a comment, whatever it holds.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _check_columns(gdf: Any, layer_by: str, size_by: str | None) -> None:
    if not isinstance(gdf, gpd.GeoDataFrame):
        raise ColumnContractError(f"expected a GeoDataFrame, got {type(gdf).__name__}")
    for column in ("event_date", layer_by):
        if column not in gdf.columns:
            raise ColumnContractError(f"the records have no column {column!r} (needed by the map)")
    if size_by is not None:
        if size_by not in gdf.columns:
            raise ColumnContractError(f"size_by: the records have no column {size_by!r}")
        values = pd.to_numeric(gdf[size_by], errors="coerce")
        bad = values.isna() & gdf[size_by].notna() & (gdf[size_by].astype(str).str.strip() != "")
        if bad.any():
            row = gdf.index[bad.to_numpy()][0]
            raise ColumnContractError(
                f"size_by: column {size_by!r} must be numeric; row {row} holds {gdf[size_by][row]!r}")


def _drawable(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Rows with a usable point, in EPSG:4326 (non-points stand in by a point on them)."""
    frame = gdf
    if frame.crs is not None and not frame.crs.equals("EPSG:4326"):
        frame = frame.to_crs("EPSG:4326")
    has_point = frame.geometry.notna() & ~frame.geometry.is_empty
    frame = frame[has_point.to_numpy()]
    if len(frame) and not (frame.geom_type == "Point").all():
        frame = frame.set_geometry(frame.geometry.representative_point())
    return frame


def _ids(frame: pd.DataFrame) -> np.ndarray:
    if "event_id_cnty" in frame.columns:
        ids = _text(frame["event_id_cnty"])
        ids = ids.where(ids != "", pd.Series([f"row {i}" for i in frame.index], index=frame.index))
    else:
        ids = pd.Series([f"row {i}" for i in frame.index], index=frame.index)
    return ids.to_numpy(dtype=object)


def _days(values: pd.Series) -> np.ndarray:
    """Dates (ISO strings, dates or datetimes) -> float day numbers since 1970, NaN if none."""
    if pd.api.types.is_datetime64_any_dtype(values):
        stamps = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        text = values.astype("string").str.strip().str.slice(0, 10)
        stamps = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    days = (stamps.dt.normalize() - pd.Timestamp("1970-01-01")) / pd.Timedelta(days=1)
    return days.to_numpy(dtype=float, na_value=np.nan)


def _text(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.strip()


def _number_columns(frame: pd.DataFrame, size_by: str | None) -> list[str]:
    columns = [c for c in NUMBER_COLUMNS if c in frame.columns]
    if size_by is not None and size_by not in columns:
        columns.append(size_by)
    return columns
