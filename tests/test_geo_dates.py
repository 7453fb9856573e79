"""Date parsing: every accepted form gives the right span and time_precision; nothing is guessed."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.dates import DateParseError, parse_date
from geo.errors import GeoError

D = date


@pytest.mark.parametrize("text, start, end, precision", [
    ("2025-05-04", D(2025, 5, 4), D(2025, 5, 4), 1),
    ("2025-05-04T23:10:00+05:30", D(2025, 5, 4), D(2025, 5, 4), 1),
    ("2025-05-04 23:10", D(2025, 5, 4), D(2025, 5, 4), 1),
    ("5 May 2025", D(2025, 5, 5), D(2025, 5, 5), 1),
    ("May 5, 2025", D(2025, 5, 5), D(2025, 5, 5), 1),
    ("Monday, 5th May 2025", D(2025, 5, 5), D(2025, 5, 5), 1),
    ("5-May-2025", D(2025, 5, 5), D(2025, 5, 5), 1),
    ("13/05/2025", D(2025, 5, 13), D(2025, 5, 13), 1),   # unambiguous without a flag
    ("05/05/2025", D(2025, 5, 5), D(2025, 5, 5), 1),     # same either way
    ("May 2025", D(2025, 5, 1), D(2025, 5, 31), 3),
    ("November 2024", D(2024, 11, 1), D(2024, 11, 30), 3),
    ("2024-02", D(2024, 2, 1), D(2024, 2, 29), 3),
    ("2025-W19", D(2025, 5, 5), D(2025, 5, 11), 2),      # 5 May 2025 was a Monday
    ("2025W19", D(2025, 5, 5), D(2025, 5, 11), 2),
    ("2025-W19-7", D(2025, 5, 11), D(2025, 5, 11), 1),
    ("2025-05-04/2025-05-05", D(2025, 5, 4), D(2025, 5, 5), 1),
    ("4 May 2025 to 5 May 2025", D(2025, 5, 4), D(2025, 5, 5), 1),
    ("2025-04-24/May 2025", D(2025, 4, 24), D(2025, 5, 31), 3),
    ("45658", D(2025, 1, 1), D(2025, 1, 1), 1),          # Excel serial of 2025-01-01
    ("45658.75", D(2025, 1, 1), D(2025, 1, 1), 1),
    ("1947-08-15", D(1947, 8, 15), D(1947, 8, 15), 1),   # before 1970
    ("1 January 1900", D(1900, 1, 1), D(1900, 1, 1), 1),
    ("2050-12-31", D(2050, 12, 31), D(2050, 12, 31), 1),  # after 2038
    ("February 2100", D(2100, 2, 1), D(2100, 2, 28), 3),  # 2100 is no leap year
])
def test_accepted_forms(text, start, end, precision):
    assert tuple(parse_date(text)) == (start, end, precision)


@pytest.mark.parametrize("flag, expected", [(True, D(2025, 6, 5)), (False, D(2025, 5, 6))])
def test_numeric_order_follows_the_flag(flag, expected):
    assert parse_date("05/06/2025", dayfirst=flag).start == expected
    assert parse_date("05.06.2025", dayfirst=flag).start == expected


def test_ambiguous_numeric_date_is_refused_naming_the_flags():
    with pytest.raises(DateParseError, match="--dayfirst or --monthfirst"):
        parse_date("05/06/2025")


def test_flag_contradicted_by_the_value_is_an_error():
    with pytest.raises(DateParseError, match="not a calendar date"):
        parse_date("05/13/2025", dayfirst=True)


@pytest.mark.parametrize("text, message", [
    ("2025-13-45", "not a calendar date"),
    ("2025-02-29", "not a calendar date"),
    ("2025", "year alone"),
    ("2025-W54", "ISO week"),
    ("2025-05-05/2025-05-04", "ends before it starts"),
    ("yesterday", "not a date"),
    ("5 May", "four-digit year"),
    ("", "empty"),
    ("12", "Excel serial"),
    ("2025-05-04T25:00", "time of day"),
])
def test_bad_values_are_refused_with_a_reason(text, message):
    with pytest.raises(DateParseError, match=message):
        parse_date(text)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40) | st.from_regex(r"[0-9]{1,4}[-/. W][0-9]{1,2}([-/. ][0-9]{1,4})?", fullmatch=True))
def test_no_input_crashes_with_a_foreign_error(text):
    for dayfirst in (None, True, False):
        try:
            span = parse_date(text, dayfirst)
        except GeoError:
            continue
        assert span.start <= span.end and span.precision in (1, 2, 3)
