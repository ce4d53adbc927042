"""A small matcher of phrase shapes over the text layer's tokens (in the manner of spaCy's
rule-based Matcher): the facts tables write each shape as one line, this module reads it.

    "{kill_verb} {det}? {qualifier}? N"      "N _{0,3} {aux}* {killed}"
    "{toll_noun} _{0,6} {rise_verb} to {qualifier}? N"

Elements, separated by spaces:

- ``word`` a literal (folded) word; ``a|b|c`` one of these words (``lors+de|dans`` joins the
  words of a phrase)
- ``{name}`` a word class of the same table (words and phrases); a name the table does not
  define is a class of the language tables (``{month}``)
- ``N`` the figure read (a count), ``ORD`` an ordinal read, ``NO`` a number that labels
  ("strike number 11"); ``#`` any count or label, not read
- ``_`` one word (never a count, never punctuation), ``_{a,b}`` a to b of them;
  ``~{a,b}`` a to b tokens that are no punctuation (figures too) nor a word the rule's
  fact never spans (see Pattern: span_stop), ``&{a,b}`` any tokens
- ``a|{name}|b`` alternatives (words and classes)
- ``,`` ``;`` ``:`` ``(`` ``)`` that mark; ``$`` the end of a clause or sentence, ``^`` the
  start of the sentence (both zero-width)
- ``!a|{name}`` none of these words or phrases starts here, nor right after the mark that
  stands here (zero-width: "shot in Amsterdam $ !{died_after}" is no wound of one who, after
  the comma, "has died")
- a suffix ``?`` (optional), ``*`` (0 to 3), ``+`` (1 to 3)

A pattern holds at most one figure read (N, ORD or NO); it is matched outward from that
figure, so the words before it are read backwards from it. A pattern without one is
anchored the same way on its rarest compulsory word or class, or on the one marked ``@``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..text import words_of

# Element kinds
WORDS, GAP, ANY, VALUE, FIGURE, MARK, BOUNDARY, NOT = range(8)
# What a sentence's token stands for, as the matcher sees it (see Sentence.marks)
M_WORD, M_NUM, M_ORD, M_CODE, M_NONCOUNT, M_PUNCT = range(6)

_REPEAT = re.compile(r"^(.*?)(\?|\*|\+|\{(\d+),(\d+)\})$")
_MARKS = frozenset(",;:()")


class WordSet:
    """Words and phrases (tuples of folded words), looked up by their first or last word;
    entries written "*ment" match any word ending so (one word only)."""

    __slots__ = ("by_first", "by_last", "suffixes", "firsts", "lasts", "singles",
                 "single_lasts")

    def __init__(self, phrases: Iterable[tuple[str, ...]] = (), suffixes: Iterable[str] = ()):
        self.by_first: dict[str, list[tuple[str, ...]]] = {}
        self.by_last: dict[str, list[tuple[str, ...]]] = {}
        self.suffixes = tuple(suffixes)
        for p in phrases:
            if p:
                self.by_first.setdefault(p[0], []).append(p)
                self.by_last.setdefault(p[-1], []).append(p)
        for index in (self.by_first, self.by_last):
            for entries in index.values():
                entries.sort(key=len, reverse=True)
        self.firsts = frozenset(self.by_first)
        self.lasts = frozenset(self.by_last)
        # words that are entries alone and start no longer entry: a lookup is enough
        self.singles = frozenset(w for w, v in self.by_first.items() if len(v) == 1
                                 and len(v[0]) == 1)
        self.single_lasts = frozenset(w for w, v in self.by_last.items() if len(v) == 1
                                      and len(v[0]) == 1)

    def union(self, other: WordSet) -> WordSet:
        phrases = {p for v in self.by_first.values() for p in v}
        phrases |= {p for v in other.by_first.values() for p in v}
        return WordSet(phrases, self.suffixes + other.suffixes)

    def lengths_at(self, norms: list[str], i: int) -> list[int]:
        """Lengths of the entries that start at norms[i], longest first."""
        w = norms[i]
        if w in self.singles:
            return [1]
        out = [len(p) for p in self.by_first.get(w, ())
               if tuple(norms[i:i + len(p)]) == p]
        if self.suffixes and w.endswith(self.suffixes) and 1 not in out:
            out.append(1)
        return out

    def lengths_ending(self, norms: list[str], j: int) -> list[int]:
        """Lengths of the entries that end at norms[j] (inclusive), longest first."""
        w = norms[j]
        if w in self.single_lasts:
            return [1]
        out = [len(p) for p in self.by_last.get(w, ())
               if j + 1 - len(p) >= 0 and tuple(norms[j + 1 - len(p):j + 1]) == p]
        if self.suffixes and w.endswith(self.suffixes) and 1 not in out:
            out.append(1)
        return out


@dataclass(frozen=True, slots=True)
class Elem:
    kind: int
    lo: int = 1
    hi: int = 1
    words: WordSet | None = None
    slot: str = ""  # VALUE: "N", "ORD", "NO"; MARK: the mark


@dataclass(slots=True)
class Sentence:
    """One sentence as the matcher reads it: folded words (figures keep their digits or
    words), what each token is, its clause number and the token itself."""

    norms: list[str]
    marks: list[int]
    values: list[int | None]
    clauses: list[int]  # clause number of each token (a clause ends at , ; : and brackets)
    segments: list[int]  # segment number of each token (a segment ends at ; and :)
    tokens: list  # bot.text.Token, quotes left out
    words: frozenset[str]
    positions: dict[str, list[int]]  # where each word stands
    clause_starts: dict[int, int]  # clause number -> the index of its first word
    figures: list[int]  # where a figure (count, ordinal, label) stands


class Pattern:
    """One compiled shape. `match(s, i)` -> (start, end) token range (end exclusive) with
    the figure at i (or the anchor at i), or None."""

    __slots__ = ("source", "before", "after", "slot", "anchor", "next_reach",
                 "prev_reach", "next_first", "prev_first", "key")

    def __init__(self, source: str, classes: Callable[[str], WordSet],
                 gap_stop: WordSet | None = None, common: frozenset[str] = frozenset(),
                 span_stop: WordSet | None = None) -> None:
        self.source = source
        parts = source.split()
        # "@" marks the element to anchor on, where the table knows which word is rarest
        marked = [k for k, part in enumerate(parts) if part.startswith("@")]
        elems = [_element(part.lstrip("@"), classes, gap_stop, span_stop) for part in parts]
        slots = [k for k, e in enumerate(elems) if e.kind == VALUE]
        if len(slots) > 1:
            raise ValueError(f"pattern {source!r}: more than one figure read")
        if slots:
            k = slots[0]
            self.slot = elems[k].slot
            self.anchor: WordSet | None = None
        else:
            k = marked[0] if marked else _anchor(elems, common)
            if k < 0 or elems[k].kind != WORDS or elems[k].lo != 1 or elems[k].hi != 1:
                raise ValueError(f"pattern {source!r}: no figure, and no word to anchor it")
            self.slot = ""
            self.anchor = elems[k].words
        self.before = list(reversed(elems[:k]))
        self.after = elems[k + 1:]
        # how near the anchor figure the first compulsory word after (before) it must stand,
        # and which words it may be: a cheap test that rules most patterns out before any
        # matching
        self.next_reach = _reach(self.after, common=common) if slots else None
        self.prev_reach = _reach(self.before, backward=True, common=common)
        # the words the token right after (before) the figure may be: one lookup rules out
        # most figures ("{kill_verb} {det}? {qualifier}* N" needs one of those words there)
        self.next_first = _adjacent(self.after)
        self.prev_first = _adjacent(self.before, backward=True)
        # the rarest compulsory word element: a sentence without any of its words is skipped
        self.key = _key(elems, common)

    def match(self, s: Sentence, i: int) -> tuple[int, int] | None:
        if self.anchor is not None:
            lengths = self.anchor.lengths_at(s.norms, i)
            if not self.before and not self.after:  # a word or a class alone
                return (i, i + lengths[0]) if lengths else None
            if self.prev_first is not None and not adjacent_ok(self.prev_first, s.norms, i - 1):
                return None
            for n in lengths:
                if self.next_first is not None and not adjacent_ok(self.next_first, s.norms,
                                                                   i + n):
                    continue
                end = _forward(self.after, 0, i + n, s)
                if end >= 0:
                    start = _backward(self.before, 0, i - 1, s)
                    if start >= -1:
                        return start + 1, end
            return None
        end = _forward(self.after, 0, i + 1, s)
        if end < 0:
            return None
        start = _backward(self.before, 0, i - 1, s)
        if start < -1:
            return None
        return start + 1, end


def _anchor(elems: list[Elem], common: frozenset[str]) -> int:
    """The element a figure-less pattern is anchored on: the compulsory word element whose
    words are rarest (common words such as "the" weigh as many)."""
    best, best_cost = -1, 0
    for k, e in enumerate(elems):
        if e.kind != WORDS or e.lo != 1 or e.hi != 1 or e.words is None:
            continue
        cost = sum(50 if w in common else 1 for w in e.words.firsts) + (
            1000 if e.words.suffixes else 0)
        if best < 0 or cost < best_cost:
            best, best_cost = k, cost
    return best


def _element(part: str, classes: Callable[[str], WordSet], gap_stop: WordSet | None,
             span_stop: WordSet | None = None) -> Elem:
    lo = hi = 1
    m = _REPEAT.match(part)
    if m and m.group(1) and part not in ("?",):
        part, rep = m.group(1), m.group(2)
        if rep == "?":
            lo, hi = 0, 1
        elif rep == "*":
            lo, hi = 0, 3
        elif rep == "+":
            lo, hi = 1, 3
        else:
            lo, hi = int(m.group(3)), int(m.group(4))
    if part in ("N", "ORD", "NO"):
        return Elem(VALUE, 1, 1, slot=part)
    if part == "#":
        return Elem(FIGURE, lo, hi)
    if part == "_":
        return Elem(GAP, lo, hi, gap_stop)
    if part == "~":
        return Elem(ANY, lo, hi, span_stop)
    if part == "&":
        return Elem(ANY, lo, hi, slot="&")
    if part == "$":
        return Elem(BOUNDARY, 0, 0)
    if part == "^":
        return Elem(BOUNDARY, 0, 0, slot="^")
    if part in _MARKS:
        return Elem(MARK, lo, hi, slot=part)
    if part.startswith("!") and len(part) > 1:
        inner = _element(part[1:], classes, gap_stop, span_stop)
        if inner.kind != WORDS or (inner.lo, inner.hi) != (1, 1):
            raise ValueError(f"{part!r}: only words or classes can be negated")
        return Elem(NOT, 0, 0, inner.words)
    alternatives = part.split("|")
    if len(alternatives) > 1 and ("$" in alternatives or "^" in alternatives):
        # a boundary is no word: "killed in|$" would read "in" and never the clause's end
        raise ValueError(f"{part!r}: a boundary ($ or ^) cannot be an alternative; "
                         "write the pattern twice")
    plain = [words_of(w.replace("+", " ")) for w in alternatives if not w.startswith("{")]
    if len(alternatives) > 1 and not all(plain):
        # a mark folds to no word: "killed ,|;" would never read the mark ($ does)
        raise ValueError(f"{part!r}: a mark cannot be an alternative; $ is a clause's end "
                         "(a mark or the sentence's), write the pattern twice")
    ws = WordSet(plain)
    for alt in alternatives:
        if alt.startswith("{") and alt.endswith("}"):
            ws = ws.union(classes(alt[1:-1]))
    return Elem(WORDS, lo, hi, ws)


Reach = tuple[int, frozenset[str], tuple[str, ...]]


def _reach(elems: list[Elem], backward: bool = False,
           common: frozenset[str] = frozenset()) -> Reach | None:
    """(d, words, endings): the first compulsory word element stands within d tokens, and
    one of these words (a telling word of one of its phrases: "muerte" of "la muerte de",
    not "de") or a word ending so stands there; None when nothing short can be said."""
    d = 0
    for e in elems:
        if e.kind in (BOUNDARY, NOT):
            continue
        if e.kind == WORDS and e.words is not None:
            if e.lo > 0:
                phrases = [p for v in e.words.by_first.values() for p in v]
                longest = max((len(p) for p in phrases), default=1)
                telling: set[str] = set()
                for p in phrases:
                    rare = [w for w in p if w not in common]
                    telling.update(rare or p)
                return d + longest, frozenset(telling), e.words.suffixes
            d += e.hi * max((len(p) for v in e.words.by_first.values() for p in v), default=1)
        elif e.kind == MARK and e.lo > 0:
            return d + 1, frozenset((e.slot,)), ()
        elif e.kind in (GAP, FIGURE, MARK, VALUE, ANY):
            d += e.hi
        else:
            return None
    return None


def _adjacent(elems: list[Elem], backward: bool = False) -> Reach | None:
    """(0, words, endings) the token next to the anchor must be one of, or None when it may
    be anything (a gap, a figure, a mark) or nothing (the pattern may end there)."""
    words: set[str] = set()
    endings: tuple[str, ...] = ()
    for e in elems:
        if e.kind in (BOUNDARY, NOT):
            return None
        if e.kind != WORDS or e.words is None:
            return None
        words |= e.words.lasts if backward else e.words.firsts
        endings += e.words.suffixes
        if e.lo > 0:
            return 0, frozenset(words), endings
    return None


def adjacent_ok(first: Reach, norms: list[str], j: int) -> bool:
    """Whether the token at j may stand next to the anchor."""
    if j < 0 or j >= len(norms):
        return False
    w = norms[j]
    return w in first[1] or bool(first[2]) and w.endswith(first[2])


def reach_ok(reach: Reach, norms: list[str], lo: int, hi: int) -> bool:
    """Whether a token of norms[lo:hi] is one of the reach's words."""
    _, words, endings = reach
    lo = max(lo, 0)
    if not endings:
        return not words.isdisjoint(norms[lo:hi])
    for j in range(lo, min(hi, len(norms))):
        w = norms[j]
        if w in words or w.endswith(endings):
            return True
    return False


def _key(elems: list[Elem], common: frozenset[str] = frozenset()) -> frozenset[str] | None:
    """The first words of the compulsory element whose words are rarest (common words such
    as "the" weigh as many): a sentence holding none of them cannot match."""
    best: frozenset[str] | None = None
    best_cost = 0
    for e in elems:
        if e.kind == WORDS and e.lo > 0 and e.words is not None and not e.words.suffixes:
            cost = sum(50 if w in common else 1 for w in e.words.firsts)
            if best is None or cost < best_cost:
                best, best_cost = e.words.firsts, cost
    return best


def _units(e: Elem, s: Sentence, i: int) -> list[int]:
    """Lengths one unit of `e` can take starting at token i (longest first); [] if none."""
    n = len(s.norms)
    if i >= n:
        return []
    kind = e.kind
    if kind == WORDS:
        return e.words.lengths_at(s.norms, i)  # type: ignore[union-attr]
    mark = s.marks[i]
    if kind == GAP:
        if mark not in (M_WORD, M_ORD, M_NONCOUNT, M_CODE):
            return []
        # a gap never crosses the words or phrases its rule stops at (see Pattern: gap_stop);
        # a phrase's first word alone is none ("military" of "military strikes")
        return [] if e.words is not None and e.words.lengths_at(s.norms, i) else [1]
    if kind == FIGURE:
        return [1] if mark in (M_NUM, M_CODE) else []
    if kind == MARK:
        return [1] if mark == M_PUNCT and s.norms[i] == e.slot else []
    if kind == ANY:
        if e.slot == "&":
            return [1]
        # a span never crosses punctuation, nor the words its rule stops at ("the death toll
        # reached 40 and the number of injured rose to 870": not a toll of 870 dead)
        return [] if mark == M_PUNCT or e.words is not None and s.norms[i] in e.words.singles \
            else [1]
    return []


def _units_back(e: Elem, s: Sentence, j: int) -> list[int]:
    if j < 0:
        return []
    kind = e.kind
    if kind == WORDS:
        return e.words.lengths_ending(s.norms, j)  # type: ignore[union-attr]
    return _units(e, s, j)  # one-token elements read the same both ways


def _is_boundary(s: Sentence, i: int) -> bool:
    return i < 0 or i >= len(s.norms) or s.marks[i] == M_PUNCT and s.norms[i] in ",;:()."


def _none_at(words: WordSet, s: Sentence, i: int, step: int) -> bool:
    """Whether none of `words` stands at token i, nor past a mark there (step 1: starts
    there, read forward; -1: ends there, read backward)."""
    n = len(s.norms)
    if 0 <= i < n and s.marks[i] == M_PUNCT:
        i += step
    if not 0 <= i < n:
        return True
    found = words.lengths_at(s.norms, i) if step > 0 else words.lengths_ending(s.norms, i)
    return not found


def _forward(elems: list[Elem], k: int, i: int, s: Sentence) -> int:
    """End (exclusive) of elems[k:] matched from token i, or -1."""
    if k == len(elems):
        return i
    e = elems[k]
    kind = e.kind
    if kind == WORDS and e.hi == 1:  # the common case, without the repetition machinery
        if i < len(s.norms):
            for n in e.words.lengths_at(s.norms, i):  # type: ignore[union-attr]
                end = _forward(elems, k + 1, i + n, s)
                if end >= 0:
                    return end
        return _forward(elems, k + 1, i, s) if e.lo == 0 else -1
    if kind == BOUNDARY:
        ok = i == 0 if e.slot == "^" else _is_boundary(s, i)
        return _forward(elems, k + 1, i, s) if ok else -1
    if kind == NOT:
        return _forward(elems, k + 1, i, s) if _none_at(e.words, s, i, 1) else -1
    return _repeat(elems, k, i, s, 0, kind in (GAP, ANY))


def _repeat(elems: list[Elem], k: int, i: int, s: Sentence, count: int, lazy: bool) -> int:
    e = elems[k]
    if lazy and count >= e.lo:
        end = _forward(elems, k + 1, i, s)
        if end >= 0:
            return end
    if count < e.hi:
        for n in _units(e, s, i):
            end = _repeat(elems, k, i + n, s, count + 1, lazy)
            if end >= 0:
                return end
    if not lazy and count >= e.lo:
        return _forward(elems, k + 1, i, s)
    return -1


def _backward(elems: list[Elem], k: int, j: int, s: Sentence) -> int:
    """Index just before the start of elems[k:] (read backwards) matched ending at token j,
    or -2."""
    if k == len(elems):
        return j
    e = elems[k]
    kind = e.kind
    if kind == WORDS and e.hi == 1:
        if j >= 0:
            for n in e.words.lengths_ending(s.norms, j):  # type: ignore[union-attr]
                start = _backward(elems, k + 1, j - n, s)
                if start > -2:
                    return start
        return _backward(elems, k + 1, j, s) if e.lo == 0 else -2
    if kind == BOUNDARY:
        ok = j < 0 if e.slot == "^" else _is_boundary(s, j)
        return _backward(elems, k + 1, j, s) if ok else -2
    if kind == NOT:
        return _backward(elems, k + 1, j, s) if _none_at(e.words, s, j, -1) else -2
    return _repeat_back(elems, k, j, s, 0, kind in (GAP, ANY))


def _repeat_back(elems: list[Elem], k: int, j: int, s: Sentence, count: int,
                 lazy: bool) -> int:
    e = elems[k]
    if lazy and count >= e.lo:
        start = _backward(elems, k + 1, j, s)
        if start > -2:
            return start
    if count < e.hi:
        for n in _units_back(e, s, j):
            start = _repeat_back(elems, k, j - n, s, count + 1, lazy)
            if start > -2:
                return start
    if not lazy and count >= e.lo:
        return _backward(elems, k + 1, j, s)
    return -2
