"""Online story grouping: one story per event, across outlets, languages and topics.

    features  an item's text -> the tokens, kinds, places, names, days and figures compared
    evidence  small named functions, each (reason, weight): what says "same event" or not
    grouper   the blocking index, the similarity, the decision (Grouper.assign)
"""

from .features import Doc, analyze
from .grouper import Grouper, Tunables, story_id_for

__all__ = ["Doc", "Grouper", "Tunables", "analyze", "story_id_for"]
