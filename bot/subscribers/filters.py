"""Whether an alert passes a chat's filters for its watchlist (/filters).

    report = report_of(alert, figures, reports)     # what the filters look at, from the store
    passes(filters, report)                         # True: queue it for the chat

The filters narrow a watchlist, never widen it: at least N killed in the story, new stories
only, reports in some languages, and words of their own (one of `include` must be there,
none of `exclude`), matched as watchlist terms are (folded, at the start of a word).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ..model import Alert, Filters
from ..text import fold
from ..watchlists import terms_pattern

NONE = Filters()

# Each alert is judged for every chat with filters: the few distinct word lists compile once.
_pattern = lru_cache(maxsize=1024)(terms_pattern)

# The reports of a new story's alert that the filters read (its latest): a story of hundreds
# of reports is judged by enough of them to find a language or a word.
REPORTS_READ = 20


@dataclass(frozen=True)
class Report:
    """An alert as the filters see it."""

    kind: str  # new_story | update | summary
    killed: int | None  # the story's "deaths" as told so far, None when it has none
    languages: frozenset[str]  # of the reports that made the alert; empty when not known
    text: str  # their titles and summaries


def report_of(alert: Alert, figures: Mapping[str, int],
              reports: Iterable[tuple[str | None, str, str]]) -> Report:
    """`figures`: the story's figures as told (the store's ledger); `reports`: (language,
    title, summary) of the alert's items."""
    told = [c.new for c in alert.changes if c.fact == "deaths"]
    if "deaths" in figures:
        told.append(figures["deaths"])
    reports = list(reports)
    return Report(kind=alert.kind, killed=max(told) if told else None,
                  languages=frozenset(lang for lang, _, _ in reports if lang),
                  text="\n".join([alert.title, *(f"{t}\n{s}" for _, t, s in reports)]))


def passes(f: Filters, r: Report) -> bool:
    if f == NONE:
        return True
    if r.kind == "summary":
        # "37 more stories from X" names no figures or languages: it cannot be judged, and
        # it stands for stories that would not all pass. It is only let through filters that
        # ask nothing of a story but that it be new.
        return not (f.min_killed or f.languages or f.include or f.exclude)
    if r.kind == "update" and not f.updates:
        return False
    if f.min_killed and (r.killed or 0) < f.min_killed:
        return False
    # A report of no known language passes: an event is not dropped on a guess.
    if f.languages and r.languages and not r.languages & set(f.languages):
        return False
    text = fold(r.text) if f.include or f.exclude else ""
    include, exclude = _pattern(f.include), _pattern(f.exclude)
    if include is not None and not include.search(text):
        return False
    return exclude is None or not exclude.search(text)
