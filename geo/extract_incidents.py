"""Incident cues of a sentence: ACLED event_type / sub_event_type, fatalities, actors.

The cue table is ordered by priority: when a sentence holds several cues ("the meeting comes
days after a terror attack"), the first kind in the table wins (violence before talks).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from geo.extract_dates import NUMBER_WORDS

BATTLES, REMOTE, VAC = "Battles", "Explosions/Remote violence", "Violence against civilians"
PROTESTS, RIOTS, STRATEGIC = "Protests", "Riots", "Strategic developments"

# (event_type, sub_event_type, cue pattern); the first matching row wins.
_CUES: list[tuple[str, str, str]] = [
    (REMOTE, "Suicide bomb", r"suicide (?:bomb(?:er|ing)?|attack(?:er)?)"),
    (REMOTE, "Air/drone strike", r"air ?-?strikes?|air raids?|drone (?:strikes?|attacks?)|airstrikes?|bombed from the air|struck by (?:a )?drones?|"
     r"drones? (?:struck|hit|attacked|targeted)|(?:fighter )?jets? (?:struck|bombed|hit)"),
    (REMOTE, "Shelling/artillery/missile attack",
     r"shell(?:ing|ed|s)|artillery|mortars?|missiles? (?:strikes?|attacks?|struck|hit|were fired|was fired)|rockets? (?:fire|attacks?|hit|struck)|heavy weapons"),
    (REMOTE, "Grenade", r"grenades?"),
    (REMOTE, "Remote explosive/landmine/IED",
     r"ieds?|improvised explosive|landmines?|roadside bombs?|bomb blasts?|car bombs?|blasts?|explosions?|exploded"),
    (BATTLES, "Armed clash",
     r"ceasefire violations?|violat(?:ed|ing|es?) (?:the )?ceasefire|cease-fire violations?|exchanges? of fire|exchanged fire|"
     r"(?:opened|returned|small[- ]arms) fire|fired|firing|gunfights?|gun ?battles?|firefights?|skirmish(?:es)?|"
     r"clash(?:es|ed)?|encounters? (?:with|between|broke)|infiltration bids?|ambush(?:ed)?"),
    (VAC, "Abduction/forced disappearance", r"abduct(?:ed|ion)|kidnapp?(?:ed|ing)"),
    (VAC, "Attack",
     r"terror(?:ist)? attacks?|attacks? on (?:civilians|tourists|pilgrims|villagers|worshippers)|massacre[ds]?|"
     r"gunmen|shot dead|militants? (?:attacked|killed)|attack(?:ed|s)?|lynch(?:ed|ing)"),
    (RIOTS, "Violent demonstration", r"riot(?:s|ing|ers)?|stone[- ]pelt(?:ing|ers)|torched|set on fire|mob"),
    (PROTESTS, "Protest with intervention", r"(?:police|forces) (?:dispersed|lathi-?charged|used tear gas)|tear gas|lathi-?charge"),
    (PROTESTS, "Peaceful protest", r"protest(?:s|ed|ers|ing)?|demonstrat(?:ion|ions|ors|ed)|rall(?:y|ies)|sit-ins?|marched|strike call|shutdown|bandh"),
    (STRATEGIC, "Arrests", r"arrest(?:ed|s)?|detained|taken into custody"),
    (STRATEGIC, "Agreement",
     r"(?:bilateral |peace |held |hold )?talks|meetings?|\bmet\b|\bmeet\b|summit|agreements?|signed|accord|"
     r"memorandum|mou|pact|truce|agreed"),
    (STRATEGIC, "Other", r"guard of honou?r|ceremon(?:y|ial)|inaugurat(?:ed|ion)|parade|visit(?:ed|s)?"),
    # casualties alone: most often the toll of an incident reported just before (weak cue)
    (VAC, "Attack", r"killed|died|dead|injured|wounded"),
]
_WEAK = len(_CUES) - 1
#: All cues in one flat alternation, in table order; it runs on the lower-cased sentence (much
#: faster than a case-insensitive pattern). Every cue starts with a letter: the lookahead spares
#: trying them all at the end of each word. Groups per row would make it a third slower: the
#: row of a match is found after it (:func:`_row_of`).
_ANY_CUE = re.compile(r"\b(?=[a-z])(?:" + "|".join(p for _, _, p in _CUES) + r")\b")
_ROWS = [re.compile(r"(?:" + p + r")\b") for _, _, p in _CUES]
#: A cue within four words after these is what the sentence's event is about, not the event
#: itself ("a protest against the shelling", "solidarity over the Pahalgam attack", "in the wake
#: of the attack"); what a statement condemns still counts when nothing else does.
_REACTION = {"against", "over", "mourn", "mourns", "mourned", "mourning", "wake", "response", "retaliation"}
_CONDEMN = {"condemn", "condemns", "condemned", "condemning", "denounce", "denounces", "denounced", "denouncing"}
_SKIPS = (_REACTION | _CONDEMN, _REACTION)  # first pass: neither; then what is condemned counts
#: Event types that are violence (an incident sentence of this kind without a place of its own
#: falls back to the article's area).
VIOLENT = {BATTLES, REMOTE, VAC, RIOTS}


@dataclass(frozen=True)
class Cue:
    """The incident kind a sentence reports, and where its cue word sits."""

    event_type: str
    sub_event_type: str
    start: int
    end: int
    text: str
    weak: bool = False


def find_cue(sentence: str) -> Cue | None:
    """Return the highest-priority incident cue of a sentence, or None.

    Cues that are the object of a reaction ("protest against the shelling") are skipped; what
    a statement condemns counts when the sentence reports nothing else ("condemns the ceasefire
    violations in Uri"). A casualty word alone ("three people were killed") is a weak cue.
    """
    low = sentence.lower()
    if len(low) != len(sentence):  # a character that lower-cases to two: keep offsets exact
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in sentence)
    found = [(_row_of(low, m), m) for m in _ANY_CUE.finditer(low)]
    for skip in _SKIPS:
        for row, m in sorted(found, key=lambda f: (f[0], f[1].start())):
            if skip.intersection(low[max(0, m.start() - 50):m.start()].split()[-4:]):
                continue
            event_type, sub, _ = _CUES[row]
            return Cue(event_type, sub, m.start(), m.end(), sentence[m.start():m.end()], row == _WEAK)
    return None


_ROW_OF: dict[str, int] = {}


def _row_of(low: str, m: re.Match) -> int:
    """The row of the cue table that a match of :data:`_ANY_CUE` comes from: the first row
    whose cue matches at its start. That depends on the matched words alone (a match always
    has a non-word character on either side), so it is looked up once per cue phrase (the
    cue patterns have no unbounded repeats: a finite set)."""
    row = _ROW_OF.get(m.group())
    if row is None:
        row = _ROW_OF[m.group()] = next(i for i, rx in enumerate(_ROWS) if rx.match(low, m.start()))
    return row


_NUM = r"(\d{1,3}(?:,\d{3})*|" + "|".join(k for k in NUMBER_WORDS if k != "a") + r")"
_FATAL = [
    re.compile(r"\b(?:claim(?:ed|ing|s)?|kill(?:ed|ing|s)?|left|leaving)\s+(?:at\s+least\s+|nearly\s+|about\s+|around\s+)?"
               + _NUM + r"\s+(?:[\w-]+\s+){0,3}?(?:lives|people|persons|civilians|soldiers|troops|militants|"
               r"tourists|villagers|dead|men|women|children|personnel|jawans|policemen|others|members)\b"),
    re.compile(r"\b(?:at\s+least\s+|nearly\s+)?" + _NUM + r"\s+(?:[\w-]+\s+){0,3}?(?:people|persons|civilians|"
               r"soldiers|troops|militants|tourists|villagers|men|women|children|personnel|jawans|policemen|others)"
               r"\s+(?:were\s+|have\s+been\s+|had\s+been\s+)?(?:killed|dead|died|lost\s+their\s+lives|shot\s+dead)\b"),
    re.compile(r"\b" + _NUM + r"\s+(?:killed|dead)\b"),
    re.compile(r"\bkill(?:ed|ing)\s+(?:at\s+least\s+|nearly\s+)?" + _NUM + r"\b(?![\d%-])"),
    re.compile(r"\bdeath toll\s+(?:rose\s+to|of|at|is|was|reached)\s+" + _NUM),
]
_ONE_DEATH = re.compile(r"\b(?:a|an|one)\s+(?:[\w-]+\s+)?(?:civilian|soldier|person|man|woman|child|boy|girl|jawan|"
                        r"policeman|militant|villager|tourist|officer)\s+(?:was|has been|had been)\s+(?:killed|shot dead)\b")
_NO_DEATHS = re.compile(r"\bno (?:one|casualties|deaths|loss of life|fatalities)\b|\bnobody was (?:killed|hurt|injured)\b")


_DEATH_WORD = re.compile(r"kill|dead|died|death|lives|loss of life|casualt|fatalit|nobody|no one")


def find_fatalities(sentence: str) -> int | None:
    """Return the number of deaths a sentence reports ("claimed 26 lives", "killed 26",
    "26 dead"), 0 for "no casualties", None when it says nothing."""
    sentence = sentence.lower()  # the patterns are lower case (faster than case-insensitive)
    if not _DEATH_WORD.search(sentence):
        return None
    for rx in _FATAL:
        m = rx.search(sentence)
        if m:
            word = m.group(1).lower().replace(",", "")
            return int(word) if word.isdigit() else NUMBER_WORDS.get(word)
    if _ONE_DEATH.search(sentence):
        return 1
    if _NO_DEATHS.search(sentence):
        return 0
    return None


_MILITARY = r"(?:troops|army|soldiers|forces|military|rangers|border guards?|jawans|air force|navy|bsf)"
_GOVERNMENT = r"(?:government|minister|ministry|prime minister|president|foreign secretary|officials?|delegation|counterpart|defence minister)"
# a country's troops or officials: "Pakistani troops", "Japan's defence minister"
_MILITARY_AFTER = re.compile(r"[\w'’]+\s+(?:[\w-]+\s+){0,2}?" + _MILITARY + r"\b")
_GOVERNMENT_AFTER = re.compile(r"[\w'’]+\s+(?:[\w-]+\s+){0,2}?" + _GOVERNMENT + r"\b")
_ARMED_GROUP = re.compile(r"\b(?:militants?|terrorists?|gunmen|insurgents?|rebels?)\b|\bterror(?:ist)? attack")
_CIVILIANS = re.compile(r"\b(?:civilians?|tourists|pilgrims|villagers|innocent lives|residents)\b")
_CROWD = re.compile(r"\b(?:protesters|demonstrators|residents|traders|students|workers|members)\b")


def find_actors(sentence: str, countries: list[tuple[int, str]], cue: Cue, host: str = "") -> tuple[str, str]:
    """Name actor1 and actor2 from what the sentence says.

    Parameters
    ----------
    sentence : the sentence text
    countries : (offset, country name) of the demonyms and the country names that are not the
        incident's place ("Pakistani troops", "Japan's minister", "Pakistan has been violating")
    cue : the sentence's incident cue
    host : country of the incident's place, the other government of a meeting

    Returns
    -------
    (actor1, actor2), "" where the sentence names none. A country's troops become "Military
    Forces of <country>", its ministers "Government of <country>"; the actor named last before
    the cue is actor1 (the one who acts).
    """
    meeting = cue.event_type == STRATEGIC
    actors: list[tuple[int, str]] = []
    low = sentence.lower()
    for offset, country in countries:
        tail = low[offset: offset + 60]
        if _MILITARY_AFTER.match(tail):
            actors.append((offset, f"Military Forces of {country}"))
        elif meeting or _GOVERNMENT_AFTER.match(tail):
            actors.append((offset, f"Government of {country}"))
        elif cue.event_type in (BATTLES, REMOTE) and 0 < cue.start - offset < 45:
            actors.append((offset, f"Military Forces of {country}"))  # "Pakistan has been violating"
    for m in _ARMED_GROUP.finditer(low):
        actors.append((m.start(), "Unidentified armed group"))
    if cue.event_type == VAC or cue.event_type == REMOTE:
        for m in _CIVILIANS.finditer(low):
            actors.append((max(m.start(), cue.end), "Civilians"))
    if cue.event_type in (PROTESTS, RIOTS):
        for m in _CROWD.finditer(low):
            actors.append((m.start(), ("Rioters" if cue.event_type == RIOTS else "Protesters")))
    if meeting and host and f"Government of {host}" not in {a for _, a in actors}:
        actors.append((len(low), f"Government of {host}"))
    names = list(dict.fromkeys(a for _, a in sorted(actors)))
    before = [a for o, a in sorted(actors) if o <= cue.start]
    first = before[-1] if before else (names[0] if names else "")
    if first == "Civilians":  # civilians are the target; the sentence did not name the attacker
        first = ""
    rest = [a for a in names if a != first]
    return first, rest[0] if rest else ""
