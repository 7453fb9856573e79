"""Article loading, dateline, sentences, dates and incident cues (no gazetteer needed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InputError
from geo.extract_dates import find_dates
from geo.extract_incidents import find_actors, find_cue, find_fatalities
from geo.extract_text import Article, article_paths, load_article, parse_header, split_sentences

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "2025-05-05-india-japan-defence-talks.txt"
ARTICLES = Path(__file__).parent / "data" / "articles"
PUB = dt.date(2025, 5, 5)  # a Monday


def header(text: str) -> Article:
    article = Article("x.txt", text)
    parse_header(article)
    return article


def test_seed_metadata_and_dateline_on_one_line():
    article = load_article(str(SEED))
    assert article.pub_date == PUB
    assert article.dateline_place == "New Delhi"
    assert article.text[article.body_start:].startswith("Defence Minister Rajnath Singh on Monday")


@pytest.mark.parametrize("text, date, place, body", [
    ("NEW DELHI, May 5 (Reuters) - Indian troops fired", None, "New Delhi", "Indian troops fired"),
    ("ISLAMABAD (AP) -- Pakistan said", None, "Islamabad", "Pakistan said"),
    ("Date: May 5, 2025\nSRINAGAR, May 4: Three", PUB, "Srinagar", "Three"),
    ("---\ntitle: T\ndate: 2025-05-05\n---\n\n# Heading\n\nJammu, May 5\n\nShelling hit", PUB, "Jammu", "Shelling hit"),
    ("The army said on Monday that", None, None, "The army said"),
])
def test_header_variants(text, date, place, body):
    article = header(text)
    assert (article.pub_date, article.dateline_place) == (date, place)
    assert text[article.body_start:].startswith(body)


def test_html_text_without_script_style_and_with_meta_date():
    article = load_article(str(ARTICLES / "local-report.html"))
    assert article.pub_date == dt.date(2025, 5, 7)
    assert "teaser" not in article.text and "margin" not in article.text
    assert "traders' body" in article.text  # entity decoded
    assert "our Poonch page" in article.text  # link text kept
    assert article.dateline_place == "Poonch"


def test_date_option_overrides_text(tmp_path):
    article = load_article(str(SEED), dt.date(2025, 6, 1))
    assert article.pub_date == dt.date(2025, 6, 1)


@pytest.mark.parametrize("content, message", [
    (b"", "empty article"),
    (b"\x00\x01binary", "binary data"),
    (b"Caf\xe9 in Poonch", "not UTF-8"),
])
def test_unreadable_articles_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        load_article(str(path))
    assert str(path) in str(info.value)


def test_missing_path_and_folder_without_articles(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        article_paths([str(tmp_path / "nope.txt")])
    (tmp_path / "events.csv").write_text("a,b\n")
    with pytest.raises(InputError, match="no article files"):
        article_paths([str(tmp_path)])
    (tmp_path / "b.md").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    assert [Path(p).name for p in article_paths([str(tmp_path)])] == ["a.txt", "b.md"]


def test_sentences_keep_abbreviations_and_offsets():
    text = "Gen. Nakatani met Mr. Singh in New Delhi. Both sides spoke.\n\nThen a new paragraph"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Gen. Nakatani met Mr. Singh in New Delhi.", "Both sides spoke.", "Then a new paragraph"]


@pytest.mark.parametrize("phrase, first, last, precision, imprecise", [
    ("held talks on Monday", "2025-05-05", "2025-05-05", 1, False),
    ("shelling on Sunday night", "2025-05-04", "2025-05-05", 1, False),
    ("during the night of May 4-5", "2025-05-04", "2025-05-05", 1, False),
    ("talks in Laos in November 2024", "2024-11-01", "2024-11-30", 3, False),
    ("violating the ceasefire for 11 consecutive days", "2025-04-24", "2025-05-05", 1, False),
    ("comes days after a terror attack", "2025-04-05", "2025-05-04", 3, True),
    ("Earlier in the day, he", "2025-05-05", "2025-05-05", 1, False),
    ("fired yesterday", "2025-05-04", "2025-05-04", 1, False),
    ("three days ago", "2025-05-02", "2025-05-02", 1, False),
    ("On 3 May, troops", "2025-05-03", "2025-05-03", 1, False),
    ("on April 22, 2025", "2025-04-22", "2025-04-22", 1, False),
    ("last week", "2025-04-28", "2025-05-04", 2, False),
    ("on December 30", "2024-12-30", "2024-12-30", 1, False),  # a day ahead of publication is last year's
])
def test_dates_relative_to_publication(phrase, first, last, precision, imprecise):
    (ref,) = find_dates(phrase, PUB)
    assert (ref.first.isoformat(), ref.last.isoformat(), ref.precision, ref.imprecise) == (
        first, last, precision, imprecise)


def test_no_dates_in_words_that_look_like_them():
    assert find_dates("He may 5 times say so; the second interaction in six months", PUB) == []
    # relative expressions need a publication date; absolute ones do not
    assert find_dates("on Monday", None) == []
    assert find_dates("on 2025-05-04", None)[0].first == dt.date(2025, 5, 4)


@pytest.mark.parametrize("sentence, event_type, sub_event_type", [
    ("Pakistani troops fired small arms without provocation", "Battles", "Armed clash"),
    ("Pakistan has been violating the ceasefire", "Battles", "Armed clash"),
    ("a brutal terror attack in Pahalgam claimed 26 lives", "Violence against civilians", "Attack"),
    ("Artillery shelling hit Kotli", "Explosions/Remote violence", "Shelling/artillery/missile attack"),
    ("Indian drones struck targets in Lahore", "Explosions/Remote violence", "Air/drone strike"),
    ("an IED went off near the convoy", "Explosions/Remote violence", "Remote explosive/landmine/IED"),
    ("Residents held a protest march against the shelling", "Protests", "Peaceful protest"),
    ("The meeting comes days after a brutal terror attack", "Violence against civilians", "Attack"),
    ("Singh held bilateral talks with his counterpart", "Strategic developments", "Agreement"),
    ("accorded a ceremonial Guard of Honour", "Strategic developments", "Other"),
    ("The ministry condemns the ceasefire violations in Uri", "Battles", "Armed clash"),
])
def test_incident_cues(sentence, event_type, sub_event_type):
    cue = find_cue(sentence)
    assert (cue.event_type, cue.sub_event_type) == (event_type, sub_event_type)


def test_no_cue_for_reactions_and_plain_sentences():
    assert find_cue("General Nakatani expressed solidarity with India over the Pahalgam attack") is None
    assert find_cue("India shares a Special Strategic and Global Partnership with Japan.") is None
    assert find_cue("Three people were killed in Mendhar").weak


@pytest.mark.parametrize("sentence, deaths", [
    ("a terror attack claimed 26 innocent lives", 26),
    ("the attack killed 26", 26),
    ("26 dead after the attack", 26),
    ("Three people were killed and eleven injured", 3),
    ("On May 7, a civilian was killed in shelling", 1),
    ("No loss of life has been reported.", 0),
    ("Shelling damaged 12 houses on May 7", None),
])
def test_fatalities(sentence, deaths):
    assert find_fatalities(sentence) == deaths


def test_actors_from_demonyms_and_roles():
    sentence = "According to the Indian Army, Pakistani troops fired small arms"
    cue = find_cue(sentence)
    actors = find_actors(sentence, [(17, "India"), (30, "Pakistan")], cue)
    assert actors == ("Military Forces of Pakistan", "Military Forces of India")
    talks = "Defence Minister Rajnath Singh held bilateral talks with his Japanese counterpart"
    assert find_actors(talks, [(65, "Japan")], find_cue(talks), host="India") == (
        "Government of Japan", "Government of India")


_DATE_WORDS = st.sampled_from([
    "on", "Monday", "Sunday night", "May", "4-5", "29", "February", "Dec", "31", "30-2", "2024", "in",
    "the night of", "for", "11", "consecutive days", "days after", "ago", "three weeks", "last month",
    "yesterday", "2025-02-29", "2025-13-01", "early", "mid-", "late", "of", ",", "0", "99"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_DATE_WORDS, max_size=12), st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_date_expressions_never_crash_and_spans_are_ordered(words, pub):
    sentence = " ".join(words)
    for ref in find_dates(sentence, pub):
        assert ref.first <= ref.last and ref.precision in (1, 2, 3)
        assert sentence[ref.start:ref.end] == ref.text
    find_cue(sentence)
    find_fatalities(sentence)
