"""Event dates: one strict grammar, each value parsed to a span and an ACLED time_precision.

python-dateutil's parser is deliberately not used for recognition: it fills missing parts from
a default date and settles 05/06/2025 by a global flag, i.e. it guesses. Here an all-numeric
day/month date whose order is ambiguous is an error naming ``--dayfirst``/``--monthfirst``.

Accepted forms (spans are inclusive)::

    2025-05-04, 2025-05-04T21:30:00+05:30, 2025-05-04 21:30   day       (precision 1)
    5 May 2025, May 5, 2025, 5-May-2025, Monday 5 May 2025     day       (precision 1)
    05/05/2025, 13.05.2025, 5-13-2025 (order from the flag)    day       (precision 1)
    2025-W19, 2025W19                                          ISO week  (precision 2)
    2025-W19-1                                                 day       (precision 1)
    May 2025, 2025-05, 2025/05                                 month     (precision 3)
    2025-05-04/2025-05-05, 4 May 2025 to 5 May 2025            range     (coarsest part)
    45781, 45781.5                                             Excel serial day (precision 1)

Years run 1..9999 (:class:`datetime.date`), so dates before 1970 and after 2038 work.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from typing import NamedTuple

from geo.errors import GeoError


class DateParseError(GeoError, ValueError):
    """A value is not a date this tool accepts; the message says what was expected."""


class Span(NamedTuple):
    """An inclusive date span with its ACLED time_precision (1 day, 2 week, 3 month)."""

    start: date
    end: date
    precision: int


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_WEEKDAYS = {d.lower() for d in (*calendar.day_name, *calendar.day_abbr)}

_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                      r"(?:Z|[+-]\d{2}:?\d{2})?)?")
_ISO_MONTH = re.compile(r"(\d{4})[-/](\d{1,2})")
_ISO_WEEK = re.compile(r"(\d{4})-?W(\d{2})(?:-?([1-7]))?", re.IGNORECASE)
_NUMERIC = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})")
_SERIAL = re.compile(r"\d{1,7}(?:\.\d+)?")
_RANGE = re.compile(r"\s*/\s*|\s+(?:to|until|through|–|—|-)\s+", re.IGNORECASE)
_WORDS = re.compile(r"[A-Za-z]+\.?|\d+(?:st|nd|rd|th)?", re.IGNORECASE)

#: Excel's day 0 for serials above 60 (its calendar wrongly has 29 February 1900).
_EXCEL_EPOCH = date(1899, 12, 30)
_MAX_SERIAL = (date(9999, 12, 31) - _EXCEL_EPOCH).days


def _day(year: int, month: int, day: int, text: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateParseError(f"{text!r} is not a calendar date (year {year}, month {month}, day {day})") from None


def _month_span(year: int, month: int, text: str) -> Span:
    if not 1 <= month <= 12 or year < 1:
        raise DateParseError(f"{text!r} is not a month (year {year}, month {month})")
    last = calendar.monthrange(year, month)[1]
    return Span(date(year, month, 1), date(year, month, last), 3)


def _week_span(year: int, week: int, weekday: int | None, text: str) -> Span:
    try:
        monday = date.fromisocalendar(year, week, 1)
    except ValueError:
        raise DateParseError(f"{text!r} is not an ISO week (year {year} has no week {week})") from None
    if weekday:
        day = monday + timedelta(days=weekday - 1)
        return Span(day, day, 1)
    return Span(monday, monday + timedelta(days=6), 2)


def _words(text: str) -> Span | None:
    """Month-name forms: '5 May 2025', 'May 5, 2025', 'May 2025', '5-May-2025'."""
    tokens = [t.rstrip(".").lower() for t in _WORDS.findall(text)]
    rest = _WORDS.sub(" ", text).replace(",", " ").replace("-", " ").replace("/", " ").strip()
    if rest or not tokens:
        return None
    tokens = [t for t in tokens if t not in _WEEKDAYS and t != "of"]
    months = [t for t in tokens if t in MONTHS]
    numbers = [t for t in tokens if t not in MONTHS]
    if len(months) != 1 or not all(re.fullmatch(r"\d+(st|nd|rd|th)?", n) for n in numbers):
        return None
    month = MONTHS[months[0]]
    values = [int(re.match(r"\d+", n).group()) for n in numbers]
    suffixed = [bool(re.search(r"[a-z]", n)) for n in numbers]
    years = [i for i, n in enumerate(numbers) if len(n) == 4 and not suffixed[i]]
    if not years and len(values) <= 2:
        raise DateParseError(f"{text!r} has no four-digit year")
    if len(values) == 1 and years:
        return _month_span(values[0], month, text)
    if len(values) == 2 and len(years) == 1:
        year, day = values[years[0]], values[1 - years[0]]
        d = _day(year, month, day, text)
        return Span(d, d, 1)
    return None


def _single(text: str, dayfirst: bool | None) -> Span:
    m = _ISO_DAY.fullmatch(text)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if m[4] is not None and (int(m[4]) > 23 or int(m[5]) > 59 or int(m[6] or 0) > 60):
            raise DateParseError(f"{text!r} has an impossible time of day")
        day = _day(y, mo, d, text)
        return Span(day, day, 1)
    m = _ISO_WEEK.fullmatch(text)
    if m:
        return _week_span(int(m[1]), int(m[2]), int(m[3]) if m[3] else None, text)
    m = _ISO_MONTH.fullmatch(text)
    if m:
        return _month_span(int(m[1]), int(m[2]), text)
    m = _NUMERIC.fullmatch(text)
    if m:
        a, b, year = int(m[1]), int(m[3]), int(m[4])
        if dayfirst is None:
            if a != b and a <= 12 and b <= 12:
                raise DateParseError(
                    f"{text!r} is ambiguous (day/month or month/day); pass --dayfirst or --monthfirst")
            day, month = (a, b) if a > 12 else (b, a)
        else:
            day, month = (a, b) if dayfirst else (b, a)
        d = _day(year, month, day, text)
        return Span(d, d, 1)
    if re.fullmatch(r"\d{4}", text):
        raise DateParseError(f"{text!r} is a year alone; give a month at least (e.g. 'May {text}')")
    if _SERIAL.fullmatch(text):
        serial = float(text)
        if not 61 <= serial <= _MAX_SERIAL:
            raise DateParseError(f"{text!r} is not a date (as an Excel serial day it is out of range)")
        d = _EXCEL_EPOCH + timedelta(days=int(serial))
        return Span(d, d, 1)
    span = _words(text)
    if span is not None:
        return span
    raise DateParseError(
        f"{text!r} is not a date (expected e.g. 2025-05-04, 5 May 2025, May 2025, 2025-W19, "
        "2025-05-04/2025-05-05)")


def parse_date(value: str, dayfirst: bool | None = None) -> Span:
    """Parse one date value into an inclusive span with its time_precision.

    Parameters
    ----------
    value : str
        The text of a date cell (see the module docstring for the accepted forms).
    dayfirst : bool or None
        Order of all-numeric dates: True day/month, False month/day, None refuse ambiguous ones.

    Returns
    -------
    Span
        ``(start, end, precision)``; a range takes the coarsest precision of its two ends.

    Raises
    ------
    DateParseError
        When the value is empty, not a date, an impossible date, ambiguous without a flag,
        or a range that ends before it starts.
    """
    text = " ".join(str(value).split())
    if not text:
        raise DateParseError("empty date")
    if len(text) > 100:
        raise DateParseError(f"{text[:40]!r}... is too long to be a date")
    parts = _RANGE.split(text, maxsplit=1) if not _ISO_MONTH.fullmatch(text) else [text]
    if len(parts) == 2 and not _NUMERIC.fullmatch(text):
        first, second = (_single(p.strip(), dayfirst) for p in parts)
        if second.end < first.start:
            raise DateParseError(f"{text!r} ends before it starts")
        return Span(first.start, second.end, max(first.precision, second.precision))
    return _single(text, dayfirst)
