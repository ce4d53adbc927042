"""Scope: whose figure a mention is. The story's own (its event's toll, injured, missing,
survivors), a running total over a series (the campaign's deaths, the count of strikes),
or neither (an earlier event recalled, an increment, a count of one operation's parts).

The evidence is the cues of the tables (bot.facts.rules) in reach of the mention:

- same clause: a cue shares a clause with the mention (clauses end at , ; : and brackets);
  a clause that opens on a participle ("..., killing 83") shares the clause before it
- a cue that opens its sentence ("Since September, ...") reaches the first mention of
  each kind after it; a ``previous`` cue ("..., according to official figures") the
  mention just before it
- a running count of strikes reaches the deaths of its whole sentence ("at least 83
  killed in 21 strikes"), unless the deaths' clause is about one event
- a toll "brought to" (or "rising to") a figure after a smaller toll of this item's own
  event is the running total that event added to ("killing six and bringing the toll
  to 46"); alone, it is the story's own toll ("death toll rises to 27").

and what the headline reports (bot.text.happenings, the `tolls` of events.yaml): whether a
toll below it is recalled from another happening (`recalled`), whether it reports one more
of a series ("new quake": the earlier one named by its date or day is recalled), and
whether it reports one happening that no series counts (`one_happening`: its "total" is its
own toll).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..text import dates, language
from ..text.happenings import Headline, kinds_named
from ..text.lexicon import CARRY_TOLL, MAYBE_TOLL, NO_TOLL, OWN_TOLL, Kind, Lexicon, lexicon
from ..text.names import Mention as Named
from .matcher import Sentence
from .mentions import Hit, Reading
from .rules import Table

STORY, TOTAL, DROPPED = "story", "total", "dropped"
# what a story counts of its own event
STORY_KINDS = ("deaths", "injured", "missing", "survivors")

# A count of strikes with no campaign cue counts the campaign from this size on: one
# operation ("three strikes on four boats killed 14") has had at most four strikes, while a
# campaign tally quoted without "since ..." ("sept frappes, 32 morts") is larger.
CARDINAL_STRIKES_MIN = 5


@dataclass(slots=True)
class Mention:
    """A figure read, with what it counts and whose it is (see bot.facts: the grouper
    reads these as the item's figures with their nouns)."""

    kind: str  # deaths, injured, missing, survivors, strikes
    value: int
    scope: str  # "story", "total" or "dropped"
    source: str  # "title" or "summary"
    sentence: str  # the sentence it was read in
    span: str  # the words that say it
    rule: str  # the table row that read it
    reason: str  # why this scope
    order: int = 0  # reading order in the item: the title's first
    sent: int = 0  # its sentence's number in its text
    lede: bool = False  # read in the title or the summary's first sentence
    older: bool = False  # a tally from before this event ("prior to Thursday's strike")
    prefer: bool = False  # a whole named beside its part ("among the six killed")
    part: bool = False  # a headline's count of a group of the dead ("kills 21 children")
    toll: str = ""
    at: int = -1  # the figure's token in its sentence
    # where the cue that counts it since a time ("since", "desde": a `span` row) ends in its
    # sentence, when that cue made it a running total or one happening's count over its days
    since: int = -1
    # read from a figure, not a shape that gives its value ("an aide was injured": 1)
    figure: bool = True
    end: int = -1  # the token after the words that say it


class _Head:
    """What the item's headline says, asked of it at most once per item."""

    __slots__ = ("head", "_one")

    def __init__(self, head: Headline | None) -> None:
        self.head = head
        self._one: bool | None = None

    def new(self) -> bool:
        """Whether the headline reports one more of a series ("new quake")."""
        return self.head is not None and self.head.new

    def one(self) -> bool:
        """Whether the headline reports one happening, no series (see one_happening)."""
        if self._one is None:
            self._one = self.head is not None and one_happening(self.head, lexicon())
        return self._one


@dataclass(slots=True)
class _Ctx:
    reading: Reading
    tab: Table
    source: str
    head: _Head
    spans: dict[int, tuple[int, int]] = field(default_factory=dict)  # id(hit) -> clauses

    def new(self) -> bool:
        return self.head.new()

    def one(self) -> bool:
        return self.head.one()

    def clauses(self, h: Hit) -> tuple[int, int]:
        """The clause numbers the mention spans (see _clauses), worked out once."""
        rng = self.spans.get(id(h))
        if rng is None:
            rng = self.spans[id(h)] = _clauses(self.reading.sentences[h.sent], h, self.tab)
        return rng


def _clauses(s: Sentence, h: Hit, tab: Table) -> tuple[int, int]:
    """The clause numbers the mention spans, reaching back over a participle's link."""
    lo, hi = s.clauses[h.start], s.clauses[h.end - 1]
    participle = tab.classes.get("participle")
    while lo > 0 and participle is not None:
        first = s.clause_starts.get(lo)
        if first is None or not participle.lengths_at(s.norms, first):
            break
        lo -= 1
    return lo, hi


def _cue_clauses(s: Sentence, c: Hit) -> tuple[int, int]:
    return s.clauses[c.start], s.clauses[c.end - 1]


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _leads(s: Sentence, c: Hit) -> bool:
    """Whether the cue is in the first clause of its sentence, or of the part of it after a
    ";" or ":" ("Since September, ...", "Avec ces frappes, ...")."""
    seg = s.segments[c.start]
    first = next(cl for cl, g in zip(s.clauses, s.segments, strict=True) if g == seg)
    return s.clauses[c.start] == first and s.clauses[c.end - 1] == first


def _cues(ctx: _Ctx, h: Hit, kinds: tuple[str, ...]) -> Iterator[Hit]:
    """The cues of these kinds in the mention's sentence."""
    lede = ctx.source == "title" or h.sent == 0
    by_kind = ctx.reading.by_kind
    for kind in kinds:
        for c in by_kind.get((h.sent, kind), ()):
            if c.rule.new and not ctx.new():
                continue
            # under "new quake ...", an earlier one named in the first sentence is no
            # longer the one the item reports
            if c.rule.lede or not lede or ctx.source != "title" and ctx.new():
                yield c


def _on_figure(ctx: _Ctx, h: Hit, kind: str) -> Hit | None:
    """A cue of this kind whose figure is the mention's ("four more strikes", "none of the
    132 aboard"), if any."""
    return next((c for c in _cues(ctx, h, (kind,)) if c.fig == h.fig), None)


def _text(ctx: _Ctx, c: Hit) -> str:
    return f"{c.rule.id} ({ctx.reading.span_text(c)!r})"


def _in_reach(ctx: _Ctx, h: Hit, kinds: tuple[str, ...], leading: bool = False) -> Hit | None:
    """A cue of these kinds in the mention's clauses (or, with `leading`, opening the part of
    the sentence the mention is in: "Prior to Thursday's strike, ...")."""
    s = ctx.reading.sentences[h.sent]
    rng = ctx.clauses(h)
    for c in _cues(ctx, h, kinds):
        if c.rule.reach == "sentence" or _overlaps(rng, _cue_clauses(s, c)):
            return c
        if leading and c.end <= h.start and s.segments[c.start] == s.segments[h.start] \
                and _leads(s, c):
            return c
    return None


def _campaign(ctx: _Ctx, h: Hit, mentions: list[Hit]) -> Hit | None:
    """A campaign cue that reaches the mention (see the module's docstring)."""
    s = ctx.reading.sentences[h.sent]
    rng = ctx.clauses(h)
    one_event = _in_reach(ctx, h, ("one_event",)) is not None
    blocked = [c for c in _cues(ctx, h, ("not_campaign",))]
    for c in _cues(ctx, h, ("campaign", "previous")):
        if any(b.start <= c.start < b.end for b in blocked):
            continue
        one_named = c.rule.weak and _one_happening_named(ctx, c)
        if h.rule.toll and h.start - 3 <= c.start <= h.end + 3 and c.rule.cue == "campaign" \
                and s.clauses[c.start] == s.clauses[h.end - 1] and not one_named:
            return c  # the toll's own words say whose ("the toll of the campaign"), unless
            # they name one happening in the plural ("toll rises to 85 in the Tianjin blasts")
        if c.rule.weak and (one_event or one_named):
            continue
        if any(m is not h and m.sent == c.sent and m.start <= c.start and c.end <= m.end
               for m in mentions):
            continue  # a cue inside another figure's words is that figure's ("killing six
            # and bringing the campaign's toll to 46": the campaign's is the 46)
        if c.rule.cue == "previous":
            if ctx.one():
                continue  # "according to the latest toll": that happening's own
            before = [m for m in mentions if m.sent == h.sent and m.fig < c.start
                      and m.rule.fact == h.rule.fact]
            if before and before[-1] is h:
                return c
            continue
        if _overlaps(rng, _cue_clauses(s, c)):
            return c
        if _leads(s, c):
            after = [m for m in mentions if m.sent == h.sent and m.start >= c.end
                     and m.rule.fact == h.rule.fact
                     and s.segments[m.start] == s.segments[c.start]]
            if after and after[0] is h:
                return c
    return None


def _kinds_in(ctx: _Ctx, tokens: list) -> list[tuple[Named, Kind]]:
    """The kinds of happening some tokens of the item name, each with its table row."""
    lex = lexicon()
    return [(m, lex.kind_info[m.token]) for m in kinds_named(tokens, language(ctx.tab.lang), lex)
            if m.token in lex.kind_info]


def _one_happening_named(ctx: _Ctx, c: Hit) -> bool:
    """Whether a cue's plural of a happening names one happening (events.yaml,
    `plural_one`: "las explosiones de Tianjin dejan 85 muertos"), not a series as "los
    ataques dejan 85 muertos" does."""
    found = _kinds_in(ctx, ctx.reading.sentences[c.sent].tokens[c.start:c.end])
    return bool(found) and all(k.plural_one for _, k in found)


def read_scope(readings: list[tuple[str, Reading]], tab: Table,
               head: Headline | None = None) -> list[Mention]:
    """The mentions of an item's texts (title first), each with its scope and why; `head`,
    what the headline reports, for the cues that depend on it."""
    out: list[Mention] = []
    verdicts = _Head(head)
    for source, reading in readings:
        ctx = _Ctx(reading, tab, source, verdicts)
        facts = reading.facts
        strikes: list[tuple[Hit, Mention]] = []
        for h in facts:
            if h.rule.fact == "strikes":
                m = _strikes(ctx, h, facts)
                strikes.append((h, m))
                out.append(m)
        for h in facts:
            if h.rule.fact != "strikes":
                out.append(_people(ctx, h, facts, strikes, out))
    for k, m in enumerate(out):
        m.order = k
    _tolls_of_the_series(out, verdicts)
    if any(c.rule.cue == "happening" and (src == "title" or c.sent == 0)
           for src, reading in readings for c in reading.cues) or (
            head is not None and _names_a_killer(head, lexicon())):
        # the lede names the happening: the figures of later sentences are its too
        for m in out:
            m.lede = True
    out.sort(key=lambda m: (m.source != "title", m.order))
    return out


# A day this many days or more before the report is an earlier happening's (as the grouper's
# old-event evidence counts it, bot/grouping/evidence.HISTORY_DAYS).
RECALLED_DAYS = 7


def recalled_days(found: list[Mention], readings: list[tuple[str, Reading]], lang: str,
                  published: date) -> None:
    """A figure beside a day a week or more before the report, in a sentence that tells of a
    recent day too, is the earlier happening's: "after the deadliest strike, on 28 October
    (fourteen dead), Hegseth reported on 4 November another one with two dead" gives two,
    not fourteen. Only where the sentence sets the two days side by side: a quake's toll
    "from the 6 February quake" two weeks on is still the quake's."""
    tables = language(lang)
    texts = dict(readings)
    dated: dict[tuple[str, int], list] = {}  # a sentence's days, read once
    for m in found:
        if m.scope != STORY or m.kind == "survivors" or m.at < 0 or m.source not in texts:
            continue
        s = texts[m.source].sentences[m.sent]
        ages = dated.get((m.source, m.sent))
        if ages is None:
            ages = dated[m.source, m.sent] = [((published - d.day).days, d) for d in
                                              dates.find(s.tokens, tables, published)]
        if not any(a >= RECALLED_DAYS for a, _ in ages) or \
                not any(-1 <= a < RECALLED_DAYS for a, _ in ages):
            continue
        # the days of the figure's own clause ("two weeks after the 6 February quake; six
        # were killed" names the earlier quake in another clause)
        own = _host_clause(s, m.at)
        mine = [(a, d) for a, d in ages if _host_clause(s, d.first) == own]
        if not mine:
            continue
        age, day = min(mine, key=lambda x: min(abs(x[1].first - m.at), abs(x[1].last - m.at)))
        if age >= RECALLED_DAYS:
            m.scope = DROPPED
            m.reason = f"an earlier happening's: beside {day.day.isoformat()}, {age} days " \
                       f"before the report, in a sentence that tells of a recent day too"


def earlier_years(found: list[Mention], readings: list[tuple[str, Reading]],
                  published: date) -> None:
    """One victim (or one wounded, one missing, no survivor) whose own clause names a year
    that ended a week or more before the report, and not the report's year, is an older
    happening's, recalled: "man convicted of killing journalist in 2018", "la viuda del
    alcalde asesinado en 2019", "the reporter shot in 2019 testified", "in 1998 a jet
    crashed there and none survived". Not a larger toll: a study of an earlier year's heat
    deaths, an outbreak's count, is the report's news (measured: heatwaves and outbreaks
    lose their tolls)."""
    texts = dict(readings)
    for m in found:
        if m.scope != STORY or m.kind not in STORY_KINDS or m.value > 1 \
                or m.at < 0 or m.source not in texts:
            continue
        s = texts[m.source].sentences[m.sent]
        # a figure's clause, or every clause of the words that give a value ("La
        # journaliste, blessée en 2021, ...")
        own = {_host_clause(s, k) for k in (range(m.at, m.end) if not m.figure else (m.at,))}
        years = [y for k, t in enumerate(s.tokens) if (y := dates.year_of(t)) is not None
                 and 1900 <= y <= published.year and _host_clause(s, k) in own]
        old = [y for y in years if date(y, 12, 31) + RECALLED_SPAN < published]
        if old and len(old) == len(years):
            m.scope = DROPPED
            m.reason = f"an earlier happening's: beside the year {max(old)}"


# A year ended this long before the report is an earlier one (a report on 2 January of a
# toll of 31 December is this happening's)
RECALLED_SPAN = timedelta(days=RECALLED_DAYS)


# How many days before the report a day may be for "since <that day>" to count one
# happening's toll over its days (an outbreak declared on 27 September), not a tally over
# years ("since 2017").
SINCE_DAYS = 120


def since_its_day(found: list[Mention], readings: list[tuple[str, Reading]], lang: str,
                  published: date) -> None:
    """Below a headline of one happening that no series counts (an outbreak, a flood), a
    toll counted since a day weeks before the report ("desde el 27 de septiembre hubo 66
    casos confirmados y quince muertes") is that happening's toll over its days, not a
    running total of a series."""
    tables = language(lang)
    texts = dict(readings)
    for m in found:
        if m.kind != "deaths" or m.scope not in (STORY, TOTAL) or m.since < 0 \
                or m.source not in texts:
            continue
        s = texts[m.source].sentences[m.sent]
        for d in dates.find(s.tokens, tables, published):
            # the day right after the cue ("desde el 27 de septiembre", "since 9 October")
            if not m.since <= d.first <= m.since + 1:
                continue
            recent = 0 < (published - d.day).days <= SINCE_DAYS
            if recent and m.scope == TOTAL:
                m.scope = STORY
                m.reason = f"one happening's toll since {d.day.isoformat()} ({m.reason})"
            elif not recent and m.scope == STORY:
                # "since 1 March 2019 cholera has killed 1,200": years of it, no outbreak's
                m.scope = TOTAL
                m.reason = f"a tally since {d.day.isoformat()}, long before ({m.reason})"
            break


def _host_clause(s: Sentence, i: int) -> int:
    """The clause a token belongs to, a parenthesis being part of the clause it sits in
    ("the deadliest strike, on 28 October (fourteen dead), ...")."""
    c = s.clauses[i]
    start = i
    while start > 0 and s.clauses[start - 1] == c:
        start -= 1
    if start > 0 and s.tokens[start].norm == "(":
        return _host_clause(s, start - 1)
    return c


def _tolls_of_the_series(found: list[Mention], head: _Head) -> None:
    """In an item that counts a series (a running total, a strike's number), a toll named
    as such and larger than the event's own figure ("the death toll rises to over 100")
    is that series' toll: the item speaks of the series, and its event's figure is the one
    said with the event ("killing five")."""
    series = next((m for m in found if m.kind in ("deaths", "strikes") and m.scope == TOTAL),
                  None)
    if series is None or head.one():  # one quake's toll "rises": no series is counted
        return
    own = max((o.value for o in found if o.kind == "deaths" and o.scope == STORY
               and not o.toll), default=None)
    for m in found:
        if m.kind == "deaths" and m.scope == STORY and m.toll and own is not None \
                and m.value > own:
            m.scope = TOTAL
            m.reason = f"a toll in an item on a series (counted: {series.span!r})"


def _mention(ctx: _Ctx, h: Hit, scope: str, reason: str, prefer: bool = False,
             **kw: object) -> Mention:
    r = ctx.reading
    return Mention(h.rule.fact, int(h.value or 0), scope, ctx.source, r.sentence_text(h.sent),
                   r.span_text(h), h.rule.id, reason, prefer=prefer or h.rule.prefer,
                   toll=h.rule.toll, figure=h.fig >= 0,
                   lede=ctx.source == "title" or h.sent == 0, sent=h.sent,
                   at=h.fig if h.fig >= 0 else h.start, end=h.end,
                   **kw)  # type: ignore[arg-type]


# Why a figure of the attackers is dropped (bot.facts._choose asks it of the lede)
ATTACKERS = "the attackers, not their victims"


def _dropping(ctx: _Ctx, h: Hit) -> str:
    """Why a mention belongs to no one here: an earlier event, a part, a fear."""
    for c in _cues(ctx, h, ("part",)) if not h.rule.sum else ():
        # a figure named as a part, or a shape without one inside the words of a part ("un
        # blessé décédé": one of the dead, no count of the injured); not a sum of the
        # parts, which is their whole ("three dead in Jamaica and two in Haiti")
        if c.fig == h.fig and (h.fig >= 0 or c.start <= h.start < c.end):
            return f"a part of the toll: {_text(ctx, c)}"
    c = _on_figure(ctx, h, "perpetrators")
    if c is not None:
        return f"{ATTACKERS}: {_text(ctx, c)}"
    c = _in_reach(ctx, h, ("prior",))
    if c is not None and not (c.rule.backshift and _reported_before(ctx, c)):
        return f"prior: {_text(ctx, c)}"
    s = ctx.reading.sentences[h.sent]
    for c in _cues(ctx, h, ("hedge",)):
        # the cue within two tokens of the mention, or ending right before it ("s'élèvera
        # à 1 000 morts")
        near = h.start - 2 <= c.start or h.start - 2 <= c.end <= h.start
        if near and c.end <= h.end + 2 and _overlaps(
                (s.clauses[h.start], s.clauses[h.end - 1]), _cue_clauses(s, c)):
            return f"hedge: {_text(ctx, c)}"  # "1,000 feared dead", "could reach 20,000"
    # a toll brought up to a figure ("bodies found after the flood, bringing the toll to
    # 41") is the toll of the happening named before it, not of an earlier one: only its
    # own clause can name one
    s = ctx.reading.sentences[h.sent]
    own = (s.clauses[h.start], s.clauses[h.end - 1]) if h.rule.toll == "bring" \
        else ctx.clauses(h)
    for c in _cues(ctx, h, ("lead",)):
        if c.start < h.start and _overlaps(own, _cue_clauses(s, c)):
            return f"earlier event: {_text(ctx, c)}"
    return ""


def _reported_before(ctx: _Ctx, c: Hit) -> bool:
    """Whether reported speech or a time reached opens before the cue in its sentence
    ("Police said the riot had left 58 dead", "By Saturday Helene had killed 55")."""
    return any(r.start < c.start for r in ctx.reading.by_kind.get((c.sent, "reported"), ()))


def _strikes(ctx: _Ctx, h: Hit, facts: list[Hit]) -> Mention:
    labour = next(iter(_cues(ctx, h, ("labour",))), None)
    if labour is not None:
        return _mention(ctx, h, DROPPED, f"a labour strike: {_text(ctx, labour)}")
    if h.pattern.slot in ("ORD", "NO"):
        s = ctx.reading.sentences[h.sent]
        for c in _cues(ctx, h, ("subseries",)):
            if c.start >= h.fig and s.clauses[c.start] in (s.clauses[h.fig], s.clauses[h.end - 1]):
                return _mention(ctx, h, DROPPED, f"a part of the series: {_text(ctx, c)}")
        return _mention(ctx, h, TOTAL, "an ordinal counts the series up to this one")
    why = _dropping(ctx, h)
    c = _on_figure(ctx, h, "increment")
    if c is not None:  # "four more strikes": an increment, not the count
        return _mention(ctx, h, DROPPED, f"an increment: {_text(ctx, c)}")
    older = why.startswith("prior") or _in_reach(ctx, h, ("before",), leading=True) is not None
    if why and not older:
        return _mention(ctx, h, DROPPED, why)
    if h.rule.total:
        return _mention(ctx, h, TOTAL, "a running count by its wording", older=older)
    c = _campaign(ctx, h, facts)
    if c is not None:
        return _mention(ctx, h, TOTAL, f"campaign: {_text(ctx, c)}", older=older)
    if (h.value or 0) >= CARDINAL_STRIKES_MIN:
        return _mention(ctx, h, TOTAL, f"{h.value} strikes: more than one operation has",
                        older=older)
    return _mention(ctx, h, DROPPED, "a few strikes: one operation's")


def _people(ctx: _Ctx, h: Hit, facts: list[Hit], strikes: list[tuple[Hit, Mention]],
            earlier: list[Mention]) -> Mention:
    kind = h.rule.fact
    # "none of the 132 aboard survived": not 132 survivors
    c = None if kind == "deaths" else _on_figure(ctx, h, "negated")
    if c is not None:
        return _mention(ctx, h, DROPPED, f"denied: {_text(ctx, c)}")
    # "four new deaths", "tres muertos más": added to a toll, not the toll; but below a
    # headline of one more happening ("new quake ..."), the new deaths are that one's own
    c = None if ctx.new() else _on_figure(ctx, h, "increment")
    if c is not None:
        return _mention(ctx, h, DROPPED, f"an increment: {_text(ctx, c)}")
    if kind == "survivors":
        c = next(iter(_cues(ctx, h, ("not_found",))), None)
        if c is not None:
            return _mention(ctx, h, DROPPED, f"not found: {_text(ctx, c)}")
    earlier_event = _dropping(ctx, h)
    before = _in_reach(ctx, h, ("before",), leading=True)
    series, campaign = _series(ctx, h, facts, strikes, earlier)
    if series:
        since = campaign.end if campaign is not None and campaign.rule.span else -1
        if ctx.one() and not earlier_event and (kind != "deaths" or _spans_time(ctx, campaign)):
            # "4,250 rescued since 5 September", "2,300 deaths since the start of the
            # epidemic": one happening's count, over its days
            return _mention(ctx, h, STORY, f"one happening's count of {kind}: {series}",
                            since=since)
        if kind != "deaths":
            return _mention(ctx, h, DROPPED, f"a running total of {kind}: {series}")
        added = next((c for c in _cues(ctx, h, ("increment",))
                      if c.end <= h.start and _adds_people(c, facts)), None) \
            if h.rule.toll else None
        if added is not None:
            # "two of the injured died, bringing the toll to 22": the dead added are the
            # happening's own, and so is the toll they bring
            return _mention(ctx, h, STORY, f"a toll brought up by deaths added to it: "
                            f"{_text(ctx, added)}")
        increment = _in_reach(ctx, h, ("increment",))
        if increment is not None:  # "since then, four more strikes have killed 14"
            return _mention(ctx, h, DROPPED, f"an increment: {_text(ctx, increment)}")
        older = earlier_event or (f"before: {_text(ctx, before)}" if before else "")
        return _mention(ctx, h, TOTAL, series + (f"; older ({older})" if older else ""),
                        older=bool(older), since=since)
    if before is not None and ctx.one() and not earlier_event:
        # one happening's count until then ("jusque-là, 11 morts"): its toll, said earlier
        return _mention(ctx, h, STORY, f"this happening's earlier count: {_text(ctx, before)}")
    if before is not None:
        if kind != "deaths":
            return _mention(ctx, h, DROPPED, f"before this event: {_text(ctx, before)}")
        return _mention(ctx, h, TOTAL, f"a tally up to an earlier point: {_text(ctx, before)}",
                        older=True)
    if earlier_event:
        return _mention(ctx, h, DROPPED, earlier_event)
    other = _another_killer(ctx, h)
    if other:
        return _mention(ctx, h, DROPPED, f"another happening's: {other}")
    part = _smaller_toll(ctx, h, earlier) if h.rule.toll and (
        ctx.one() or _of_one_happening(ctx, h)) else None
    if part is not None:  # "35,418 in Turkey and 5,714 in Syria, bringing the toll to 41,132"
        return _mention(ctx, h, STORY, f"the toll of one happening, over its part {part.value} "
                        f"({part.span!r})", prefer=True)
    return _mention(ctx, h, STORY, "this event's (no campaign cue in reach)")


def _another_killer(ctx: _Ctx, h: Hit) -> str:
    """The name of another happening that kills which a later sentence of the summary
    names, and none of those the headline reports ("a quake shakes Mexico, no victims ...
    Hours later, the minister's helicopter crashed, killing two"): the figures of that
    sentence are its, or "". Kinds that may be one happening (a quake and a collapse) are
    not two."""
    head = ctx.head.head
    if ctx.source != "summary" or h.sent == 0 or head is None:
        return ""
    lex = lexicon()
    # a headline of a rescue or a search names no killer: the sentence may name its
    reported = [k for k in head.reported
                if k in lex.kind_info and lex.kind_info[k].toll in (OWN_TOLL, MAYBE_TOLL)]
    if not reported:
        return ""
    named = _kinds_in(ctx, _part_of(ctx.reading.sentences[h.sent], h.fig))
    if any(lex.kinds_alike(m.token, r) for m, _ in named for r in reported):
        return ""
    return next((k.name for _, k in named if k.toll == OWN_TOLL), "")


def _part_of(s: Sentence, at: int) -> list:
    """The tokens of the part of a sentence between two ";" that holds token `at` (all of
    them when `at` is no token): "200 injured; the hurricane killed two in the east" names
    the hurricane after the 200. A ":" goes on with its clause ("a helicopter crashed: three
    died") and does not part it."""
    if not 0 <= at < len(s.tokens):
        return s.tokens
    start = next((k + 1 for k in range(at - 1, -1, -1) if s.norms[k] == ";"), 0)
    end = next((k for k in range(at + 1, len(s.norms)) if s.norms[k] == ";"), len(s.norms))
    return s.tokens[start:end]


def _adds_people(increment: Hit, facts: list[Hit]) -> bool:
    """Whether the increment's figure counts people (the dead or injured added: "two more
    dead", "two of the injured died"), not happenings ("four more strikes")."""
    return any(f.sent == increment.sent and f.fig == increment.fig and f.rule.fact != "strikes"
               for f in facts)


def _spans_time(ctx: _Ctx, campaign: Hit | None) -> bool:
    """Whether the campaign cue that makes a toll a running total (`_series`) only spans
    the time since the happening the headline reports began ("2,300 deaths since the start
    of the epidemic", "depuis le séisme"): its own toll over its days, not a tally over years
    or a series named ("this month's two quakes have killed 400", "800 deaths on the
    railways since 2017")."""
    head = ctx.head.head
    if campaign is None or not campaign.rule.span or head is None:
        return False
    s = ctx.reading.sentences[campaign.sent]
    end = _clause_end(s, campaign.end, campaign.start, SINCE_REACH)
    return any(m.token in head.reported for m, _ in _kinds_in(ctx, s.tokens[campaign.end:end]))


def _clause_end(s: Sentence, start: int, anchor: int, reach: int) -> int:
    """Where the few words from `start` that stay in `anchor`'s clause end (at most
    `reach` of them): the words that may say whose a toll is, or since when it counts."""
    end = start
    while end < min(len(s.tokens), start + reach) and s.clauses[end] == s.clauses[anchor]:
        end += 1
    return end


# How many words after "since" may name the happening the time is counted from ("since the
# start of the epidemic").
SINCE_REACH = 6


def _series(ctx: _Ctx, h: Hit, facts: list[Hit], strikes: list[tuple[Hit, Mention]],
            earlier: list[Mention]) -> tuple[str, Hit | None]:
    """Why the figure is a running total over a series, or "", and the campaign cue when
    that is why."""
    if h.rule.total:
        return "a running total by its wording", None
    c = _campaign(ctx, h, facts)
    if c is not None:
        return f"campaign: {_text(ctx, c)}", c
    if h.rule.fact != "deaths":
        return "", None
    c = _count_beside(ctx, h, strikes)
    if c is not None:
        return f"beside a running count of strikes: {_text(ctx, c)}", None
    if h.rule.toll and not ctx.one() and not _of_one_happening(ctx, h):
        m = _smaller_toll(ctx, h, earlier)
        if m is not None:
            return f"a toll brought up from this event's {m.value} ({m.span!r})", None
    return _continued(ctx, h, facts, strikes, earlier), None


# How many words after a toll's wording may name the happening it is the toll of.
OWNER_REACH = 4


def _of_one_happening(ctx: _Ctx, h: Hit) -> bool:
    """Whether the toll's own words name one happening of a kind that recurs, in the
    singular ("raising the death toll of the shooting rampage to 22"): that happening's
    toll, risen, not a series' total ("the toll from US strikes", "strike raises the toll":
    the strike is then no word of the toll's)."""
    s = ctx.reading.sentences[h.sent]
    # the toll's words, and the few after them that may name whose it is ("elevan a 22 los
    # muertos del tiroteo"), in its clause
    end = _clause_end(s, h.end, h.end - 1, OWNER_REACH)
    words = s.tokens[h.start:end]
    return any(k.serial and not k.series(words[m.last].norm) for m, k in _kinds_in(ctx, words))


def _continued(ctx: _Ctx, h: Hit, facts: list[Hit], strikes: list[tuple[Hit, Mention]],
               earlier: list[Mention]) -> str:
    """A larger toll alone after a ";" continues the campaign cue of the part before it ("two
    were killed. It was the eighth strike since September; 34 have been killed")."""
    s = ctx.reading.sentences[h.sent]
    seg = s.segments[h.start]
    if seg == 0:
        return ""
    before = [c for c in ctx.reading.cues if c.sent == h.sent and c.rule.cue == "campaign"
              and s.segments[c.start] == seg - 1]
    before += [sh for sh, sm in strikes if sh.sent == h.sent and sm.scope == TOTAL
               and s.segments[sh.fig] == seg - 1]
    if not before or any(f.rule.fact == "deaths" and f.sent == h.sent and f is not h
                         and s.segments[f.fig] in (seg, seg - 1) for f in facts):
        return ""
    smaller = [m for m in earlier if m.kind == "deaths" and m.scope == STORY
               and m.value < (h.value or 0)]
    if not smaller:
        return ""
    return f"continues the cue before the ';': {_text(ctx, before[0])}"


def _count_beside(ctx: _Ctx, h: Hit, strikes: list[tuple[Hit, Mention]]) -> Hit | None:
    """A running count of strikes in the sentence dates the deaths beside it ("at least 83
    killed in 21 strikes"), unless the deaths' clause is about one event ("a strike kills
    three and takes the count to 10"). Beside a toll wording, an ordinal does too ("with
    this eighth strike, the number killed has reached 34")."""
    s = ctx.reading.sentences[h.sent]
    if any(f.rule.fact == "survivors" and f.sent == h.sent for f in ctx.reading.facts):
        return None  # survivors are one event's: "3 killed, 1 survives, 10 strikes so far"
    for sh, sm in strikes:
        if sh.sent != h.sent or sm.scope != TOTAL:
            continue
        if sm.older and s.segments[sh.fig] != s.segments[h.fig]:
            continue  # an older count dates only the deaths of its own part of the sentence
        if sh.pattern.slot == "N" and _in_reach(ctx, h, ("one_event",)) is None:
            return sh
        if sh.pattern.slot != "N" and h.rule.toll:
            return sh
    return None


def _smaller_toll(ctx: _Ctx, h: Hit, earlier: list[Mention]) -> Mention | None:
    """This item's own smaller toll read before a toll wording: the toll is then the one
    this event was added to. "rise" wordings need it in the same sentence; a title's round
    figure ("more than 11,000 dead") is this toll said loosely, not a smaller one."""
    sentence = ctx.reading.sentence_text(h.sent)
    for m in earlier:
        if m.kind == "deaths" and m.scope == STORY and m.value < (h.value or 0) \
                and not rounded(m.value, h.value or 0) and (
                h.rule.toll == "bring" or m.source == ctx.source and m.sentence == sentence):
            return m
    return None


def rounded(a: int, b: int) -> bool:
    """Whether `a` is `b` rounded, as a title does ("over 20,000 dead" for 20,319)."""
    def zeros(v: int) -> int:
        n = 0
        while v and v % 10 == 0:
            v, n = v // 10, n + 1
        return n
    return a >= 10 and zeros(a) > zeros(b) and abs(a - b) <= 0.2 * b


def states_toll(readings: list[tuple[str, Reading]], found: list[Mention],
                lead: bool) -> bool:
    """Whether the title (with `lead`, the summary's first sentence too) states a toll: a
    figure of people, or a toll named ("death toll rises")."""
    def headline(source: str, sentence: int) -> bool:
        return source == "title" or lead and sentence == 0

    return any(m.kind != "strikes" and headline(m.source, m.sent) for m in found) or any(
        c.rule.cue == "toll" and headline(src, c.sent)
        for src, reading in readings for c in reading.cues)


def recalled(head: Headline, lex: Lexicon) -> str:
    """Why the figures of people below a headline that states no toll are another
    happening's, recalled in passing, or "" (events.yaml, `tolls`). A headline that reports
    a happening that kills nobody (a vote, an aid package, an arrest) recalls the toll of
    another, even when it names it as its cause ("aid for flood-hit regions"); one that
    reports a happening that kills at times (a protest) recalls the toll of a happening that
    kills which the report names and the protest cannot be one with (the floods it is about;
    clashes may be the protest's own). A headline that names the happening that killed by
    its date ("the video of the Sept. 2 strike", "one year after the 19 September quake")
    reports a later development of it. With no kind in the headline or the lead, nothing is
    said."""
    if head.dated:
        return "recalled: the headline names its happening by its date, a later development"
    info = lex.kind_info
    kinds = {k: info[k] for k in head.reported if k in info}
    if not kinds:
        return ""
    if head.series:
        return "recalled: the headline speaks of a series, its happenings in the plural"
    tolls = {OWN_TOLL if k.toll == CARRY_TOLL else k.toll for k in kinds.values()}
    if NO_TOLL in tolls and MAYBE_TOLL not in tolls:
        named = ", ".join(sorted(k.name for k in kinds.values() if k.toll == NO_TOLL))
        return f"recalled: the headline reports {named}, which kills nobody"
    maybe = [k for k, v in kinds.items() if v.toll == MAYBE_TOLL]
    if not maybe:
        return ""  # it reports a happening that kills
    for other in sorted(head.named | head.context | head.reported):
        kind = info.get(other)
        if kind is not None and kind.toll == OWN_TOLL and not any(
                lex.kinds_meet(other, k) for k in maybe):
            return (f"recalled: the headline reports {', '.join(info[k].name for k in maybe)}"
                    f", the report names {kind.name}, another happening that kills")
    return ""


def context_toll(head: Headline, lex: Lexicon) -> str:
    """Why the figures of people of a report, its headline's included, are those of another
    happening, or "": every kind its headline reports kills nobody (aid, a visit, a vote) and
    the one that kills is named only as its context ("Morocco weighs more aid after the
    quake that killed 2,100": the aid's report, the quake's toll). A kind counted by a
    figure ("177 detained") is no happening reported, and a happening that kills at times (a
    protest) may be the one whose toll it is."""
    info = lex.kind_info
    # a happening that kills at times (a protest) may have killed the people counted: only
    # one that kills is sure to be another's toll (asked first: few headlines name one as
    # their context, and the counted kinds cost another reading of the title)
    killers = sorted(info[k].name for k in head.context
                     if k in info and info[k].toll in (OWN_TOLL, CARRY_TOLL))
    if not killers or head.people_of:
        return ""
    reported = [info[k] for k in head.reported - head.counted if k in info]
    if not reported or any(k.toll != NO_TOLL for k in reported):
        return ""
    named = ", ".join(sorted(k.name for k in reported))
    return f"recalled: the headline reports {named}, after {', '.join(killers)}"


def behind_deed(head: Headline, lex: Lexicon) -> str:
    """Why the figures are those of a happening the headline names after a deed of
    justice or politics (the arrest, the resignation it reports), or "" (Headline.behind_deed)."""
    behind = head.behind_deed
    if not behind:
        return ""
    named = ", ".join(sorted(lex.kind_info[k].name for k in behind))
    return f"recalled: the headline reports a deed done after {named}"


def sickens(head: Headline, lex: Lexicon) -> bool:
    """Whether every kind the headline reports is one whose people in hospital are the sick
    (events.yaml, `sickens`: an epidemic), so that no figure of them is of the injured."""
    kinds = [lex.kind_info[k] for k in head.reported if k in lex.kind_info]
    return bool(kinds) and all(k.sickens for k in kinds)


def one_happening(head: Headline, lex: Lexicon) -> bool:
    """Whether the headline reports one happening that no series counts: the kinds that kill
    which the title names (as what it reports or as its context) are none of them `serial`
    (events.yaml: a quake, a flood, a crash; not strikes or protests). A toll "brought to" a
    larger figure, or given "according to the latest count", is then that happening's whole
    toll, not a running total over a series (a toll stated as one, "the three quakes have
    killed 430", still is). A title that names no kind at all (a bulletin's) leaves it to
    the lead's kinds; with no title, nothing is said."""
    named = head.in_title or (
        head.reported | head.context if head.titled and head.from_lead else frozenset())
    kinds = [lex.kind_info[k] for k in named if k in lex.kind_info]
    killers = [k for k in kinds if k.toll in (OWN_TOLL, MAYBE_TOLL)]
    return bool(killers) and not any(k.serial for k in killers)


def _names_a_killer(head: Headline, lex: Lexicon) -> bool:
    """Whether the headline reports a happening that kills (`_reports_a_killer`), or names
    every happening that may kill it reports in the singular, each of a kind that kills
    ("Attentat à Barcelone"): one happening, whose figures the later sentences give, as the
    facts' own happening cue reads them. Not a protest ("la contestation" is a wave of them,
    its toll a total)."""
    if _reports_a_killer(head, lex):
        return True
    info = lex.kind_info
    return head.singular and all(info[k].toll == OWN_TOLL for k in head.reported
                                 if k in info and info[k].toll != NO_TOLL)


def _reports_a_killer(head: Headline, lex: Lexicon) -> bool:
    """Whether the headline (else the lead) reports a happening that kills, or the search
    after one, and no serial one: a quake, a flood, the search for a quake's survivors. Its
    figures are then the report's, in any sentence (a series' headline, strikes or
    protests, leaves later figures to their cues: they are often its running totals)."""
    kinds = [lex.kind_info[k] for k in head.reported if k in lex.kind_info]
    return any(k.toll != NO_TOLL for k in kinds) and not any(
        k.serial and k.toll in (OWN_TOLL, MAYBE_TOLL) for k in kinds)
