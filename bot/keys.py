"""What identifies an entry, and what makes it edited: rules that the decision core and the
store both apply, kept here so that the store needs nothing of the core to apply them."""

from __future__ import annotations

import hashlib

from .model import Item

# Guids that name an entry everywhere: its URL, a URN (the parser's own "urn:vigia:" ids for
# entries without guid or link included) or a tag: URI. Any other guid ("12345", "en-0004", a
# CMS's post number, isPermaLink="false") is only unique within the feed that gave it.
GLOBAL_ID_PREFIXES = ("http://", "https://", "urn:", "tag:")


def is_global_id(item_id: str) -> bool:
    # No space: a qualified key (see item_key) always has one, so a global id can never
    # equal another feed's qualified key.
    return item_id[:8].lower().startswith(GLOBAL_ID_PREFIXES) and " " not in item_id


def item_key(item: Item) -> str:
    """What identifies an entry across all feeds: its id when that is global, else the id
    qualified by its feed ("<feed> <id>"), so that two feeds numbering their entries alike
    stay two entries. `Item.id` itself stays the entry's own guid: alerts, `vigia replay`'s
    output and subscribers see that. The store's migration 5 applies the same rule in SQL:
    change both together."""
    return item.id if is_global_id(item.id) else f"{item.feed} {item.id}"


def content_digest(item: Item) -> str:
    """What makes an entry 'edited': its title or summary changed."""
    return hashlib.sha1(f"{item.title}\n{item.summary}".encode()).hexdigest()
