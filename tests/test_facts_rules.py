"""The facts tables read what each of their rows says they read: every example sentence of
every rule and cue (bot/data/facts/<code>.yaml) gives exactly its `facts`. This is the test of
the tables; the sentences are written for them."""

from __future__ import annotations

import pytest

from bot.facts import extract_facts
from bot.facts.matcher import Pattern
from bot.facts.rules import table
from bot.text import LANGUAGES

ROWS = [(code, rule.id, ex) for code in LANGUAGES for rule in table(code).rules
        for ex in rule.examples]


@pytest.mark.parametrize(("lang", "rule", "example"), ROWS,
                         ids=[f"{c}:{r}:{e['text'][:30]}" for c, r, e in ROWS])
def test_each_example_row_reads_as_its_table_says(lang, rule, example):
    got = {f.name: f.value for f in extract_facts(example.get("title", ""), example["text"],
                                                   lang)}
    assert got == example.get("facts", {}), rule


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_row_of_every_table_has_an_example(lang):
    bare = [r.id for r in table(lang).rules if not r.examples]
    assert bare == []


def test_a_boundary_among_alternatives_is_refused_not_ignored():
    # "killed in|$" once read "in" only: a pattern that cannot mean what it says is an error
    classes = table("en").classes.get
    with pytest.raises(ValueError, match="boundary"):
        Pattern("N killed in|$", classes, None)
    assert Pattern("N killed $", classes, None) is not None


def test_a_mark_among_alternatives_is_refused_not_ignored():
    # "killed ,|;" folded the marks to no word and matched nothing; $ is a clause's end
    classes = table("en").classes.get
    with pytest.raises(ValueError, match="mark"):
        Pattern("N killed in|,", classes, None)
    with pytest.raises(ValueError, match="negated"):
        Pattern("N killed !$", classes, None)


def test_a_negated_element_looks_past_the_mark_it_stands_on():
    from bot.facts.mentions import sentences_of

    classes = table("en").classes.get
    p = Pattern("N hurt $ !died|dies", classes, None)

    def reads(text: str) -> bool:
        s = sentences_of(text, "en")[0]
        return any(p.match(s, i) for i in range(len(s.norms)) if s.values[i] is not None)

    assert reads("Two hurt, police said.")
    assert reads("Two hurt")
    assert not reads("Two hurt, died later.")
    assert not reads("Two hurt; dies in hospital.")


def test_a_gap_stops_at_a_stop_phrase_not_at_its_first_word_alone():
    # "military strikes" stops a gap; "military" alone ("a military policeman") does not
    from bot.facts.matcher import WordSet
    from bot.facts.mentions import sentences_of

    classes = table("en").classes.get
    stop = WordSet([("military", "strikes"), ("and",)])
    p = Pattern("N _{0,3} killed", classes, stop)

    def reads(text: str) -> bool:
        s = sentences_of(text, "en")[0]
        return any(p.match(s, i) for i in range(len(s.norms)) if s.values[i] is not None)

    assert reads("Two military policemen killed")
    assert not reads("Two military strikes killed")
    assert not reads("Two and others killed")


def test_a_table_class_that_would_hide_the_language_s_is_refused():
    # a facts table's own "weekday" once changed every French row that reads the language's
    from bot.facts.rules import _class_resolver

    resolve, _ = _class_resolver("fr", {"weekday": ["lundi", "hier"]})
    with pytest.raises(ValueError, match="language table"):
        resolve("weekday")
    assert _class_resolver("fr", {})[0]("weekday") is not None
