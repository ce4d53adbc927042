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
from .rules import Rule, Table, table

_MARK_OF = {NUM: M_NUM, ORD: M_ORD, NONCOUNT: M_NONCOUNT}


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

    def sentence_text(self, k: int) -> str:
        toks = self.sentences[k].tokens
        return self.text[toks[0].start:toks[-1].end] if toks else ""

    def span_text(self, h: Hit) -> str:
        toks = self.sentences[h.sent].tokens
        return self.text[toks[h.start].start:toks[h.end - 1].end]


@lru_cache(maxsize=4096)
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


def _sentence(toks: list) -> Sentence:
    norms, marks, values, clauses, segments = [], [], [], [], []
    clause = segment = 0
    for tok in toks:
        kind = tok.kind
        if kind in (PAUSE, CLAUSE, SYMBOL):
            mark = M_PUNCT
            clause += kind != SYMBOL
            segment += kind == CLAUSE
        elif kind == NONCOUNT and tok.norm.isdigit():
            mark = M_CODE  # a number that labels ("strike number 11") or a date's digits
        else:
            mark = _MARK_OF.get(kind, M_WORD)
        norms.append(tok.norm.strip() if kind == PAUSE else tok.norm)
        marks.append(mark)
        values.append(tok.value if kind in (NUM, ORD) else (
            int(tok.norm) if mark == M_CODE and len(tok.norm) < 7 else None))
        clauses.append(clause)
        segments.append(segment)
    return Sentence(norms, marks, values, clauses, segments, toks,
                    frozenset(n for n, m in zip(norms, marks, strict=True) if m != M_PUNCT))


_SLOT_MARK = {"N": M_NUM, "ORD": M_ORD, "NO": M_CODE}


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


def _match_figures(s: Sentence, k: int, tab: Table, hits: list[Hit]) -> None:
    norms, marks = s.norms, s.marks
    n = len(norms)
    figs: dict[int, list[int]] = {}
    for i, m in enumerate(marks):
        if m in (M_NUM, M_ORD, M_CODE):
            figs.setdefault(m, []).append(i)
    if not figs:
        return
    candidates = set(tab.figure_unkeyed)
    keys = tab.figure_keys
    for w in s.words:
        found = keys.get(w)
        if found:
            candidates.update(found)
    patterns = tab.figure_patterns
    for j in sorted(candidates):
        rule, pat = patterns[j]
        at = figs.get(_SLOT_MARK[pat.slot])
        if not at:
            continue
        nr, pr = pat.next_reach, pat.prev_reach
        for i in at:
            if nr is not None and not reach_ok(nr, norms, i + 1, i + 1 + nr[0]):
                continue
            if pr is not None and not reach_ok(pr, norms, i - pr[0], i):
                continue
            span = pat.match(s, i)
            if span is not None:
                hits.append(Hit(rule, pat, k, span[0], span[1], i, s.values[i]))
        if n == 0:
            break


def _match_anchored(s: Sentence, k: int, tab: Table, hits: list[Hit]) -> None:
    norms = s.norms
    words = s.words
    by_word, by_pair = tab.by_word, tab.by_pair
    last = len(norms) - 1
    for i, w in enumerate(norms):
        for rule, pat in by_word.get(w, ()):
            _try_anchored(s, k, i, rule, pat, words, hits)
        if i < last:
            for rule, pat in by_pair.get((w, norms[i + 1]), ()):
                _try_anchored(s, k, i, rule, pat, words, hits)
        for rule, pat in tab.by_suffix:
            if w.endswith(pat.anchor.suffixes):  # type: ignore[union-attr]
                _try_anchored(s, k, i, rule, pat, words, hits)


def _try_anchored(s: Sentence, k: int, i: int, rule: Rule, pat: Pattern,
                  words: frozenset[str], hits: list[Hit]) -> None:
    if pat.key is not None and words.isdisjoint(pat.key):
        return
    span = pat.match(s, i)
    if span is not None:
        fig = next((j for j in range(span[0], span[1]) if s.marks[j] == M_NUM), -1)
        hits.append(Hit(rule, pat, k, span[0], span[1], fig, rule.value))


@lru_cache(maxsize=1024)
def reading(text: str, lang: str) -> Reading:
    """Every rule and cue of `lang`'s table matched in `text` (cached: explain, mentions
    and extract_facts of one item read it once)."""
    tab = table(lang)
    sentences = sentences_of(text, tab.lang)
    hits: list[Hit] = []
    wholes: set[tuple[int, int]] = set()
    for k, s in enumerate(sentences):
        if not s.norms:
            continue
        wholes |= _wholes(s, k, tab)
        _match_figures(s, k, tab, hits)
        _match_anchored(s, k, tab, hits)
    facts = [h for h in hits if h.rule.fact and _keeps(h, wholes)]
    cues = [h for h in hits if h.rule.cue and (h.value is None or h.value >= h.rule.min)]
    return Reading(text, sentences, _best_per_figure(facts), cues, wholes)


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
    for h in loose:
        if not any(o.sent == h.sent and o.start <= h.start < o.end and o.rule.fact == h.rule.fact
                   for o in out):
            out.append(h)
    out.sort(key=lambda h: (h.sent, h.fig if h.fig >= 0 else h.start))
    return out
