"""What a report says happened: the kinds of events.yaml its headline reports, those it names
only as the context ("aid after the quake"), and whether a happening of those kinds gives a
toll of its own. The grouper compares the kinds (bot.grouping.features); the facts ask whose
toll a figure is (bot.facts).

    headline(title, summary, lang, lex) -> Headline   the kinds of the headline, else the lead
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from .dates import year_of
from .lexicon import CARRY_TOLL, MAYBE_TOLL, OWN_TOLL, Lexicon, plural
from .names import Mention, mentions
from .tables import Language, language
from .tokens import CLAUSE, END, FIGURES, NONCOUNT, NUM, ORD, QUOTE, WORD, Token

# How many words before a kind may make it the headline's context ("aid after the deadly
# quake": the quake is why, the aid is what is reported).
CONTEXT_REACH = 3


def in_context(tokens: list[Token], k: int, context: frozenset[str]) -> bool:
    """Whether a context word ("after", "tras", "apres") stands within reach before the
    kind at tokens[k], in the same clause. A figure or a quote between counts for nothing:
    "después del \"vigésimo ataque\"" names the strike as what came before."""
    words = 0
    for j in range(k - 1, -1, -1):
        t = tokens[j]
        if t.kind in _MODIFIERS:
            continue
        if t.kind != WORD or words == CONTEXT_REACH:
            return False
        if t.norm in context:
            return True
        words += 1
    return False


_MODIFIERS = frozenset((NUM, ORD, QUOTE))


# The families of events.yaml whose deeds (an arrest, a trial, a resignation, a visit) a
# headline reports about a happening that killed, named after them.
DEEDS = frozenset(("justice", "politics"))
# the concepts that, after a figure, count a happening's people (Headline._toll_before)
_PEOPLE_OF_A_HAPPENING = frozenset(("c:killed", "c:toll", "c:injured", "c:missing",
                                    "c:survivor"))

# How many tokens before a kind a figure counts its people ("177 detained", "two survivors
# captured").
COUNT_REACH = 2
# How many tokens from a kind its date may stand ("Sept. 2 boat strike", "the quake of 6
# February", "el sismo del 19 de septiembre").
DATE_REACH = 4
# How many words after a novelty marker may name the event it qualifies ("another deadly
# strike", "otra lancha", "nouveau séisme"); a farther one is qualified by something else
# ("new survivors as quake toll rises").
NOVELTY_REACH = 2


def novelty(words: list[str], found: Iterable[Mention], tables: Language, lex: Lexicon,
            also: Container[str] = (), figures: Container[int] = ()) -> bool:
    """Whether a headline reports one more happening of a series ("another strike", "nuevo
    sismo", "nouveau séisme"): a novelty marker (bot/data/lang, `markers`) with a kind (or
    one of `also`) named right after it; a marker of series only ("latest") with a kind
    that recurs. `words`: the tokens' folded words ("" for others); `figures`: the
    positions of the figures among them."""
    # only the few words just before a kind can be its marker: look there, not everywhere;
    # a figure between them counts no word ("new 6.4-magnitude quake")
    for m in found:
        if m.token[0] == "e" or m.token in also:
            seen = 0
            for i in range(m.first - 1, -1, -1):
                if i in figures:
                    continue
                if not words[i]:  # punctuation: "El Paso latest: 22 victims identified"
                    break
                if tables.novelty.at(words, i)[0] or (
                        _serial(m.token, lex) and tables.novelty_serial.at(words, i)[0]):
                    return True
                seen += 1
                if seen == NOVELTY_REACH:
                    break
    return False


def _serial(token: str, lex: Lexicon) -> bool:
    info = lex.kind_info.get(token)
    return info is None or info.serial


def figure_positions(tokens: list[Token]) -> frozenset[int]:
    """Where the figures are among the tokens (for `novelty`)."""
    return frozenset(i for i, t in enumerate(tokens) if t.kind in FIGURES)


def lead_end(tokens: list[Token]) -> int:
    """Where a summary's lead (its first sentence) ends."""
    for k in range(1, len(tokens)):  # a loop: the generator cost twice as much here
        if tokens[k].first:
            return k
    return len(tokens)


def split_kinds(found: Iterable[Mention], tokens: list[Token], end: int,
                context: frozenset[str], year: int | None = None,
                year_links: Container[str] = ()) -> tuple[set[str], set[str]]:
    """(reported, context): the kinds named in tokens[:end], apart from those named as the
    context of what is reported, or dated by a year before `year` ("sentenced over the 2022
    coup attempt", "condenado por el golpe de 2022")."""
    reported: set[str] = set()
    named_as_context: set[str] = set()
    for m in found:
        if m.token[0] == "e" and m.first < end:
            earlier = in_context(tokens, m.first, context) or (
                year is not None and _of_an_earlier_year(tokens, m, year, year_links))
            (named_as_context if earlier else reported).add(m.token)
    return reported, named_as_context


def _of_an_earlier_year(tokens: list[Token], m: Mention, year: int,
                        links: Container[str]) -> bool:
    """Whether a year before `year` stands just before the kind ("the 2022 coup") or
    after it and a link word ("el golpe de 2022", "protests in 2019")."""
    def earlier(k: int) -> bool:
        written = year_of(tokens[k]) if 0 <= k < len(tokens) else None
        return written is not None and 1900 <= written < year
    after = m.last + 1
    return earlier(m.first - 1) or (
        after < len(tokens) and tokens[after].norm in links and earlier(after + 1))


class Headline:
    """The kinds a report's headline reports (the lead's when the headline names none), the
    kinds it names as context, whether it reports one more of a series ("new quake"), and
    every kind the report names. Each is read when first asked (the facts ask few of them
    of most items)."""

    __slots__ = ("_texts", "_title", "_lead", "_named", "_said", "_year")

    def __init__(self, title: list[Token], summary: list[Token], lang: str, lex: Lexicon,
                 year: int | None = None):
        self._texts = (title, summary, language(lang), lex)
        self._year = year  # the report's: a happening of an earlier year is its context
        # (reported, context, new, dated, the kinds' mentions in the title)
        self._title: tuple[set[str], set[str], bool, bool, list[Mention]] | None = None
        self._lead: tuple[set[str], set[str]] | None = None
        self._named: frozenset[str] | None = None
        self._said: list[Mention] | None = None  # the title's concepts, names and places

    def _read_title(self) -> tuple[set[str], set[str], bool, bool, list[Mention]]:
        if self._title is None:
            title, _, tables, lex = self._texts
            found = kinds_named(title, tables, lex)
            reported, context = split_kinds(found, title, len(title),
                                            lex.context.get(tables.code, frozenset()),
                                            self._year, tables.year_links)
            new = novelty([t.norm if t.kind == WORD else "" for t in title], found,
                          tables, lex, (), figure_positions(title))
            dates = _date_words(title, tables.months)
            dated = any(abs(d - m.first) <= DATE_REACH or abs(d - m.last) <= DATE_REACH
                        for d in dates for m in found
                        if lex.kind_info[m.token].toll in (OWN_TOLL, MAYBE_TOLL))
            self._title = (reported, context, new, dated, found)
        return self._title

    def _read_lead(self) -> tuple[set[str], set[str]]:
        if self._lead is None:
            _, summary, tables, lex = self._texts
            lead = summary[:lead_end(summary)]
            self._lead = split_kinds(kinds_named(lead, tables, lex), lead, len(lead),
                                     lex.context.get(tables.code, frozenset()),
                                     self._year, tables.year_links)
        return self._lead

    @property
    def people_of(self) -> frozenset[str]:
        """The kinds the title names as its context after a word of their people ("survivors
        of the strike"): what the report tells of is theirs."""
        title, _, tables, lex = self._texts
        people = lex.people.get(tables.code)
        if not people:
            return frozenset()
        return frozenset(m.token for m in self._read_title()[4]
                         if m.token[0] == "e" and in_context(title, m.first, people))

    @property
    def titled(self) -> bool:
        """Whether the report has a title at all."""
        return bool(self._texts[0])

    @property
    def from_lead(self) -> bool:
        """The title reports no kind, the lead does: the lead's are the headline's."""
        return not self._read_title()[0] and bool(self._read_lead()[0])

    @property
    def reported(self) -> frozenset[str]:
        return frozenset(self._read_title()[0] or self._read_lead()[0])

    @property
    def context(self) -> frozenset[str]:
        reported, context, *_ = self._read_title()
        if not reported:
            context = context | self._read_lead()[1]
        return frozenset(context) - self.reported

    @property
    def counted(self) -> frozenset[str]:
        """The kinds the title names right after a figure of people ("177 detained", "two
        survivors captured"): a count of those people, more than a happening it reports."""
        title = self._texts[0]
        return frozenset(m.token for m in self._read_title()[4]
                         if any(t.kind == NUM for t in title[max(0, m.first - COUNT_REACH):
                                                             m.first]))

    @property
    def behind_deed(self) -> frozenset[str]:
        """The kinds that kill which the title names, in the same clause, only after a deed
        of justice or politics that kills nobody, itself after no figure ("Minister resigns
        over the fires that killed 88", "Detienen a un exbombero por el incendio que dejó
        137 muertos"): the report is the resignation's, the arrest's; the fire is what it is
        about, and its toll is recalled. Not when the title names a toll ("arrests as the
        death toll rises"): that is news of its own; nor when the deed's word is the
        victim's title right before the killing ("Judge shot dead outside courthouse")."""
        title = self._texts[0]
        found = self._read_title()[4]
        info = self._texts[3].kind_info
        kinds = sorted((m for m in found if m.token[0] == "e"), key=lambda m: m.first)
        if not kinds or info[kinds[0].token].family not in DEEDS:
            return frozenset()
        first = kinds[0]
        if self._toll_before(first.first):
            return frozenset()
        # the deed's word that names a person right before the killing's names its victim
        # ("Judge shot dead", "anti-drug prosecutor shot dead"): the killing is what the
        # headline reports (not "Court sentences gunman", "arrest murder suspect")
        lex = self._texts[3]
        if len(kinds) > 1 and kinds[1].first == first.last + 1 \
                and info[kinds[1].token].toll in (OWN_TOLL, CARRY_TOLL) \
                and title[first.last].norm in lex.deed_people.get(self._texts[2].code, ()):
            return frozenset()
        out = set()
        for m in kinds[1:]:
            if info[m.token].toll not in (OWN_TOLL, CARRY_TOLL):
                continue
            if any(t.kind in (CLAUSE, END) for t in title[first.last:m.first]):
                break
            out.add(m.token)
        if out and any(m.token == "c:toll" for m in self._title_said()):
            return frozenset()
        return frozenset(out)

    def _title_said(self) -> list[Mention]:
        """What the title's words name from the vocabulary (asked by behind_deed only)."""
        if self._said is None:
            title, _, tables, lex = self._texts
            self._said = mentions(title, tables, lex, [])
        return self._said

    def _toll_before(self, end: int) -> bool:
        """Whether the title counts the happening's people before token `end` ("5 dead, 12
        arrested in clashes", "deux survivants capturés après la frappe"): a figure with a
        word of the dead, a toll, the injured, the missing or survivors after it. The count
        of those a deed is done to ("Two men arrested over the fire") is none."""
        figures = [i for i, t in enumerate(self._texts[0][:end]) if t.kind in FIGURES]
        if not figures:
            return False
        tolls = [m.first for m in self._title_said() if m.token in _PEOPLE_OF_A_HAPPENING]
        return any(0 < k - i <= COUNT_REACH + 1 for i in figures for k in tolls)

    @property
    def in_title(self) -> frozenset[str]:
        """The kinds the title names, reported or as context."""
        reported, context, *_ = self._read_title()
        return frozenset(reported | context)

    @property
    def new(self) -> bool:
        """The title reports one more happening of a series: "new quake", "another strike"
        (the earlier one's toll is then recalled below it)."""
        return self._read_title()[2]

    @property
    def dated(self) -> bool:
        """The title names the happening that killed with its calendar date ("video of the
        Sept. 2 boat strike"): it reports a later development of that past happening."""
        return self._read_title()[3]

    @property
    def series(self) -> bool:
        """The title names the happenings it reports that kill only as a plural noun ("le
        secrétaire défend les frappes", "the strikes"), of kinds that recur: it speaks of a
        series, not of one happening whose toll the text would give. A plural without its
        article may be a verb ("US strikes two boats")."""
        title, _, tables, lex = self._texts
        info = lex.kind_info
        killers = self._killers()
        return bool(killers) and all(
            info[m.token].series(title[m.last].norm) and m.first > 0
            and title[m.first - 1].norm in tables.plural_articles for m in killers)

    @property
    def singular(self) -> bool:
        """The title names each happening it reports that kills in the singular ("Iran port
        explosion", "US strike on a boat"): one happening, whatever its kind's habit of
        recurring."""
        title = self._texts[0]
        killers = self._killers()
        return bool(killers) and not any(plural(title[m.last].norm) for m in killers)

    def _killers(self) -> list[Mention]:
        """The title's mentions of the happenings it reports that kill."""
        reported, *_, found = self._read_title()
        info = self._texts[3].kind_info
        return [m for m in found
                if m.token in reported and info[m.token].toll in (OWN_TOLL, MAYBE_TOLL)]

    @property
    def named(self) -> frozenset[str]:
        if self._named is None:
            title, summary, tables, lex = self._texts
            self._named = frozenset(m.token for text in (title, summary)
                                    for m in kinds_named(text, tables, lex))
        return self._named


def headline(title: list[Token], summary: list[Token], lang: str, lex: Lexicon,
             year: int | None = None) -> Headline:
    """The kinds of a report's title and summary, from their tokens (bot.text.read);
    `year`, the report's, makes a happening dated by an earlier one its context."""
    return Headline(title, summary, lang, lex, year)


def kinds_named(tokens: list[Token], tables: Language, lex: Lexicon) -> list[Mention]:
    """The kinds named in tokens; only the kinds are looked up, not the vocabulary (the facts
    ask this of most items)."""
    return mentions(tokens, tables, lex, [], vocabulary=False,
                    skip=_date_words(tokens, tables.months))


def _date_words(tokens: list[Token], months: Container[str]) -> list[int]:
    """The month words of dates ("2 March", "el 2 de marzo"; not "February 2023"): the text
    layer marked their day numbers, whether or not a publication day placed them."""
    return [i for i, t in enumerate(tokens) if t.kind == WORD and t.norm in months and any(
        0 <= j < len(tokens) and tokens[j].kind == NONCOUNT and len(tokens[j].norm) <= 2
        for j in (i - 2, i - 1, i + 1))]
