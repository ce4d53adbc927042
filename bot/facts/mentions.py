"""Mentions: every place a table's rule or cue matches one text, with its figure.

One text (a title or a summary) is read once by the text layer, cut into sentences, and
each sentence is matched against the rules whose words it holds: figure-anchored rules at
each figure whose neighbours they allow, word-anchored rules at each of their first words.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..text import CLAUSE, END, NONCOUNT, NUM, ORD, PAUSE, QUOTE, SYMBOL, read
from .matcher import (
    M_CODE,
    M_NONCOUNT,
    M_NUM,
    M_ORD,
    M_PUNCT,
    M_WORD,
    Pattern,
    Sentence,
    reach_ok,
)
from .rules import Index, Rule, Table, table

_MARK_OF = {NUM: M_NUM, ORD: M_ORD, NONCOUNT: M_NONCOUNT, PAUSE: M_PUNCT, CLAUSE: M_PUNCT,
            SYMBOL: M_PUNCT}


@dataclass(slots=True)
class Hit:
    """A rule or cue matched in one sentence: tokens [start, end), the figure at `fig`
    (-1 for a shape without one) and the value read."""

    rule: Rule
    pattern: Pattern
    sent: int
    start: int
    end: int
    fig: int
    value: int | None


@dataclass(slots=True)
class Reading:
    """One text as read: its sentences, the facts' and cues' hits, the partitive figures."""

    text: str
    sentences: list[Sentence]
    facts: list[Hit]
    cues: list[Hit]
    wholes: set[tuple[int, int]]  # (sentence, token) of the M in "two of the M"
    by_kind: dict[tuple[int, str], list[Hit]]  # (sentence, cue kind) -> its cues

    def sentence_text(self, k: int) -> str:
        toks = self.sentences[k].tokens
        return self.text[toks[0].start:toks[-1].end] if toks else ""

    def span_text(self, h: Hit) -> str:
        toks = self.sentences[h.sent].tokens
        return self.text[toks[h.start].start:toks[h.end - 1].end]


@lru_cache(maxsize=256)
def sentences_of(text: str, lang: str) -> list[Sentence]:
    """The sentences of a text, each as the matcher reads it (cached: the text layer's
    reading is the larger part of an item's cost, and the grouper reads the same texts).
    Quotes are left out (a figure reads the same in "killed 11 'terrorists'"), and so are a
    sentence's closing marks."""
    out: list[Sentence] = []
    toks: list = []
    for tok in read(text, lang).tokens:
        if tok.kind == END:
            if toks:
                out.append(_sentence(toks))
                toks = []
        elif tok.kind != QUOTE:
            toks.append(tok)
    if toks:
        out.append(_sentence(toks))
    return out


def tokens_of(text: str, lang: str) -> list:
    """The tokens of a text as the facts read them (its sentences', quotes and closing marks
    left out), from the cached sentences."""
    return [t for s in sentences_of(text, lang) for t in s.tokens] if text else []


def _sentence(toks: list) -> Sentence:
    # one pass over the tokens (this runs for every sentence of every text read)
    norms: list[str] = []
    marks: list[int] = []
    values: list[int | None] = []  # NUM and ORD carry theirs; the others None
    clauses: list[int] = []
    segments: list[int] = []
    figures: list[int] = []
    positions: dict[str, list[int]] = {}
    starts: dict[int, int] = {}
    clause = segment = 0
    for i, t in enumerate(toks):
        kind, norm, value = t.kind, t.norm, t.value
        mark = _MARK_OF.get(kind, M_WORD)
        if kind == NONCOUNT and norm.isdigit():
            mark = M_CODE  # a number that labels ("strike number 11") or a date's digits
            if len(norm) < 7:
                value = int(norm)
        elif kind == PAUSE:
            norm = norm.strip()  # " - "
        if mark != M_PUNCT:
            positions.setdefault(norm, []).append(i)
        if kind in _CLAUSE_ENDS:
            clause += 1
            if kind == CLAUSE:
                segment += 1
        if mark == M_WORD:
            if clause not in starts:
                starts[clause] = i
        elif mark in _FIGURE_MARKS:
            figures.append(i)
        norms.append(norm)
        marks.append(mark)
        values.append(value)
        clauses.append(clause)
        segments.append(segment)
    return Sentence(norms, marks, values, clauses, segments, toks, frozenset(positions),
                    positions, starts, figures)


_CLAUSE_ENDS = frozenset((PAUSE, CLAUSE))


def _wholes(s: Sentence, k: int, tab: Table) -> set[tuple[int, int]]:
    """The M of "N of (the) M": the whole, whose verb the part N takes."""
    out: set[tuple[int, int]] = set()
    norms, marks = s.norms, s.marks
    for i, m in enumerate(marks):
        if m != M_NUM:
            continue
        for n in tab.partitive.lengths_at(norms, i + 1) if i + 1 < len(norms) else ():
            j = i + 1 + n
            if j < len(norms) and marks[j] == M_NUM:
                out.add((k, j))
                break
    return out


def _match_figures(s: Sentence, k: int, tab: Index, hits: list[Hit]) -> None:
    """Each figure tries the patterns whose key words the sentence holds and whose
    neighbours of the figure it has (three set operations in C), then their reach, then
    the match itself."""
    if not s.figures:
        return
    norms, marks = s.norms, s.marks
    n = len(norms)
    keyed = set(tab.figure_unkeyed)
    for w in s.words & tab.key_words:
        keyed.update(tab.figure_keys[w])
    if not keyed:
        return
    patterns = tab.figure_patterns
    for i in s.figures:
        m = marks[i]
        prev = tab.prev_index.get(m, _NO_INDEX).get(norms[i - 1], _NONE) if i else _NONE
        nxt = tab.next_index.get(m, _NO_INDEX).get(norms[i + 1], _NONE) if i + 1 < n else _NONE
        cands = keyed & (prev | tab.prev_any.get(m, _NONE)) & (nxt | tab.next_any.get(m, _NONE))
        for j in cands:
            rule, pat = patterns[j]
            nr, pr = pat.next_reach, pat.prev_reach
            if nr is not None and (not reach_ok(nr, norms, i + 1, i + 1 + nr[0]) if nr[2]
                                   else nr[1].isdisjoint(norms[i + 1:i + 1 + nr[0]])):
                continue
            if pr is not None and (not reach_ok(pr, norms, i - pr[0], i) if pr[2]
                                   else pr[1].isdisjoint(norms[max(i - pr[0], 0):i])):
                continue
            span = pat.match(s, i)
            if span is not None:
                value = s.values[i]
                if (rule.sum or rule.plus) and value is not None and any(
                        marks[j] == M_CODE for j in range(span[0], span[1])):
                    continue  # counts by year or date ("three in 2019 and two in 2021")
                if rule.sum and value is not None:
                    value += sum(s.values[j] or 0 for j in range(span[0], span[1])
                                 if j != i and marks[j] == M_NUM)
                if rule.plus and value is not None:
                    value += rule.plus
                hits.append(Hit(rule, pat, k, span[0], span[1], i, value))


_NONE: frozenset[int] = frozenset()
_NO_INDEX: dict[str, frozenset[int]] = {}
_FIGURE_MARKS = frozenset((M_NUM, M_ORD, M_CODE))


def _match_anchored(s: Sentence, k: int, tab: Index, hits: list[Hit]) -> None:
    norms = s.norms
    words = s.words
    by_word, by_pair = tab.by_word, tab.by_pair
    last = len(norms) - 1
    for w in words & tab.anchor_words:  # the few anchors the sentence holds
        for i in s.positions[w]:
            for rule, pat in by_word.get(w, ()):
                _try_anchored(s, k, i, rule, pat, words, hits)
            if i < last:
                for rule, pat in by_pair.get((w, norms[i + 1]), ()):
                    _try_anchored(s, k, i, rule, pat, words, hits)
                if i + 1 < last:
                    for rule, pat in by_pair.get((w, norms[i + 1], norms[i + 2]), ()):
                        _try_anchored(s, k, i, rule, pat, words, hits)
    for rule, pat in tab.by_suffix:
        for i, w in enumerate(norms):
            if w.endswith(pat.anchor.suffixes):  # type: ignore[union-attr]
                _try_anchored(s, k, i, rule, pat, words, hits)


def _try_anchored(s: Sentence, k: int, i: int, rule: Rule, pat: Pattern,
                  words: frozenset[str], hits: list[Hit]) -> None:
    if pat.key is not None and words.isdisjoint(pat.key):
        return
    span = pat.match(s, i)
    if span is not None:  # a shape without a figure read ("a lone survivor", "since")
        hits.append(Hit(rule, pat, k, span[0], span[1], -1, rule.value))


@lru_cache(maxsize=256)
def reading(text: str, lang: str) -> Reading:
    """Every rule and cue of `lang`'s table matched in `text` (cached: explain, mentions
    and extract_facts of one item read it once)."""
    tab = table(lang)
    sentences = sentences_of(text, tab.lang)
    facts: list[Hit] = []
    cues: list[Hit] = []
    wholes: set[tuple[int, int]] = set()
    for k, s in enumerate(sentences):
        if not s.norms:
            continue
        before = len(facts)
        _match_figures(s, k, tab.facts, facts)
        _match_anchored(s, k, tab.facts, facts)
        if len(facts) > before:  # cues only matter beside a figure read
            wholes |= _wholes(s, k, tab)
            _match_figures(s, k, tab.cues, cues)
            _match_anchored(s, k, tab.cues, cues)
        if k == 0:
            _match_anchored(s, k, tab.lede, cues)
    facts = [h for h in facts if _keeps(h, wholes)]
    # in the text's order, then the table's: the first cue that reaches a figure decides
    # its scope, and the anchors are met in a set's order, which changes from run to run
    cues = sorted((h for h in cues if h.value is None or h.value >= h.rule.min),
                  key=lambda h: (h.sent, h.start, h.rule.order))
    by_kind: dict[tuple[int, str], list[Hit]] = {}
    for c in cues:
        by_kind.setdefault((c.sent, c.rule.cue), []).append(c)
    return Reading(text, sentences, _best_per_figure(facts), cues, wholes, by_kind)


def _keeps(h: Hit, wholes: set[tuple[int, int]]) -> bool:
    r = h.rule
    if h.value is None or h.value < r.min:
        return False
    return r.whole or (h.sent, h.fig) not in wholes or h.fig < 0


def _best_per_figure(hits: list[Hit]) -> list[Hit]:
    """One reading per figure: the longest shape that reads it (it says the most about
    the figure), the table's first on a tie. Shapes without a figure ("a lone survivor")
    stand unless a figure's reading covers them."""
    best: dict[tuple[int, int], Hit] = {}
    loose: list[Hit] = []
    for h in hits:
        if h.fig < 0 or h.rule.value is not None:
            loose.append(h)
            continue
        key = (h.sent, h.fig)
        cur = best.get(key)
        # a running count named as such outranks a toll of the same length ("brought the
        # total number of strikes to 28" counts strikes)
        if cur is None or (h.end - h.start, h.rule.total, -h.rule.order) > (
                cur.end - cur.start, cur.rule.total, -cur.rule.order):
            best[key] = h
    out = list(best.values())
    # the longest shape first where two start at one word ("tuent un maire et son garde du
    # corps" over "tuent un maire"): the hits come in a set's order, which varies by run
    for h in sorted(loose, key=lambda h: (h.sent, h.start, h.start - h.end, h.rule.order)):
        covering = [o for o in out if o.sent == h.sent and o.start <= h.start < o.end
                    and o.rule.fact == h.rule.fact]
        if not covering:
            out.append(h)
        elif h.rule.prefer and all(o.fig < 0 and not o.rule.prefer for o in covering):
            # a whole read inside a victim's reading ("... was shot dead in her car, as was
            # her driver"; "murió junto a su escolta tras ser atacada"): the whole
            out = [o for o in out if o not in covering]
            out.append(h)
    out.sort(key=lambda h: (h.sent, h.fig if h.fig >= 0 else h.start))
    return out
