"""Reading the figures that matter out of one item: killed, injured, missing, survivors of the
story's event, and the running totals of a campaign (deaths, strikes).

    extract_facts(title, summary, language[, published]) -> [Fact]    at most one per name
    explain(title, summary, language[, published]) -> [Reading]       each with its evidence
    mentions(title, summary, language[, published]) -> [Mention]      every figure, its scope

(`published`, the report's day, dates the days its texts name: a toll beside a day weeks
before the report, in a sentence that tells of a recent day too, is an earlier happening's.)

One small engine over per-language tables (bot/data/facts/<code>.yaml, see bot.facts.rules);
the knowledge of a language is in its table, each row with the example sentences it exists
for. Three steps:

1. *Mentions* (bot.facts.mentions): the text layer (bot.text) reads each text into tokens
   with their figures; the matcher (bot.facts.matcher) finds where a rule's phrase shape
   holds around a figure ("{kill_verb} {qualifier}? N", "N {dead_noun}", "{toll_noun}
   {rise_verb} to N"), and where a cue holds ("since September", "the first strike").
   Each figure keeps the longest shape that reads it.
2. *Scope* (bot.facts.scope): a mention is the story's own, a running total over a series
   (campaign evidence in reach: "since September", "so far", "in 21 strikes", "the strikes
   have killed", a toll brought up from this event's smaller one), or dropped (an earlier
   event recalled, an increment, a few strikes of one operation, a survivor nobody found).
   A plain "death toll rises to 27" is the story's own toll, for any topic. What the
   headline reports (bot.text.happenings: the kinds of events.yaml, and whether they kill)
   weighs too: below a headline of a happening that kills nobody (aid, a resignation, an
   arrest) or of one dated in the past, a toll is recalled; below "new quake ...", the
   earlier one's; below one quake, flood or crash, which no series counts, a "total" is
   its own toll.
3. *Choice* (here): at most one Fact per name; story facts from the title first, then the
   summary, in reading order ("among the six killed" names the whole over its part);
   ``deaths_total`` and ``strikes_total`` the highest running figure read (the latest
   count is the largest one quoted), a tally older than this event only when no other is.

For the grouper, ``mentions()`` gives every figure with its noun: ``Mention.kind`` (deaths,
injured, missing, survivors, strikes), ``value``, ``scope`` ("story", "total" or
"dropped"), ``source`` ("title" or "summary"), ``span`` and ``sentence``. Two reports of one
event share their story figures; a "total" is a series' count and says nothing of which
event an item reports. Results are cached per text, so the grouper and the facts pay once.

Pure: no I/O, no clock. When unsure, a figure is left out: a missing fact only delays an
alert, a wrong one sends a false "toll now 87" to every subscriber.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..model import Fact
from ..text import LANGUAGES, guess_language
from ..text.happenings import headline
from ..text.lexicon import lexicon
from .mentions import Reading as TextReading
from .mentions import reading, tokens_of
from .rules import table
from .scope import (
    ATTACKERS,
    DROPPED,
    STORY,
    STORY_KINDS,
    TOTAL,
    Mention,
    behind_deed,
    context_toll,
    earlier_years,
    one_happening,
    read_scope,
    recalled,
    recalled_days,
    rounded,
    sickens,
    since_its_day,
    states_toll,
)

__all__ = ["Mention", "Reading", "explain", "extract_facts", "mentions"]


@dataclass(frozen=True, slots=True)
class Reading:
    """One fact read, with its evidence (what `vigia explain` prints)."""

    fact: str
    value: int
    source: str  # "title" or "summary"
    sentence: str
    span: str
    rule: str  # the table row that read the figure
    scope: str  # why the figure is the story's own, or a running total


def _lang(language: str | None, title: str, summary: str) -> str:
    code = (language or "").lower()[:2]
    return code if code in LANGUAGES else guess_language(f"{title} {summary}")


def mentions(title: str, summary: str, language: str | None,
             published: date | None = None) -> list[Mention]:
    """Every figure the item's texts state, title first, with what it counts and whose it is.
    `published`, the report's day, dates the days its texts name."""
    title, summary = (title or "").strip(), (summary or "").strip()
    if not title and not summary:
        return []
    lang = _lang(language, title, summary)
    texts = [(src, reading(text, lang)) for src, text in (("title", title),
                                                            ("summary", summary)) if text]
    head = headline(*(tokens_of(text, lang) for text in (title, summary)), lang, lexicon(),
                    published.year if published else None)
    found = read_scope(texts, table(lang), head)
    one = one_happening(head, lexicon())
    if published is not None:
        recalled_days(found, texts, lang, published)
        earlier_years(found, texts, published)
        if one:
            since_its_day(found, texts, lang, published)
    # one happening named in the singular is one too, unless the item counts its series
    # ("su ataque número 16 ... ya suman 68")
    if one or head.singular and not any(
            m.kind == "strikes" and m.scope == TOTAL for m in found):
        _own_totals(found)
    # below a headline of aid, a visit, a vote after a happening that kills, the figures are
    # that happening's; not its survivors, to whom what follows is often done ("Navy holds
    # the survivors after the strike"): they are its survivors still
    why = context_toll(head, lexicon()) or behind_deed(head, lexicon())
    for m in found if why else ():
        if m.scope == STORY and m.kind in STORY_KINDS and m.kind != "survivors":
            m.scope, m.reason = DROPPED, why
    _groups_of_the_dead(found, dict(texts), lang)
    injured = [m for m in found if m.kind == "injured" and m.scope == STORY]
    if injured and sickens(head, lexicon()):  # the headline is read only when it matters
        for m in injured:
            m.scope, m.reason = DROPPED, "the sick of an epidemic, not the injured"
    below = [m for m in found if m.scope == STORY and m.source == "summary"
             and m.kind in STORY_KINDS]
    if below:
        why = "" if states_toll(texts, found, head.from_lead) else recalled(head, lexicon())
        for m in below if why else ():
            m.scope, m.reason = DROPPED, why
    return found


def _groups_of_the_dead(found: list[Mention], texts: dict[str, TextReading], lang: str) -> None:
    """Marks a headline's toll that counts a group of the dead, the word after its figure
    one of the table's `part_people` ("tue 21 enfants", "10 security guards killed"): the
    children, the guards among the dead, whose whole the summary may give (`_stated`)."""
    title = texts.get("title")
    groups = table(lang).classes.get("part_people")
    if title is None or groups is None:
        return
    for m in found:
        if m.source == "title" and m.kind == "deaths" and m.at >= 0:
            norms = title.sentences[m.sent].norms
            m.part = m.at + 1 < len(norms) and bool(groups.lengths_at(norms, m.at + 1))


def _own_totals(found: list[Mention]) -> None:
    """Below a headline of one happening that no series counts (a quake, a flood, a fire), a
    "total" that is the very figure the item gives as its toll is that toll, said over its
    days ("the cyclone killed 120 between 15 and 19 December"; "112 dead in the fires")."""
    own = {m.value for m in found if m.kind == "deaths" and m.scope == STORY}
    for m in found:
        if m.kind == "deaths" and m.scope == TOTAL and m.value in own:
            m.scope, m.reason = STORY, f"the happening's own toll, stated again ({m.reason})"


def _choose(found: list[Mention]) -> list[tuple[str, Mention]]:
    totals = [m for m in found if m.kind == "deaths" and m.scope == TOTAL]
    # The lede carries the news: an item whose title and first sentence state no figure of
    # its event recalls, in a later sentence, a figure of something else (the floods that
    # killed 229, in a report on a protest against the response to them).
    # (A count of strikes in the lede names its happening too: "its third strike".)
    # (the attackers the police killed, counted in the lede, are of its event too: "Cinco
    # terroristas abatidos" / "... el ataque dejó una mujer muerta y cinco heridos")
    lede = any(m.lede for m in found if m.scope == STORY and m.kind in STORY_KINDS
               or m.kind == "strikes" and m.scope == TOTAL and not m.older
               or m.scope == DROPPED and m.reason.startswith(ATTACKERS))
    current = [m for m in totals if not m.older] or totals
    chosen: list[tuple[str, Mention]] = []
    total_values = {m.value for m in totals}
    for kind in STORY_KINDS:
        story = [m for m in found if m.kind == kind and m.scope == STORY and lede]
        if kind == "deaths":
            # a figure the item also gives as the campaign's total is that total, said
            # loosely ("'more than 80 killed' in US strikes" over "80 dead since September")
            story = [m for m in story if m.value not in total_values]
        if kind == "injured" and any(m.figure for m in story):
            # one person hurt, named first, is one of the injured that a figure counts ("a
            # firefighter was hurt as 12 people were injured")
            story = [m for m in story if m.figure]
        preferred = [m for m in story if m.prefer]
        if story:
            said = {m.value for m in found if m.kind == kind and m.source == "summary"}
            chosen.append((kind, _stated((preferred or story)[0], story, said)))
    if current:
        chosen.append(("deaths_total", max(current, key=lambda m: (m.value, -m.order))))
    strikes = [m for m in found if m.kind == "strikes" and m.scope == TOTAL]
    strikes = [m for m in strikes if not m.older] or strikes
    if strikes:
        chosen.append(("strikes_total", max(strikes, key=lambda m: (m.value, -m.order))))
    return chosen


def _stated(pick: Mention, story: list[Mention], said: set[int]) -> Mention:
    """A title rounds a figure that its summary states, or gives one its summary says has
    since risen ("hay dos muertos" / "sube a 13 el número de muertos"), or counts a group
    of the dead whose whole the summary gives ("tue 21 enfants" / "plus de 200 personnes
    ont péri"): take the summary's.
    Not when the summary states the title's figure too (`said`: its figures of the kind):
    "more than 35,000 dead ... Turkey counts 31,500" rounds nothing."""
    if pick.source != "title":
        return pick
    if pick.part:  # "kills 21 children" / "more than 200 died": the whole
        larger = [m for m in story if m.source == "summary" and m.value > pick.value]
        if larger:
            return max(larger, key=lambda m: m.value)
    if not pick.figure and pick.value == 1:
        # one victim named in the headline, and the summary names them with who died beside
        # them ("Italian ambassador killed" / "X, the ambassador, and a policeman escorting
        # him were killed"): all of them; not a figure the summary gives of something else
        beside = [m for m in story if m.source == "summary" and not m.figure and m.value > 1]
        if beside:
            return beside[0]
    rounds = pick.value not in said
    for m in story:
        if m.source == "summary" and (rounds and rounded(pick.value, m.value)
                                      or m.toll and m.value > pick.value):
            return m
    return pick


def explain(title: str, summary: str, language: str | None,
            published: date | None = None) -> list[Reading]:
    """Each fact the item gives, with the sentence, the rule and why its scope."""
    return [Reading(name, m.value, m.source, m.sentence, m.span, m.rule, m.reason)
            for name, m in _choose(mentions(title, summary, language, published))]


def extract_facts(title: str, summary: str, language: str | None,
                  published: date | None = None) -> list[Fact]:
    """The figures this item states: at most one Fact per name, each with its text span.
    `published`, the report's day, dates the days its texts name."""
    return [Fact(name, m.value, m.span)
            for name, m in _choose(mentions(title, summary, language, published))]
