"""User overrides: a CSV or TSV file that adds places, aliases and blocked names, or pins a name.

Columns (header row required; order free; ``action`` and ``name`` always required):

========  =====================================================================================
action    ``place`` add a place; ``alias`` another name for a place; ``block`` never resolve the
          name (or, with ``target``, never answer that one place); ``pin`` always answer the name
          with one place
name      the name as users write it
lat, lon  decimal degrees (``place``, or ``pin``/``alias`` without ``target``)
target    ``geonameid:<id>`` of a bundled GeoNames place, or the name of a ``place`` row of the
          same files (``alias``, ``pin``, ``block``)
country   ISO-2 code (``place``; optional)
kind      town, village, landmark, region, ... (``place``; default ``town``)
precision_km  radius of the place in km (``place``; default 2)
========  =====================================================================================

Lines starting with ``#`` are comments. Files ending in ``.tsv`` (or whose header holds a tab)
are tab-separated, others comma-separated.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from gazetteer.errors import OverrideError
from gazetteer.normalize import fold, strip_generic
from gazetteer.store import TIER_ALIAS, TIER_NAME, Row, Store

ACTIONS = ("place", "alias", "block", "pin")
COLUMNS = ("action", "name", "lat", "lon", "target", "country", "kind", "precision_km")


@dataclass
class OverrideTable:
    """Validated overrides of one or more files, keyed by folded name."""

    places: dict[str, list[Row]] = field(default_factory=dict)
    aliases: dict[str, list[Row]] = field(default_factory=dict)
    pins: dict[str, Row] = field(default_factory=dict)
    blocked_names: set[str] = field(default_factory=set)
    blocked_pids: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, paths: Sequence[str | Path], store: Store) -> "OverrideTable":
        """Read and validate override files.

        Raises
        ------
        OverrideError
            With the file, line and field of the first problem.
        """
        table = cls()
        rows = []
        for path in paths:
            rows.extend(_read_rows(Path(path)))
        by_name: dict[str, Row] = {}
        next_pid = -1
        for file, line, rec in rows:                       # places first: others may refer to them
            if rec["action"] == "place":
                lat, lon = _coords(rec, file, line)
                cc = rec.get("country", "").strip().upper()
                if cc and (len(cc) != 2 or not cc.isalpha()):
                    raise OverrideError(f"expected an ISO-2 country code, got {cc!r}", file=file, line=line,
                                        field="country")
                radius = _number(rec, "precision_km", file, line, default=2.0)
                if radius <= 0:
                    raise OverrideError("expected a positive radius in km", file=file, line=line,
                                        field="precision_km")
                row = Row(next_pid, rec["name"].strip(), lat, lon, None, cc, "", "",
                          rec.get("kind", "").strip() or "town", 0, radius, 0, "user", None)
                next_pid -= 1
                by_name[_key(row.name)] = row
                table.places.setdefault(_key(row.name), []).append(row)
        for file, line, rec in rows:
            action, key = rec["action"], _key(rec["name"])
            if action == "place":
                continue
            target = rec.get("target", "").strip()
            if action == "block":
                if target:
                    table.blocked_pids.add(_target(target, by_name, store, file, line).pid)
                else:
                    table.blocked_names.add(key)
                continue
            if target:
                row = _target(target, by_name, store, file, line)
            else:
                lat, lon = _coords(rec, file, line)
                row = Row(next_pid, rec["name"].strip(), lat, lon, None, "", "", "", "town", 0,
                          _number(rec, "precision_km", file, line, default=2.0), 0, "user", None)
                next_pid -= 1
            if action == "pin":
                if key in table.pins and table.pins[key] != row:
                    raise OverrideError(f"{rec['name']!r} is pinned twice to different places", file=file,
                                        line=line, field="name")
                table.pins[key] = row
            else:
                table.aliases.setdefault(key, []).append(row)
        return table

    def keys(self) -> list[str]:
        """Every name key the overrides add."""
        return sorted(set(self.places) | set(self.aliases) | set(self.pins))

    def pinned(self, keys: Sequence[str]) -> Row | None:
        return next((self.pins[k] for k in keys if k in self.pins), None)

    def blocked_name(self, keys: Sequence[str]) -> bool:
        return any(k in self.blocked_names for k in keys)

    def blocked_place(self, row: Row) -> bool:
        return row.pid in self.blocked_pids

    def candidates(self, keys: Sequence[str]) -> list[tuple[Row, int]]:
        """(row, tier) of user places and aliases under these keys."""
        out = []
        for k in keys:
            out += [(r, TIER_NAME) for r in self.places.get(k, ())]
            out += [(r, TIER_ALIAS) for r in self.aliases.get(k, ())]
        return out


def _key(name: str) -> str:
    return strip_generic(fold(name))


def _read_rows(path: Path) -> list[tuple[str, int, dict]]:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise OverrideError("file not found", file=file) from None
    except UnicodeDecodeError as exc:
        raise OverrideError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", file=file) from None
    except OSError as exc:  # a folder, no permission, ...
        raise OverrideError(f"cannot read it ({exc.strerror or exc})", file=file) from None
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith("#")]
    if not lines:
        raise OverrideError("empty file: expected a header row with at least 'action' and 'name'", file=file)
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in lines[0][1] else ","
    header_line, header = lines[0][0], next(csv.reader([lines[0][1]], delimiter=delimiter))
    header = [h.strip().lower() for h in header]
    for col in ("action", "name"):
        if col not in header:
            raise OverrideError(f"missing column {col!r} in the header (columns: {', '.join(COLUMNS)})",
                                file=file, line=header_line, field=col)
    unknown = [h for h in header if h not in COLUMNS]
    if unknown:
        raise OverrideError(f"unknown column {unknown[0]!r} (expected some of: {', '.join(COLUMNS)})",
                            file=file, line=header_line, field=unknown[0])
    out = []
    for number, ln in lines[1:]:
        values = next(csv.reader(io.StringIO(ln), delimiter=delimiter))
        if len(values) > len(header):
            raise OverrideError(f"{len(values)} fields, the header has {len(header)}", file=file, line=number)
        rec = dict(zip(header, (v.strip() for v in values)))
        rec["action"] = rec.get("action", "").lower()
        if rec["action"] not in ACTIONS:
            raise OverrideError(f"unknown action {rec['action']!r} (expected one of: {', '.join(ACTIONS)})",
                                file=file, line=number, field="action")
        if not rec.get("name") or not fold(rec["name"]):
            raise OverrideError("empty name", file=file, line=number, field="name")
        out.append((file, number, rec))
    return out


def _number(rec: dict, col: str, file: str, line: int, default: float | None = None) -> float:
    raw = rec.get(col, "")
    if raw == "":
        if default is None:
            raise OverrideError(f"missing {col}", file=file, line=line, field=col)
        return default
    try:
        value = float(raw)
    except ValueError:
        raise OverrideError(f"expected a number, got {raw!r}", file=file, line=line, field=col) from None
    if not math.isfinite(value):
        raise OverrideError(f"expected a finite number, got {raw!r}", file=file, line=line, field=col)
    return value


def _coords(rec: dict, file: str, line: int) -> tuple[float, float]:
    lat = _number(rec, "lat", file, line)
    lon = _number(rec, "lon", file, line)
    if not -90 <= lat <= 90:
        raise OverrideError(f"latitude {lat} outside -90..90", file=file, line=line, field="lat")
    if not -180 <= lon <= 180:
        raise OverrideError(f"longitude {lon} outside -180..180", file=file, line=line, field="lon")
    return lat, lon


def _target(target: str, by_name: dict[str, Row], store: Store, file: str, line: int) -> Row:
    kind, _, ref = target.partition(":")
    if kind == "geonameid" and ref.strip().isdigit():
        pid = store.db.execute("SELECT id FROM places WHERE geonameid = ? ORDER BY id LIMIT 1",
                               (int(ref),)).fetchone()
        if pid is None:
            raise OverrideError(f"no bundled place has GeoNames id {ref}", file=file, line=line, field="target")
        return store.rows([pid[0]])[0]
    row = by_name.get(_key(target))
    if row is None:
        raise OverrideError(f"target {target!r} is neither geonameid:<id> nor the name of a 'place' row",
                            file=file, line=line, field="target")
    return row
