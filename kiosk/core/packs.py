"""Session packs as staff and CSV files give them: the numbers a pack may hold, and new ids.

API:
    sessions_of(text) -> int | None           # "12" -> 12; None unless 0 to SESSIONS_MAX digits
    pack_problem(bought, left, new=...) -> str  # "" when a pack may be saved
    new_pack_id() -> str                      # "P-3f9a1c2b7d4e", unique
    new_pack(kind, bought, expires, today) -> Pack   # a pack just sold: every session left

Staff mode (kiosk/ui/screens/staff_members.py) and CSV import (kiosk/core/csvio.py) both use
these, so a pack one accepts the other accepts too.
"""

from __future__ import annotations

import uuid
from datetime import date

from kiosk.core.members import Pack, PackKind

SESSIONS_MAX = 999


def sessions_of(text: str) -> int | None:
    """A number of sessions, 0 to SESSIONS_MAX, in ASCII digits; None when `text` is not one."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or int(text) > SESSIONS_MAX:
        return None
    return int(text)


def pack_problem(bought: int, left: int, *, new: bool) -> str:
    """What is wrong with a pack of `bought` sessions with `left` left; "" when nothing.

    `new`: a pack being sold now (not one carried over from elsewhere) needs a session.
    """
    if not (0 <= left <= SESSIONS_MAX and 0 <= bought <= SESSIONS_MAX):
        return f"Sessions are a whole number from 0 to {SESSIONS_MAX}."
    if new and bought == 0:
        return "A new pack needs at least one session."
    if left > bought:
        return "Sessions left cannot be more than sessions bought."
    return ""


def new_pack_id() -> str:
    return f"P-{uuid.uuid4().hex[:12]}"


def new_pack(kind: PackKind, bought: int, expires: date | None, today: date) -> Pack:
    """A pack sold today: ValueError if `bought` is not a pack_problem-free number."""
    problem = pack_problem(bought, bought, new=True)
    if problem:
        raise ValueError(problem)
    return Pack(new_pack_id(), kind, bought, bought, expires, today)
