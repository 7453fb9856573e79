"""The value types of the gazetteer API: Place, Context and Resolution."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Place:
    """A place the gazetteer knows.

    Attributes
    ----------
    name : display name (GeoNames' primary name for GeoNames places)
    lat, lon : WGS 84 degrees
    geonameid : GeoNames id, or None for curated and user places
    country : ISO-2 code ("" for continents and multi-country regions)
    admin1, admin2 : names of the first- and second-level administrative areas ("" if unknown)
    kind : country, admin1, admin2, continent, region, capital, city, town, village, airport, landmark, ...
    precision_km : radius within which the place lies
    geo_precision : ACLED code, 1 the place itself, 2 near it or a small area, 3 a larger region
    population : inhabitants (0 when unknown)
    source : 'geonames', 'airportsdata', 'supplement', 'user' or 'online'
    """

    name: str
    lat: float
    lon: float
    geonameid: int | None
    country: str
    admin1: str
    admin2: str
    kind: str
    precision_km: float
    geo_precision: int
    population: int
    source: str
    admin1_code: str = field(default="", compare=False, repr=False)


@dataclass(frozen=True)
class Context:
    """What is known around a place name; every field is optional.

    Attributes
    ----------
    country : ISO-2 code or a country name
    admin1, admin2 : names or GeoNames codes ("IN.12") of administrative areas
    near : (lat, lon) the place is probably near
    bbox : (min_lat, min_lon, max_lat, max_lon) the place is probably inside
    text : the sentence or document holding the name (parents such as "X, Y" are read from it)
    names : other place names of the same document or record (spatial coherence)
    """

    country: str | None = None
    admin1: str | None = None
    admin2: str | None = None
    near: tuple[float, float] | None = None
    bbox: tuple[float, float, float, float] | None = None
    text: str | None = None
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # keep the context hashable (it keys the resolution cache)
        object.__setattr__(self, "names", tuple(self.names or ()))
        if self.near is not None:
            object.__setattr__(self, "near", (float(self.near[0]), float(self.near[1])))
        if self.bbox is not None:
            object.__setattr__(self, "bbox", tuple(float(v) for v in self.bbox))


@dataclass(frozen=True)
class Resolution:
    """The answer for one name: the chosen place (or none), why, and the runner-ups."""

    query: str
    place: Place | None
    confidence: float
    reason: str
    candidates: tuple[tuple[Place, float], ...] = ()
    _row: Any = field(default=None, compare=False, repr=False)  # internal: the chosen index row

    @property
    def resolved(self) -> bool:
        """True when a place was chosen."""
        return self.place is not None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; lat/lon and the place fields are None when unresolved."""
        p = self.place
        out: dict[str, Any] = {
            "query": self.query,
            "name": p.name if p else None,
            "lat": p.lat if p else None,
            "lon": p.lon if p else None,
            "geonameid": p.geonameid if p else None,
            "country": p.country if p else None,
            "admin1": p.admin1 if p else None,
            "admin2": p.admin2 if p else None,
            "kind": p.kind if p else None,
            "precision_km": p.precision_km if p else None,
            "geo_precision": p.geo_precision if p else None,
            "confidence": round(self.confidence, 3),
            "reason": self.reason,
            "source": p.source if p else None,
            "candidates": [
                {"name": c.name, "lat": c.lat, "lon": c.lon, "geonameid": c.geonameid,
                 "country": c.country, "admin1": c.admin1, "kind": c.kind, "score": round(s, 3)}
                for c, s in self.candidates
            ],
        }
        return out
