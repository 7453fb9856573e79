"""From article text to event records: place mentions, dates and incident cues per sentence.

The steps, one module each: :mod:`geo.extract_text` (loading, dateline, sentences),
:mod:`gazetteer.mentions` (place mentions), :mod:`geo.extract_dates` (date expressions),
:mod:`geo.extract_incidents` (event type, fatalities, actors). This module joins them:
mentions of a whole article are resolved together (``Gazetteer.resolve_document``), then each
sentence with an incident cue becomes one record per place it reports the incident at.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gazetteer import fold
from gazetteer.mentions import Mention, MentionMatcher
from geo.errors import InputError
from geo.extract_dates import DAY, DateRef, find_dates
from geo.extract_incidents import STRATEGIC, VIOLENT, Cue, find_actors, find_cue, find_fatalities
from geo.extract_text import Article, article_paths, load_article, split_sentences

#: Record schema columns of an extracted record, in output order.
RECORD_COLUMNS = (
    "event_id_cnty", "event_date", "end_date", "time_precision", "event_type", "sub_event_type",
    "actor1", "actor2", "country", "admin1", "admin2", "location", "latitude", "longitude",
    "geo_precision", "fatalities", "notes", "source",
)
#: Where a record comes from: the article, the sentence (offsets in the article text) and how sure.
PROVENANCE_COLUMNS = (
    "article", "sentence_start", "sentence_end", "sentence", "extract_confidence", "extract_flags",
)
#: Columns written by ``incidentmap extract``.
OUTPUT_COLUMNS = RECORD_COLUMNS + PROVENANCE_COLUMNS
#: Columns of :func:`read_articles`: the output columns plus the accounting that the record
#: reader takes over (``source_file`` the article, ``source_line`` the sentence's line).
COLUMNS = OUTPUT_COLUMNS + ("source_file", "source_line")

#: Place kinds that stand for a whole country or a large area.
_COUNTRY_KINDS = {"country", "continent"}
#: "X, Y": a mention followed by its parent place.
_PARENT_AFTER = re.compile(r",\s*[A-Z]")
#: A mention followed by one of these words names an area ("Poonch district").
_AREA_AFTER = re.compile(r"\s+(?:district|province|state|region|division|governorate|county)s?\b", re.I)
#: Words before a country name that make it the scene of an incident ("in Laos"), not an actor.
_LOCATIVE = re.compile(r"\b(?:in|at|inside|into|across|within|throughout|near|over|along|on)\s+(?:the\s+)?$", re.I)
#: How long an undated incident may lie before the publication date (days).
UNDATED_REACH = 6

_MATCHERS: dict[str, MentionMatcher] = {}
#: The matcher of each gazetteer object seen (a gazetteer's names never change): saves
#: stat-ing its data files for every article.
_BY_GAZETTEER: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def matcher_for(gazetteer) -> MentionMatcher:
    """The mention matcher over `gazetteer`'s names, built once per names set in this process
    (and cached on disk between processes), keyed by the gazetteer's data and override files."""
    try:
        return _BY_GAZETTEER[gazetteer]
    except (KeyError, TypeError):  # TypeError: an object without weak references
        pass
    key = _gazetteer_digest(gazetteer)
    if key not in _MATCHERS:
        _MATCHERS[key] = MentionMatcher.cached(gazetteer.names(), key)
    try:
        _BY_GAZETTEER[gazetteer] = _MATCHERS[key]
    except TypeError:
        pass
    return _MATCHERS[key]


def _gazetteer_digest(gazetteer) -> str:
    """Identify a gazetteer's names by its data files and override files (path, size, mtime)."""
    import gazetteer as package

    parts = []
    folder = Path(package.__file__).parent / "data"
    overrides = [Path(p) for p in (getattr(gazetteer, "overrides", None) or ())]
    for path in sorted(folder.glob("*")) + overrides:
        try:
            st = path.stat()
        except OSError:
            continue
        parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}")
    return "|".join(parts)


def _default_gazetteer(gazetteer):
    if gazetteer is not None:
        return gazetteer
    from gazetteer import Gazetteer

    return Gazetteer.load()


@dataclass
class ResolvedMention:
    """A mention with its resolution (None when the gazetteer could not place it)."""

    mention: Mention
    resolution: Any
    area_word: bool = False  # followed by "district", "province", "state", ...

    @property
    def place(self):
        return self.resolution.place if self.resolution is not None else None


@dataclass
class ArticleResult:
    """Everything extracted from one article."""

    article: Article
    mentions: list[ResolvedMention] = field(default_factory=list)
    records: list[dict[str, Any]] = field(default_factory=list)
    #: sentences with an incident cue that gave no record: (line, sentence start, reason)
    skipped: list[tuple[int, int, str]] = field(default_factory=list)


def find_mentions(article: Article, gazetteer) -> list[ResolvedMention]:
    """Find and resolve the place mentions of an article.

    Names are resolved together (``resolve_document``) so the article's places disambiguate
    each other; demonyms ("Pakistani") resolve as their country, in the context of the others.
    """
    matcher = matcher_for(gazetteer)
    mentions = matcher.find(article.text)
    mentions = sorted(mentions + _probe(article.text, mentions, gazetteer), key=lambda m: m.start)
    names = [m for m in mentions if m.demonym is None]
    # one span per distinct name (repeats resolve the same way), the first "X, Y" one if any
    first: dict[str, Mention] = {}
    for m in names:
        key = fold(m.surface)
        if key not in first or (_PARENT_AFTER.match(article.text, m.end) and
                                not _PARENT_AFTER.match(article.text, first[key].end)):
            first[key] = m
    unique = list(first.values())
    resolutions = gazetteer.resolve_document(article.text, [(m.start, m.end) for m in unique]) if unique else []
    by_key = {fold(m.surface): r for m, r in zip(unique, resolutions)}
    by_start = {m.start: by_key[fold(m.surface)] for m in names}
    demonyms = sorted({m.demonym for m in mentions if m.demonym})
    if demonyms:
        from gazetteer import Context

        ctx = Context(names=tuple(dict.fromkeys(m.surface for m in names)))
        by_country = dict(zip(demonyms, gazetteer.resolve_many([(d, ctx) for d in demonyms])))
    out = []
    for m in mentions:
        res = by_country[m.demonym] if m.demonym else by_start.get(m.start)
        area = _AREA_AFTER.match(article.text, m.end) is not None
        out.append(ResolvedMention(m, res, area))
    return out


_WORD = r"[A-Z][a-z\u00C0-\u024F'’-]+(?:\s[A-Z][a-z\u00C0-\u024F'’-]+)?"
_LIST_NEXT = re.compile(r"(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(" + _WORD + r")\b")
_LIST_PREV = re.compile(r"\b(" + _WORD + r"),\s*$")
_AFTER_LOCATIVE = re.compile(r"\b(?:in|at|near|from|outside|around|inside|of)\s+(" + _WORD + r")\b")


def _probe(text: str, mentions: list[Mention], gazetteer) -> list[Mention]:
    """Names the automaton does not hold verbatim but the resolver knows as spelling variants
    ("Rajouri" for GeoNames' Rajaori): capitalised words listed beside a found place
    ("Poonch, Rajouri and Akhnoor") or after "in"/"at"/"near", kept when the gazetteer
    resolves them without fuzzy matching."""
    from gazetteer.mentions import STOP_WORDS

    taken = bytearray(len(text) + 1)  # 1 where a mention already sits
    for m in mentions:
        taken[m.start:m.end] = b"\x01" * (m.end - m.start)
    found: list[Mention] = []
    spans: list[tuple[int, int]] = []
    queue = [m for m in mentions if m.demonym is None]
    for m in _AFTER_LOCATIVE.finditer(text):
        spans.append(m.span(1))
    while queue:
        m = queue.pop()
        nxt = _LIST_NEXT.match(text, m.end)
        prev = _LIST_PREV.search(text[max(0, m.start - 40):m.start])
        if nxt:
            spans.append(nxt.span(1))
        if prev:
            base = max(0, m.start - 40)
            spans.append((base + prev.start(1), base + prev.end(1)))
        for s, e in spans:
            if taken.find(1, s, e) >= 0:
                continue
            surface = text[s:e]
            if surface.lower() in STOP_WORDS or any(w.lower() in STOP_WORDS for w in surface.split()):
                continue
            res = gazetteer.resolve(surface)
            if res.place is None or res.confidence < 0.6 or "fuzzy" in res.reason:
                continue
            mention = Mention(s, e, surface, 0)
            found.append(mention)
            taken[s:e] = b"\x01" * (e - s)
            queue.append(mention)
        spans = []
    return found


def mention_dict(article: Article, rm: ResolvedMention) -> dict[str, Any]:
    """The JSON object of one mention for ``extract --mentions``."""
    res = rm.resolution.to_dict() if rm.resolution is not None else {}
    res.pop("candidates", None)
    return {
        "file": article.file, "start": rm.mention.start, "end": rm.mention.end,
        "surface": rm.mention.surface, "mention": "demonym" if rm.mention.demonym else "name",
        **{k: res.get(k) for k in ("name", "lat", "lon", "geonameid", "country", "admin1", "admin2",
                                   "kind", "precision_km", "geo_precision", "confidence", "reason", "source")},
    }


def extract_article(article: Article, gazetteer) -> ArticleResult:
    """Extract mentions and event records from one loaded article.

    Parameters
    ----------
    article : a loaded :class:`~geo.extract_text.Article`
    gazetteer : a ``gazetteer.Gazetteer``

    Returns
    -------
    ArticleResult with every mention and the records (dicts with :data:`COLUMNS`).
    """
    result = ArticleResult(article, find_mentions(article, gazetteer))
    text = article.text
    body = [m for m in result.mentions if m.mention.start >= article.body_start]
    area: ResolvedMention | None = None  # the last region named so far: scene of placeless violence
    country_names = {m.place.country: m.place.name for m in result.mentions
                     if m.place is not None and m.place.kind == "country"}
    raw: list[dict[str, Any]] = []
    source = _source(article)
    starts = [m.mention.start for m in body]  # in text order, like the sentences
    for s, e in split_sentences(text, article.body_start):
        sentence = text[s:e]
        inside = body[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
        cue = find_cue(sentence)
        places = _incident_places(text, inside) if cue else []
        if cue and not places and cue.event_type in VIOLENT and area is not None:
            places = [area]
            fallback = True
        else:
            fallback = False
        for m in inside:
            p = m.place
            if p is not None and m.mention.demonym is None and p.kind in ("admin1", "region"):
                area = m
        if not cue:
            continue
        if not places:
            result.skipped.append((text.count("\n", 0, s) + 1, s, f"incident cue {cue.text!r} but no place "
                                   "the incident happened at"))
            continue
        raw.extend(_records(article, s, e, cue, places, inside, fallback, country_names, source))
    result.records = _merge(raw)
    stem = Path(article.file).stem if article.file != "-" else "stdin"
    for n, rec in enumerate(result.records, 1):
        rec["event_id_cnty"] = f"{stem}:{n}"
    return result


def _incident_places(text: str, inside: list[ResolvedMention]) -> list[ResolvedMention]:
    """The places of a sentence where its incident happened.

    Demonyms and unresolved names never are; a country only after a locative word ("in Laos",
    not "Pakistan has been violating" or "Japan's minister"); a place that contains another
    place of the sentence gives way to it ("Jammu and Kashmir's Pahalgam" -> Pahalgam).
    """
    cands = [m for m in inside if m.mention.demonym is None and m.place is not None]
    keep = []
    for m in cands:
        if m.place.kind in _COUNTRY_KINDS and not _LOCATIVE.search(text[max(0, m.mention.start - 20):m.mention.start]):
            continue
        keep.append(m)
    out = []
    for m in keep:
        if any(o is not m and _contains(text, m, o) for o in keep):
            continue
        if any(o is not m and o.place == m.place for o in out):
            continue
        out.append(m)
    return out


_RANK = {"country": 4, "continent": 5, "admin1": 3, "region": 3, "admin2": 2,
         "capital": 1, "city": 1, "town": 1}


def _rank(m: ResolvedMention) -> int:
    """How large a place is: 0 spots and villages, 1 towns and cities, 2 districts, 3 states,
    4 countries; a name followed by "district", "province", ... counts as that area."""
    rank = _RANK.get(m.place.kind, 0)
    return max(rank, 2) if m.area_word else rank


def _contains(text: str, big: ResolvedMention, small: ResolvedMention) -> bool:
    """True when `big` is a larger area that holds `small` (by admin chain or by the wording)."""
    b, s = big.place, small.place
    if _rank(big) <= _rank(small):
        return False
    if b.kind in _COUNTRY_KINDS and b.country and b.country == s.country:
        return True
    if b.kind in ("admin1", "region") and s.admin1 and _same(s.admin1, b.name):
        return True
    if b.kind == "admin2" and s.admin2 and _same(s.admin2, b.name):
        return True
    if _rank(big) >= 2 and _rank(small) < 2:
        return True  # a district, state or region beside a town of the same sentence
    between_after = text[big.mention.end:small.mention.start]
    between_before = text[small.mention.end:big.mention.start]
    # "Delhi's Manekshaw Centre"; "villages of Poonch district, including Mendhar"
    if _HOLDS_AFTER.fullmatch(between_after):
        return True
    # "Manekshaw Centre, Delhi", "Mendhar in Poonch", "Uri sector of Baramulla"
    return bool(_HELD_BEFORE.fullmatch(between_before))


_HOLDS_AFTER = re.compile(r"['’]s?\s*(?:\([^)]{0,20}\)\s*)?|\s+\w+,?\s+(?:including|such as|like)\s+")
_HELD_BEFORE = re.compile(r"\s*(?:,|\b(?:in|of)\b|\b(?:sector|area|district|tehsil|town|village)\s+(?:of|in)\b)\s*"
                          r"(?:the\s+)?", re.I)
_NON_WORD = re.compile(r"\W+")


def _same(a: str, b: str) -> bool:
    return _NON_WORD.sub("", a.lower()) == _NON_WORD.sub("", b.lower())


def _sentence_date(sentence: str, cue: Cue, pub: dt.date | None) -> tuple[DateRef | None, list[str]]:
    """The date expression of a sentence nearest to its incident cue."""
    refs = find_dates(sentence, pub)
    if not refs:
        return None, []
    mid = (cue.start + cue.end) / 2
    ref = min(refs, key=lambda r: min(abs(r.start - mid), abs(r.end - mid)))
    return ref, [f"date '{ref.text}' is an open reference; span estimated"] if ref.imprecise else []


def _records(article: Article, s: int, e: int, cue: Cue, places: list[ResolvedMention],
             inside: list[ResolvedMention], fallback: bool, country_names: dict[str, str],
             source: str) -> list[dict[str, Any]]:
    sentence = article.text[s:e]
    ref, flags = _sentence_date(sentence, cue, article.pub_date)
    if ref is not None:
        first, last, precision, explicit = ref.first, ref.last, ref.precision, True
    elif article.pub_date is not None:
        first, last, precision, explicit = article.pub_date - UNDATED_REACH * DAY, article.pub_date, 2, False
        flags.append("no date in the sentence: the week before publication")
    else:
        first = last = None
        precision, explicit = 0, False
        flags.append("no date in the sentence and no publication date (use --date)")
    if fallback:
        flags.append("no place in the sentence: the article's area")
    countries = [(m.mention.start - s, m.mention.demonym) for m in inside if m.mention.demonym]
    countries += [(m.mention.start - s, m.place.name) for m in inside
                  if m.mention.demonym is None and m.place is not None and m.place.kind == "country"
                  and m not in places]
    hosts = {places[0].place.country} if places else set()
    host = next((name for code, name in country_names.items() if code in hosts), "")
    actor1, actor2 = find_actors(sentence, countries, cue, host)
    fatalities = find_fatalities(sentence)
    if fatalities is None and cue.event_type == STRATEGIC:
        fatalities = 0
    if fatalities and len(places) > 1:
        flags.append(f"{fatalities} fatalities reported for {len(places)} places together")
        fatalities = None
    line = article.text.count("\n", 0, s) + 1
    notes = " ".join(sentence.split())[:500]
    out = []
    for m in places:
        p = m.place
        conf = m.resolution.confidence * (0.9 if explicit else 0.6) * (0.6 if fallback else 1.0)
        out.append({
            "event_date": first.isoformat() if first else "",
            "end_date": last.isoformat() if last else "",
            "time_precision": str(precision) if precision else "",
            "event_type": cue.event_type, "sub_event_type": cue.sub_event_type,
            "actor1": actor1, "actor2": actor2,
            "country": p.country, "admin1": p.admin1, "admin2": p.admin2,
            "location": p.name if fallback else m.mention.surface,
            "latitude": f"{p.lat:.5f}", "longitude": f"{p.lon:.5f}",
            "geo_precision": str(3 if fallback else p.geo_precision),
            "fatalities": "" if fatalities is None else str(fatalities),
            "notes": notes,
            "source": source,
            "article": article.file, "sentence_start": str(s), "sentence_end": str(e),
            "sentence": sentence, "extract_confidence": f"{conf:.2f}", "extract_flags": "; ".join(flags),
            "source_file": article.file, "source_line": line,
            "_place": p, "_explicit": explicit, "_weak": cue.weak,
        })
    return out


def _source(article: Article) -> str:
    name = "stdin" if article.file == "-" else Path(article.file).name
    return f"{name} ({article.pub_date.isoformat()})" if article.pub_date else name


def _merge(raw: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Merge records of one article that report the same incident again.

    Same place and kind with overlapping dates (or no date of their own) are one incident ("the
    Pahalgam attack"): the first dated record keeps its provenance, fatalities take the highest
    count. A casualty-only sentence ("three people were killed in Mendhar") adds its toll to an
    earlier incident at the same place.
    """
    kept: list[dict[str, Any]] = []
    for rec in raw:
        if rec["_weak"]:
            twin = next((k for k in reversed(kept) if k["_place"] == rec["_place"]), None)
        else:
            twin = next((k for k in kept if k["_place"] == rec["_place"] and not k["_weak"]
                         and k["event_type"] == rec["event_type"] and k["sub_event_type"] == rec["sub_event_type"]
                         and (not rec["_explicit"] or not k["_explicit"] or _overlap(k, rec))), None)
        if twin is None:
            kept.append(rec)
            continue
        if rec["_explicit"] and not twin["_explicit"] and not rec["_weak"]:
            rec["fatalities"] = _max_fatal(twin["fatalities"], rec["fatalities"])
            kept[kept.index(twin)] = rec
        else:
            twin["fatalities"] = _max_fatal(twin["fatalities"], rec["fatalities"])
    for rec in kept:
        del rec["_place"], rec["_explicit"], rec["_weak"]
    return kept


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["event_date"] <= b["end_date"] and b["event_date"] <= a["end_date"]


def _max_fatal(a: str, b: str) -> str:
    values = [int(v) for v in (a, b) if v != ""]
    return str(max(values)) if values else ""


def _parse_date(date) -> dt.date | None:
    if date is None or isinstance(date, dt.date):
        return date
    try:
        return dt.date.fromisoformat(str(date).strip())
    except ValueError:
        raise InputError(f"expected a date as YYYY-MM-DD, got {date!r}", file="--date") from None


def extract(paths, gazetteer=None, date=None) -> list[ArticleResult]:
    """Extract mentions and records from articles.

    Parameters
    ----------
    paths : file paths, folders (their .txt/.md/.html files) or "-" for stdin
    gazetteer : a ``gazetteer.Gazetteer`` (default: the bundled one)
    date : publication date (``datetime.date`` or "YYYY-MM-DD") that overrides the articles' own

    Raises
    ------
    InputError
        A path is missing or unreadable, or `date` is not a date.
    """
    gz = _default_gazetteer(gazetteer)
    pub = _parse_date(date)
    results = []
    for path in article_paths([str(p) for p in paths]):
        article = load_article(path, pub)
        results.append(extract_article(article, gz))
    return results


def read_articles(paths, gazetteer=None, date=None):
    """Read articles into event records, one row per record.

    Parameters
    ----------
    paths : iterable of paths (files, folders, "-")
    gazetteer : a ``gazetteer.Gazetteer`` (default: the bundled one)
    date : publication date overriding the articles' own ("YYYY-MM-DD" or ``datetime.date``)

    Returns
    -------
    pandas.DataFrame
        String columns with the record schema names (:data:`RECORD_COLUMNS`) and provenance
        (:data:`PROVENANCE_COLUMNS`; ``source_line`` is the sentence's 1-based line, an int).
    """
    import pandas as pd

    rows = [rec for r in extract(paths, gazetteer, date) for rec in r.records]
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    for name in COLUMNS:
        if name != "source_line":
            frame[name] = frame[name].astype("str")
    frame["source_line"] = frame["source_line"].astype("int64")
    return frame
