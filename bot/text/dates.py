"""The calendar days a text names: "Monday", "15 septembre", "el 2 de septiembre",
"Sept. 2", "yesterday". Read against the day the text was published.

The numbers of a date are no counts: they are marked NONCOUNT here, so that "2 September"
never reads as two of anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .tables import Language
from .tokens import NONCOUNT, NUM, ORD, WORD, Token

# A day named without a year that would fall this far after publication is last year's
# ("30 December" read on 2 January); one that falls within it in next year's January is
# next year's ("9 January" read on 19 December: a plan, not a day eleven months ago).
_NEXT_YEAR_SLACK = timedelta(days=40)


@dataclass(frozen=True, slots=True)
class Day:
    day: date
    first: int  # token indexes, inclusive
    last: int
    explicit: bool  # a calendar date ("15 September"), not a weekday or "yesterday"


def _calendar(pub: date | None, month: int, day: int, year: int | None,
              planned: bool = False) -> date | None:
    if not 1 <= day <= 31:
        return None
    if year is None:
        if pub is None:
            return None
        try:
            when = date(pub.year, month, day)
        except ValueError:
            return None
        if planned:  # a day to come: this one, or next year's
            return when if when >= pub else _next_year(when)
        if when > pub + _NEXT_YEAR_SLACK:
            return when.replace(year=pub.year - 1)
        if month < pub.month:
            try:
                ahead = when.replace(year=pub.year + 1)
            except ValueError:  # 29 February
                return when
            if ahead <= pub + _NEXT_YEAR_SLACK:
                return ahead
        return when
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _next_year(when: date) -> date:
    try:
        return when.replace(year=when.year + 1)
    except ValueError:  # 29 February
        return when


def _planned(words: list[str], first: int, last: int, lang: Language) -> bool:
    """Whether the day at words[first..last] is one to come: a phrase of the language's
    `planned_before` ends just before it ("set for", "previsto para el"), a word of
    `planned_after` follows it ("lundi prochain"), or a verb of `planned_verbs` stands a few
    words before its link word ("will be sentenced on July 11", "sera jugé le 11 juillet").
    A mark between the verb and the day ends the clause: "the toll will rise, officials said
    on Friday" is a day gone."""
    before = lang.planned_before
    for j in range(max(0, first - before.longest), first):
        if words[j] and before.may_start(words[j]) and j + before.at(words, j)[0] == first:
            return True
    if last + 1 < len(words) and words[last + 1] in lang.planned_after:
        return True
    # the link just before the day, or before its article ("on the 11th", "para el 11")
    links = [first - 1] + ([first - 2] if first > 1 and words[first - 1] in lang.day_articles
                           else [])
    return any(k >= 0 and words[k] in lang.planned_links and any(
        w in lang.planned_verbs for w in _clause_before(words, k, PLANNED_REACH))
        for k in links)


# How many words before a day's link word a verb of what is to come may stand.
PLANNED_REACH = 3


def _clause_before(words: list[str], k: int, reach: int) -> list[str]:
    out = []
    for j in range(k - 1, max(-1, k - 1 - reach), -1):
        if not words[j]:
            break
        out.append(words[j])
    return out


def _undated(pub: date | None, month: int, day: int, year: int | None) -> bool:
    """A calendar day read without the publication day to place it ("on 2 September" in a
    text read alone): its numbers are still no counts, though no Day can be given."""
    if pub is not None:
        return False
    try:
        date(year or 2000, month, day)  # 2000: a leap year, so 29 February is a day
    except ValueError:
        return False
    return True


def _day_number(tok: Token) -> int | None:
    # NONCOUNT with a value: a day already read as one (tokens are read once, days per call)
    if tok.kind not in (NUM, ORD, NONCOUNT) or tok.value is None or not 1 <= tok.value <= 31:
        return None
    # digits ("15", "2nd", "1er"), or the first ("premier", "primero") as days are written
    return tok.value if tok.norm[:1].isdigit() or tok.value == 1 else None


def year_of(tok: Token) -> int | None:
    """The year a token writes ("2022": four digits, no count), or None."""
    if tok.kind == NONCOUNT and len(tok.norm) == 4 and tok.norm.isdigit():
        return int(tok.norm)
    return None


def _year(tokens: list[Token], i: int, lang: Language) -> tuple[int | None, int]:
    """A year at tokens[i] (after an optional "de"/"of"/","): (year, tokens used)."""
    j = i
    if j < len(tokens) and tokens[j].norm in ("de", "of", ","):
        j += 1
    if j < len(tokens) and (year := year_of(tokens[j])) is not None:
        return year, j - i + 1
    return None, 0


def find(tokens: list[Token], lang: Language, published: date | None) -> list[Day]:
    """The days named, in order; the numbers of dates become NONCOUNT."""
    days: list[Day] = []
    months, weekdays = lang.months, lang.weekdays
    words = [t.norm if t.kind == WORD else "" for t in tokens]
    # every day below starts at a month, a weekday or a word of a relative day, which most
    # texts do not hold (without the publication day, a month alone names one)
    relative = lang.relative_days.first_words
    if months.keys().isdisjoint(words) and (
            published is None or weekdays.keys().isdisjoint(words)
            and relative.isdisjoint(words)):
        return days
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        # "15 September [2025]", "15 de septiembre", "1er septembre"
        d = _day_number(tok) if tok.kind != WORD else None  # most tokens are words
        if d is not None:
            j = i + 1
            if j < n and words[j] in ("de", "of"):
                j += 1
            if j < n and words[j] in months:
                year, used = _year(tokens, j + 1, lang)
                when = _calendar(published, months[words[j]], d, year,
                                 _planned(words, i, j + used, lang))
                if when is not None or _undated(published, months[words[j]], d, year):
                    tok.kind = NONCOUNT  # its value stays: read again, it is still a day
                    if when is not None:
                        days.append(Day(when, i, j + used, True))
                    i = j + used + 1
                    continue
        if tok.kind == WORD:
            w = tok.norm
            # "September 15", "Sept. 2nd"
            if w in months and i + 1 < n and (d := _day_number(tokens[i + 1])) is not None:
                year, used = _year(tokens, i + 2, lang)
                when = _calendar(published, months[w], d, year,
                                 _planned(words, i, i + 1 + used, lang))
                if when is not None or _undated(published, months[w], d, year):
                    tokens[i + 1].kind = NONCOUNT
                    if when is not None:
                        days.append(Day(when, i, i + 1 + used, True))
                    i += 2 + used
                    continue
            if w in weekdays and published is not None:
                if _planned(words, i, i, lang):  # "el próximo lunes", "lundi prochain"
                    when = published + timedelta(days=(weekdays[w] - published.weekday()) % 7)
                else:
                    when = published - timedelta(days=(published.weekday() - weekdays[w]) % 7)
                days.append(Day(when, i, i, False))
                i += 1
                continue
            used, back = lang.relative_days.at(words, i) \
                if published is not None and w in relative else (0, 0)
            if used:
                days.append(Day(published - timedelta(days=back), i, i + used - 1, False))
                i += used
                continue
        i += 1
    return days
