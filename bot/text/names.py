"""Who and where: the vocabulary's tokens, the kinds of events, places and names in a text.

Reads the tokens of bot.text (with their capitals) against the lexicon (bot.text.lexicon):
  - vocabulary: "c:killed", "n:un", "p:ve", "p:caribbean" (the longest phrase wins);
  - kinds of events: "e:earthquake", per language (a month in a date is no "march");
  - local places: a capitalised name after a locative ("in Barquisimeto", "en Cumaná",
    "à Lyon") that is not a country, a region or a word of the tables: "p:barquisimeto";
  - names: capitalised words inside a sentence (Hegseth, Maduro) and acronyms (ELN, OFAC);
    a capitalised first word is only a possible name (the grouper decides from the names
    it has seen elsewhere). In a title-cased headline only acronyms count.
"""

from __future__ import annotations

from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass

from .dates import Day
from .lexicon import Lexicon
from .tables import FIGURE, Language, Phrases
from .tokens import ACRONYM, CAPITAL, LOWER, NUM, ORD, WORD, Token

# "US Strikes Boat In Pacific": past this share of capitalised words a text is title-cased
# and its capitals say nothing. (Four words at least: "Maduro speaks" is not title case.)
TITLE_CASE_SHARE = 0.6


@dataclass(slots=True)
class Mention:
    """A token of the vocabulary or a kind, over words[first:last+1] of the text."""

    token: str
    first: int
    last: int


_NO_PHRASES = Phrases()


def title_cased(tokens: list[Token]) -> bool:
    caps = [t.cap for t in tokens if t.kind == WORD]
    capitalised = len(caps) - caps.count(LOWER)  # counted in C, not by a generator
    return len(caps) >= 4 and capitalised > TITLE_CASE_SHARE * len(caps)


# What a phrase of the tables meets where the text has no word: a figure (a table's "#"), or
# anything else (punctuation, an ordinal), which no phrase crosses.
_GAP = "\x01"
_NOT_WORDS = frozenset((FIGURE, _GAP))


def _words(tokens: list[Token]) -> list[str]:
    # an ordinal in words is a word of the phrases too ("segunda vuelta", "second tour": the
    # runoff); one in digits ("21st") is not
    return [t.norm if t.kind == WORD or t.kind == ORD and t.norm.isalpha()
            else FIGURE if t.kind == NUM else _GAP for t in tokens]


def mentions(tokens: list[Token], lang: Language, lex: Lexicon, days: list[Day],
             vocabulary: bool = True, skip: Iterable[int] = ()) -> list[Mention]:
    """The vocabulary's and the kinds' tokens, in order; both may cover the same words
    ("search": a concept and the kind `rescue`). A weak word of a kind ("struck") counts
    only when the text names no kind otherwise. Without `vocabulary`, the kinds alone; the
    words of the days, and those at `skip`, are none of them."""
    words = _words(tokens)
    in_date = {k for d in days for k in range(d.first, d.last + 1)}
    in_date.update(skip)
    kinds = lex.kinds.get(lang.code)
    weak = lex.weak_kinds.get(lang.code)
    vocab = lex.vocabulary if vocabulary else _NO_PHRASES
    short = lex.short_places
    memo, starts = _starter(lex, lang.code, vocabulary)
    out: list[Mention] = []
    weak_found: list[Mention] = []
    strong = False
    i, n = 0, len(tokens)
    while i < n:
        if words[i] in _NOT_WORDS or i in in_date:
            i += 1
            continue
        may = memo.get(words[i])
        if may is None:
            may = starts(words[i])
        if not may:  # most words start nothing: one lookup, not three
            i += 1
            continue
        # a table that no phrase of starts at the word reads nothing there: not asked
        k1, v1 = vocab.at(words, i) if may & _VOCABULARY else _NOTHING
        if k1 and tuple(words[i:i + k1]) in short and tokens[i].cap == LOWER:
            k1 = 0  # "us" the pronoun, not the US
        elif k1 == 1 and (words[i],) in lex.acronyms and tokens[i].cap != ACRONYM:
            k1 = 0  # "who" the pronoun, not the WHO
        k2, v2 = kinds.at(words, i) if may & _KINDS else _NOTHING
        if k1:
            out.append(Mention(v1, i, i + k1 - 1))
        if k2:
            if v2:  # an idiom of events.yaml names no kind: its words are taken, no more
                out.append(Mention(v2, i, i + k2 - 1))
                strong = True
        elif may & _WEAK and (k3 := weak.at(words, i))[0]:
            weak_found.append(Mention(k3[1], i, i + k3[0] - 1))
        i += max(k1, k2, 1)
    if weak_found and not strong:
        out = sorted(out + weak_found, key=lambda m: m.first)
    return out


# (lexicon, language, vocabulary too) -> word -> which tables have a phrase that may start
# there: bits _VOCABULARY, _KINDS, _WEAK (0: none)
_STARTS: dict[tuple[int, str, bool], dict[str, int]] = {}
_VOCABULARY, _KINDS, _WEAK = 1, 2, 4
_NOTHING: tuple[int, None] = (0, None)


def _starter(lex: Lexicon, code: str, vocabulary: bool
             ) -> tuple[dict[str, int], Callable[[str], int]]:
    """Which of the vocabulary (when asked), the kinds and the weak kinds of `code` may
    start at a word, cached per word: the words of news repeat. (The cache, read first
    in the caller's loop, and what fills it.)"""
    key = (id(lex), code, vocabulary)
    memo = _STARTS.get(key)
    if memo is None or len(memo) > 100_000:
        memo = _STARTS[key] = {}
    tables = [(bit, t) for bit, t in ((_VOCABULARY, lex.vocabulary if vocabulary else None),
                                      (_KINDS, lex.kinds.get(code)),
                                      (_WEAK, lex.weak_kinds.get(code))) if t is not None]

    def starts(word: str) -> int:
        hit = memo.get(word)
        if hit is None:
            hit = 0
            for bit, t in tables:  # a loop: a word met for the first time is common news
                if t.may_start(word):
                    hit += bit
            memo[word] = hit
        return hit

    return memo, starts


def local_places(tokens: list[Token], lang: Language, covered: set[int],
                 known: Container[int] = frozenset()) -> list[Mention]:
    """Capitalised names after a locative that no table knows: "in Barquisimeto". Not a
    month or a weekday ("in April", "on Friday"), nor words that are all `known` to the
    vocabulary ("au Parlement", "Costa del Sol"): a town may hold such a word ("Ciudad
    Bolívar"), not be one. A region's name and the possessive lead to its town ("in Tamil
    Nadu's Sivakasi", "in Turkey's Bartin")."""
    words = _words(tokens)
    out: list[Mention] = []
    n = len(tokens)
    firsts = lang.locatives.first_words
    for i in range(n):
        if words[i] in _NOT_WORDS or words[i] not in firsts or _destination(words, i, lang):
            continue
        used, _ = lang.locatives.at(words, i)
        if not used:
            continue
        j = i + used
        while True:
            k = _capitalised_run(words, tokens, j, lang, covered)
            if k > j and not all(x in known or words[x] in lang.months
                                 or words[x] in lang.weekdays for x in range(j, k)):
                out.append(Mention("p:" + "_".join(words[j:k]), j, k - 1))
            # a known region ("Turkey's Bartin") is covered by its table: step over it
            while k < n and k in covered:
                k += 1
            if k > j and k + 1 < n and words[k] in lang.place_possessive \
                    and tokens[k + 1].cap in (CAPITAL, ACRONYM):
                j = k + 1
                continue
            break
    return out


def _destination(words: list[str], i: int, lang: Language) -> bool:
    """Whether the locative at i follows a verb of arriving: where someone lands or is taken
    ("the deposed president lands in New York") is no place of what the report tells."""
    return i > 0 and words[i - 1] in lang.destination_verbs and not (
        i > 1 and words[i - 2] in lang.destination_not_after)


def _capitalised_run(words: list[str], tokens: list[Token], j: int, lang: Language,
                     covered: set[int]) -> int:
    """The end of the run of capitalised words from j that no table has read."""
    k, n = j, len(tokens)
    # "en El Paso": the capitalised article is the name's first word, as English writes it
    # ("in El Paso"), though it is a stop word of the language
    if j + 1 < n and words[j] in lang.place_articles and tokens[j].cap == CAPITAL \
            and tokens[j + 1].cap in (CAPITAL, ACRONYM) and words[j + 1] not in lang.stop:
        k = j + 1
    while k < n and tokens[k].kind == WORD and tokens[k].cap in (CAPITAL, ACRONYM) \
            and k not in covered and words[k] not in lang.stop:
        k += 1
    return k


def names(tokens: list[Token], lang: Language, covered: set[int],
          title_case: bool) -> tuple[list[tuple[int, ...]], list[int]]:
    """(groups of token indexes that are names, indexes of capitalised first words). A
    group is a run of adjacent names ("Pete Hegseth")."""
    groups: list[tuple[int, ...]] = []
    firsts: list[int] = []
    run: list[int] = []
    for i, t in enumerate(tokens):
        is_name = False
        if t.kind == WORD and i not in covered and t.norm not in lang.stop:
            if t.cap == ACRONYM:
                is_name = True
            elif t.cap == CAPITAL and not title_case:
                if t.first:
                    firsts.append(i)
                else:
                    is_name = True
        if is_name:
            run.append(i)
        elif run:
            groups.append(tuple(run))
            run = []
    if run:
        groups.append(tuple(run))
    return groups, firsts
