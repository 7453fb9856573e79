"""Candidate search and ranking: the :class:`Gazetteer` behind ``gazetteer.resolve``.

A name is looked up through tiers (folded name, alternate names and aliases, South Asian
transliteration keys, then fuzzy matching only when context exists). Every candidate gets a
prior from what it is (country > admin area > capital > town, by population) and bonuses from
context: explicit hints, "X, Y" / "X in Y" parents, and the other places of the same document
(same country, same state, nearby). Confidence is the candidate's share of the soft-maxed scores.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Sequence

from gazetteer.model import Context, Place, Resolution
from gazetteer.normalize import (DIRECTION_WORDS, compass_variants, fold, skeleton_key, strip_direction, strip_generic,
                                 translit_key)
from gazetteer.store import (TIER_ALIAS, TIER_ALT, TIER_FUZZY, TIER_LABEL, TIER_NAME, TIER_PART, TIER_TRANSLIT,
                             Row, Store)

AREA_KINDS = frozenset({"country", "admin1", "admin2", "continent", "region", "sea"})
TIER_PENALTY = {TIER_NAME: 0.0, TIER_ALIAS: 0.0, TIER_ALT: 0.6, TIER_TRANSLIT: 1.5, TIER_FUZZY: 3.0, TIER_PART: 1.5}
TIER_TRUST = {TIER_NAME: 1.0, TIER_ALIAS: 1.0, TIER_ALT: 0.95, TIER_TRANSLIT: 0.85, TIER_FUZZY: 0.6,
              TIER_PART: 0.7}
MAX_CANDIDATES = 5
# weights of document coherence: share of the other mentions in the same country / state,
# and closeness (decaying over DOC_KM) to the nearest other mention
W_DOC_COUNTRY, W_DOC_ADMIN, W_DOC_NEAR, DOC_KM = 2.5, 1.5, 2.5, 100.0
# a place inside a country ("the UK", "Kenya") or a state ("Illinois") the document names outright
W_NAMED_COUNTRY = 1.5
W_NAMED_ADMIN = 2.0
# a town or village (or a place known only by an alternate name) outside every country of the
# document and this far from all its places is doubtful
STRAY_KM = 1000.0
# words naming an administrative area: a name carrying one means the area, not its namesake town
AREA_WORDS = frozenset({"district", "districts", "tehsil", "tahsil", "taluk", "taluka", "province", "division",
                        "county", "state", "governorate", "prefecture", "oblast", "region", "municipality",
                        "parish"})
# abbreviations tried both ways when a name has no match: "St. Marc" / "Saint-Marc"
_ABBREVIATIONS = (("st", "saint"), ("ste", "sainte"), ("mt", "mount"), ("ft", "fort"))
_ABBREVIATION_RE = re.compile(r"\b(?:st|ste|mt|ft|saint|sainte|mount|fort)\b")

_PARENT_AFTER = re.compile(
    r"\s*(?:,|\bin\b(?:\s+the)?)\s*((?:[A-Z][\w'’.-]*|&|and|of)(?:\s+(?:[A-Z][\w'’.-]*|&|and|of)){0,4})")
# a name continuing a list ("..., Kisumu, Bondo"), and a further list item after a parent
_LIST_BEFORE = re.compile(r"[A-Z][\w'’.-]*\s*,\s*$")
_LIST_AFTER = re.compile(r"\s*(?:,\s*(?:and\b|or\b)?|\band\b|\bor\b|&)\s*((?:[A-Z][\w'’.-]*)(?:\s+[A-Z][\w'’.-]*){0,3})")
# "... and South America": the head noun a compass word before "and" shares
_ELLIPSIS = re.compile(r"\s+(?:and|or|&)\s+(?:[A-Z][\w'’-]*\s+){1,2}?([A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\b")
PARENT_SLACK_KM = 50.0
# how large an area is, for telling "Town, Province, Country" from a list of equals
_LEVEL = {"admin2": 1, "admin1": 2, "country": 3, "region": 4, "sea": 4, "continent": 5}
# rank of populated places, for telling a namesake from a lesser one
_SIZE = {"village": 0, "town": 1, "city": 2, "capital": 3}
_POSSESSIVE = re.compile(r"^(.+?)['’]s\s+(.+)$")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _spots(points: list[tuple[Row, float]]) -> list[tuple[Row, float, float]]:
    """(row, latitude in radians, its cosine) of evidence points, for :func:`_nearest`."""
    return [(p, lat, math.cos(lat)) for p, _w in points for lat in (math.radians(p.lat),)]


def _nearest(r: Row, spots: list[tuple[Row, float, float]]) -> tuple[Row, float]:
    """The spot nearest to ``r`` (the first of equals) and its :func:`haversine_km` distance,
    with each spot's trigonometry done once per mention rather than once per candidate."""
    p1 = math.radians(r.lat)
    cos1 = math.cos(p1)
    best, best_d = spots[0][0], math.inf
    for p, p2, cos2 in spots:
        a = math.sin((p2 - p1) / 2) ** 2 + cos1 * cos2 * math.sin(math.radians(p.lon - r.lon) / 2) ** 2
        d = 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))
        if d < best_d:
            best, best_d = p, d
    return best, best_d


def geo_precision(radius_km: float) -> int:
    """ACLED geo_precision from a precision radius."""
    return 1 if radius_km <= 5 else 2 if radius_km <= 25 else 3


@dataclass
class _Cand:
    row: Row
    tier: int
    score: float = 0.0
    why: list[str] = field(default_factory=list)
    doubt: str = ""         # why a reading is doubtful even when it is the only one (halves confidence)


@dataclass
class _Hints:
    """Resolved explicit context: country codes, admin codes, a point, a box."""

    countries: frozenset[str] = frozenset()
    admins: frozenset[str] = frozenset()
    near: tuple[float, float] | None = None
    near_label: str = ""
    bbox: tuple[float, float, float, float] | None = None
    labels: tuple[str, ...] = ()
    parent_area: Row | None = None      # a stated "X, Y" parent that is a country or admin area


@dataclass
class _DocEvidence:
    """What the other mentions of a document say: (key, weight, row) of their best guesses."""

    items: list[tuple[str, float, Row]] = field(default_factory=list)
    children: list[Row] = field(default_factory=list)     # places named "<child>, <this>"


class Gazetteer:
    """Offline place-name resolver over the bundled data plus optional user overrides.

    Use :meth:`load` rather than the constructor: it caches one instance per set of
    override files.
    """

    _instances: dict[tuple, "Gazetteer"] = {}

    def __init__(self, store: Store, user=None, online=None, overrides: Sequence[str | Path] = ()):
        self.store = store
        self.user = user                    # OverrideTable or None
        self.overrides = tuple(str(p) for p in overrides)   # the override file paths
        self.online = online
        self._cache: dict[tuple[str, Context | None], Resolution] = {}
        self._fuzzy_pool: dict = {}     # prefix -> {length: keys}; (prefix, length) -> candidate keys
        self._admin_codes: dict[tuple[str, frozenset[str]], str | None] = {}   # see _admin_code
        # a document's parents ("X, Y") recur in every round of resolve_document: read each once
        self._parent_rows = lru_cache(maxsize=100_000)(self._parent_rows)
        self._parent_readings = lru_cache(maxsize=100_000)(self._parent_readings)
        self._alone = lru_cache(maxsize=100_000)(self._alone)
        self._place = lru_cache(maxsize=100_000)(self._place)     # Place is frozen: share it

    # ------------------------------------------------------------------ construction
    @classmethod
    def load(cls, overrides: Sequence[str | Path] | None = None, online=None) -> "Gazetteer":
        """The gazetteer over the bundled data, plus user override files.

        Parameters
        ----------
        overrides : list of paths, optional
            CSV/TSV override files (see :mod:`gazetteer.overrides`); validated here.
        online : gazetteer.online.OnlineResolver, optional
            Fallback for names the bundled data cannot resolve (off by default).

        Returns
        -------
        Gazetteer
            Cached per (override files, online resolver).

        Raises
        ------
        OverrideError
            An override file is malformed (file, line and field in the message).
        GazetteerDataError
            The bundled data is missing or unreadable.
        """
        key = (tuple((str(p), _stamp(p)) for p in overrides or ()), id(online) if online else None)
        if key not in cls._instances:
            base = next(iter(cls._instances.values()), None)      # share one database connection
            store = base.store if base else Store()
            table = None
            if overrides:
                from gazetteer.overrides import OverrideTable

                table = OverrideTable.read(overrides, store)
            cls._instances[key] = cls(store, table, online, overrides or ())
        return cls._instances[key]

    # ------------------------------------------------------------------ public API
    def resolve(self, name: str, context: Context | None = None) -> Resolution:
        """Resolve one place name; never raises for an unknown name.

        Parameters
        ----------
        name : str
            The name as written ("Nowshera", "Poonch, Jammu and Kashmir", "Delhi's Manekshaw Centre").
        context : Context, optional
            Hints; ``context.names`` (other places of the record/document) enable spatial coherence.

        Returns
        -------
        Resolution
        """
        cache_key = (name, context)
        hit = self._cache.get(cache_key)
        if hit is None:
            hit = self._resolve(name, context, None)
            if len(self._cache) > 500_000:
                self._cache.clear()
            self._cache[cache_key] = hit
        return hit

    def resolve_many(self, items: Iterable[tuple[str, Context | None]]) -> list[Resolution]:
        """Resolve (name, context) pairs; repeated pairs are resolved once.

        Parameters
        ----------
        items : iterable of (str, Context or None)

        Returns
        -------
        list of Resolution, in input order
        """
        return [self.resolve(name, ctx) for name, ctx in items]

    def resolve_document(self, text: str, spans: Sequence[tuple[int, int]],
                         context: Context | None = None) -> list[Resolution]:
        """Resolve every mention of a document jointly.

        Each mention is first resolved alone (with its "X, Y" parent from the text), then
        re-ranked with the other mentions' best guesses as evidence: shared country, shared
        state, distance. Two rounds.

        Parameters
        ----------
        text : str
        spans : list of (start, end)
            Character offsets of the mentions in ``text``.
        context : Context, optional
            Document-wide hints (country, admin1, near, bbox).

        Returns
        -------
        list of Resolution, one per span, in order
        """
        base = context or Context()
        mentions = []
        starts = {start: j for j, (start, _end) in enumerate(spans)}
        children: dict[int, list[int]] = defaultdict(list)     # parent mention -> its children
        for i, (start, end) in enumerate(spans):
            name = self._ellipsis(text, start, end)
            parent, stated = self._stated_parent(text, start, end)
            mentions.append((name, parent, stated))
            if parent and (m := _PARENT_AFTER.match(text, end)) and (j := starts.get(m.start(1))) is not None:
                children[j].append(i)
        # round 1: each mention alone
        results = [self._alone(*mention, base) for mention in mentions]
        # rounds 2-3: re-rank one mention at a time, surest first, each seeing the others'
        # latest answers (updating all at once can make two ambiguous names flip-flop)
        order = sorted(range(len(mentions)), key=lambda i: -results[i].confidence)
        keys = [_mention_key(mention[0]) for mention in mentions]
        for _ in range(2):
            for i in order:
                evidence = [(keys[j], r.confidence, r._row)
                            for j, r in enumerate(results) if j != i and r._row is not None]
                name, parent, stated = mentions[i]
                kids = [results[k]._row for k in children.get(i, ()) if results[k]._row is not None]
                results[i] = self._resolve(name, base, _DocEvidence(evidence, kids), parent, stated)
        for i, (start, end) in enumerate(spans):
            if (written := text[start:end]) != mentions[i][0]:      # an ellipsis was read out
                results[i] = replace(results[i], query=written,
                                     reason=f"read as {mentions[i][0]}; {results[i].reason}")
        return results

    def _alone(self, name: str, parent: str | None, stated: bool, context: Context) -> Resolution:
        """A mention resolved without document evidence: round 1 of :meth:`resolve_document`
        (cached in ``__init__``: the documents of a batch name the same places)."""
        return self._resolve(name, context, None, parent, stated)

    def _ellipsis(self, text: str, start: int, end: int) -> str:
        """A compass word sharing the next name's head noun: "Central" in "Central and South
        America" is Central America, "North" in "North and South Korea" North Korea."""
        name = text[start:end]
        if fold(name) in DIRECTION_WORDS and (m := _ELLIPSIS.match(text, end)):
            whole = f"{name} {m.group(1)}"
            if self.store.lookup(fold(whole)):
                return whole
        return name

    def _stated_parent(self, text: str, start: int, end: int) -> tuple[str | None, bool]:
        """The name after a mention ("Stroud, Ontario", "Nowshera in Rajouri district") and
        whether it states where the mention lies, rather than continuing a list ("Arkansas,
        Colorado, Delaware"): the mention must not follow a comma after another name, and
        what follows the parent must be nothing more or a larger area ("Ontario, Canada")."""
        m = _PARENT_AFTER.match(text, end)
        parent = _parent_after(text, end)
        if parent is None:
            return None, False
        if _LIST_BEFORE.search(text, max(0, start - 60), start):
            return parent, False
        if not self.store.lookup(fold(parent)) and strip_direction(fold(parent)):
            return parent, False        # "in North-Western Sydney": only near the area, not in it
        more = _LIST_AFTER.match(text, m.start(1) + len(parent))
        if more:
            after_name = re.split(r"\.\s", more.group(1))[0].rstrip(".")      # not into the next sentence
            rows, after = self._parent_rows(parent), self._parent_rows(after_name)
            if not rows or not after or _LEVEL.get(after[0].kind, 0) <= _LEVEL.get(rows[0].kind, 0):
                return parent, False
        return parent, True

    def names(self) -> Iterator[tuple[str, float]]:
        """Every matchable name key with a weight in 0..1 (for mention matchers).

        Names are folded keys (see :func:`gazetteer.normalize.fold`): fold the text the
        same way before matching. The weight grows with the population and kind of the
        largest place under the name and is lower for alternate names.
        """
        for key, tier, pop, is_area in self.store.all_keys():
            weight = min(1.0, math.log10((pop or 0) + 10) / 7) if not is_area else 1.0
            if tier == TIER_ALT:
                weight *= 0.8
            yield key, round(weight, 3)
        if self.user:
            for key in self.user.keys():
                yield key, 1.0

    def search(self, text: str, context: Context | None = None, limit: int = 10) -> list[tuple[Place, float]]:
        """Candidates for a name with their scores, best first (for ``gazetteer search``)."""
        res = self._resolve(text, context, None, keep=limit)
        return list(res.candidates) if res.place is None else [(res.place, res.confidence), *res.candidates]

    # ------------------------------------------------------------------ internals
    @staticmethod
    def _row_of(res: Resolution) -> Row | None:
        return res._row

    def _candidates(self, name: str, hints: _Hints, has_context: bool,
                    countries: frozenset[str] = frozenset()) -> tuple[list[_Cand], str]:
        """Candidates of the first tier that has any, and a label of that tier."""
        key = fold(name)
        if not key:
            return [], ""
        keys = [key] + ([k] if (k := strip_generic(key)) != key else [])
        if self.user:
            pinned = self.user.pinned(keys)
            if pinned is not None:
                return [_Cand(pinned, TIER_NAME, why=["pinned by user override"])], ""
            if self.user.blocked_name(keys):
                return [], "blocked by user override"
        found: dict[int, int] = {}
        for k in keys:          # "Mexico City" before "Mexico": generic words go only if needed
            for pid, tier in self.store.lookup(k):
                if tier < found.get(pid, 9):
                    found[pid] = tier
            if found:
                break
        user = self.user.candidates(keys) if self.user else []
        for variant in _abbreviation_variants(keys[0]):      # "St. Louis" and "Saint Louis" meet
            for pid, tier in self.store.lookup(variant):
                found.setdefault(pid, max(tier, TIER_ALT))
        if not found and not user:      # "South Darfur" is the state named "Southern Darfur"
            variants = [pid for v in compass_variants(keys[0]) for pid, _ in self.store.lookup(v)]
            found = {r.pid: TIER_ALT for r in self.store.rows(variants) if r.kind in ("admin1", "admin2", "region")}
        if not found and not user:
            for k in keys:
                if tk := translit_key(k):
                    for pid, tier in self.store.lookup(tk):
                        found.setdefault(pid, TIER_TRANSLIT)
        if not found and not user and (part := strip_direction(keys[-1])):
            found = self._part_of(part, hints, countries)
        # edit distance on a short key finds mostly unrelated names ("rift" -> "rifle")
        fuzzy = not found and not user and has_context and len(keys[-1]) >= 5
        if fuzzy:       # consonant skeleton (South Asia), then edit distance
            found = {pid: TIER_FUZZY for k in keys if (sk := skeleton_key(k)) for pid, _ in self.store.lookup(sk)}
            if not any(hints_allow(hints, r, countries) for r in self.store.rows(list(found))):
                found = self._fuzzy(keys[-1])
        rows = self.store.rows(list(found))
        if fuzzy:       # a near-miss spelling counts only where the context points, or for a country
            rows = [r for r in rows if _misspelt_country(r, keys[-1], hints) or hints_allow(hints, r, countries)]
        if _is_acronym(name):      # "EU" is not the French town of Eu; "NY" and "D.C." are listed abbreviations
            rows = [r for r in rows if found[r.pid] != TIER_NAME or r.kind in AREA_KINDS]
        cands = [_Cand(r, found[r.pid]) for r in rows]
        cands += [_Cand(r, t) for r, t in user]
        if self.user:
            cands = [c for c in cands if not self.user.blocked_place(c.row)]
        return cands, ""

    def _part_of(self, key: str, hints: _Hints, countries: frozenset[str]) -> dict[int, int]:
        """Places a compass-qualified name is part of: "North Dallas" -> Dallas.

        Only areas and cities qualify (a village has no "north" worth mapping), and below
        country level only where the context agrees.
        """
        found: dict[int, int] = {}
        for k in dict.fromkeys((key, strip_generic(key))):
            for r in self.store.rows([pid for pid, _ in self.store.lookup(k)]):
                if r.kind in ("continent", "sea", "country") or (r.kind == "region" and not r.cc) or (
                        r.kind in ("region", "admin1", "admin2", "capital", "city") and hints_allow(hints, r, countries)):
                    found[r.pid] = TIER_PART
            if found:
                break
        return found

    def _fuzzy(self, key: str) -> dict[int, int]:
        """Keys within a small edit of ``key`` sharing its first two letters (rapidfuzz ratio >= 85),
        other than its plural or singular."""
        from rapidfuzz import fuzz, process

        pool = self._fuzzy_pool.get((key[:2], len(key)))
        if pool is None:
            if key[:2] not in self._fuzzy_pool:
                by_length = defaultdict(list)
                for k in self.store.prefix_keys(key[:2]):
                    by_length[len(k)].append(k)
                self._fuzzy_pool[key[:2]] = by_length
            by_length = self._fuzzy_pool[key[:2]]
            pool = [k for n in range(len(key) - 2, len(key) + 3) for k in by_length.get(n, ())]
            self._fuzzy_pool[(key[:2], len(key))] = pool
        found: dict[int, int] = {}
        for k, _score, _i in process.extract(key, pool, scorer=fuzz.ratio, score_cutoff=85, limit=25):
            if key in (k + "s", k + "es") or k in (key + "s", key + "es"):
                continue        # a plural names something else: "Americas" is not America
            for pid, _tier in self.store.lookup(k):
                found[pid] = TIER_FUZZY
        return found

    def _hints(self, context: Context | None, parent: str | None, stated: bool = False) -> _Hints:
        if context is None and not parent:
            return _Hints()
        context = context or Context()
        countries: set[str] = set()
        admins: set[str] = set()
        labels: list[str] = []
        parent_area = None
        near, near_label = context.near, ""
        if context.near:
            near_label = f"{context.near[0]:.3f},{context.near[1]:.3f}"
        if context.country:
            cc = self._country_code(context.country)
            if cc:
                countries.add(cc)
                labels.append(f"country {cc}")
        for admin in (context.admin1, context.admin2):
            if admin:
                code = self._admin_code(admin, countries)
                if code:
                    admins.add(code)
                    labels.append(f"{self.store.admin_name(code) or code}")
        if parent:
            rows = self._parent_rows(parent)
            if rows and rows[0].kind in ("country", "admin1", "admin2"):
                # "Atlanta, Georgia": every area reading of the parent counts (the US state
                # and the country); the child's own candidates then pick the one holding them
                for row in rows:
                    if row.kind == "country":
                        countries.add(row.cc)
                    else:
                        admins.add(row.a2 or row.a1)
                        countries.add(row.cc)
                labels.append(f"in {rows[0].name}")
                parent_area = rows[0] if stated else None
            elif rows:                                  # a town, region or sea: be near it
                row = rows[0]
                near, near_label = (row.lat, row.lon), row.name
                if row.cc and row.kind not in ("region", "continent", "sea"):
                    countries.add(row.cc)
                labels.append(f"in {row.name}")
        return _Hints(frozenset(countries), frozenset(admins), near, near_label, context.bbox, tuple(labels),
                      parent_area)

    def _country_code(self, value: str) -> str | None:
        if len(value) == 2 and value.isalpha():
            return value.upper()
        for r in self.store.rows([pid for pid, _ in self.store.lookup(fold(value))]):
            if r.kind == "country":
                return r.cc
        return None

    def _admin_code(self, value: str, countries: set[str]) -> str | None:
        if re.fullmatch(r"[A-Z]{2}\.[\w.]+", value):
            return value
        # memoised: a big table repeats the same admin1/admin2 names on thousands of rows
        key = (value, frozenset(countries))
        if key not in self._admin_codes:
            self._admin_codes[key] = self._find_admin_code(value, countries)
        return self._admin_codes[key]

    def _find_admin_code(self, value: str, countries: set[str]) -> str | None:
        cands, _ = self._candidates(value, _Hints(), False)
        rows = [c.row for c in cands
                if c.row.kind in ("admin1", "admin2") and (not countries or c.row.cc in countries)]
        if not rows:
            return None
        best = max(rows, key=lambda r: r.pop)
        return best.a2 or best.a1

    def _parent_readings(self, parent: str) -> tuple[Row, ...]:
        """Every reading of a parent name, towns included ("Mendhar, Poonch": the district
        or the town of Poonch in India as much as the district in Pakistan)."""
        cands, _ = self._candidates(parent, _Hints(), False)
        return tuple(c.row for c in cands)

    def _parent_rows(self, parent: str) -> list[Row]:
        """Readings of an "X, Y" / "X in Y" parent: the likeliest first, then the other
        country or state readings of the same name (at most three in all)."""
        cands, _ = self._candidates(parent, _Hints(), False)
        if not cands:
            return []
        cands.sort(key=lambda c: (c.row.kind in AREA_KINDS, _prior(c.row) - TIER_PENALTY[c.tier]), reverse=True)
        best = cands[0]
        rows = [best.row]
        if best.row.kind in ("country", "admin1", "admin2"):
            rows += [c.row for c in cands[1:] if c.row.kind in ("country", "admin1") and c.tier <= TIER_ALIAS][:2]
        return rows

    def _resolve(self, name: str, context: Context | None, doc: _DocEvidence | None,
                 parent: str | None = None, stated: bool = False, keep: int = MAX_CANDIDATES) -> Resolution:
        query = name
        name = " ".join(name.split())
        known = self._known(name)
        if not known and (m := _POSSESSIVE.match(name)):      # "Delhi's Manekshaw Centre"
            parent, name = parent or m.group(1), m.group(2)
        if not known and "," in name:                         # "Poonch, Jammu and Kashmir"
            head, _, tail = name.partition(",")
            if head.strip() and tail.strip():
                name, parent, stated = head.strip(), tail.strip(), True
        if context is not None and context.text and parent is None:
            idx = context.text.find(name)
            if idx >= 0:
                parent, stated = self._stated_parent(context.text, idx, idx + len(name))
        hints = self._hints(context, parent, stated)
        if context is not None and context.names and doc is None:
            doc = self._names_evidence(context.names, name)
        doc_countries = frozenset(r.cc for _, _, r in (doc.items if doc else ()) if r.cc)
        has_context = bool(hints.countries or hints.admins or hints.near or hints.bbox or doc_countries)
        cands, note = self._candidates(name, hints, has_context, doc_countries)
        if not cands:
            if self.online is not None and note != "blocked by user override":
                res = self.online.resolve(query)
                if res is not None:
                    return res
            if hints.parent_area and not note:
                return self._in_parent(query, name, hints.parent_area)
            return Resolution(query, None, 0.0, note or "no match in the gazetteer")
        self._score(cands, hints, doc, _mention_key(name), _area_word(name))
        if hints.parent_area:      # "Stroud, Ontario": never a Stroud far from every Ontario
            best = max(cands, key=lambda c: c.score).row
            if (_LEVEL.get(best.kind, 0) < _LEVEL[hints.parent_area.kind]
                    and not any(_near_parent(best, p) for p in self._parent_readings(parent))):
                return self._in_parent(query, name, hints.parent_area)
        return self._answer(query, cands, keep, note)

    def _in_parent(self, query: str, name: str, area: Row) -> Resolution:
        """The stated parent area of a name the gazetteer does not know inside it
        (located at area level, as ACLED codes a place known only by its province)."""
        return Resolution(query, self._place(area), 0.3,
                          f"no {name} in {area.name}; located at the {area.kind} level", (), area)

    def _known(self, name: str) -> bool:
        """Whether the whole name is a key ("People's Republic of China" is not a possessive)."""
        key = fold(name)
        return bool(self.store.lookup(key) or (self.user and self.user.candidates([strip_generic(key)])))

    def _names_evidence(self, names: Sequence[str], own: str) -> _DocEvidence:
        items = []
        own_key = _mention_key(own)
        for other in names:
            if _mention_key(other) == own_key:
                continue
            res = self.resolve(other)
            row = self._row_of(res)
            if row is not None:
                items.append((_mention_key(other), res.confidence, row))
        return _DocEvidence(items)

    def _score(self, cands: list[_Cand], hints: _Hints, doc: _DocEvidence | None, own_key: str,
               area_word: str = "") -> None:
        evidence = [e for e in (doc.items if doc else ()) if e[0] != own_key]
        # one unsure neighbour must not outvote a confident reading: the +1 acts as a prior
        total = sum(w for _, w, _ in evidence) + 1.0
        country_w: dict[str, float] = defaultdict(float)
        admin_w: dict[str, float] = defaultdict(float)
        for _, w, r in evidence:
            if r.cc:
                country_w[r.cc] += w
            if r.a1 and r.kind != "country":
                admin_w[r.a1] += w
        # the named-country bonus separates homonyms of equal standing in different countries
        named = {r.cc for _, _, r in evidence if r.kind == "country"}
        best_tier = min(c.tier for c in cands)
        if not any(c.row.cc and c.row.cc not in named for c in cands if c.tier == best_tier):
            named = set()
        # likewise a state or province named outright, between homonyms below that level
        # ("Fulton County" beside "Illinois"; "Ontario" stays the province beside "California")
        # and not for a lesser namesake of a place outside it (Boston, New York is a town)
        named_a1 = {r.a1 for _, _, r in evidence if r.kind == "admin1"}
        best = [c.row for c in cands if c.tier == best_tier]
        outside = [_SIZE.get(r.kind, 1) for r in best if r.a1 not in named_a1]
        if not outside or any(_LEVEL.get(r.kind, 0) >= 2 for r in best):
            named_a1 = set()
        points = [(r, w) for _, w, r in evidence if r.kind not in AREA_KINDS or r.radius < 60]
        spots = _spots(points)
        for c in cands:
            r = c.row
            s = _prior(r) - TIER_PENALTY[c.tier]
            if c.tier not in (TIER_NAME,):
                c.why.append(TIER_LABEL.get(c.tier, ""))
            area = r.kind in ("country", "continent", "region", "sea")
            if hints.countries:
                if r.cc in hints.countries:
                    s += 4.0
                    c.why.append(f"in {r.cc}")
                elif not area:
                    s -= 4.0
            if hints.admins:
                if r.a1 in hints.admins or (r.a2 and r.a2 in hints.admins):
                    s += 3.0
                    c.why.append(f"in {self.store.admin_name(r.a2 if r.a2 in hints.admins else r.a1)}")
                elif not area and r.kind != "admin1":
                    s -= 1.0
            if hints.near:
                d = haversine_km(r.lat, r.lon, *hints.near)
                s += 4.0 * math.exp(-d / 150) - (1.5 if d > 500 and not area else 0.0)
                if d < 150:
                    c.why.append(f"{d:.0f} km from {hints.near_label}")
            if hints.bbox:
                inside = hints.bbox[0] <= r.lat <= hints.bbox[2] and hints.bbox[1] <= r.lon <= hints.bbox[3]
                s += 3.0 if inside else (-3.0 if not area else 0.0)
            if evidence:
                fc = country_w.get(r.cc, 0.0) / total if r.cc else 0.0
                fa = admin_w.get(r.a1, 0.0) / total if r.a1 and not area else 0.0
                s += W_DOC_COUNTRY * fc + W_DOC_ADMIN * fa
                if r.cc in named and r.kind != "country" and c.tier == best_tier:
                    s += W_NAMED_COUNTRY
                    c.why.append(f"in {r.cc}, named in the text")
                if r.a1 in named_a1 and c.tier == best_tier and _SIZE.get(r.kind, 1) >= max(outside):
                    s += W_NAMED_ADMIN
                    c.why.append(f"in {self.store.admin_name(r.a1)}, named in the text")
                if not area and points:
                    near_row, d = _nearest(r, spots)
                    s += W_DOC_NEAR * math.exp(-d / DOC_KM)
                    # a town, or any place found only by an alternate name (Suva as "Suba"
                    # in a Kenyan report), far outside the document's countries
                    if fc == 0 and d > STRAY_KM and (r.kind in ("town", "village") or c.tier == TIER_ALT):
                        c.doubt = "far from the other places named"
                    if d < 100:
                        c.why.append(f"{d:.0f} km from {near_row.name}")
                    elif fa > 0.3:
                        c.why.append("same state as other places named")
                elif fc > 0.3:
                    c.why.append("country of other places named")
            if area_word:       # "Poonch district": the district before the town
                if r.kind in ("admin1", "admin2", "region"):
                    s += 1.5
                elif r.kind not in ("country", "continent", "sea"):
                    c.doubt = f"a {r.kind}, though the name says {area_word}"
            if doc is not None and doc.children and r.kind in ("country", "admin1", "admin2"):
                code = r.cc if r.kind == "country" else (r.a2 or r.a1)
                if any((k.cc if r.kind == "country" else (k.a2 if r.kind == "admin2" else k.a1)) == code
                       and k.pid != r.pid for k in doc.children):
                    s += 4.0
                    c.why.append(f"holds {doc.children[0].name}")
            c.score = s
        _prefer_namesake_city(cands)

    def _answer(self, query: str, cands: list[_Cand], keep: int, note: str) -> Resolution:
        cands.sort(key=lambda c: (-c.score, c.row.pid))
        top = cands[0]
        m = max(c.score for c in cands)
        weights = [math.exp(c.score - m) for c in cands]
        share = weights[0] / sum(weights)
        confidence = share * TIER_TRUST[top.tier]
        if top.doubt:
            confidence *= 0.5
            top.why.append(top.doubt)
        confidence = max(0.01, min(0.99, confidence))
        if top.row.source == "online":
            confidence = min(confidence, 0.7)
        reason = "; ".join(dict.fromkeys(w for w in ([note] if note else []) + top.why if w)) or "best match"
        if len(cands) > 1:
            reason += f"; {len(cands) - 1} other candidate{'s' if len(cands) > 2 else ''}"
        runners = []
        seen = {top.row.pid}
        for c, w in zip(cands[1:], weights[1:]):
            if c.row.pid not in seen and len(runners) < keep:
                seen.add(c.row.pid)
                runners.append((self._place(c.row), w / sum(weights)))
        return Resolution(query, self._place(top.row), confidence, reason, tuple(runners), top.row)

    def _place(self, r: Row) -> Place:
        a1 = self.store.admin_name(r.a1) if r.a1 else ""
        a2 = self.store.admin_name(r.a2) if r.a2 else ""
        kind = r.kind
        return Place(name=r.name, lat=r.lat, lon=r.lon, geonameid=r.geonameid, country=r.cc,
                     admin1=a1, admin2=a2, kind=kind, precision_km=r.radius,
                     geo_precision=geo_precision(r.radius), population=r.pop, source=r.source,
                     admin1_code=r.a1)


def hints_allow(hints: _Hints, r: Row, doc_countries: frozenset[str]) -> bool:
    """Whether a place agrees with the context (for the fuzzy tier)."""
    if hints.countries or doc_countries:
        if r.cc not in (hints.countries or doc_countries):
            return False
    if hints.admins and r.a1 not in hints.admins and r.a2 not in hints.admins:
        return False
    if hints.near and haversine_km(r.lat, r.lon, *hints.near) > 300:
        return False
    if hints.bbox and not (hints.bbox[0] <= r.lat <= hints.bbox[2] and hints.bbox[1] <= r.lon <= hints.bbox[3]):
        return False
    return True


def _misspelt_country(r: Row, key: str, hints: _Hints) -> bool:
    """Whether a near-miss spelling may mean this country wherever the document is
    ("Mauritious"): not against an explicit hint, and with the same last letter, so a
    plural or another word ("Americas", "Greenlane") is not taken for one."""
    explicit = hints.countries or hints.admins or hints.near or hints.bbox
    return r.kind == "country" and not explicit and fold(r.name)[-1:] == key[-1:]


def _prefer_namesake_city(cands: list[_Cand]) -> None:
    """A big city named like the state or province around it wins over the area.

    "São Paulo", "Khartoum", "Istanbul" in news mean the city far more often than the
    area around it; context cannot tell them apart (same country, same place). The city
    must be a city (>= 100,000 people) holding at least a fifth of the area's population,
    so "Quebec" stays the province.
    """
    areas = [c for c in cands if c.row.kind in ("admin1", "admin2") and c.tier <= TIER_ALIAS]
    cities = [c for c in cands if c.row.kind in ("capital", "city") and c.tier == TIER_NAME] if areas else ()
    for area in areas if cities else ():
        a = area.row
        for c in cities:
            r = c.row
            if r.cc == a.cc and r.pop >= 0.2 * max(a.pop, 1) and c.score <= area.score and _inside(r, a):
                c.score = area.score + 0.5
                c.why.append(f"city named like its {'state' if a.kind == 'admin1' else 'district'}")


def _area_word(name: str) -> str:
    """The word for an administrative area in a name ("Nyanza Province" -> "province"), or ""."""
    words = fold(name).split()
    if len(words) < 2:
        return ""
    return next((w for w in words if w in AREA_WORDS), "")


def _abbreviation_variants(key: str) -> list[str]:
    """The key with each abbreviation word expanded, or each full word abbreviated."""
    if not _ABBREVIATION_RE.search(key):
        return []
    words = key.split()
    out = []
    for short, full in _ABBREVIATIONS:
        for a, b in ((short, full), (full, short)):
            if a in words:
                out.append(" ".join(b if w == a else w for w in words))
    return out


def _is_acronym(name: str) -> bool:
    """Two to four capital letters, with or without dots ("EU", "U.N.")."""
    letters = name.replace(".", "").strip()
    return 2 <= len(letters) <= 4 and letters.isalpha() and letters.isupper()


def _within(r: Row, area: Row) -> bool:
    """Whether a place belongs to a country or admin area by its codes."""
    if area.kind == "country":
        return r.cc == area.cc
    if area.kind == "admin1":
        return r.cc == area.cc and r.a1 == area.a1
    return r.cc == area.cc and r.a2 == area.a2


def _near_parent(r: Row, parent: Row) -> bool:
    """Whether a place can lie in a reading of its stated parent: by its codes, inside the
    parent's extent, or within the parent's radius plus PARENT_SLACK_KM (the sources'
    extents of districts are drawn round their towns and miss outlying valleys)."""
    return (_within(r, parent) or _inside(r, parent)
            or haversine_km(r.lat, r.lon, parent.lat, parent.lon) <= parent.radius + PARENT_SLACK_KM)


def _inside(r: Row, area: Row) -> bool:
    """Whether a place lies within an area's radius or its extent (padded by 0.05 degrees)."""
    if area.extent:
        s, w, n, e = area.extent
        if s - 0.05 <= r.lat <= n + 0.05 and w - 0.05 <= r.lon <= e + 0.05:
            return True
    return haversine_km(r.lat, r.lon, area.lat, area.lon) <= area.radius


def _prior(r: Row) -> float:
    """How likely a bare name means this place: its kind, then its population."""
    pop = math.log10(r.pop + 1)
    if r.kind == "continent":
        return 11.0
    if r.kind in ("region", "sea"):
        return 6.5
    if r.kind == "country":
        return max(pop, 5.0) + 3.0
    if r.kind == "admin1":
        return max(pop, 4.0) + 1.0
    if r.kind == "admin2":
        return pop - 1.5
    if r.source in ("supplement", "user") and r.pop == 0:
        pop = 3.7
    bonus = 1.0 if r.kind == "capital" else 0.0
    bonus += 0.3 if r.seat else 0.0
    bonus += 0.4 if r.source in ("supplement", "user") else 0.0
    return pop + bonus


def _stamp(path: str | Path) -> tuple[int, int]:
    """(size, mtime) of an override file, so an edited file is read again."""
    try:
        st = Path(path).stat()
    except OSError:
        return (-1, -1)
    return (st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=262_144)
def _mention_key(name: str) -> str:
    return strip_generic(fold(name))


def _parent_after(text: str, end: int) -> str | None:
    """The name right after a mention: "Pandi, Bulacan" or "Nowshera in Rajouri district"."""
    m = _PARENT_AFTER.match(text, end)
    if not m:
        return None
    words = m.group(1).split()
    while words and words[-1] in ("and", "of", "&"):
        words.pop()
    return " ".join(words) or None
