"""Event records: reading, validation, article extraction, the join with places, exports.

The public API is imported lazily so that ``import geo`` (and the CLI) stays light::

    import geo
    events = geo.read_events(["seeds/seed_events.csv"])      # pandas.DataFrame, ACLED schema
    gdf = geo.to_geodataframe(events)                        # GeoDataFrame, EPSG:4326
    geo.write(gdf, "seed.geojson")                           # atomic; by extension
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_API = {
    "read_events": "geo.records",
    "normalise": "geo.records",
    "to_geodataframe": "geo.join",
    "write": "geo.export",
    "write_report": "geo.export",
    "filter_events": "geo.export",
    "dedupe": "geo.duplicates",
    "parse_date": "geo.dates",
}

__all__ = sorted(_API)


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'geo' has no attribute {name!r}")
    return getattr(import_module(module), name)


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
