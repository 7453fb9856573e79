"""Place mentions: the Aho-Corasick matcher over the real bundled gazetteer's names, its
filters (capitalisation, stop list, persons, organisations), demonyms, joint resolution."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gazetteer import Gazetteer
from gazetteer.mentions import MentionMatcher
from geo.extract import find_mentions, matcher_for
from geo.extract_text import Article


@pytest.fixture(scope="module")
def gz():
    return Gazetteer.load()


@pytest.fixture(scope="module")
def matcher(gz):
    return matcher_for(gz)


def surfaces(matcher, text):
    return [m.surface for m in matcher.find(text) if m.demonym is None]


def km(lat1, lon1, lat2, lon2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * 6371 * math.asin(math.sqrt(a))


def test_offsets_point_into_the_original_text(matcher):
    text = "U.S. envoys left St. Louis for Bāramūla in J&K's north, then Jammu and Kashmir's capital."
    found = matcher.find(text)
    assert all(text[m.start:m.end] == m.surface for m in found)
    assert [m.surface for m in found] == ["U.S", "St. Louis", "Bāramūla", "J&K", "Jammu and Kashmir"]


def test_common_words_need_a_locative_cue(matcher):
    assert surfaces(matcher, "Reading is fun. Deal with it. Mobile phones were Nice to have.") == []
    assert surfaces(matcher, "He moved to Reading, then lived in Nice.") == ["Reading", "Nice"]
    assert surfaces(matcher, "the nice people of reading") == []  # lower case is never a name


def test_person_names_and_organisations_are_not_places(matcher):
    text = ("Defence Minister Rajnath Singh met General Nakatani. Nakatani San thanked him. "
            "The Killeen Police Department and Ohio State University said the Indo-Pacific matters.")
    assert surfaces(matcher, text) == []


def test_dates_and_diseases_are_not_places(matcher):
    assert surfaces(matcher, "Firing during the night of May 4-5 near the Ebola virus ward") == []


def test_demonyms_are_weak_mentions_of_their_country(matcher):
    found = matcher.find("Pakistani troops and the Japanese counterpart")
    assert [(m.surface, m.demonym) for m in found] == [("Pakistani", "Pakistan"), ("Japanese", "Japan")]


def test_spelling_variants_listed_beside_found_places_are_probed(gz):
    # "Rajouri" and "Akhnoor" are not GeoNames spellings; the list context finds them
    text = "Firing was reported in Kupwara, Poonch, Rajouri and Akhnoor."
    found = {m.mention.surface: m for m in find_mentions(Article("x", text), gz)}
    assert set(found) == {"Kupwara", "Poonch", "Rajouri", "Akhnoor"}
    assert km(found["Rajouri"].place.lat, found["Rajouri"].place.lon, 33.37526, 74.30920) < 5


@pytest.mark.parametrize("text, lat, lon", [
    ("Troops fired in Poonch, Rajouri, Nowshera and Sunderbani.", 33.157, 74.240),  # J&K, Rajouri district
    ("Police in Peshawar and Mardan said a bomb went off in Nowshera.", 34.015, 71.975),  # Khyber Pakhtunkhwa
])
def test_places_of_one_article_disambiguate_each_other(gz, text, lat, lon):
    found = [m for m in find_mentions(Article("x", text), gz) if m.mention.surface == "Nowshera"]
    assert km(found[0].place.lat, found[0].place.lon, lat, lon) < 15


def test_automaton_cache_round_trip(tmp_path, monkeypatch):
    """A tiny stand-in names list (not the gazetteer): the on-disk cache gives the same matcher."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    names = [("Poonch", 0.6), ("New Delhi", 1.0), ("Delhi", 0.9)]
    built = MentionMatcher.cached(names, "stand-in")
    assert list((tmp_path / "incidentmap").glob("mentions-*.pickle"))
    loaded = MentionMatcher.cached([], "stand-in")  # no names given: must come from the cache
    text = "Shelling hit Poonch; talks were held in New Delhi."
    assert [m.surface for m in loaded.find(text)] == [m.surface for m in built.find(text)] == ["Poonch", "New Delhi"]

_WORDS = st.sampled_from(["Poonch", "U.S.", "J&K's", "New Delhi", "İstanbul", "Bāramūla", "St. Louis",
                          "Pakistani", "the", "in", "’s", ".", ",", "\n\n", "Ǆemal", "ﬁre", "May 4-5"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=30))
def test_offsets_always_slice_the_surface(matcher, parts):
    """Apostrophes and dots removed, characters that change length when lower-cased, any
    Unicode: every mention's offsets still slice exactly its surface out of the text."""
    text = " ".join(parts)
    for m in matcher.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.surface
