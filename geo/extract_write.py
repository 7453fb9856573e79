"""Write extracted records and mentions: CSV, JSON Lines or GeoJSON, atomically.

Numbers stay strings in CSV (the record schema's text form) and become JSON numbers in JSON
Lines and GeoJSON. GeoJSON follows RFC 7946: a FeatureCollection of Points [lon, lat] in
WGS 84 with 6 decimals, no ``crs`` member.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterable
from typing import Any

from geo.errors import OutputError
from geo.spreadsheet import defuse

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".geojson": "geojson", ".json": "geojson"}
_INT_FIELDS = {"time_precision", "geo_precision", "fatalities", "sentence_start", "sentence_end", "source_line"}
_FLOAT_FIELDS = {"latitude", "longitude", "extract_confidence"}


def output_format(path: str | os.PathLike) -> str:
    """The format for an output path by its extension.

    Raises
    ------
    OutputError
        For an extension other than .csv, .jsonl/.ndjson, .geojson/.json.
    """
    ext = os.path.splitext(str(path))[1].lower()
    if ext not in FORMATS:
        raise OutputError(f"{path}: unknown output format {ext or '(none)'}; use .csv, .jsonl or .geojson")
    return FORMATS[ext]


def _typed(rec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in rec.items():
        if isinstance(value, str) and key in _INT_FIELDS:
            value = int(value) if value != "" else None
        elif isinstance(value, str) and key in _FLOAT_FIELDS:
            value = float(value) if value != "" else None
        out[key] = value
    return out


def render_records(records: list[dict[str, Any]], columns: Iterable[str], fmt: str) -> str:
    """Serialise records in `fmt` ("csv", "jsonl" or "geojson")."""
    columns = list(columns)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: defuse(v) for k, v in r.items()} for r in records)
        return buf.getvalue()
    rows = [_typed({c: r.get(c, "") for c in columns}) for r in records]
    if fmt == "jsonl":
        return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    features = []
    for r in rows:
        lat, lon = r.get("latitude"), r.get("longitude")
        geometry = ({"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]}
                    if lat is not None and lon is not None else None)
        features.append({"type": "Feature", "geometry": geometry, "properties": r})
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"


def render_mentions(mentions: list[dict[str, Any]]) -> str:
    """Serialise mention objects as JSON Lines."""
    return "".join(json.dumps(m, ensure_ascii=False) + "\n" for m in mentions)
