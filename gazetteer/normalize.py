"""Name keys: folding, generic-word stripping and South Asian transliteration keys.

The same functions build the index (``gazetteer.build``) and read it, so a key computed at
query time always meets the key stored at build time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Letters NFKD does not decompose into an ASCII base.
_SPECIAL = str.maketrans({
    "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe",
    "Œ": "oe", "đ": "d", "Đ": "d", "ð": "d", "þ": "th", "ı": "i", "ʻ": "", "ʼ": "", "ʿ": "",
    "ʾ": "", "‘": "", "’": "", "`": "", "´": "", "'": "", ".": "",
})
_SEPARATORS = re.compile(r"[\s\-_/,;:()\[\]\"“”«»|+*]+")

# Words that describe what a place is rather than name it: stripped before lookup.
GENERIC_WORDS = frozenset({
    "sector", "subsector", "sub sector", "district", "districts", "tehsil", "tahsil", "taluk",
    "taluka", "valley", "loc", "border", "area", "region", "town", "village", "city",
    "province", "division", "block", "municipality", "county", "state", "governorate",
    "prefecture", "oblast", "cantonment", "the", "of", "near", "along",
})
# A generic word only leaves when something else remains ("Valley" alone stays "valley").
_GENERIC_RE = re.compile(r"\b(?:sub sector|" + "|".join(
    sorted((w for w in GENERIC_WORDS if " " not in w), key=len, reverse=True)) + r")\b")


@lru_cache(maxsize=262_144)
def fold(text: str) -> str:
    """Fold a name to its matching key: lower case, no diacritics, no punctuation.

    Parameters
    ----------
    text : str
        Any place name.

    Returns
    -------
    str
        ``"Bāramūla"`` -> ``"baramula"``; ``"R.S. Pora"`` -> ``"rs pora"``; ``"J&K"`` -> ``"j and k"``.
    """
    text = text.translate(_SPECIAL).replace("&", " and ")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SEPARATORS.sub(" ", text.casefold()).strip()


def strip_generic(key: str) -> str:
    """Remove generic words ("sector", "district", "LoC", ...) from a folded key.

    Returns the key unchanged when nothing but generic words would remain.
    ``"new"`` and ``"old"`` are never stripped.
    """
    stripped = " ".join(_GENERIC_RE.sub(" ", key).split())
    return stripped or key


# Compass words that name a part of a place: "Northern Europe", "South West England".
DIRECTION_WORDS = frozenset({"north", "south", "east", "west", "central", "northern", "southern", "eastern",
                             "western", "upper", "lower", "northeast", "northwest", "southeast", "southwest",
                             "north eastern", "north western", "south eastern", "south western"})


_COMPASS_FORMS = {"north": "northern", "south": "southern", "east": "eastern", "west": "western"}
_COMPASS_FORMS.update({v: k for k, v in _COMPASS_FORMS.items()})


def compass_variants(key: str) -> list[str]:
    """The key with one compass word in its other form: "south darfur" <-> "southern darfur"."""
    words = key.split()
    return [" ".join([*words[:i], _COMPASS_FORMS[w], *words[i + 1:]])
            for i, w in enumerate(words) if w in _COMPASS_FORMS]


def strip_direction(key: str) -> str:
    """Drop leading compass words from a folded key ("south west england" -> "england").

    Returns ``""`` when the key does not start with one or nothing else would remain.
    """
    words = key.split()
    i = 0
    while i < len(words) - 1 and words[i] in DIRECTION_WORDS:
        i += 1
    return " ".join(words[i:]) if i else ""


_TRANSLIT_RULES = (
    (re.compile(r"(pora|pura|pore|puri|poor|pour)$"), "pur"),
    (re.compile(r"([kgcjtdpbs])h"), r"\1"),   # aspirates: kh, gh, chh, jh, th, dh, ph, bh, sh
    (re.compile(r"oo"), "u"),
    (re.compile(r"ee"), "i"),
    (re.compile(r"ou"), "au"),
    (re.compile(r"w"), "v"),
    (re.compile(r"z"), "j"),
    (re.compile(r"y"), "i"),
    (re.compile(r"(.)\1+"), r"\1"),           # doubled letters
    (re.compile(r"([^aeiou])e$"), r"\1"),     # Surankote -> Surankot
    (re.compile(r"ai"), "e"),                 # Gurais/Gurez-style ai/e
    (re.compile(r"(.)\1+"), r"\1"),
)


@lru_cache(maxsize=262_144)
def translit_key(key: str) -> str:
    """South Asian romanisation key of a folded name.

    Rajouri/Rajauri/Rajaori, Akhnoor/Akhnur, Baramulla/Baramula, Sopore/Sopur,
    Bandipora/Bandipura and Awantipora/Awantipur each share one key.

    Parameters
    ----------
    key : str
        A folded name (see :func:`fold`).

    Returns
    -------
    str
        The key, or ``""`` for names too short to key safely (under 4 letters).
    """
    text = key.replace(" ", "")
    if len(text) < 4 or not text.isascii() or not text.isalpha():
        return ""
    for pattern, repl in _TRANSLIT_RULES:
        text = pattern.sub(repl, text)
    # Vowel quality is the least stable part of a romanisation: au/ao/a, u/o, i/e.
    text = text.replace("au", "a").replace("ao", "a").replace("o", "u").replace("e", "i")
    return "~" + text if len(text) >= 3 else ""


@lru_cache(maxsize=262_144)
def skeleton_key(key: str) -> str:
    """Consonant skeleton of a transliteration key: Pehalgam/Pahalgam, Sundarbani/Sunderbani.

    Many places share a skeleton, so it is only used where context narrows the candidates.
    Returns ``""`` for keys too short to be useful (under 4 consonants).
    """
    tk = translit_key(key)
    if not tk:
        return ""
    body = tk[1:]
    consonants = body[0] + "".join(ch for ch in body[1:] if ch not in "aeiou")
    return "^" + consonants if len(consonants) >= 4 else ""
