"""The per-language tables (bot/data/lang/<code>.yaml), loaded once and checked.

Every word in a table is written folded (see bot.text.fold); a phrase is a tuple of words.
`Phrases` is the one matcher of word sequences that the text layer, the event kinds and the
facts engine share.
"""

from __future__ import annotations

import re
from bisect import insort
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from itertools import groupby
from typing import Any

import yaml

from .fold import fold

LANGUAGES = ("en", "es", "fr")
_WORD = re.compile(r"[^\W_]+|[$\u20ac\u00a3%]")


def words_of(text: str) -> tuple[str, ...]:
    """A phrase as the tokenizer splits it: folded words ("year-old" -> ("year", "old"))."""
    return tuple(_WORD.findall(fold(text)))


# What a figure ("10,000") is among the words that phrases are matched against: a table's
# phrase writes it "#" ("sends # soldiers"), and bot.text.names puts it for each number.
FIGURE = "\x00"

_MISS: tuple[int, Any] = (0, None)  # one shared miss: the word caches hold many


def _longest_first(entry: tuple[tuple[str, ...], Any, bool]) -> int:
    return -len(entry[0])


# The phrases of one first word of the same length: (length, phrase -> value, the entries).
# Of exact phrases as long, one at most is the words that follow: one dict lookup finds it
# ("la", "le", "se", "sent" start 8 to 130 phrases). A length where some phrase ends in a
# prefix ("air strike*") has no dict: its entries are tried in order.
_Group = tuple[int, "dict[tuple[str, ...], Any] | None", list]
_ABSENT = object()


def _grouped(entries: list[tuple[tuple[str, ...], Any, bool]]) -> tuple[_Group, ...]:
    out = []
    for k, same in groupby(entries, key=lambda e: len(e[0])):
        group = list(same)
        exact = None if any(prefix for _, _, prefix in group) else {
            phrase: value for phrase, value, _ in group}
        out.append((k, exact, group))
    return tuple(out)


class Phrases:
    """Word sequences looked up by their first (or last) word, longest first. A phrase whose
    last word was written with a trailing "*" matches any word that starts so ("attack*":
    attacks, attacked; "air strike*")."""

    __slots__ = ("_by_first", "_by_last", "_groups", "_prefixes", "_prefix_lens", "_cache",
                 "values", "_first_words", "longest", "_heads")

    def __init__(self, entries: Iterable[tuple[Sequence[str], Any]] = ()) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], Any, bool]]] = {}
        self._by_last: dict[str, list[tuple[tuple[str, ...], Any, bool]]] = {}
        # first word -> its phrases by length (see _grouped), made when `at` first meets it
        self._groups: dict[str, tuple[_Group, ...]] = {}
        self._prefixes: dict[str, Any] = {}  # one-word prefixes
        self._prefix_lens: tuple[int, ...] = ()
        self._cache: dict[str, tuple[int, Any]] = {}  # word -> its one-word prefix match
        # the prefixes' beginnings as long as the shortest prefix (None: to be made again)
        self._heads: frozenset[str] | None = None
        self.values: dict[tuple[str, ...], Any] = {}
        self._first_words: frozenset[str] | None = frozenset()
        self.longest = 0
        for words, value in entries:
            self.add(tuple(words), value)

    def add(self, words: tuple[str, ...], value: Any = True, prefix: bool = False) -> None:
        if not words or words in self.values:
            return
        self.values[words] = value
        self._cache.clear()
        self.longest = max(self.longest, len(words))
        if prefix and len(words) == 1:
            self._prefixes[words[0]] = value
            self._heads = None
            if len(words[0]) not in self._prefix_lens:
                self._prefix_lens = tuple(sorted((*self._prefix_lens, len(words[0])),
                                                 reverse=True))
            return
        entry = (words, value, prefix)
        for index, key in ((self._by_first, words[0]), (self._by_last, words[-1])):
            # longest first, and in the order added among phrases as long: a table of
            # thousands of phrases is built at every start-up, so no sort per phrase
            insort(index.setdefault(key, []), entry, key=_longest_first)
        self._groups.pop(words[0], None)
        self._first_words = None

    @property
    def first_words(self) -> frozenset[str]:
        """The words some phrase starts with (worked out again after an add)."""
        if self._first_words is None:
            self._first_words = frozenset(self._by_first)
        return self._first_words

    def add_text(self, text: str, value: Any = True) -> None:
        """A phrase as written in a table: folded and split, "*" at its end a prefix, "#"
        any figure ("sends # soldiers": "sends 5,000 soldiers")."""
        text = str(text).strip()
        prefix = text.endswith("*")
        pieces = [words_of(piece) for piece in text.rstrip("*").split("#")]
        words = pieces[0]
        for piece in pieces[1:]:
            words += (FIGURE, *piece)
        self.add(words, value, prefix)

    def __contains__(self, words: tuple[str, ...]) -> bool:
        return words in self.values

    def may_start(self, word: str) -> bool:
        """Whether some phrase could start with `word`: a cheap test before `at`."""
        if word in self._by_first:
            return True
        return bool(self._prefix_lens) and self._prefix(word)[0] > 0

    def __bool__(self) -> bool:
        return bool(self.values)

    def anywhere(self, words: Sequence[str]) -> bool:
        """Whether a phrase starts at any of `words` ("" for a token that is no word)."""
        return any(w and self.may_start(w) and self.at(words, i)[0]
                   for i, w in enumerate(words))

    def at(self, words: Sequence[str], i: int) -> tuple[int, Any]:
        """(length, value) of the longest phrase starting at words[i], or (0, None)."""
        if i >= len(words):
            return 0, None
        w = words[i]
        groups = self._groups.get(w)
        if groups is None and w in self._by_first:
            groups = self._groups[w] = _grouped(self._by_first[w])
        if groups:
            n = len(words)
            for k, exact, entries in groups:
                if k == 1:
                    return 1, entries[0][1]
                if i + k > n:
                    continue
                if exact is not None:
                    value = exact.get(tuple(words[i:i + k]), _ABSENT)
                    if value is not _ABSENT:
                        return k, value
                    continue
                for phrase, value, prefix in entries:
                    if tuple(words[i:i + k - 1]) == phrase[:-1] and (
                            words[i + k - 1] == phrase[-1]
                            or prefix and words[i + k - 1].startswith(phrase[-1])):
                        return k, value
        if self._prefix_lens:
            return self._prefix(w)
        return 0, None

    def _prefix(self, w: str) -> tuple[int, Any]:
        """(1, value) of the longest one-word prefix `w` starts with, or (0, None); cached
        per word."""
        # Most words start no prefix at all (the news' names, numbers spelt out, words of
        # no table): one set lookup says so, and they are not cached. Every prefix is at
        # least as long as the shortest, so a word whose beginning is no prefix's starts none.
        heads = self._heads
        if heads is None:
            shortest = self._prefix_lens[-1]
            heads = self._heads = frozenset(p[:shortest] for p in self._prefixes)
        if w[:self._prefix_lens[-1]] not in heads:
            return _MISS
        hit = self._cache.get(w)
        if hit is None:
            hit = _MISS
            for n in self._prefix_lens:
                if len(w) >= n and (v := self._prefixes.get(w[:n])) is not None:
                    hit = (1, v)
                    break
            if len(self._cache) > 50_000:
                self._cache.clear()
            self._cache[w] = hit
        return hit

    def ending(self, words: Sequence[str], j: int) -> tuple[int, Any]:
        """(length, value) of the longest phrase ending at words[j] (inclusive); exact words
        only."""
        entries = self._by_last.get(words[j]) if 0 <= j < len(words) else None
        if entries:
            for phrase, value, _ in entries:
                k = len(phrase)
                if j + 1 - k >= 0 and tuple(words[j + 1 - k:j + 1]) == phrase:
                    return k, value
        return 0, None


def phrases(items: Iterable[Any], value: Any = True) -> Phrases:
    out = Phrases()
    for w in items:
        out.add_text(str(w), value)
    return out


def numbered(table: dict) -> Phrases:
    out = Phrases()
    for k, v in (table or {}).items():
        out.add_text(str(k), int(v))
    return out


@dataclass(frozen=True, slots=True)
class Language:
    code: str
    stop: frozenset[str]
    units: dict[str, int]
    compound_only: dict[str, int]
    # nouns of a round figure, with the word that joins them to what they count ("une
    # vingtaine de morts", "un millar de heridos"): about that figure
    approximate: dict[str, int]
    approximate_of: frozenset[str]
    approximate_after: frozenset[str]  # only after these ("une quarantaine", not "en quarantaine")
    scale_article: frozenset[str]  # "a hundred", "a dozen": the article is part of the figure
    connectors: frozenset[str]
    ordinals: dict[str, int]
    ordinal_stems: dict[str, str]
    ordinal_suffix_word: str
    ordinal_suffixes: frozenset[str]
    range_words: frozenset[str]
    range_lead: frozenset[str]
    rise_from: frozenset[str]
    rise_verbs: frozenset[str]
    not_count_after: Phrases
    not_count_before: Phrases
    count_before: Phrases
    months: dict[str, int]
    weekdays: dict[str, int]
    relative_days: Phrases
    planned_before: Phrases  # "set for", "previsto para el": the day after is to come
    planned_after: frozenset[str]  # "lundi prochain"
    planned_verbs: frozenset[str]  # "will", "set": a day after them and a link is to come
    planned_links: frozenset[str]  # "on", "for", "para": between such a verb and its day
    day_articles: frozenset[str]  # "the", "el", "le": between a link and its day
    year_links: frozenset[str]  # "el golpe de 2022": the words between a happening and its year
    abbreviations: frozenset[str]
    locatives: Phrases
    destination_verbs: frozenset[str]  # "lands in New York": the town is where one goes
    destination_not_after: frozenset[str]  # "crash-lands in Pokhara": where it crashed
    place_articles: frozenset[str]  # "El Paso", "Los Ángeles", "Le Havre": part of the name
    place_possessive: frozenset[str]  # "Tamil Nadu's Sivakasi": the region's town
    novelty: Phrases
    novelty_serial: Phrases  # ... of a kind that recurs only ("latest strike")
    tally: Phrases
    running: Phrases  # the tally's words of a running total
    # within two words after a figure, it is added to an earlier toll ("two more dead")
    increment: Phrases
    plural_articles: frozenset[str]  # "the", "los", "les": before a plural noun
    magnitude: frozenset[str]
    aftershock: frozenset[str]


# libyaml's safe loader when PyYAML was built with it: the same data from every file of
# bot/data (compared value for value), read about 7 times faster, at every start-up.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class _WordsLoader(_BASE_LOADER):  # type: ignore[misc, valid-type]
    """Booleans as YAML 1.2 writes them, true and false only: word lists hold "on", "no",
    "off", "yes", which YAML 1.1 reads as booleans ("killed on the road" lost its "on")."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in _BASE_LOADER.yaml_implicit_resolvers.items()}
_WordsLoader.add_implicit_resolver(_BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                                   list("tTfF"))


def load_words(text: str) -> Any:
    """YAML text of words and phrases (the package's data, a user's topic file)."""
    return yaml.load(text, Loader=_WordsLoader)


def read_data(*parts: str) -> Any:
    """A YAML file of the package's data folder."""
    path = resources.files("bot").joinpath("data", *parts)
    return load_words(path.read_text("utf-8"))


def _folded_keys(table: dict | None, where: str) -> dict[str, int]:
    out = {}
    for k, v in (table or {}).items():
        key = fold(str(k))
        if key != str(k):
            raise ValueError(f"{where}: {k!r} is not written folded ({key!r})")
        out[key] = int(v)
    return out


def _strings(section: dict, key: str) -> frozenset[str]:
    """A list of a language table, as a set of its entries (none when absent)."""
    return frozenset(str(w) for w in section.get(key) or ())


@cache
def language(code: str) -> Language:
    """The tables of one language; unknown codes get English's."""
    if code not in LANGUAGES:
        code = "en"
    data = read_data("lang", f"{code}.yaml")
    num = data.get("numbers") or {}
    dates = data.get("dates") or {}
    where = f"bot/data/lang/{code}.yaml"
    markers = data.get("markers") or {}
    return Language(
        code=code,
        stop=frozenset(fold(str(w)) for w in data.get("stop") or ()),
        units=_folded_keys(num.get("units"), where),
        compound_only=_folded_keys(num.get("compound_only"), where),
        approximate=_folded_keys(num.get("approximate"), where),
        approximate_of=_strings(num, "approximate_of"),
        approximate_after=_strings(num, "approximate_after"),
        scale_article=_strings(num, "scale_article"),
        connectors=frozenset(num.get("connectors") or ()),
        ordinals=_folded_keys(num.get("ordinals"), where),
        ordinal_stems={str(k): str(v) for k, v in (num.get("ordinal_stems") or {}).items()},
        ordinal_suffix_word=str(num.get("ordinal_suffix_word") or ""),
        ordinal_suffixes=_strings(num, "ordinal_suffixes"),
        range_words=_strings(num, "range_words"),
        range_lead=_strings(num, "range_lead"),
        rise_from=_strings(num, "rise_from"),
        rise_verbs=_strings(num, "rise_verbs"),
        not_count_after=phrases(num.get("not_count_after") or ()),
        not_count_before=phrases(num.get("not_count_before") or ()),
        count_before=phrases(num.get("count_before") or ()),
        months=_folded_keys(dates.get("months"), where),
        weekdays=_folded_keys(dates.get("weekdays"), where),
        relative_days=numbered(dates.get("relative_days")),
        planned_before=phrases(dates.get("planned_before") or ()),
        planned_after=_strings(dates, "planned_after"),
        planned_verbs=_strings(dates, "planned_verbs"),
        planned_links=_strings(dates, "planned_links"),
        day_articles=_strings(dates, "day_articles"),
        year_links=_strings(dates, "year_links"),
        abbreviations=_strings(data, "abbreviations"),
        locatives=phrases(data.get("locatives") or ()),
        destination_verbs=_strings(data, "destination_verbs"),
        destination_not_after=_strings(data, "destination_not_after"),
        place_articles=_strings(data, "place_articles"),
        place_possessive=_strings(data, "place_possessive"),
        novelty=phrases(markers.get("novelty") or ()),
        novelty_serial=phrases(markers.get("novelty_serial") or ()),
        tally=phrases(markers.get("tally") or ()),
        running=phrases(markers.get("running") or ()),
        increment=phrases(markers.get("increment") or ()),
        plural_articles=_strings(markers, "plural_articles"),
        magnitude=_strings(data, "magnitude"),
        aftershock=_strings(data, "aftershock"),
    )


@lru_cache(maxsize=1)
def all_stop_words() -> frozenset[str]:
    return frozenset().union(*(language(c).stop for c in LANGUAGES))
