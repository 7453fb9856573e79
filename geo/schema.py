"""The record schema: ACLED column names, the other spellings recognised, user column maps.

ACLED's names are the native vocabulary. Input headers are matched case-insensitively after
folding spaces and hyphens to underscores; an exact ACLED name always wins over an alias, and
an alias whose target is already taken stays an ordinary extra column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

#: Record columns in output order (ACLED names plus ``end_date``).
RECORD_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "end_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "source", "notes", "fatalities",
)

#: Text columns of the GeoDataFrame contract ("" when absent).
TEXT_COLUMNS: tuple[str, ...] = (
    "event_type", "sub_event_type", "actor1", "actor2", "location", "notes", "source",
    "country", "admin1", "admin2",
)

#: Columns the join adds.
RESOLUTION_COLUMNS: tuple[str, ...] = (
    "resolved_name", "geonameid", "precision_km", "confidence", "resolve_reason",
)
ACCOUNTING_COLUMNS: tuple[str, ...] = ("status", "status_reason", "source_file", "source_line")

#: Column names the tool derives itself; an input column of that name is replaced.
DERIVED_COLUMNS: frozenset[str] = frozenset(RESOLUTION_COLUMNS + ACCOUNTING_COLUMNS + ("status_field",))

#: Other spellings of the record columns (keys already folded, see :func:`fold`).
ALIASES: dict[str, str] = {
    "id": "event_id_cnty", "event_id": "event_id_cnty", "eventid": "event_id_cnty",
    "date": "event_date", "start_date": "event_date", "date_start": "event_date",
    "start": "event_date", "when": "event_date", "day": "event_date",
    "end": "end_date", "date_end": "end_date", "until": "end_date", "to_date": "end_date",
    "type": "event_type", "category": "event_type", "incident_type": "event_type",
    "subtype": "sub_event_type", "sub_type": "sub_event_type", "event_subtype": "sub_event_type",
    "actor": "actor1", "perpetrator": "actor1", "target": "actor2", "victim": "actor2",
    "place": "location", "place_name": "location", "placename": "location", "town": "location",
    "city": "location", "village": "location", "locality": "location", "site": "location",
    "state": "admin1", "province": "admin1", "region": "admin1", "district": "admin2",
    "lat": "latitude", "y": "latitude",
    "lon": "longitude", "lng": "longitude", "long": "longitude", "x": "longitude",
    "url": "source", "link": "source", "source_url": "source", "sources": "source",
    "description": "notes", "desc": "notes", "summary": "notes", "details": "notes", "note": "notes",
    "deaths": "fatalities", "killed": "fatalities", "dead": "fatalities",
}


def fold(name: str) -> str:
    """Fold a header for matching: strip, lower-case, spaces and hyphens to underscores.

    Parameters
    ----------
    name : str
        A column header as found in the input.

    Returns
    -------
    str
        The folded form (``"Event Date"`` -> ``"event_date"``).
    """
    return re.sub(r"[\s\-]+", "_", str(name).strip().lstrip("\ufeff")).lower()


def canonical(name: str) -> str | None:
    """Return the record column a header stands for, or None when it is not a record column."""
    folded = fold(name)
    if folded in RECORD_COLUMNS:
        return folded
    return ALIASES.get(folded)


def parse_column_map(spec: str | Mapping[str, str] | None) -> dict[str, str]:
    """Parse a ``--columns`` value: ``"date=when,location=site"`` -> ``{"event_date": "when", ...}``.

    Parameters
    ----------
    spec : str, mapping or None
        Comma-separated ``record_column=input_column`` pairs, or a mapping of the same.
        The left side may be an ACLED name or one of its recognised spellings.

    Returns
    -------
    dict
        Record column -> input header.

    Raises
    ------
    ValueError
        When a pair is malformed or names no record column.
    """
    if not spec:
        return {}
    pairs = spec.items() if isinstance(spec, Mapping) else (
        part.split("=", 1) if "=" in part else (part, None) for part in spec.split(",") if part.strip()
    )
    out: dict[str, str] = {}
    for left, right in pairs:
        if right is None or not str(left).strip() or not str(right).strip():
            raise ValueError(f"--columns expects record_column=input_column pairs, got {left!r}")
        target = canonical(left)
        if target is None:
            raise ValueError(
                f"--columns: {left.strip()!r} is not a record column "
                f"(one of: {', '.join(RECORD_COLUMNS)})")
        out[target] = str(right).strip()
    return out


def header_map(headers: Iterable[str], column_map: Mapping[str, str] | None = None) -> dict[str, str]:
    """Decide the output name of every input header.

    Parameters
    ----------
    headers : iterable of str
        Input headers in file order (assumed distinct).
    column_map : mapping, optional
        Record column -> input header, from :func:`parse_column_map`; takes precedence.

    Returns
    -------
    dict
        Input header -> output column name (a record column, or the header itself for extras).

    Raises
    ------
    KeyError
        When ``column_map`` names a header the input does not have (message lists the headers).
    """
    headers = list(headers)
    column_map = dict(column_map or {})
    out: dict[str, str] = {}
    taken: set[str] = set()
    by_exact = {h: h for h in headers}
    by_fold = {}
    for h in headers:
        by_fold.setdefault(fold(h), h)
    for target, source in column_map.items():
        header = by_exact.get(source) or by_fold.get(fold(source))
        if header is None:
            raise KeyError(f"--columns: no input column {source!r} (columns: {', '.join(headers)})")
        out[header] = target
        taken.add(target)
    # Exact record names first, then aliases in header order.
    for h in headers:
        if h not in out and fold(h) in RECORD_COLUMNS and fold(h) not in taken:
            out[h] = fold(h)
            taken.add(fold(h))
    for h in headers:
        if h in out:
            continue
        target = ALIASES.get(fold(h))
        if target and target not in taken:
            out[h] = target
            taken.add(target)
        else:
            out[h] = h
    return out
