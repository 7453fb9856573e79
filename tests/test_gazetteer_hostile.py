"""Name normalisation, resolution and override files on any text (issue 7 item 7): they never
fail with anything but the gazetteer's own errors. Runs on the real bundled data."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import Context, Gazetteer
from gazetteer.errors import GazetteerError
from gazetteer.normalize import fold, skeleton_key, strip_direction, strip_generic, translit_key
from gazetteer.overrides import OverrideTable

# Any text, and text made of what names are made of: letters with marks, separators, generic words.
NAMES = st.text(max_size=60) | st.lists(
    st.sampled_from(["Rajouri", "Pūnch", "sector", "district", "J&K", "R.S.", "-", " ", "’", "ß", "ΐ",
                     "\u0301", "ﬁ", "İ", "\x00", "\u200b", "\ufeff", "北", "north", "Nowshera", "<b>", "%"]),
    max_size=12).map("".join)


@pytest.fixture(scope="module")
def gz():
    return Gazetteer.load()


@settings(max_examples=500, deadline=None)
@given(NAMES)
def test_keys_are_defined_for_any_text(text):
    key = fold(text)
    assert isinstance(key, str) and key == key.strip() and "  " not in key
    assert key == key.casefold() or not key.isascii()
    for derived in (strip_generic(key), strip_direction(key), translit_key(key), skeleton_key(key)):
        assert isinstance(derived, str)
    assert translit_key(key) in ("",) or translit_key(key).startswith("~")
    assert skeleton_key(key) in ("",) or skeleton_key(key).startswith("^")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(NAMES, st.sampled_from([None, "IN", "PK", "India", "<script>", "", "ZZ"]))
def test_resolve_never_raises_on_any_name(gz, name, country):
    res = gz.resolve(name, Context(country=country, text=name, names=(name,)))
    assert isinstance(res.resolved, bool) and (res.place is not None) == res.resolved
    assert 0 <= res.confidence <= 1
    res.to_dict()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200) | st.text(alphabet=st.sampled_from(list('action,name,lat,lon\t"\n#é\x00-1.5x')),
                                         max_size=200).map(lambda t: ("action,name,lat,lon\n" + t).encode()))
def test_override_files_fail_only_with_gazetteer_errors(gz, tmp_path, data):
    path = tmp_path / "overrides.csv"
    path.write_bytes(data)
    try:
        OverrideTable.read([path], gz.store)   # the reader itself: Gazetteer.load caches by (size, mtime)
    except GazetteerError as exc:
        assert str(path) in str(exc)
