"""Date expressions in article sentences, absolute or relative to the publication date.

Each expression becomes a :class:`DateRef`: a span of days [first, last], an ACLED
time_precision (1 day, 2 week, 3 month) and a flag for open, imprecise references
("days after", "recently") whose span is a guess.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from geo.extract_text import MONTH_RE, MONTHS

#: Month names in lower case: every pattern here runs on the lower-cased sentence (a
#: case-insensitive pattern is several times slower).
_MONTH = MONTH_RE.lower()

DAY = dt.timedelta(days=1)
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
NUMBER_WORDS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
}
#: How far back an open reference ("days after", "recently") may reach, in days.
OPEN_REACH = {"days": 30, "weeks": 60, "recently": 30}


@dataclass(frozen=True)
class DateRef:
    """A date expression found in a sentence.

    Attributes
    ----------
    start, end : offsets of the expression in the sentence
    first, last : the span of days it covers (inclusive)
    precision : ACLED time_precision, 1 day, 2 week, 3 month
    imprecise : True for open references whose span is an estimate
    explicit : False for a date inherited from the publication date ("today", "earlier in the day")
    """

    start: int
    end: int
    first: dt.date
    last: dt.date
    precision: int
    imprecise: bool = False
    text: str = ""


def _num(word: str) -> int | None:
    word = word.lower()
    return int(word) if word.isdigit() else NUMBER_WORDS.get(word)


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def _guess_year(month: int, day: int, pub: dt.date | None) -> int | None:
    """Year of a day named without one: the publication year, or the one before if that lies ahead."""
    if pub is None:
        return None
    try:
        candidate = dt.date(pub.year, month, day)
    except ValueError:
        return None
    return pub.year - 1 if candidate > pub + dt.timedelta(days=7) else pub.year


_N = r"(\d{1,3}|" + "|".join(k for k in NUMBER_WORDS if k != "a") + r"|a)"
_RANGE_MDD = re.compile(r"\b(?:(?:the\s+)?night\s+of\s+)?(" + _MONTH + r")\s+(\d{1,2})\s*(?:-|\u2013|/|to|and)\s*(\d{1,2})\b(?:,?\s+(\d{4}))?")
_RANGE_DDM = re.compile(r"\b(?:(?:the\s+)?night\s+of\s+)?(\d{1,2})\s*(?:-|\u2013|/|to|and)\s*(\d{1,2})\s+(" + _MONTH + r")(?:,?\s+(\d{4}))?")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MD = re.compile(r"\b(" + _MONTH + r")\s+(\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(\d{4}))?")
_DM = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(" + _MONTH + r")(?:,?\s+(\d{4}))?")
_MONTH_YEAR = re.compile(r"\b(?:(early|mid|late)[-\s])?(" + _MONTH + r")(?:,)?\s+(\d{4})\b")
_IN_MONTH = re.compile(r"\b(?:in|since|during|throughout|until|early|mid-|late)\s+(" + _MONTH + r")(?![\w-])(?!\s*\d)")
_IN_YEAR = re.compile(r"\b(?:in|during|since|throughout)\s+((?:19|20)\d{2})\b(?!-)")
_WEEKDAY = re.compile(r"\b(?:(last|this|on|early|late)\s+)?(" + "|".join(WEEKDAYS) + r")(?:\s+(night|morning|evening|afternoon))?\b")
_FOR_N = re.compile(r"\b(?:for|over|in)\s+(?:the\s+)?(?:(?:past|last|previous)\s+)?" + _N + r"\s+(?:(?:consecutive|straight|successive)\s+)?(day|night|week)s?\b")
_N_AGO = re.compile(r"\b" + _N + r"\s+(day|week|month)s?\s+ago\b")
_OPEN = re.compile(r"\b(?:(?:a\s+few|several|some)\s+)?(days|weeks)\s+(?:after|before|since|earlier|ago)\b|\b(recently|in\s+recent\s+(?:days|weeks))\b")
_SIMPLE = re.compile(
    r"\b(today|tonight|this\s+morning|this\s+evening|earlier\s+(?:in\s+the\s+day|today)|yesterday|last\s+night|"
    r"last\s+week|this\s+week|earlier\s+this\s+week|last\s+month|this\s+month|earlier\s+this\s+month|"
    r"last\s+year|this\s+year)\b")


_ANY_DATE = re.compile(r"\d|\b(?=[a-z])(?:" + _MONTH + r"|" + "|".join(WEEKDAYS) + r"|day|days|night|week|weeks|month|"
                       r"months|year|today|tonight|yesterday|morning|evening|ago|recent|recently)\b")
#: Every month name holds one of these: a pattern naming a month needs one in the sentence
#: (cheap substring tests that skip most patterns for most sentences).
_MONTH_STEMS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DIGIT = re.compile(r"\d")


def find_dates(sentence: str, pub: dt.date | None) -> list[DateRef]:
    """Find the date expressions of one sentence.

    Parameters
    ----------
    sentence : the sentence text
    pub : publication date that relative expressions are anchored to (None: only absolute dates)

    Returns
    -------
    list of DateRef, in text order, non-overlapping (the longest expression wins).
    """
    found: list[DateRef] = []
    original = sentence
    sentence = sentence.lower()
    if len(sentence) != len(original):  # keep offsets: characters that lower-case to two stay
        sentence = "".join(c if len(c.lower()) != 1 else c.lower() for c in original)
    if not _ANY_DATE.search(sentence):
        return found
    has_digit = _DIGIT.search(sentence) is not None
    has_month = any(stem in sentence for stem in _MONTH_STEMS)

    def add(m: re.Match, first: dt.date | None, last: dt.date | None, precision: int, imprecise=False):
        if first is None or last is None or last < first:
            return
        found.append(DateRef(m.start(), m.end(), first, last, precision, imprecise, original[m.start():m.end()]))

    days = has_digit and has_month  # a month and a number: ranges, days, months of a year
    if days:
        for m in _RANGE_MDD.finditer(sentence):
            _range(m, MONTHS[m.group(1).lower().rstrip(".")], m.group(2), m.group(3), m.group(4), pub, add)
        for m in _RANGE_DDM.finditer(sentence):
            _range(m, MONTHS[m.group(3).lower().rstrip(".")], m.group(1), m.group(2), m.group(4), pub, add)
    for m in _ISO.finditer(sentence) if has_digit else ():
        day = _date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        add(m, day, day, 1)
    for rx, mi, di, yi in ((_MD, 1, 2, 3), (_DM, 2, 1, 3)) if days else ():
        for m in rx.finditer(sentence):
            if mi == 1 and m.group(1) == "may" and not original[m.start(1)].isupper():
                continue  # "may 5" in lower case is the verb
            month, day = MONTHS[m.group(mi).lower().rstrip(".")], int(m.group(di))
            year = int(m.group(yi)) if m.group(yi) else _guess_year(month, day, pub)
            d = _date(year, month, day) if year else None
            add(m, d, d, 1)
    for m in _MONTH_YEAR.finditer(sentence) if days else ():
        first, last = _month_span(int(m.group(3)), MONTHS[m.group(2).lower().rstrip(".")])
        part = (m.group(1) or "").lower()
        if part == "early":
            last = first + dt.timedelta(days=10)
        elif part == "mid":
            first, last = first + dt.timedelta(days=9), first + dt.timedelta(days=20)
        elif part == "late":
            first = first + dt.timedelta(days=19)
        add(m, first, last, 3)
    for m in _IN_MONTH.finditer(sentence) if has_month else ():
        if pub is None or not original[m.start(1)].isupper():
            continue
        month = MONTHS[m.group(1).lower().rstrip(".")]
        year = pub.year if month <= pub.month else pub.year - 1
        add(m, *_month_span(year, month), 3)
    for m in _IN_YEAR.finditer(sentence) if has_digit else ():
        year = int(m.group(1))
        add(m, dt.date(year, 1, 1), dt.date(year, 12, 31), 3, True)
    if pub is not None:
        _relative(sentence, pub, add)
    return _longest(found)


def _date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _range(m, month, d1, d2, year, pub, add) -> None:
    d1, d2 = int(d1), int(d2)
    y = int(year) if year else _guess_year(month, d1, pub)
    if y is None:
        return
    first = _date(y, month, d1)
    last = _date(y, month, d2) if d2 >= d1 else (_date(y, month % 12 + 1, d2) if first else None)
    if last and d2 < d1 and month == 12:
        last = _date(y + 1, 1, d2)
    add(m, first, last, 1)


def _relative(sentence: str, pub: dt.date, add) -> None:
    # each pattern runs only when a word it needs is in the (lower-cased) sentence
    has_day = "day" in sentence
    for m in _WEEKDAY.finditer(sentence) if has_day else ():
        target = WEEKDAYS.index(m.group(2).lower())
        back = (pub.weekday() - target) % 7
        if (m.group(1) or "").lower() == "last" and back == 0:
            back = 7
        day = pub - back * DAY
        add(m, day, day + DAY if (m.group(3) or "").lower() == "night" else day, 1)
    for m in _FOR_N.finditer(sentence) if has_day or "night" in sentence or "week" in sentence else ():
        n = _num(m.group(1))
        if n:
            unit = 7 if m.group(2).lower() == "week" else 1
            add(m, pub - n * unit * DAY, pub, 1)
    for m in _N_AGO.finditer(sentence) if "ago" in sentence else ():
        n, unit = _num(m.group(1)), m.group(2).lower()
        if not n:
            continue
        if unit == "day":
            add(m, pub - n * DAY, pub - n * DAY, 1)
        elif unit == "week":
            add(m, pub - (7 * n + 3) * DAY, pub - (7 * n - 3) * DAY, 2)
        else:
            year, month = divmod(pub.year * 12 + pub.month - 1 - n, 12)
            add(m, *_month_span(year, month + 1), 3)
    for m in _OPEN.finditer(sentence) if "days" in sentence or "weeks" in sentence or "recent" in sentence else ():
        unit = (m.group(1) or "recently").lower()
        reach = OPEN_REACH["recently" if unit.startswith(("recent", "in recent")) else unit]
        add(m, pub - reach * DAY, pub - DAY, 3, True)
    simple = any(w in sentence for w in ("today", "tonight", "this", "earlier", "yesterday", "last"))
    for m in _SIMPLE.finditer(sentence) if simple else ():
        phrase = " ".join(m.group(1).lower().split())
        monday = pub - pub.weekday() * DAY
        if phrase in {"today", "tonight", "this morning", "this evening", "earlier in the day", "earlier today"}:
            add(m, pub, pub, 1)
        elif phrase == "yesterday":
            add(m, pub - DAY, pub - DAY, 1)
        elif phrase == "last night":
            add(m, pub - DAY, pub, 1)
        elif phrase in {"this week", "earlier this week"}:
            add(m, monday, pub, 2)
        elif phrase == "last week":
            add(m, monday - 7 * DAY, monday - DAY, 2)
        elif phrase in {"this month", "earlier this month"}:
            add(m, pub.replace(day=1), pub, 3)
        elif phrase == "last month":
            year, month = divmod(pub.year * 12 + pub.month - 2, 12)
            add(m, *_month_span(year, month + 1), 3)
        elif phrase == "this year":
            add(m, dt.date(pub.year, 1, 1), pub, 3, True)
        elif phrase == "last year":
            add(m, dt.date(pub.year - 1, 1, 1), dt.date(pub.year - 1, 12, 31), 3, True)


def _longest(refs: list[DateRef]) -> list[DateRef]:
    """Drop expressions that overlap a longer one; return the rest in text order."""
    kept: list[DateRef] = []
    for ref in sorted(refs, key=lambda r: (-(r.end - r.start), r.start)):
        if all(ref.end <= k.start or ref.start >= k.end for k in kept):
            kept.append(ref)
    return sorted(kept, key=lambda r: r.start)
