"""The cross-language vocabulary: concepts, names, places and kinds of events.

General tables (bot/data/concepts.yaml, events.yaml, places.yaml, and the countries of
pycountry in English, Spanish and French) plus the topics the configured watchlists bring
(bot/data/topics/<name>.yaml, or a file of the user's). Each entry maps the words of three
languages to one token:

    c:killed   a concept          e:earthquake  a kind of event (events.yaml)
    n:un       an organisation    p:ve / p:caribbean  a country (ISO code) or a region

`lexicon(topics)` is built once per set of topics.
"""

from __future__ import annotations

import gettext
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .fold import fold
from .tables import LANGUAGES, Phrases, load_words, read_data, words_of

# Kind.toll: whether a report of the kind gives a toll of its own (events.yaml, `tolls`):
# it kills, it carries the toll of the happening it goes on from, it kills at times, never
OWN_TOLL, CARRY_TOLL, MAYBE_TOLL, NO_TOLL = "own", "carry", "maybe", ""
# The tag of what tells one happening of a kind from another ("a:cholera").
TOLD_APART = "a:"


def told_apart(token: str) -> bool:
    """Whether a token tells one happening of a kind from another ("a:cholera")."""
    return token.startswith(TOLD_APART)


def plural(word: str) -> bool:
    """Whether a folded word reads as a plural: en/es/fr plurals end so ("strikes",
    "ataques", "frappes", "feux"). A verb that does ("strikes two boats") counts too, which
    only ever keeps a kind from reading as one happening."""
    return len(word) > 3 and word[-1] in "sx"


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    family: str
    serial: bool
    toll: str = NO_TOLL
    # its people in hospital are the sick, not the injured (an epidemic)
    sickens: bool = False
    # its plural names one happening, not a series ("the Tianjin blasts")
    plural_one: bool = False
    # what tells one of its happenings from another in one country: a disease tells one
    # outbreak from another ("a:cholera", events.yaml `told_apart_by`)
    told_apart_by: frozenset[str] = frozenset()
    # its happening moves from country to country, each landfall news of its own (a storm)
    travels: bool = False
    # done by force, if giving no toll of its own (a coup, a seizure): events.yaml, `tolls`
    force: bool = False

    @property
    def peaceful(self) -> bool:
        """A deed that kills nobody, not done by force (a visit, an aid package, a vote)."""
        return self.toll == NO_TOLL and not self.force

    def series(self, word: str) -> bool:
        """Whether the kind, named by `word`, is a series of happenings ("US strikes")."""
        return self.serial and not self.plural_one and plural(word)


@dataclass(slots=True)
class Lexicon:
    vocabulary: Phrases = field(default_factory=Phrases)  # concepts, names, places
    kinds: dict[str, Phrases] = field(default_factory=dict)  # language -> words -> "e:kind"
    # words that name a kind only when the text names no other ("struck", "closed")
    weak_kinds: dict[str, Phrases] = field(default_factory=dict)
    # words before a kind that make it the headline's context ("aid after quake")
    context: dict[str, frozenset[str]] = field(default_factory=dict)
    # ... those after which a headline's survivors are the named happening's
    aftermath: dict[str, frozenset[str]] = field(default_factory=dict)
    # ... those that name the happening's people ("survivors of the strike")
    people: dict[str, frozenset[str]] = field(default_factory=dict)
    # the words of a deed's kind that name a person, who may be a killing's victim ("Judge
    # shot dead"): events.yaml `deed_people`
    deed_people: dict[str, frozenset[str]] = field(default_factory=dict)
    # ... those after which a kind is an earlier happening ("since the capture"), unless a
    # word of a span stands between ("since the start of the protests")
    earlier: dict[str, frozenset[str]] = field(default_factory=dict)
    span: dict[str, frozenset[str]] = field(default_factory=dict)
    kind_info: dict[str, Kind] = field(default_factory=dict)  # "e:kind" -> Kind
    compatible: frozenset[tuple[str, str]] = frozenset()  # (family, family), both ways
    distinct: frozenset[str] = frozenset()  # families whose kinds never describe one event
    kinds_together: frozenset[tuple[str, str]] = frozenset()  # ... but for these pairs
    seas: frozenset[str] = frozenset()  # "p:caribbean", ...
    sites: frozenset[str] = frozenset()  # "c:factory", ...: where one happening is
    countries: frozenset[str] = frozenset()
    # place tokens written with two letters or fewer ("US", "EU"), and names that are common
    # words in lower case ("la paz", "chile"): only when capitalised
    short_places: frozenset[tuple[str, ...]] = frozenset()
    # forms that are a common word unless written in capitals ("WHO", not "who")
    acronyms: frozenset[tuple[str, ...]] = frozenset()
    topics: tuple[str, ...] = ()

    def kinds_meet(self, a: str, b: str) -> bool:
        """Whether two kinds ("e:attack", "e:explosion") may describe one happening."""
        if a == b:
            return True
        x, y = self.kind_info.get(a), self.kind_info.get(b)
        if x is None or y is None:
            return True
        if x.family == y.family or (a, b) in self.kinds_together:
            return self.kinds_alike(a, b)
        return (x.family, y.family) in self.compatible

    def kinds_alike(self, a: str, b: str) -> bool:
        """Whether two known kinds may be one happening by what they are, not only by their
        families meeting (events.yaml `families.compatible`: an accident and a disaster
        meet, yet a crash is no quake): the same kind, a pair of `families.kinds`, or one
        family's kinds that are not each a happening of their own."""
        if a == b or (a, b) in self.kinds_together:
            return True
        x, y = self.kind_info.get(a), self.kind_info.get(b)
        return x is not None and y is not None and x.family == y.family \
            and x.family not in self.distinct

    def add(self, section: str, key: str, forms: Iterable[object]) -> None:
        tag = {"concepts": "c:", "names": "n:", "places": "p:", "countries": "p:",
               "regions": "p:"}[section]
        token = sys.intern(tag + str(key))
        for form in forms:
            text = str(form)
            self.vocabulary.add_text(text, token)


def _told_apart_by(lex: Lexicon, variants: dict) -> frozenset[str]:
    """The tokens ("a:cholera") of what tells one happening of a kind from another, their
    words added to the vocabulary."""
    out = []
    for key, forms in variants.items():
        token = sys.intern(f"{TOLD_APART}{key}")
        for form in forms:
            lex.vocabulary.add_text(str(form), token)
        out.append(token)
    return frozenset(out)


class TopicError(ValueError):
    """A topic file that cannot be read; the message names the file and what is wrong."""


def _pycountry_names() -> Iterable[tuple[str, str]]:
    """(name, iso code) in English, Spanish and French, the official long forms cut at the
    comma ("Venezuela, Bolivarian Republic of" -> "Venezuela")."""
    import pycountry

    translations = [gettext.NullTranslations()]
    for code in ("es", "fr"):
        try:
            translations.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR,
                                                    languages=[code]))
        except OSError:  # a pycountry without its translations: English only
            continue
    for country in pycountry.countries:
        names = {country.name, getattr(country, "common_name", country.name)}
        for tr in translations:
            for name in names:
                yield tr.gettext(name).split(",")[0].split("(")[0].strip(), \
                    country.alpha_2.lower()


def _by_language(data: dict, key: str) -> dict[str, frozenset[str]]:
    """A section of events.yaml that gives words per language."""
    return {lang: frozenset(str(w) for w in words)
            for lang, words in (data.get(key) or {}).items()}


def _kinds(lex: Lexicon, data: dict) -> None:
    classes = {k: [str(w) for w in v] for k, v in (data.get("classes") or {}).items()}
    lex.context, lex.aftermath, lex.earlier, lex.span, lex.people, lex.deed_people = (
        _by_language(data, key)
        for key in ("context", "aftermath", "earlier", "span", "people", "deed_people"))
    families = data.get("families") or {}
    tolls = data.get("tolls") or {}
    by_toll = [(toll, set(tolls.get(toll) or ())) for toll in (OWN_TOLL, CARRY_TOLL,
                                                               MAYBE_TOLL)]
    force = set(tolls.get("force") or ())
    lex.compatible = frozenset(
        pair for a, b in families.get("compatible") or () for pair in ((a, b), (b, a)))
    lex.distinct = frozenset(families.get("distinct") or ())
    lex.kinds_together = frozenset(
        pair for a, b in families.get("kinds") or ()
        for pair in ((f"e:{a}", f"e:{b}"), (f"e:{b}", f"e:{a}")))
    for lang in LANGUAGES:
        lex.kinds.setdefault(lang, Phrases())
        lex.weak_kinds.setdefault(lang, Phrases())
    for name, spec in (data.get("kinds") or {}).items():
        token = sys.intern(f"e:{name}")
        family = str(spec.get("family", name))
        toll = next((t for t, names in by_toll if names & {name, family}), NO_TOLL)
        lex.kind_info[token] = Kind(name, family, bool(spec.get("serial", False)), toll,
                                    bool(spec.get("sickens", False)),
                                    bool(spec.get("plural_one", False)),
                                    _told_apart_by(lex, spec.get("told_apart_by") or {}),
                                    bool(spec.get("travels", False)),
                                    bool(force & {name, family}))
        for section, target in (("words", lex.kinds), ("weak", lex.weak_kinds)):
            for lang, forms in (spec.get(section) or {}).items():
                for form in forms:
                    for text in _expand(str(form), classes):
                        target.setdefault(lang, Phrases()).add_text(text, token)
    # phrases that name no kind though a kind's word is in them ("sin tregua" is no truce):
    # read as the longest phrase, they take their words from the kinds, and give none
    for lang, forms in (data.get("idioms") or {}).items():
        for form in forms:
            for text in _expand(str(form), classes):
                lex.kinds.setdefault(lang, Phrases()).add_text(text, "")


def _expand(form: str, classes: dict[str, list[str]]) -> list[str]:
    """"{workers} strike" -> "teachers strike", "workers strike", ..."""
    if "{" not in form:
        return [form]
    head, _, rest = form.partition("{")
    name, _, tail = rest.partition("}")
    return [out for word in classes[name] for out in _expand(f"{head}{word}{tail}", classes)]


def _topic_data(topic: str) -> dict:
    path = Path(topic)
    try:
        if path.suffix in (".yaml", ".yml") and path.exists():
            data = load_words(path.read_text("utf-8"))
        else:
            data = read_data("topics", f"{topic}.yaml")
    except FileNotFoundError as exc:
        raise TopicError(f"topic {topic!r}: no such topic (bot/data/topics/{topic}.yaml) "
                         "or file") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise TopicError(f"topic {topic!r}: {exc}") from exc
    if not isinstance(data, dict):
        raise TopicError(f"topic {topic!r}: expected a mapping of concepts, names, places")
    return data


# The general vocabulary files of bot/data, read in this order (the first to name a word
# keeps it): the words news of any topic uses, then a broader news vocabulary.
GENERAL_CONCEPTS = ("concepts.yaml", "news.yaml")


@lru_cache(maxsize=8)
def lexicon(topics: tuple[str, ...] = ()) -> Lexicon:
    """The general tables plus the given topics (names of bundled topics or YAML paths)."""
    lex = Lexicon(topics=topics)
    places = read_data("places.yaml")
    not_places = {words_of(str(w)) for w in places.get("not_places") or ()}
    for name, iso in _pycountry_names():
        if (words := words_of(name)) not in not_places:
            lex.vocabulary.add(words, sys.intern(f"p:{iso}"))
    for section in ("countries", "regions"):
        for key, forms in (places.get(section) or {}).items():
            lex.add(section, str(key), forms)
    lex.seas = frozenset(f"p:{s}" for s in places.get("seas") or ())
    lex.countries = frozenset(v for v in lex.vocabulary.values.values()
                              if v.startswith("p:") and len(v) == 4)
    for name in GENERAL_CONCEPTS:
        concepts = read_data(name)
        lex.sites |= {f"c:{c}" for c in concepts.get("sites") or ()}
        lex.acronyms |= {words_of(str(w)) for w in concepts.get("acronyms") or ()}
        for section in ("concepts", "names"):
            for key, forms in (concepts.get(section) or {}).items():
                lex.add(section, str(key), forms)
    _kinds(lex, read_data("events.yaml"))
    for topic in topics:
        data = _topic_data(topic)
        for section in ("concepts", "names", "places"):
            for key, forms in (data.get(section) or {}).items():
                lex.add(section, str(key), forms)
        for kind, by_lang in (data.get("event_words") or {}).items():
            token = f"e:{kind}"
            if token not in lex.kind_info:
                raise TopicError(f"topic {topic!r}: event_words: {kind!r} is no kind of "
                                 f"bot/data/events.yaml")
            for lang, forms in (by_lang or {}).items():
                for form in forms:
                    lex.kinds.setdefault(lang, Phrases()).add_text(str(form), token)
    lex.short_places = frozenset(w for w, v in lex.vocabulary.values.items()
                                 if v.startswith("p:") and len("".join(w)) <= 2) | {
        words_of(str(w)) for w in places.get("capitalised") or ()}
    return lex


def kind_words(lang: str, topics: Sequence[str] = ()) -> Phrases:
    return lexicon(tuple(topics)).kinds.get(lang, Phrases())


__all__ = ["CARRY_TOLL", "MAYBE_TOLL", "NO_TOLL", "OWN_TOLL", "Kind", "Lexicon", "TopicError",
           "lexicon", "kind_words", "fold"]
