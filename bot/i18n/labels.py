"""The figures as a subscriber reads them, in their language: "killed now 31 (+19, was 12)",
"muertos: 31 (+19, antes 12)", "tués : 31 (+19, avant 12)".

In English these are render.py's texts, word for word (a test holds them together): the
console and replay keep render.py, Telegram speaks through here.
"""

from __future__ import annotations

from ..model import Change
from . import Tr

# The order figures are listed in: the story's own, then the campaign's.
ORDER = ("deaths", "injured", "missing", "survivors", "deaths_total", "strikes_total")


def fact_label(tr: Tr, fact: str) -> str:
    labels = {
        "deaths": tr.p_("fact", "killed"),
        "injured": tr.p_("fact", "injured"),
        "missing": tr.p_("fact", "missing"),
        "survivors": tr.p_("fact", "survivors"),
        "deaths_total": tr.p_("fact", "campaign toll"),
        "strikes_total": tr.p_("fact", "strikes so far"),
    }
    return labels.get(fact, fact)


def change_text(tr: Tr, c: Change) -> str:
    """A figure that rose, with its previous value; a first figure alone."""
    label = fact_label(tr, c.fact)
    if c.old is None:
        return tr._("{label}: {value}", label=label, value=c.new)
    return tr._("{label} now {new} (+{delta}, was {old})", label=label, new=c.new,
                delta=c.new - c.old, old=c.old)


def rise_text(tr: Tr, fact: str, old: int | None, new: int) -> str:
    """A figure over a digest's period: "campaign toll 83 → 87", or "killed: 3" when it was
    first told in the period."""
    label = fact_label(tr, fact)
    if old is None or old == new:
        return tr._("{label}: {value}", label=label, value=new)
    return tr._("{label} {old} → {new}", label=label, old=old, new=new)
