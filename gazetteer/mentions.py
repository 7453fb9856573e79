"""Find place-name mentions in text with one Aho-Corasick automaton over the gazetteer's names.

The text is folded like the gazetteer's keys: apostrophes and full stops dropped ("U.S." ->
"us", with a map back to the original offsets), lower case without diacritics, every other
character that is not a letter, digit or "&" a space; keys are padded with spaces, so a match
always sits on word boundaries. Candidates then pass capitalisation cues,
a stop list of common words that are also place names, and context rules (person names,
organisations, "Ebola virus"). Demonyms ("Pakistani") are found too, flagged as weak evidence.

The automaton is built once per process and names set, and pickled to
``$XDG_CACHE_HOME/incidentmap`` (default ``~/.cache/incidentmap``): building it over ~660k
names takes 3-8 s, loading the pickle 0.3-0.6 s.
"""

from __future__ import annotations

import bisect
import hashlib
import math
import os
import pickle
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import ahocorasick

#: Version of the key scheme; part of the on-disk cache key.
KEY_VERSION = "3"

# Demonyms and adjectives of countries (and a few regions): weak evidence for the place.
DEMONYMS: dict[str, str] = {}
for _country, _forms in {
    "Afghanistan": "Afghan Afghans Afghani", "Pakistan": "Pakistani Pakistanis", "India": "Indian Indians",
    "Bangladesh": "Bangladeshi Bangladeshis", "Nepal": "Nepali Nepalese", "Sri Lanka": "Sri Lankan Sri Lankans",
    "Bhutan": "Bhutanese", "Maldives": "Maldivian", "Myanmar": "Burmese Myanmarese", "China": "Chinese",
    "Japan": "Japanese", "South Korea": "South Korean South Koreans", "North Korea": "North Korean North Koreans",
    "Taiwan": "Taiwanese", "Mongolia": "Mongolian", "Vietnam": "Vietnamese", "Thailand": "Thai",
    "Laos": "Lao Laotian", "Cambodia": "Cambodian", "Malaysia": "Malaysian Malaysians",
    "Indonesia": "Indonesian Indonesians", "Philippines": "Philippine Filipino Filipinos",
    "Singapore": "Singaporean", "Australia": "Australian Australians", "New Zealand": "New Zealander",
    "Iran": "Iranian Iranians", "Iraq": "Iraqi Iraqis", "Syria": "Syrian Syrians", "Israel": "Israeli Israelis",
    "Palestine": "Palestinian Palestinians", "Lebanon": "Lebanese", "Jordan": "Jordanian",
    "Saudi Arabia": "Saudi Saudis", "Yemen": "Yemeni Yemenis", "Turkey": "Turkish", "Egypt": "Egyptian Egyptians",
    "Libya": "Libyan Libyans", "Sudan": "Sudanese", "Ethiopia": "Ethiopian Ethiopians", "Somalia": "Somali Somalis",
    "Kenya": "Kenyan Kenyans", "Nigeria": "Nigerian Nigerians", "South Africa": "South African South Africans",
    "Uganda": "Ugandan", "Congo": "Congolese", "Ghana": "Ghanaian", "Mexico": "Mexican Mexicans",
    "United States": "American Americans", "Canada": "Canadian Canadians", "Brazil": "Brazilian Brazilians",
    "Argentina": "Argentine Argentinian", "Chile": "Chilean", "Peru": "Peruvian", "Colombia": "Colombian",
    "Venezuela": "Venezuelan", "Cuba": "Cuban", "United Kingdom": "British Briton Britons",
    "France": "French", "Germany": "German Germans", "Italy": "Italian Italians", "Spain": "Spanish",
    "Portugal": "Portuguese", "Netherlands": "Dutch", "Belgium": "Belgian", "Switzerland": "Swiss",
    "Austria": "Austrian", "Sweden": "Swedish", "Norway": "Norwegian", "Denmark": "Danish",
    "Finland": "Finnish", "Poland": "Polish", "Russia": "Russian Russians", "Ukraine": "Ukrainian Ukrainians",
    "Greece": "Greek Greeks", "Ireland": "Irish", "Scotland": "Scottish", "Wales": "Welsh",
    "England": "English", "Europe": "European Europeans", "Africa": "African Africans", "Asia": "Asian Asians",
    "Kashmir": "Kashmiri Kashmiris", "Punjab": "Punjabi", "Baluchistan": "Baloch Baluch",
    "Qatar": "Qatari", "Kuwait": "Kuwaiti", "Oman": "Omani", "Bahrain": "Bahraini",
    "United Arab Emirates": "Emirati", "Hungary": "Hungarian", "Romania": "Romanian", "Serbia": "Serbian",
    "Czech Republic": "Czech", "Uzbekistan": "Uzbek", "Kazakhstan": "Kazakh", "Tajikistan": "Tajik",
}.items():
    for _form in re.findall(r"(?:Sri |South |North |New )?\w+", _forms):
        DEMONYMS[_form] = _country
_DEMONYM_LIST = sorted(set(DEMONYMS))

#: Common words that are also place names: kept only after a locative cue ("in Reading").
STOP_WORDS = frozenset("""
of the a an and or but in on at to by for from with as is it its he she her his him we they them their
this that these those there here who what which why how yes no not so if then than too very just even
after before during while when where however also both some many most other such only several more much
all any each every few less least own same one two three four five six seven eight nine ten eleven twelve
hundred thousand million earlier later last next first second third new old great little big long early
late good best better high low top major minor main full real free open close clear green white black red
blue orange brown gold silver golden star sun moon rock hill lake river bay beach park forest spring
summer winter fall autumn man men woman women people home house office school market bank post press
times news mail globe herald tribune express guardian chronicle observer deal mobile nice reading bath
police government army hospital university college church temple centre center union independence liberty
aurora hope paradise unity progress friendship enterprise commerce industry justice freedom mission health
ministry department bureau agency institute council committee commission board minister president
general prime plant animal farm cases case samples sample plans plan visa over under about around against
monday tuesday wednesday thursday friday saturday sunday january february march april may june july
august september october november december god allah christ jesus mary said says will can might would
could should must national international federal state central north south east west northern southern
eastern western world earth media day night time year week month today tomorrow chance victory alliance
republic kingdom empire city town village district province county region area valley sector border
island islands coast capital ebola zika marburg lyme nipah hendra reston swine avian flu virus media
energy oil gas power water fire court law order peace war battle defence defense security officials
official authorities doctor doctors patient patients public private local regional global human
according despite because since until although though whether however meanwhile snow rain wind storm
""".split())

#: Words that may precede a place name inside a capitalised run ("North Waziristan", "Upper Dir").
_LEFT_OK = frozenset("""
north south east west northern southern eastern western central upper lower greater inner outer old new
mid northeast northwest southeast southwest in at on from the a to of near by for and with across into
during after before since as
""".split())
#: Capitalised words that may follow a place name ("Kupwara District", "Delhi Police").
_RIGHT_OK = frozenset("""
government army navy forces governor mayor premier province district city county state region valley
sector islands island border division tehsil municipality prefecture governorate oblast parish
metropolitan area zone range mountains hills river lake bay gulf sea ocean coast cantonment cantt
tehsils districts provinces states regional
""".split())
_DISEASE_AFTER = re.compile(r"\s+(?:virus|viruses|ebolavirus|fever|flu|disease|syndrome|strain|vaccine|vaccines|hemorrhagic|haemorrhagic)\b", re.I)
_LOCATIVE_BEFORE = re.compile(r"(?:\b(?:in|at|near|to|from|outside|inside|across|into|towards?|around|via|along)\s+(?:the\s+)?)$", re.I)
_TITLES = frozenset("""
general gen president minister prime mr mrs ms dr sir lord lady king queen prince princess senator
governor mayor colonel col captain capt major maj chief judge justice pope sheikh imam bishop father
brother sister san sahib saheb shri sri smt lt brigadier commander admiral marshal secretary director
""".split())
_OPENERS = frozenset("""
yesterday today tonight meanwhile however earlier later also then now but and so thus since after
before when while although though as if in on at from overnight separately elsewhere last this that
police officials residents troops militants protesters villagers authorities reports witnesses
""".split())
_MONTHS = frozenset("january february march april may june july august september october november december".split())
#: Single words that are never a place in running text, even after "in" ("in June", "at the
#: University of ..."): months, titles, institutions, pronouns.
_NEVER = _MONTHS | _TITLES | frozenset("""
university college school hospital center centre department ministry bureau agency institute council
committee commission board office court my our your their his her i st mt
""".split())
_CONNECTORS = frozenset("of and the de del la le du da di al el on upon am im sur en y i des los las e d".split())
#: Short all-capital words that are never places in running text, whatever the gazetteer holds.
_SHORT_CAPS_NO = frozenset("IT AM PM TV ID UN AP OK CEO USD EUR GDP AFP PTI ANI BBC CNN NHS WHO CDC FAO HIV "
                           "IED LOC BSF MEA ISI RAW NIA FIR".split())

# the patterns of the context rules (MentionMatcher._accept)
_WORDS = re.compile(r"[^\W\d_][\w'’.-]*|\d+")
_AMP_DOT = re.compile(r"[&.]")
_ELIDED = re.compile(r"\w['’]")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'-]+\b")
_OPENING = re.compile(r"[.!?:;\"“‘(\n]\s*$")
_LEFT_WORD = re.compile(r"([A-Z][\w'’-]*)[ ]$")
_OPENS_WITH_WORD = re.compile(r"[.!?\"“(\n]\s*[A-Z][\w'’.-]*[ ]$")
_HYPHEN_BEFORE = re.compile(r"\w[-‐]$")
_HYPHEN_AFTER = re.compile(r"[-‐][A-Z]")
_DIGIT_AFTER = re.compile(r"\s*\d")
_DIGIT_BEFORE = re.compile(r"\d\s*$")
_RIGHT_WORD = re.compile(r"[ ]([A-Z][\w'’-]*)")
_INSTITUTION_AFTER = re.compile(r"[ ][A-Z][\w'’-]*[ ](?:University|College|Department|Police|Hospital|Board|"
                                r"Council|Commission|Bank|School|Zoo|Museum|Party|Times|Post|News)\b")

_FLAG_DEMONYM = 1 << 20
_LEN_SHIFT = 21


@dataclass(frozen=True)
class Mention:
    """A place-name mention found in a text.

    Attributes
    ----------
    start, end : character offsets in the text
    surface : ``text[start:end]``
    weight : the name's weight from the gazetteer (0..1023 scale, higher = more prominent)
    demonym : the country a demonym stands for ("Pakistani" -> "Pakistan"), else None
    """

    start: int
    end: int
    surface: str
    weight: int = 0
    demonym: str | None = None


# apostrophes and full stops vanish ("U.S." -> "us"), but the possessive "'s" stays a word apart
_DELETE_RE = re.compile(r"\.|['’‘ʻʼʿʾ`´](?![sS]\b)")
# every character but letters, digits, "&" and the space (which already is one) becomes a space
_NON_ALNUM = re.compile(r"[^\w& ]|_", re.UNICODE)
_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def _fold_char(ch: str) -> str:
    """One character folded to one: lower case without diacritics ("Ā" -> "a")."""
    low = ch.lower()
    if len(low) != 1:
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c))
    return base if len(base) == 1 else low


class _FoldTable(dict):
    """``str.translate`` table of :func:`_fold_char`, filled as characters turn up."""

    def __missing__(self, code: int) -> str:
        folded = self[code] = _fold_char(chr(code))
        return folded


_FOLD = _FoldTable()


def _fold_run(m: re.Match) -> str:
    return m.group().translate(_FOLD)


def normalize_for_match(text: str) -> tuple[str, list[int]]:
    """Fold `text` for matching: apostrophes and full stops removed ("U.S." -> "us"), lower
    case without diacritics, any other non-alphanumeric character (but "&") a space.

    Returns
    -------
    (folded text, shifts): ``shifts`` lets :func:`original_offset` map an index of the
    folded text back to `text`.
    """
    _kept, folded, shifts = _fold_text(text)
    return folded, shifts


def _fold_text(text: str) -> tuple[str, str, list[int]]:
    """:func:`normalize_for_match`, also returning `text` without the removed characters
    (its characters stand at the same indexes as those of the folded text)."""
    deleted = [m.start() for m in _DELETE_RE.finditer(text)]
    if deleted:  # every deletion is one character: cut around them
        text = "".join([text[a + 1:b] for a, b in zip([-1, *deleted], [*deleted, len(text)])])
    folded = text.lower()
    if len(folded) != len(text):  # a few characters lower-case to two ("İ"): one by one
        folded = "".join(_fold_char(c) for c in text)
    elif not folded.isascii():
        folded = _NON_ASCII_RUN.sub(_fold_run, folded)
    return text, _NON_ALNUM.sub(" ", folded), [d - k for k, d in enumerate(deleted)]


def original_offset(index: int, shifts: list[int]) -> int:
    """Map an index of the folded text (start of a match) back to the original text."""
    return index + bisect.bisect_right(shifts, index)


def _key_variants(key: str) -> list[str]:
    """A gazetteer key and its spellings with "&" ("j and k" -> "j&k", "jammu & kashmir")."""
    if " and " not in key:
        return [key]
    return [key, key.replace(" and ", "&"), key.replace(" and ", " & ")]


def _weight_code(weight: float) -> int:
    """Map a gazetteer weight (a 0..1 score or a population-like count) to 0..1023."""
    if weight <= 1:
        return max(0, min(1023, int(round(weight * 1000))))
    return max(0, min(1023, int(round(math.log10(weight + 1) * 100))))


class MentionMatcher:
    """Aho-Corasick matcher over place names plus demonyms.

    Parameters
    ----------
    names : iterable of (surface name, weight), e.g. ``Gazetteer.names()``
    """

    def __init__(self, names: Iterable[tuple[str, float]] | None = None, *, automaton=None) -> None:
        if automaton is not None:
            self.automaton = automaton
            return
        self.automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        best: dict[str, int] = {}
        for name, weight in names or ():
            code = _weight_code(weight)
            for key in _key_variants(normalize_for_match(name)[0].strip()):
                if len(key) < 2 or key.isdigit():
                    continue
                if best.get(key, -1) < code:
                    best[key] = code
        for key, code in best.items():
            self.automaton.add_word(f" {key} ", (len(key) << _LEN_SHIFT) | code)
        for index, form in enumerate(_DEMONYM_LIST):
            key = normalize_for_match(form)[0]
            self.automaton.add_word(f" {key} ", (len(key) << _LEN_SHIFT) | _FLAG_DEMONYM | index)
        self.automaton.make_automaton()

    @classmethod
    def cached(cls, names: Iterable[tuple[str, float]], cache_key: str) -> MentionMatcher:
        """Load the automaton for `cache_key` from the on-disk cache, or build and store it.

        The cache keeps the three newest pickled automata; loading one takes a tenth of the
        time of building.

        Parameters
        ----------
        names : the names to build from when the cache misses
        cache_key : identifies the names set (e.g. a digest of the gazetteer's data files)
        """
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "incidentmap"
        digest = hashlib.sha1(f"{KEY_VERSION}:{cache_key}".encode()).hexdigest()[:16]
        path = folder / f"mentions-{digest}.pickle"
        if path.exists():
            try:
                with path.open("rb") as f:
                    automaton = pickle.load(f)
                if isinstance(automaton, ahocorasick.Automaton):
                    return cls(automaton=automaton)
            except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
                pass  # a damaged cache file: rebuild below
        matcher = cls(names)
        tmp = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, prefix=".mentions-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                pickle.dump(matcher.automaton, f, protocol=5)
            os.replace(tmp, path)
            tmp = None
            # keep the three newest automata (e.g. with and without override files), drop older
            caches = sorted(folder.glob("mentions-*.pickle"), key=lambda p: p.stat().st_mtime, reverse=True)
            for old in caches[3:]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # no writable cache: fine, the next process builds again
        finally:
            if tmp is not None:
                Path(tmp).unlink(missing_ok=True)
        return matcher

    def find(self, text: str, start: int = 0, end: int | None = None) -> list[Mention]:
        """Return the place mentions of ``text[start:end]``, in text order, not overlapping.

        Parameters
        ----------
        text : the whole text (context rules look at its other words)
        start, end : the part to search
        """
        end = len(text) if end is None else end
        kept_chars, norm, shifts = _fold_text(text[start:end])
        candidates: list[tuple[int, int, int]] = []
        for last, value in self.automaton.iter(" " + norm + " "):
            # `last` is the padding space after the key in the padded text
            first = last - (value >> _LEN_SHIFT) - 1
            if not kept_chars[first].isupper():
                continue  # names and demonyms are capitalised in running text
            s = original_offset(first, shifts) + start
            e = original_offset(last - 2, shifts) + 1 + start
            candidates.append((s, e, value & ((1 << _LEN_SHIFT) - 1)))
        lower_words = set(_LOWER_WORD.findall(text)) if candidates else set()
        kept: list[Mention] = []
        covered = bytearray(len(text) + 1)
        persons: set[str] = set()
        for s, e, code in sorted(candidates, key=lambda c: (c[0] - c[1], c[0])):
            if covered.find(1, s, e) >= 0:
                continue
            surface = text[s:e]
            if code & _FLAG_DEMONYM:
                form = _DEMONYM_LIST[code & 0xFFFFF & ~_FLAG_DEMONYM]
                if surface.lower() == form.lower():
                    kept.append(Mention(s, e, surface, 0, DEMONYMS[form]))
                    covered[s:e] = b"\x01" * (e - s)
                continue
            verdict = self._accept(text, s, e, surface, lower_words, code & 0x3FF)
            if verdict is True:
                kept.append(Mention(s, e, surface, code & 0x3FF))
                covered[s:e] = b"\x01" * (e - s)
            elif verdict == "person":
                persons.add(surface)
        # a name seen once as part of a person's name ("Quinton Harden") is that person elsewhere
        kept = [m for m in kept if m.demonym or m.surface not in persons]
        kept.sort(key=lambda m: m.start)
        return kept

    @staticmethod
    def _accept(text: str, s: int, e: int, surface: str, lower_words: set[str], weight: int) -> bool | str:
        """Capitalisation cues, stop list and context rules for one candidate: True to keep it,
        False to drop it, "person" when it looks like part of a person's name."""
        words = _WORDS.findall(surface)
        if not words:
            return False
        if surface.isupper():
            # short acronyms only when the name is a country or region ("US", "UK", "NSW")
            if len(_AMP_DOT.sub("", surface)) <= 3 and (weight < 990 or surface.replace(".", "") in _SHORT_CAPS_NO):
                return False
        elif not all(w[0].isupper() or w.lower() in _CONNECTORS or w[0].isdigit() or _ELIDED.match(w)
                     for w in words) \
                or not surface[0].isupper():
            return False
        before = ("\n" if s < 40 else "") + text[max(0, s - 40):s]
        after = text[e:e + 40]
        single = len(words) == 1
        key = surface.lower()
        if single and (key in _NEVER or key in STOP_WORDS and not _LOCATIVE_BEFORE.search(before)):
            return False
        if after.startswith("$") or (surface.isupper() and len(surface) > 3 and f"({surface})" in text):
            return False  # "US$460"; an acronym the text spells out ("... Alliance (ALMA)")
        if _DISEASE_AFTER.match(after):
            return False
        # sentence start: a common word capitalised only because it opens the sentence
        opening = single and _OPENING.search(before) is not None
        if opening and key in lower_words:
            return False
        # inside a run of capitalised words: a person ("Rajnath Singh") or an organisation;
        # a capitalised word that opens the sentence counts only if it is a common word
        left = _LEFT_WORD.search(before)
        if left and left.group(1).lower() not in _LEFT_OK and not left.group(1).endswith(("'s", "’s")):
            opens = _OPENS_WITH_WORD.search(before) is not None
            word = left.group(1).lower()
            common = word in lower_words or word in _OPENERS or word.endswith(("ing", "ed", "ly"))
            if " " not in surface and (word in _TITLES or not common):
                return "person"  # "Mohammed Ali", "General Nakatani": other lone "Ali"s are him too
            if not opens or not common:
                return False
        # a low-weight name opening a sentence is more often a person or a common word
        if opening and weight < 450:
            return False
        # part of a hyphenated compound ("Indo-Pacific", "Meeting-Plus")
        if (("-" in before[-2:] or "‐" in before[-2:]) and _HYPHEN_BEFORE.search(before)) or (
                single and _HYPHEN_AFTER.match(after)):
            return False
        # a month next to a number is a date ("May 4-5", "5 May")
        if key in _MONTHS and (_DIGIT_AFTER.match(after) or _DIGIT_BEFORE.search(before)):
            return False
        right = _RIGHT_WORD.match(after)
        if right and right.group(1).lower() not in _RIGHT_OK:
            return False
        if right and _INSTITUTION_AFTER.match(after):
            return False  # "Ohio State University"
        return True
