"""Reading one day's opening hours as an owner types them.

"7-20", "07:00-20:00", "7am-8pm", "7:00 - 20:00", "7.30-20.00", "7:30am - 8pm", several periods
separated by commas, or "closed"; any case, with a hyphen, en dash or em dash. An end of 24:00
(or 00:00, or 12am) is midnight. Anything else is refused with an example of the right form.
"""

from __future__ import annotations

import re

EXAMPLE = '"07:00-20:00"'
SPLIT_DAY = '"07:00-12:00, 14:00-20:00"'
MIDNIGHT = 24 * 60

_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?"
_PERIOD = re.compile(rf"^\s*{_TIME}\s*[-\u2013\u2014]\s*{_TIME}\s*$", re.IGNORECASE)


class NotHours(ValueError):
    """The text is not opening hours; the message says why, for the owner."""


def read_day(text: str) -> list[tuple[int, int]]:
    """The day's periods as (opens, closes) minutes after midnight, in order; [] when closed."""
    if text.strip().lower() in ("closed", ""):
        return []
    periods: list[tuple[int, int]] = []
    for part in text.split(","):
        match = _PERIOD.match(part)
        if not match:
            raise NotHours(
                f'cannot read "{text.strip()}" as opening hours; write it like {EXAMPLE}'
            )
        h1, m1, s1, h2, m2, s2 = match.groups()
        shown = " ".join(part.split())
        opens = _minutes(h1, m1, s1)
        closes = _minutes(h2, m2, s2)
        if closes == 0:
            closes = MIDNIGHT  # "18:00-00:00" and "6pm-12am" close at midnight
        if opens is None or closes is None or opens >= MIDNIGHT:
            raise NotHours(f'has a time that does not exist: "{shown}"; write it like {EXAMPLE}')
        if closes <= opens:
            raise NotHours(f'closes before it opens: "{shown}"; write it like {EXAMPLE}')
        if periods and opens < periods[-1][1]:
            raise NotHours(f"periods must be in order and must not overlap, like {SPLIT_DAY}")
        periods.append((opens, closes))
    return periods


def _minutes(hour: str, minute: str | None, suffix: str | None) -> int | None:
    h, m = int(hour), int(minute or 0)
    if m > 59:
        return None
    if suffix:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if suffix.lower().startswith("p") else 0)
    elif h > 24 or (h == 24 and m):
        return None
    return h * 60 + m
