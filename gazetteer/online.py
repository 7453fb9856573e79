"""Opt-in online fallback: Nominatim through geopy, rate-limited and cached on disk.

Only names the bundled data cannot resolve are sent, one request per second at most (geopy's
``RateLimiter``, as Nominatim's usage policy asks), with a user agent naming incidentmap. Each
answer, found or not, is kept in a JSON cache so no name is asked twice.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from gazetteer.model import Place, Resolution
from gazetteer.normalize import fold

USER_AGENT = "incidentmap/0.1 (offline-first incident mapper; https://pypi.org/project/incidentmap/)"


def default_cache_path() -> Path:
    """``$XDG_CACHE_HOME/incidentmap/nominatim.json`` (``~/.cache`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "incidentmap" / "nominatim.json"


class OnlineResolver:
    """Nominatim lookups for names the gazetteer does not know.

    Parameters
    ----------
    domain, scheme : str
        Nominatim server (a local stand-in in tests: ``domain="127.0.0.1:8080", scheme="http"``).
    cache_path : Path, optional
        JSON cache file (see :func:`default_cache_path`).
    min_delay_seconds : float
        At most one request per this many seconds (1.0 for the public server).
    """

    def __init__(self, domain: str = "nominatim.openstreetmap.org", scheme: str = "https",
                 cache_path: Path | None = None, min_delay_seconds: float = 1.0, timeout: float = 10.0):
        from geopy.extra.rate_limiter import RateLimiter
        from geopy.geocoders import Nominatim

        self.cache_path = Path(cache_path or default_cache_path())
        self._geocoder = Nominatim(user_agent=USER_AGENT, domain=domain, scheme=scheme, timeout=timeout)
        self._geocode = RateLimiter(self._geocoder.geocode, min_delay_seconds=min_delay_seconds,
                                    max_retries=1, swallow_exceptions=False)
        self.requests = 0
        try:
            self._cache: dict = json.loads(self.cache_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            self._cache = {}

    def resolve(self, name: str) -> Resolution | None:
        """A Resolution marked online, or None when Nominatim has nothing (or is unreachable)."""
        from geopy.exc import GeopyError

        key = fold(name)
        if key not in self._cache:
            try:
                loc = self._geocode(name, exactly_one=True, addressdetails=True)
            except GeopyError:
                return None              # unreachable: not cached, may be asked again later
            self.requests += 1
            self._cache[key] = None if loc is None else {
                "name": loc.address.split(",")[0], "lat": loc.latitude, "lon": loc.longitude,
                "country": ((loc.raw.get("address") or {}).get("country_code") or "").upper(),
                "osm": f"{loc.raw.get('osm_type', '')}/{loc.raw.get('osm_id', '')}",
                "display": loc.address,
            }
            self._save()
        hit = self._cache[key]
        if hit is None:
            return None
        place = Place(name=hit["name"], lat=float(hit["lat"]), lon=float(hit["lon"]), geonameid=None,
                      country=hit["country"], admin1="", admin2="", kind="place", precision_km=10.0,
                      geo_precision=2, population=0, source="online")
        return Resolution(name, place, 0.5, f"online: Nominatim {hit['osm']} ({hit['display']})")

    def _save(self) -> None:
        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.cache_path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(self._cache, fh, ensure_ascii=False)
        os.replace(tmp, self.cache_path)
