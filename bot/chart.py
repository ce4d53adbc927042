"""A story's figures over time as a PNG, drawn with matplotlib (the `charts` extra).

matplotlib is imported here only, and only when a chart is drawn. The daemon draws in a
child process (`draw_apart`: `python -m bot.chart`, the series in as JSON, the PNG out):
matplotlib, numpy and Pillow add some 55 MB to a process for good once imported (measured:
51 -> 105 MB RSS after one chart), on a daemon meant to stay under 150 MB, and a chart that
hangs or crashes is then the child's problem. `vigia story --chart` draws in its own short
process. Without matplotlib `available()` is False; /story then sends the timeline alone and
says why, and `vigia story --chart` fails in one line naming the extra.

The figure is built with matplotlib's object API and the Agg canvas, never pyplot: pyplot
keeps global state and is not safe in the worker thread the bot draws in; a lock keeps two
draws from meeting in matplotlib's caches all the same.

The PNG carries its data: a text chunk `vigia:series` holds the values drawn, as JSON, so
whoever receives the picture (a test, a script) can check it against the story.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import struct
import sys
import threading
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from .errors import UsageError
from .timeline import Point, Series, chart_words

EXTRA = "pip install 'vigia[charts]'"
NEEDS = f"charts need matplotlib: {EXTRA}"

# Telegram shows a photo at most 1280 px wide and recompresses anything bigger: 1000 x 260
# per figure at 100 dpi stays sharp on a phone and well under its 10 MB photo limit (~40 kB).
WIDTH_IN, ROW_IN, DPI = 10.0, 2.6, 100
SERIES_KEY = "vigia:series"

_lock = threading.Lock()


def available() -> bool:
    """Whether matplotlib is installed; found without importing it (the bot asks on the
    event loop, where an import would hold it up)."""
    import importlib.util

    return importlib.util.find_spec("matplotlib") is not None


def series_data(series: Sequence[Series]) -> list[dict[str, Any]]:
    """What the PNG's `vigia:series` chunk holds: each figure's points as drawn."""
    return [{"fact": s.fact, "label": s.label,
             "points": [[p.at.isoformat(), p.value, p.outlet] for p in s.points],
             "highest": [[at.isoformat(), v] for at, v in s.highest]} for s in series]


def figure(title: str, series: Sequence[Series], words: Mapping[str, str] | None = None) -> Any:
    """The matplotlib Figure: one panel per figure, sharing the time axis; each report's
    value as a dot, the highest known value as a step line. `words`: the legend's and the
    time axis's (timeline.chart_words, in the reader's language; English without)."""
    try:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
        from matplotlib.figure import Figure
    except ImportError:  # the extra is not installed: one line, never a traceback
        raise UsageError(NEEDS) from None
    if not series:
        raise ValueError("no figure rose: nothing to chart")
    words = {**chart_words(), **(words or {})}
    fig = Figure(figsize=(WIDTH_IN, 1.2 + ROW_IN * len(series)), dpi=DPI,
                 layout="constrained")
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, s in zip(axes, series, strict=True):
        times = [at for at, _ in s.highest]
        values = [v for _, v in s.highest]
        # extend the told value to the last report, so the line does not stop at the rise
        last = max(p.at for p in s.points)
        if last > times[-1]:
            times, values = [*times, last], [*values, values[-1]]
        ax.step(times, values, where="post", color="#c0392b", linewidth=2,
                label=words["highest"])
        ax.plot([p.at for p in s.points], [p.value for p in s.points], "o", color="#34495e",
                markersize=5, label=words["each"])
        for at, v in s.highest:
            ax.annotate(str(v), (at, v), textcoords="offset points", xytext=(0, 6),
                        ha="center", fontsize=9)
        ax.set_ylabel(s.label)
        ax.set_ylim(bottom=0, top=max(p.value for p in s.points) * 1.2 + 1)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
    locator = AutoDateLocator()
    axes[-1].xaxis.set_major_locator(locator)
    axes[-1].xaxis.set_major_formatter(ConciseDateFormatter(
        locator, formats=["%Y", words["month"], "%d", "%H:%M", "%H:%M", "%S.%f"],
        zero_formats=["", "%Y", words["month"], words["day"], "%H:%M", "%H:%M"],
        offset_formats=["", "%Y", words["month_offset"], words["day_offset"],
                        words["day_offset"], words["minute_offset"]]))
    axes[-1].set_xlabel(words["time"])
    fig.suptitle(title if len(title) <= 90 else title[:89] + "…", fontsize=11)
    return fig


def draw(title: str, series: Sequence[Series], words: Mapping[str, str] | None = None) -> bytes:
    """The chart as PNG bytes, with its data in a `vigia:series` text chunk."""
    with _lock:
        fig = figure(title, series, words)  # first: it says so when matplotlib is missing
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", metadata={
            "Title": title, "Software": "vigia",
            SERIES_KEY: json.dumps(series_data(series), ensure_ascii=False)})
        return out.getvalue()


def series_from_data(data: list[dict[str, Any]]) -> list[Series]:
    """`series_data` read back (the child process's input)."""
    return [Series(d["fact"], d["label"],
                   tuple(Point(datetime.fromisoformat(at), v, o) for at, v, o in d["points"]),
                   tuple((datetime.fromisoformat(at), v) for at, v in d["highest"]))
            for d in data]


class ChartError(Exception):
    """The child process could not draw the chart; the message says why, in a line."""


# A chart takes about a second in a fresh process (imports included); a child still at it
# after this long is stuck (a font cache rebuilt on a slow disk takes ~10 s the first time).
CHILD_TIMEOUT = 60.0


async def draw_apart(title: str, series: Sequence[Series], *,
                     words: Mapping[str, str] | None = None, cache: str | None = None,
                     timeout: float = CHILD_TIMEOUT) -> bytes:
    """`draw` in a child process (`python -m bot.chart`), so the caller never imports
    matplotlib; ChartError if it fails or takes longer than `timeout` seconds. `cache`: a
    writable folder for matplotlib's font cache, where its default (~/.config) may not be
    (systemd's DynamicUser has no home): without one it rebuilds the cache on every chart."""
    payload = json.dumps({"title": title, "series": series_data(series),
                          "words": dict(words or {})}).encode()
    env = dict(os.environ)
    if cache and "MPLCONFIGDIR" not in env:
        env["MPLCONFIGDIR"] = cache
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.chart", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env)
    try:
        out, err = await asyncio.wait_for(proc.communicate(payload), timeout)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise ChartError(f"the chart took longer than {timeout:.0f} s; stopped") from None
    if proc.returncode != 0 or not out.startswith(PNG_SIGNATURE):
        last = (err.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise ChartError(f"the chart process failed (exit {proc.returncode}): {last[:300]}")
    return out


def main() -> int:
    """`python -m bot.chart`: {"title", "series", "words"} on stdin, the PNG on stdout."""
    request = json.loads(sys.stdin.buffer.read())
    png = draw(request["title"], series_from_data(request["series"]), request.get("words"))
    sys.stdout.buffer.write(png)
    sys.stdout.buffer.flush()
    return 0


# -- reading a PNG back (tests, and anyone checking a picture) --------------------------------

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_info(data: bytes) -> tuple[int, int, dict[str, str]]:
    """(width, height, text chunks) of a PNG; ValueError if it is not one."""
    if not data.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG")
    pos, width, height, texts = len(PNG_SIGNATURE), 0, 0, {}
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height = struct.unpack(">II", body[:8])
        elif kind == b"tEXt":
            key, _, value = body.partition(b"\0")
            texts[key.decode("latin-1")] = value.decode("latin-1")
        elif kind == b"iTXt":  # keyword, flags, method, language, translated keyword, text
            key, _, rest = body.partition(b"\0")
            rest = rest[2:]
            _lang, _, rest = rest.partition(b"\0")
            _translated, _, text = rest.partition(b"\0")
            texts[key.decode("latin-1")] = text.decode("utf-8")
        elif kind == b"IEND":
            break
        pos += 12 + length
    if not width or not height:
        raise ValueError("a PNG without an image header")
    return width, height, texts


if __name__ == "__main__":
    sys.exit(main())
