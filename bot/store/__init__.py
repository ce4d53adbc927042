"""The SQLite store: the only package that knows the schema and speaks SQL.

    schema.py   the tables, their numbered migrations, transactions, how times are stored
    store.py    Store: the file (open, check, lock, backup) and its parts below
    items.py    items and stories, their facts and the ledger: decisions saved whole
    feeds.py    feed state and health
    chats.py    Telegram's subscriptions, mutes and edits of sent messages
    outbox.py   alerts and one queue of deliveries for every sink: queue, each destination's
                head, sent / retry at / failed, counts, retention; the sinks' Backoff

It imports the model and nothing of the decision core: it saves what the core decided.
"""

from .chats import Edit, Times
from .feeds import FeedState
from .items import ItemState, Report, SeenItem, StoredItem, Window
from .outbox import (
    APPRISE,
    PRUNED_TABLES,
    TELEGRAM,
    Backoff,
    Deliveries,
    Delivery,
    Head,
    Pending,
    SentMessage,
)
from .schema import MIGRATIONS
from .store import DAMAGED, Store, lock_path

__all__ = ["APPRISE", "DAMAGED", "MIGRATIONS", "PRUNED_TABLES", "TELEGRAM", "Backoff",
           "Deliveries", "Delivery", "Edit", "FeedState", "Head", "ItemState", "Pending",
           "Report", "SeenItem", "SentMessage", "Store", "StoredItem", "Times", "Window",
           "lock_path"]
