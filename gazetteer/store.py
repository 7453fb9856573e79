"""Read access to the bundled SQLite gazetteer (``gazetteer/data/gazetteer.sqlite``).

Nothing is loaded at start-up: each name key is one indexed query, and rows are cached as
they are read, so a single lookup costs milliseconds and a large batch warms up as it goes.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from gazetteer.errors import GazetteerDataError

TIER_NAME, TIER_ALT, TIER_ALIAS, TIER_TRANSLIT, TIER_FUZZY = 0, 1, 2, 3, 4
TIER_PART = 5       # query-time only: "North Dallas" read as the part of Dallas it names
TIER_LABEL = {TIER_NAME: "name", TIER_ALT: "alternate name", TIER_ALIAS: "alias",
              TIER_TRANSLIT: "transliteration", TIER_FUZZY: "fuzzy", TIER_PART: "part of a named place"}


@dataclass(frozen=True)
class Row:
    """One row of the ``places`` table (internal; the API exposes :class:`gazetteer.Place`)."""

    pid: int
    name: str
    lat: float
    lon: float
    geonameid: int | None
    cc: str
    a1: str
    a2: str
    kind: str
    pop: int
    radius: float
    seat: int
    source: str
    extent: tuple[float, float, float, float] | None


def default_path() -> Path:
    """Path of the bundled database file."""
    return Path(str(resources.files("gazetteer") / "data" / "gazetteer.sqlite"))


class Store:
    """Indexed, cached access to places, name keys and admin names.

    Parameters
    ----------
    path : Path, optional
        The SQLite file; the bundled one by default.
    """

    def __init__(self, path: Path | None = None):
        self.path = Path(path or default_path())
        if not self.path.is_file():
            raise GazetteerDataError(f"gazetteer data not found at {self.path}; run python -m gazetteer.build")
        try:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro&immutable=1", uri=True,
                                      check_same_thread=False)
            self.db.execute("SELECT 1 FROM names LIMIT 1")
        except sqlite3.DatabaseError as exc:
            raise GazetteerDataError(f"{self.path}: unreadable gazetteer data ({exc})") from None
        self._rows: dict[int, Row] = {}
        self.lookup = lru_cache(maxsize=200_000)(self._lookup)
        self.admin_name = lru_cache(maxsize=100_000)(self._admin_name)

    def _lookup(self, key: str) -> tuple[tuple[int, int], ...]:
        """(place id, tier) pairs stored under one folded key."""
        return tuple(self.db.execute("SELECT pid, tier FROM names WHERE key = ?", (key,)))

    def rows(self, pids) -> list[Row]:
        """Rows for place ids (cached)."""
        missing = [p for p in pids if p not in self._rows]
        for start in range(0, len(missing), 500):
            chunk = missing[start:start + 500]
            sql = ("SELECT id, name, lat, lon, geonameid, cc, a1, a2, kind, pop, radius, seat, source, extent "
                   f"FROM places WHERE id IN ({','.join('?' * len(chunk))})")
            for r in self.db.execute(sql, chunk):
                extent = tuple(float(v) for v in r[13].split(",")) if r[13] else None
                self._rows[r[0]] = Row(*r[:13], extent)
        return [self._rows[p] for p in pids if p in self._rows]

    def prefix_keys(self, prefix: str) -> list[str]:
        """Every name key starting with ``prefix`` (for the fuzzy tier)."""
        upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        return [k for (k,) in self.db.execute("SELECT DISTINCT key FROM names WHERE key >= ? AND key < ?",
                                              (prefix, upper))]

    def _admin_name(self, code: str) -> str:
        row = self.db.execute("SELECT name FROM admin WHERE code = ?", (code,)).fetchone()
        return row[0] if row else ""

    def admin_pid(self, code: str) -> int | None:
        row = self.db.execute("SELECT pid FROM admin WHERE code = ?", (code,)).fetchone()
        return row[0] if row else None

    def meta(self, key: str):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def all_keys(self):
        """(key, best tier, largest population) of every key (for mention matchers)."""
        return self.db.execute(
            "SELECT n.key, min(n.tier), max(p.pop), max(p.kind IN ('country','admin1','continent','region')) "
            "FROM names n JOIN places p ON p.id = n.pid WHERE substr(n.key, 1, 1) NOT IN ('~', '^') GROUP BY n.key")
