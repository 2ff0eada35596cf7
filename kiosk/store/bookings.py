"""Bookings on disk, in their own folder of the data directory (data/bookings/):

    calendar.json  the last good sync or import, replaced whole (the kiosk sees old or new)
    sync.json      when the last sync was tried, the last good one, and the last problem
    kiosk.json     the kiosk's own bookings (added, moved, cancelled by staff): a sync never
                   touches them
    matches.json   hand matches, booking key -> member code, applied at every sync
    missed.json    no-shows and late cancels recorded, and the last day settled

Every file is written by write_atomic (temp file, fsync, rename, fsync of the directory), so a
SIGKILL or a power cut leaves the old file or the new one. A sync runs beside the kiosk (it does
not take the data directory's lock): it writes only calendar.json and sync.json, which the kiosk
only reads; the kiosk writes the other three. Two syncs at once are kept apart by a lock file.

API:
    bookings = Bookings(data_dir)
    bookings.on(day) -> list[Booking]       # calendar + kiosk's own, hand matches applied
    bookings.all() / calendar() / own() / unmatched(since)
    bookings.sync_status() -> SyncStatus     # last good sync, last problem (for staff mode)
    bookings.add(booking) / bookings.update(booking)   # the kiosk's own bookings
    bookings.match_by_hand(key, code or None) / hand_matches()
    bookings.settled_through() / record_missed(missed, through) / missed(since) / excuse(key)
    sync_calendar(data_dir, text, source, now, policy)   # parse, match, replace: all or nothing
    fetch_calendar(source) -> str                        # an http(s) address or a file
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from kiosk.core.bookings import (
    LONDON,
    Booking,
    BookingCheck,
    BookingStatus,
    CalendarError,
    MatchRule,
    MemberDirectory,
    Missed,
    MissedReason,
    Source,
    check_booking,
    match_bookings,
    parse_calendar,
)
from kiosk.core.members import Member, PackKind
from kiosk.core.studio import BookingPolicy
from kiosk.store.documents import member_of
from kiosk.store.files import write_atomic
from kiosk.store.storage import NESTED_TOO_DEEP, DamagedFile, read_json_file

if TYPE_CHECKING:
    import urllib.request

FOLDER = "bookings"
CALENDAR = "calendar.json"
SYNC = "sync.json"
OWN = "kiosk.json"
MATCHES = "matches.json"
MISSED = "missed.json"
SYNC_LOCK = ".sync.lock"
MEMBERS_FILE = "members.json"
FETCH_TIMEOUT = 30.0  # seconds
FETCH_MAX = 50 * 1024 * 1024  # a year of a busy studio is under 10 MB


class SyncFailed(Exception):
    """A calendar that could not be fetched; the last bookings stay in force."""


class SyncBusy(Exception):
    """Another sync or import is writing the bookings right now."""


@dataclass(frozen=True)
class SyncStatus:
    last_good: datetime | None = None  # when the bookings in force were synced or imported
    source: str = ""  # where they came from (the address without its secret part)
    count: int = 0
    last_attempt: datetime | None = None
    problem: str = ""  # the last attempt's problem; "" when it went well

    def words(self, now: datetime) -> str:
        """For staff mode: "Bookings last synced 10:20 today (312 bookings)."."""
        if self.last_good is None:
            text = "Bookings have never been synced."
        else:
            when = self.last_good.astimezone(LONDON)
            day = "today" if when.date() == now.astimezone(LONDON).date() else f"{when:%d %b}"
            text = f"Bookings last synced {when:%H:%M} {day} ({self.count} bookings)."
        if self.problem:
            text += f" The last try failed: {self.problem}"
        return text


# -- documents -------------------------------------------------------------------------------


def booking_doc(b: Booking) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "key": b.key,
        "start": b.start.isoformat(),
        "end": b.end.isoformat(),
        "status": str(b.status),
        "source": str(b.source),
    }
    optional: dict[str, Any] = {
        "kind": None if b.kind is None else str(b.kind),
        "summary": b.summary,
        "trainer": b.trainer,
        "room": b.room,
        "member": b.member_code,
        "cancelled_at": None if b.cancelled_at is None else b.cancelled_at.isoformat(),
        "matched_by": str(b.matched_by),
        "code_keys": list(b.code_keys),
        "emails": list(b.emails),
        "phones": list(b.phones),
        "names": list(b.names),
    }
    doc.update((k, v) for k, v in optional.items() if v)
    return doc


def _when(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone")
    return parsed.astimezone(LONDON)


def _texts(doc: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = doc.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{key} is not a list of text")
    return tuple(value)


def booking_of(doc: Mapping[str, Any]) -> Booking:
    """A booking from its document; ValueError (or KeyError) when the document is not one."""
    kind = doc.get("kind")
    cancelled_at = doc.get("cancelled_at")
    member = doc.get("member")
    if member is not None and not isinstance(member, str):
        raise ValueError("member is not text")
    return Booking(
        key=str(doc["key"]),
        start=_when(doc["start"]),
        end=_when(doc["end"]),
        kind=None if kind is None else PackKind(kind),
        summary=str(doc.get("summary", "")),
        trainer=str(doc.get("trainer", "")),
        room=str(doc.get("room", "")),
        member_code=member,
        status=BookingStatus(doc["status"]),
        cancelled_at=None if cancelled_at is None else _when(cancelled_at),
        source=Source(doc["source"]),
        matched_by=MatchRule(doc.get("matched_by", "")),
        code_keys=_texts(doc, "code_keys"),
        emails=_texts(doc, "emails"),
        phones=_texts(doc, "phones"),
        names=_texts(doc, "names"),
    )


def missed_doc(m: Missed) -> dict[str, Any]:
    return {
        "key": m.booking_key,
        "member": m.member_code,
        "start": m.start.isoformat(),
        "kind": None if m.kind is None else str(m.kind),
        "reason": str(m.reason),
        "excused": m.excused,
    }


def missed_of(doc: Mapping[str, Any]) -> Missed:
    kind = doc.get("kind")
    return Missed(
        booking_key=str(doc["key"]),
        member_code=str(doc["member"]),
        start=_when(doc["start"]),
        kind=None if kind is None else PackKind(kind),
        reason=MissedReason(doc["reason"]),
        excused=bool(doc.get("excused", False)),
    )


def _time_or_none(value: Any) -> datetime | None:
    return None if value is None else _when(value)


def _encode(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# -- the folder ------------------------------------------------------------------------------


class Bookings:
    """The bookings in a data directory. Cheap to make; reads are cached until a file changes
    (a sync from another process replaces calendar.json: one stat per read notices it)."""

    def __init__(self, data_dir: Path) -> None:
        self.directory = Path(data_dir) / FOLDER
        self.data_dir = Path(data_dir)
        self.warnings: list[str] = []  # damaged files found, in plain words, for staff mode
        self._cache: dict[str, tuple[tuple[int, int, int], Any]] = {}
        self._days: dict[date, list[Booking]] = {}
        self._days_version: tuple[Any, ...] = ()

    # reading

    def _load(self, name: str, parse: Any, empty: Any) -> Any:
        """A file's parsed contents, re-read only when it has changed on disk."""
        path = self.directory / name
        try:
            st = path.stat()
        except FileNotFoundError:
            self._cache.pop(name, None)
            return empty
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        cached = self._cache.get(name)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            data = _read_json(path)
            value = parse(data)
        except (DamagedFile, ValueError, KeyError, TypeError) as e:
            reason = e.reason if isinstance(e, DamagedFile) else f"a bad record: {e}"
            message = f"The bookings file {path} is damaged ({reason}); it was left unused."
            if message not in self.warnings:
                self.warnings.append(message)
            value = empty
        self._cache[name] = (stamp, value)
        return value

    def calendar(self) -> list[Booking]:
        """The bookings of the last good sync or import, with today's hand matches applied."""
        synced: list[Booking] = self._load(CALENDAR, _calendar_of, [])
        hand = self.hand_matches()
        if not hand:
            return synced
        return [
            replace(b, member_code=hand[b.key], matched_by=MatchRule.HAND)
            if b.key in hand and b.member_code != hand[b.key]
            else b
            for b in synced
        ]

    def own(self) -> list[Booking]:
        bookings: list[Booking] = self._load(OWN, _own_of, [])
        return bookings

    def all(self) -> list[Booking]:
        return sorted(self.calendar() + self.own(), key=lambda b: (b.start, b.key))

    def on(self, day: date) -> list[Booking]:
        """The day's bookings (cancelled ones too: see Booking.booked), by start."""
        version = tuple(self._stamp(n) for n in (CALENDAR, OWN, MATCHES))
        if version != self._days_version:
            days: dict[date, list[Booking]] = {}  # built aside: a reader in another thread
            for b in self.all():  # (the day-end worker, a staff screen's) never sees half
                days.setdefault(b.day, []).append(b)
            self._days, self._days_version = days, version
        return list(self._days.get(day, []))

    def _stamp(self, name: str) -> tuple[int, int, int] | None:
        try:
            st = (self.directory / name).stat()
        except FileNotFoundError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def unmatched(self, since: date) -> list[Booking]:
        """Bookings from `since` on that no member could be matched to, for staff."""
        return [b for b in self.all() if b.member_code is None and b.day >= since and b.booked]

    def check(self, member_code: str, now: datetime, policy: BookingPolicy) -> BookingCheck | None:
        """What today's bookings say about this member checking in now (kiosk/core/bookings.py
        check_booking); None where the studio keeps no bookings: nobody is expected, so nobody
        is a walk-in."""
        if self.sync_status().last_good is None and not self.own():
            return None
        return check_booking(self.on(now.date()), member_code, now, policy)

    def sync_status(self) -> SyncStatus:
        status: SyncStatus = self._load(SYNC, _status_of, SyncStatus())
        return status

    def hand_matches(self) -> dict[str, str]:
        matches: dict[str, str] = self._load(MATCHES, _matches_of, {})
        return dict(matches)

    # the kiosk's own bookings, hand matches, no-shows: written by the kiosk only

    def add(self, booking: Booking) -> None:
        if booking.source is not Source.KIOSK:
            raise ValueError("only the kiosk's own bookings are added here")
        own = self.own()
        if any(b.key == booking.key for b in own):
            raise ValueError(f"a booking with the key {booking.key} is already there")
        self._write(OWN, {"version": 1, "bookings": [booking_doc(b) for b in [*own, booking]]})

    def update(self, booking: Booking) -> None:
        """Save a moved or cancelled booking of the kiosk's own (KeyError when there is none)."""
        own = self.own()
        if not any(b.key == booking.key for b in own):
            raise KeyError(f"the kiosk has no booking {booking.key} of its own")
        kept = [booking if b.key == booking.key else b for b in own]
        self._write(OWN, {"version": 1, "bookings": [booking_doc(b) for b in kept]})

    def match_by_hand(self, key: str, member_code: str | None) -> None:
        """Remember that a calendar booking is for this member (None: forget the match)."""
        matches = self.hand_matches()
        if member_code is None:
            matches.pop(key, None)
        else:
            matches[key] = member_code
        self._write(MATCHES, {"version": 1, "matches": matches})

    def settled_through(self) -> date | None:
        through: date | None = self._load(MISSED, _missed_file_of, ([], None))[1]
        return through

    def missed(self, since: date | None = None) -> list[Missed]:
        found: list[Missed] = self._load(MISSED, _missed_file_of, ([], None))[0]
        return [m for m in found if since is None or m.start.astimezone(LONDON).date() >= since]

    def record_missed(self, missed: Iterable[Missed], through: date) -> list[Missed]:
        """Add the no-shows and late cancels of the days settled up to `through`; each booking
        is recorded once. Returns the ones new this time (to take sessions for, if so set)."""
        known = self.missed()
        keys = {m.booking_key for m in known}
        new = [m for m in missed if m.booking_key not in keys]
        current = self.settled_through()
        latest = through if current is None else max(current, through)
        self._write(
            MISSED,
            {
                "version": 1,
                "settled_through": latest.isoformat(),
                "missed": [missed_doc(m) for m in [*known, *new]],
            },
        )
        return new

    def excuse(self, booking_key: str) -> Missed:
        """Staff excuse a no-show or late cancel (the session is given back by the caller)."""
        known = self.missed()
        found = next((m for m in known if m.booking_key == booking_key), None)
        if found is None:
            raise KeyError(f"no missed booking {booking_key}")
        excused = replace(found, excused=True)
        through = self.settled_through()
        self._write(
            MISSED,
            {
                "version": 1,
                "settled_through": None if through is None else through.isoformat(),
                "missed": [missed_doc(excused if m is found else m) for m in known],
            },
        )
        return excused

    # written by a sync or an import

    def replace_calendar(
        self, bookings: Iterable[Booking], source: str, now: datetime
    ) -> SyncStatus:
        """Put a whole new set of calendar bookings in force at once."""
        kept = [b for b in bookings if b.source is Source.CALENDAR]
        self._write(
            CALENDAR,
            {
                "version": 1,
                "synced_at": now.isoformat(),
                "source": source,
                "bookings": [booking_doc(b) for b in kept],
            },
        )
        status = SyncStatus(now, source, len(kept), now, "")
        self._write(SYNC, _status_doc(status))
        return status

    def sync_failed(self, source: str, now: datetime, problem: str) -> SyncStatus:
        """Note a failed sync for staff mode; the bookings in force are not touched."""
        before = self.sync_status()
        status = SyncStatus(before.last_good, before.source, before.count, now, problem)
        self._write(SYNC, _status_doc(status))
        return status

    @contextlib.contextmanager
    def sync_lock(self) -> Iterator[None]:
        """One sync or import at a time (the kiosk itself never waits for this)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.directory / SYNC_LOCK, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise SyncBusy(
                    f"another bookings sync or import is running on {self.data_dir}; "
                    "try again in a minute"
                ) from None
            for stale in self.directory.glob(".*.tmp"):  # left by a sync that was killed
                with contextlib.suppress(FileNotFoundError):
                    stale.unlink()
            yield
        finally:
            os.close(fd)

    def _write(self, name: str, data: Mapping[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / name
        if any(str(path) in w for w in self.warnings) and path.exists():
            # keep the damaged copy for a person to look at, rather than write over it
            os.replace(path, path.with_name(f"{name}.damaged"))
            self.warnings = [w for w in self.warnings if str(path) not in w]
        write_atomic(path, _encode(data))
        self._cache.pop(name, None)


def _read_json(path: Path) -> dict[str, Any]:
    """One of our files (JSON objects of their own shape, not TinyDB tables)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise DamagedFile(path, "it vanished while being read") from None
    except OSError as e:
        raise DamagedFile(path, f"cannot be read: {e.strerror or e}") from e
    if not raw.strip():
        raise DamagedFile(path, "it is empty")
    try:
        data = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise DamagedFile(path, f"not valid JSON: {e}") from e
    except RecursionError:
        raise DamagedFile(path, NESTED_TOO_DEEP) from None
    if not isinstance(data, dict):
        raise DamagedFile(path, "not a JSON object")
    return data


def _list_of(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key} is not a list")
    return value


def _calendar_of(data: Mapping[str, Any]) -> list[Booking]:
    return [booking_of(d) for d in _list_of(data, "bookings")]


def _own_of(data: Mapping[str, Any]) -> list[Booking]:
    return [booking_of(d) for d in _list_of(data, "bookings")]


def _matches_of(data: Mapping[str, Any]) -> dict[str, str]:
    matches = data.get("matches", {})
    if not isinstance(matches, dict):
        raise ValueError("matches is not a table")
    return {str(k): str(v) for k, v in matches.items()}


def _missed_file_of(data: Mapping[str, Any]) -> tuple[list[Missed], date | None]:
    through = data.get("settled_through")
    day = None if through is None else date.fromisoformat(str(through))
    return [missed_of(d) for d in _list_of(data, "missed")], day


def _status_doc(s: SyncStatus) -> dict[str, Any]:
    return {
        "version": 1,
        "last_good": None if s.last_good is None else s.last_good.isoformat(),
        "source": s.source,
        "count": s.count,
        "last_attempt": None if s.last_attempt is None else s.last_attempt.isoformat(),
        "problem": s.problem,
    }


def _status_of(data: Mapping[str, Any]) -> SyncStatus:
    return SyncStatus(
        last_good=_time_or_none(data.get("last_good")),
        source=str(data.get("source", "")),
        count=int(data.get("count", 0)),
        last_attempt=_time_or_none(data.get("last_attempt")),
        problem=str(data.get("problem", "")),
    )


# -- a sync ----------------------------------------------------------------------------------


def read_members(data_dir: Path) -> list[Member]:
    """The members, read straight from members.json without the data directory's lock: a
    sync runs beside the kiosk, and every kiosk write is an atomic rename."""
    data = read_json_file(Path(data_dir) / MEMBERS_FILE)
    table = (data or {}).get("_default", {})
    return [member_of(doc)[0] for doc in table.values()]


def sync_calendar(
    data_dir: Path,
    text: str,
    source: str,
    now: datetime,
    policy: BookingPolicy,
    members: Iterable[Member] | None = None,
) -> tuple[list[Booking], SyncStatus]:
    """Parse, match and put in force a calendar's bookings: all of them or, on any problem
    (CalendarError naming the line or UID), none, with the last good bookings kept."""
    bookings = Bookings(data_dir)
    with bookings.sync_lock():
        try:
            parsed = parse_calendar(text, now.astimezone(LONDON).date(), policy)
        except CalendarError as e:
            bookings.sync_failed(source, now, str(e))
            raise
        found = read_members(data_dir) if members is None else members
        matched = match_bookings(parsed, MemberDirectory(found), bookings.hand_matches())
        status = bookings.replace_calendar(matched, source, now)
    return matched, status


def source_label(source: str) -> str:
    """Where a calendar came from, safe to show and store: a private address's secret path
    and query are left out ("https://calendar.google.com/..."), a file keeps its path."""
    parsed = urlparse(source)
    if parsed.scheme in ("http", "https"):
        return f"{parsed.scheme}://{parsed.hostname or ''}/..."
    return source


def redirect_handler() -> urllib.request.HTTPRedirectHandler:
    """Follows a redirect only to another http(s) address, never to file: or anything else.
    (urllib is imported here, not at the top: the kiosk's start does not need it.)"""
    import urllib.error
    import urllib.request
    from typing import IO

    class OnlyWebRedirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(
            self,
            req: urllib.request.Request,
            fp: IO[bytes],
            code: int,
            msg: str,
            headers: Any,
            newurl: str,
        ) -> urllib.request.Request | None:
            if urlparse(newurl).scheme not in ("http", "https"):
                raise urllib.error.HTTPError(
                    newurl, code, f"refused a redirect to {newurl!r} (only http(s))", headers, fp
                )
            return super().redirect_request(req, fp, code, msg, headers, newurl)

    return OnlyWebRedirects()


def opener() -> urllib.request.OpenerDirector:
    """An opener that speaks http and https only: no file:, ftp: or data: handlers at all."""
    import urllib.request

    built = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        redirect_handler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        built.add_handler(handler)
    return built


def decode_calendar(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise CalendarError(f"{name}: line {line} is not UTF-8 text") from None


def fetch_calendar(source: str, timeout: float = FETCH_TIMEOUT) -> str:
    """The calendar's text from an http(s) address or a file. SyncFailed when it cannot be
    had (the network, the server, a missing file); CalendarError when it is not text."""
    scheme = urlparse(source).scheme.lower()
    if scheme in ("http", "https"):
        import urllib.error
        import urllib.request

        request = urllib.request.Request(
            source, headers={"User-Agent": "studio-kiosk", "Accept": "text/calendar"}
        )
        try:
            with opener().open(request, timeout=timeout) as response:
                raw = response.read(FETCH_MAX + 1)
        except urllib.error.HTTPError as e:
            raise SyncFailed(f"{source_label(source)} answered {e.code} {e.reason}") from None
        except (urllib.error.URLError, OSError, ValueError) as e:
            why = getattr(e, "reason", None) or e
            raise SyncFailed(f"cannot reach {source_label(source)}: {why}") from None
        if len(raw) > FETCH_MAX:
            raise SyncFailed(f"{source_label(source)} sent more than {FETCH_MAX // 2**20} MB")
        return decode_calendar(raw, source_label(source))
    if scheme == "webcal":
        raise SyncFailed("use the https:// address (write https:// in place of webcal://)")
    if scheme and len(scheme) > 1:  # a drive letter is not a scheme, but this is a Pi
        raise SyncFailed(f"only http(s) addresses and files can be synced, not {scheme}:")
    try:
        raw = Path(source).read_bytes()
    except OSError as e:
        raise SyncFailed(f"cannot read {source}: {e.strerror or e}") from None
    return decode_calendar(raw, source)
