"""What subscribers asked for, decided as pure functions over plain data with `now` passed in:

    filters.py    whether an alert passes a chat's /filters for its watchlist
    schedule.py   quiet hours and digest periods in a chat's time zone: when a queue is let go
    digest.py     a chat's queued alerts as one digest: each story once, what rose, newest first

The Telegram sink reads the store, asks these, and acts; nothing here touches the store, the
network or the clock.
"""
