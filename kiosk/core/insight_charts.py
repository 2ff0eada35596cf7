"""The owner's figures as charts in plain text, drawn by plotext, for staff mode and
`kiosk report`.

API:
    visits_chart(insights, width, height) -> str   # visits per week, a fill for each kind
    active_chart(insights, width, height) -> str   # members active (a visit in 30 days)
    hours_chart(insights, width, height) -> str    # visits by hour of the day
    KEY: the fills and what they stand for, shown under the visits chart

Readable on the Linux console: no colour at all (plotext's "clear" theme, its escape codes
removed), so each kind has its own fill, and only characters every stock Pi console font has
(Lat15-*, Uni2-*, Uni3-*: measured from Debian 12's console-setup-linux) are drawn; anything
else plotext might draw becomes "#". plotext keeps one figure per process: one chart at a time.
"""

from __future__ import annotations

import re
import threading

import plotext as plt

from kiosk.core.insights import KINDS, Insights

# ASCII, and what Lat15, Uni2 and Uni3 fonts all draw (no half blocks, no braille)
CONSOLE_SAFE = frozenset(map(chr, range(32, 127))) | frozenset("─│┌┐└┘├┤┬┴┼█▒░")
FILLS = {"EMS": "█", "PT": "▒", "Pilates": "░", "Other": "+"}
KEY = "   ".join(f"{FILLS[k]}{FILLS[k]} {k}" for k in KINDS)
_ESCAPE = re.compile(r"\x1b\[[0-9;]*m")
_ONE_CHART = threading.Lock()  # plotext's figure is global: two threads must not share it


def console_safe(text: str) -> str:
    text = _ESCAPE.sub("", text)
    lines = (
        "".join(c if c in CONSOLE_SAFE else "#" for c in line).rstrip() for line in text.split("\n")
    )
    return "\n".join(lines).rstrip("\n")


def _start(width: int, height: int, title: str) -> None:
    plt.clf()
    plt.plotsize(max(width, 30), max(height, 6))
    plt.theme("clear")
    plt.title(title)


def _count_ticks(values: list[int]) -> None:
    """Whole numbers on the y axis (plotext would write 20.7 visits)."""
    top = max([*values, 1])
    plt.yticks(sorted({round(top * n / 4) for n in range(5)}))


def _week_ticks(insights: Insights) -> tuple[list[int], list[str]]:
    """Every fourth week, labelled with its Monday ("6 Jul")."""
    starts = [w.start for w in insights.weeks]
    places = list(range(0, len(starts), 4))
    return [n + 1 for n in places], [f"{starts[n].day} {starts[n]:%b}" for n in places]


def visits_chart(insights: Insights, width: int, height: int) -> str:
    with _ONE_CHART:
        _start(width, height, "Visits per week")
        kinds = [k for k in KINDS if any(w.by_kind[k] for w in insights.weeks)] or ["EMS"]
        places = list(range(1, len(insights.weeks) + 1))
        series = [[w.by_kind[k] for w in insights.weeks] for k in kinds]
        plt.stacked_bar(places, series, marker=[FILLS[k] for k in kinds], width=0.6)
        _count_ticks([w.total for w in insights.weeks])
        plt.xticks(*_week_ticks(insights))
        return console_safe(plt.build())


def active_chart(insights: Insights, width: int, height: int) -> str:
    with _ONE_CHART:
        _start(width, height, "Active members (a visit in the last 30 days)")
        places = list(range(1, len(insights.active) + 1))
        counts = [n for _, n in insights.active]
        plt.plot(places, counts, marker="*")
        plt.ylim(0, max([*counts, 1]))
        _count_ticks(counts)
        plt.xticks(*_week_ticks(insights))
        return console_safe(plt.build())


def hours_chart(insights: Insights, width: int, height: int) -> str:
    """The hours from the first with a visit to the last (or the day 6:00 to 21:00)."""
    with _ONE_CHART:
        _start(width, height, "Visits by hour of the day")
        busy = [h for h, n in enumerate(insights.hours) if n] or [6, 21]
        hours = list(range(min(busy), max(busy) + 1))
        counts = [insights.hours[h] for h in hours]
        plt.bar(hours, counts, marker=FILLS["EMS"], width=0.6)
        _count_ticks(counts)
        plt.xticks(hours, [f"{h:02d}" for h in hours])
        return console_safe(plt.build())
