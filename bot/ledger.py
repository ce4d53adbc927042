"""The ledger of tracked figures: it decides when a figure is news.

A value is news only when it rises above the highest value seen for its scope (a story,
or a watchlist's campaign totals). Lower or equal values are stale or disputed: recorded
by the caller with the item, never alerted. Each rise is told once. With corroboration N,
a rise is held until N distinct outlets have reported that very value.

A campaign total grows step by step, so a leap far above the told value (more than double it,
plus LEAP_SLACK) is more likely a misreading or a conflated figure ("5,000 killed since 2014")
than news; such a leap is held until LEAP_CORROBORATION distinct outlets report it. Without
the hold, one wrong figure would become the maximum and silence every later, true rise.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import Change, LedgerRow


def story_scope(story_id: str) -> str:
    return f"story:{story_id}"


_WATCHLIST = "watchlist:"


def watchlist_scope(name: str) -> str:
    return f"{_WATCHLIST}{name}"


# The dev corpus's largest true step is 34 -> 46 deaths and 10 -> 13 strikes: far inside
# "double plus 10"; a misread "1 105" after 83, or 500 after 83, is far outside it.
LEAP_SLACK = 10
LEAP_CORROBORATION = 2


def is_leap(old: int | None, new: int) -> bool:
    """Whether a rise of a campaign total is too large to tell on one outlet's word."""
    return old is not None and new > 2 * old + LEAP_SLACK


class Ledger:
    def __init__(self, corroboration: int = 1) -> None:
        self.corroboration = max(1, corroboration)
        # scope -> fact -> highest told value; scope -> (fact, value) -> outlets still pending.
        # Keyed by scope first so that a story leaving the window is forgotten in O(1).
        self._best: dict[str, dict[str, int]] = {}
        self._pending: dict[str, dict[tuple[str, int], set[str]]] = {}

    def best(self, scope: str, fact: str) -> int | None:
        return self._best.get(scope, {}).get(fact)

    def observe(self, scope: str, fact: str, value: int, outlet: str) -> Change | None:
        """Record a report; return the Change when it makes the value news, else None."""
        best = self._best.setdefault(scope, {})
        old = best.get(fact)
        if old is not None and value <= old:
            return None
        pending = self._pending.setdefault(scope, {})
        outlets = pending.setdefault((fact, value), set())
        outlets.add(outlet)
        needed = self.corroboration
        if scope.startswith(_WATCHLIST) and is_leap(old, value):
            needed = max(needed, LEAP_CORROBORATION)
        if len(outlets) < needed:
            return None
        best[fact] = value
        # Pending reports at or below the new maximum can never become news any more.
        for k in [k for k in pending if k[0] == fact and k[1] <= value]:
            del pending[k]
        return Change(fact=fact, old=old, new=value, sources=tuple(sorted(outlets)))

    def rows(self, scope: str | None = None) -> list[LedgerRow]:
        """The state to persist: of one scope, or of all."""
        scopes = [scope] if scope is not None else list(self._best.keys() | self._pending.keys())
        out = []
        for s in scopes:
            out += [LedgerRow(s, f, v) for f, v in self._best.get(s, {}).items()]
            out += [LedgerRow(s, f, v, o) for (f, v), outlets in self._pending.get(s, {}).items()
                    for o in sorted(outlets)]
        return out

    def restore(self, rows: Iterable[LedgerRow]) -> None:
        for r in rows:
            if r.outlet:
                self._pending.setdefault(r.scope, {}).setdefault((r.fact, r.value), set()).add(
                    r.outlet)
            else:
                best = self._best.setdefault(r.scope, {})
                best[r.fact] = max(r.value, best.get(r.fact, r.value))

    def forget(self, scope: str) -> None:
        """Drop a scope that can no longer change (a story that left the window)."""
        self._best.pop(scope, None)
        self._pending.pop(scope, None)
