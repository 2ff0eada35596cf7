"""Private member look-up at the kiosk: by name, by the end of a phone number, or by member code.

API:
    index = MemberIndex(store.members())       # once; build a new one when members change
    index.by_code(text) -> str | None           # exact member code (a scanner types it + Enter)
    index.starts_code(text) -> bool             # the start of some member code (a scan under way)
    index.search(text) -> list[Match]           # staff: at most 5, best first, tolerant
    index.by_phone(text) -> list[Match]         # desk: the last 5+ digits, or a whole number
    index.by_name_and_digits(name, digits)      # desk: a name and the phone's last 3 digits
    specific_name(text) -> bool                 # a whole first name and a surname letter
    redact(member) -> str                       # "Sarah K. · phone ending 21" (staff's search)
    greeting(member) -> str                     # "Sarah K." (the desk's choice on a shared phone)

The front desk (kiosk/core/desk_guard.py) never lists members while a client types: a name finds
someone only together with the last 3 digits of their phone, and digits alone need the last 5
(a random guess hits about 2 % of 2,000 members, 4 digits would hit 20 %). A name is matched
tolerantly (accents folded, typos and word order forgiven, via rapidfuzz); a member code matches
exactly, without fuzziness.
"""

from __future__ import annotations

import bisect
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kiosk.core.members import Member
from kiosk.core.phone import digits_of, normalise_phone

MIN_CHARS = 3  # nothing is shown for fewer typed characters
MAX_MATCHES = 5
MIN_PHONE_DIGITS = 4  # staff's search: the end of a phone number
DESK_PHONE_DIGITS = 5  # the front desk: digits alone (5 and Enter: 6 key presses)
SECRET_DIGITS = 3  # the last digits of the phone, asked after a name
QUERY_MAX = 60  # no name is longer; a 10 kB paste is cut, not searched
WORD_CUTOFF = 75.0  # rapidfuzz ratio (0-100) a typed word must reach against a name's word
LABEL_NAME_MAX = 24

PHONE_TYPING = re.compile(r"[0-9+()\-. ]+")


@dataclass(frozen=True)
class Match:
    """One look-up result: the code to check in with, and the only text the screen may show."""

    code: str
    label: str  # redacted: "Sarah K. · phone ending 21"


def fold(text: str) -> str:
    """Lower case, accents off, letters and digits only: "Zoë O'Neil" -> "zoe o neil"."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def code_key(text: str) -> str:
    """A member code as compared: case, spaces and dashes ignored ("ft-7k3q9m" == "FT 7K3Q9M")."""
    return re.sub(r"[^0-9A-Z]", "", text.upper())


def plain(text: str, limit: int) -> str:
    """User text made safe to show: control and format characters out, whitespace single, cut."""
    kept = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)
    kept = " ".join(kept.split())
    return kept if len(kept) <= limit else kept[: limit - 1] + "…"


def redact(member: Member) -> str:
    """How a member is shown to the public: first name, last initial, last two phone digits."""
    first = plain(member.first_name, LABEL_NAME_MAX) or "Member"
    last = plain(member.last_name, LABEL_NAME_MAX)
    name = f"{first} {last[0]}." if last else first
    digits = digits_of(member.phone)
    return f"{name} · phone ending {digits[-2:]}" if len(digits) >= 2 else name


def greeting(member: Member) -> str:
    """A member as the desk may show them once the phone is known: "Sarah K."."""
    first = plain(member.first_name, LABEL_NAME_MAX) or "Member"
    last = plain(member.last_name, LABEL_NAME_MAX)
    return f"{first} {last[0]}." if last else first


def specific_name(text: str) -> bool:
    """Whether `text` names someone well enough to ask for their digits: two words at least
    (a first name and a surname, or its first letter), one of them two letters or more."""
    words = fold(text[:QUERY_MAX]).split()
    return len(words) >= 2 and any(len(w) >= 2 and not w.isdigit() for w in words)


def _word_fits(typed: str, word: str, *, last: bool) -> bool:
    """One typed word against one word of a name: a letter is an initial, a longer word is
    forgiven typos, and the last typed word may be the start of the name's word."""
    from rapidfuzz import fuzz

    if len(typed) == 1:
        return word.startswith(typed)
    if fuzz.ratio(typed, word) >= WORD_CUTOFF:
        return True
    return last and fuzz.ratio(typed, word[: len(typed)]) >= WORD_CUTOFF


def name_fits(typed: str, name: str) -> bool:
    """Every typed word fits a different word of the folded `name`, in any order."""
    words = fold(typed[:QUERY_MAX]).split()[:4]
    parts = name.split()
    single = len(parts)
    parts += [a + b for a, b in itertools.pairwise(parts)]  # "oneil" is "O'Neil"
    if not words or len(words) > len(parts):
        return False
    # the last typed word may be half typed, but not half of two words run together
    fits = [
        {
            j
            for j, part in enumerate(parts)
            if _word_fits(w, part, last=n == len(words) - 1 and j < single)
        }
        for n, w in enumerate(words)
    ]
    return any(
        all(j in fit for j, fit in zip(choice, fits, strict=True))
        for choice in itertools.permutations(range(len(parts)), len(words))
    )


class MemberIndex:
    """Members prepared once for searching, so a keystroke costs one fuzzy pass and no set-up.

    Build it from `store.members()` when the screen opens and again after a member changes.
    """

    def __init__(self, members: Iterable[Member]) -> None:
        self._members = list(members)
        self._labels = [redact(m) for m in self._members]
        self._names = [fold(f"{m.first_name} {m.last_name}") for m in self._members]
        # every word of every name (and each two neighbours run together, so "oneil" finds
        # "O'Neil"), with the members it belongs to: a keystroke scores a few thousand short
        # words, not 5,000 whole names
        postings: dict[str, set[int]] = defaultdict(set)
        for i, name in enumerate(self._names):
            words = name.split()
            for w in words:
                postings[w].add(i)
            for a, b in itertools.pairwise(words):
                postings[a + b].add(i)
        self._words = sorted(postings)
        self._postings = [sorted(postings[w]) for w in self._words]
        self._prefixes: dict[int, list[str]] = {}
        normalise_phone("07700 900000")  # phonenumbers loads its UK data on first use: now
        self._phones = [digits_of(m.phone) for m in self._members]
        self._codes: dict[str, int] = {}
        for i, m in enumerate(self._members):
            key = code_key(m.code)
            if key:
                self._codes.setdefault(key, i)
        self._sorted_codes = sorted(self._codes)
        # members by their phone's last 4 digits: a digits search looks at a handful, not all
        self._by_last4: dict[str, list[int]] = defaultdict(list)
        for i, digits in enumerate(self._phones):
            self._by_last4[digits[-MIN_PHONE_DIGITS:]].append(i)
        self._by_last3: dict[str, list[int]] = defaultdict(list)
        for i, digits in enumerate(self._phones):
            if len(digits) >= SECRET_DIGITS:
                self._by_last3[digits[-SECRET_DIGITS:]].append(i)
        self._e164: dict[str, list[int]] = defaultdict(list)
        for i, m in enumerate(self._members):
            self._e164[m.phone].append(i)

    def __len__(self) -> int:
        return len(self._members)

    def _match(self, i: int) -> Match:
        return Match(self._members[i].code, self._labels[i])

    def by_code(self, text: str) -> str | None:
        """The member code when `text` is exactly one (as a scanner types it), else None."""
        key = code_key(text[:QUERY_MAX])
        i = self._codes.get(key) if len(key) >= MIN_CHARS else None
        return None if i is None else self._members[i].code

    def starts_code(self, text: str) -> bool:
        """Whether `text` is the start of some member's code (a scanner may be typing it)."""
        key = code_key(text[:QUERY_MAX])
        if not key:
            return False
        i = bisect.bisect_left(self._sorted_codes, key)
        return i < len(self._sorted_codes) and self._sorted_codes[i].startswith(key)

    def search(self, text: str, limit: int = MAX_MATCHES) -> list[Match]:
        """The best matches for what has been typed so far; [] before 3 characters."""
        text = text[:QUERY_MAX].strip()
        if len(text) < MIN_CHARS:
            return []
        limit = max(0, min(limit, MAX_MATCHES))
        code = self.by_code(text)
        if code is not None:
            return [self._match(self._codes[code_key(code)])]
        if PHONE_TYPING.fullmatch(text):
            return self._by_phone(text)[:limit]
        query = fold(text)
        if len(query) < MIN_CHARS:
            return []
        tokens = query.split()[:6]
        typing = not text.endswith(" ")  # the last word may be only half typed yet
        total: dict[int, float] = {}
        for n, token in enumerate(tokens):
            best = self._word_scores(token, prefix=typing and n == len(tokens) - 1)
            # every typed word must match a word of the name
            total = best if n == 0 else {i: s + best[i] for i, s in total.items() if i in best}
            if not total:
                return []
        ranked = sorted(total, key=lambda i: (-total[i], self._names[i], i))
        return [self._match(i) for i in ranked[:limit]]

    def _word_scores(self, token: str, *, prefix: bool) -> dict[int, float]:
        """Member index -> best score of `token` against one of their name's words."""
        from rapidfuzz import fuzz, process  # here: the look-up, not the kiosk's start, pays

        found = process.extract(
            token, self._words, scorer=fuzz.ratio, limit=None, score_cutoff=WORD_CUTOFF
        )
        if prefix:  # "sar" is a perfect start of "sarah"
            found += process.extract(
                token,
                self._prefixes_of(len(token)),
                scorer=fuzz.ratio,
                limit=None,
                score_cutoff=WORD_CUTOFF,
            )
        best: dict[int, float] = {}
        for _, score, w in found:
            for i in self._postings[w]:
                if score > best.get(i, 0.0):
                    best[i] = score
        return best

    def _prefixes_of(self, length: int) -> list[str]:
        prefixes = self._prefixes.get(length)
        if prefixes is None:
            prefixes = [w[:length] for w in self._words]
            self._prefixes[length] = prefixes
        return prefixes

    def _by_phone(self, text: str) -> list[Match]:
        full = normalise_phone(text)
        if full is not None and full in self._e164:
            return [self._match(i) for i in self._e164[full]]
        digits = digits_of(text)
        if len(digits) < MIN_PHONE_DIGITS:
            return []
        # "07700 900121" typed the UK way ends the same as "+447700900121" once the 0 is off
        tail = digits[1:] if digits.startswith("0") and len(digits) > 6 else digits
        near = self._by_last4.get(tail[-MIN_PHONE_DIGITS:], [])
        return [self._match(i) for i in near if self._phones[i].endswith(tail)]

    # -- the front desk: nobody is shown before the client has shown they know the phone --

    def _greet(self, i: int) -> Match:
        return Match(self._members[i].code, greeting(self._members[i]))

    def by_phone(self, text: str) -> list[Match]:
        """Members whose phone is `text` (a whole number) or ends with its 5 or more digits;
        [] for fewer digits. Several only when they share one phone (a family)."""
        text = text[:QUERY_MAX].strip()
        if not PHONE_TYPING.fullmatch(text):
            return []
        full = normalise_phone(text)
        if full is not None and full in self._e164:
            return [self._greet(i) for i in self._e164[full]]
        digits = digits_of(text)
        if len(digits) < DESK_PHONE_DIGITS:
            return []
        tail = digits[1:] if digits.startswith("0") and len(digits) > 6 else digits
        near = self._by_last4.get(tail[-MIN_PHONE_DIGITS:], [])
        return [self._greet(i) for i in near if self._phones[i].endswith(tail)]

    def by_name_and_digits(self, name: str, digits: str) -> list[Match]:
        """Members called `name` whose phone ends with `digits` (exactly the last 3)."""
        if not (len(digits) == SECRET_DIGITS and digits.isdigit()) or not specific_name(name):
            return []
        near = self._by_last3.get(digits, [])
        return [self._greet(i) for i in near if name_fits(name, self._names[i])]
