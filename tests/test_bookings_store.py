"""Bookings on disk and at the command line (issue 13): a sync replaces the calendar's bookings
all at once or not at all, keeps the kiosk's own bookings and hand matches, and a failed fetch
leaves the last bookings in force; export, list; [bookings] settings in studio.toml."""

from __future__ import annotations

import http.client
import io
import urllib.error
import urllib.request
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.core.bookings import (
    LONDON,
    Booking,
    BookingStatus,
    CalendarError,
    MatchRule,
    Missed,
    MissedReason,
    Source,
    cancelled,
    moved,
    new_booking,
)
from kiosk.core.fields import Problem
from kiosk.core.members import Member, PackKind
from kiosk.core.studio import BookingPolicy, load_studio
from kiosk.store import Store
from kiosk.store.bookings import (
    Bookings,
    SyncFailed,
    booking_doc,
    booking_of,
    fetch_calendar,
    opener,
    redirect_handler,
    source_label,
    sync_calendar,
)

CALENDARS = Path(__file__).resolve().parent / "data" / "calendars"
ROOT = Path(__file__).resolve().parent.parent
GOOGLE = (CALENDARS / "google.ics").read_bytes().decode("utf-8")
NOW = datetime(2026, 10, 13, 8, 0, tzinfo=LONDON)
SARAH = Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121", "sarah.kent@example.com")
ZOE = Member("FT-4H8P2W", "Zoë", "O'Neil", "+447700900456", "zoe@example.org")
UTC = ZoneInfo("UTC")
SERIES = "7kq3ob1v0c6t2pl8h5n4m9a2rs@google.com"


@pytest.fixture
def studio(data_dir: Path) -> Path:
    with Store.open(data_dir) as store:
        store.add_members([SARAH, ZOE])
    return data_dir


def files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (directory / "bookings").glob("*.json")}


def test_a_sync_puts_the_whole_calendar_in_force(studio: Path) -> None:
    matched, status = sync_calendar(studio, GOOGLE, "google.ics", NOW, BookingPolicy())
    bookings = Bookings(studio)
    assert bookings.calendar() == matched and status.count == len(matched) == 13
    today = bookings.on(date(2026, 10, 13))
    assert [(b.member_code, b.matched_by) for b in today] == [(SARAH.code, MatchRule.EMAIL)]
    assert bookings.sync_status().last_good == NOW
    assert bookings.sync_status().words(NOW).startswith("Bookings last synced 08:00 today (13")


@pytest.mark.parametrize("bad", ["not-a-calendar.ics", "cut-short.ics", "broken-event.ics"])
def test_a_bad_calendar_changes_nothing(studio: Path, bad: str) -> None:
    sync_calendar(studio, GOOGLE, "google.ics", NOW, BookingPolicy())
    before = Bookings(studio).calendar()
    calendar_file = (studio / "bookings" / "calendar.json").read_bytes()
    text = (CALENDARS / bad).read_bytes().decode("utf-8")
    with pytest.raises(CalendarError):
        sync_calendar(studio, text, bad, NOW + timedelta(hours=1), BookingPolicy())
    assert (studio / "bookings" / "calendar.json").read_bytes() == calendar_file
    bookings = Bookings(studio)
    assert bookings.calendar() == before
    status = bookings.sync_status()
    assert status.last_good == NOW and status.problem  # staff mode says what went wrong


def test_own_bookings_and_hand_matches_survive_a_sync(studio: Path) -> None:
    bookings = Bookings(studio)
    own = new_booking(NOW, NOW + timedelta(minutes=30), ZOE.code, PackKind.EMS, trainer="Tom")
    bookings.add(own)
    sync_calendar(studio, GOOGLE, "google.ics", NOW, BookingPolicy())
    sams = "two-sams-1a2s3d4f5g@google.com"
    assert next(b for b in bookings.calendar() if b.key == sams).member_code is None
    assert sams in {b.key for b in bookings.unmatched(date(2026, 10, 13))}
    bookings.match_by_hand(sams, ZOE.code)  # in force at once, before any sync
    assert next(b for b in bookings.calendar() if b.key == sams).member_code == ZOE.code
    sync_calendar(studio, GOOGLE, "google.ics", NOW + timedelta(minutes=10), BookingPolicy())
    after = {b.key: b for b in Bookings(studio).all()}
    assert (after[sams].member_code, after[sams].matched_by) == (ZOE.code, MatchRule.HAND)
    assert after[own.key] == own
    later = moved(own, NOW + timedelta(hours=2), NOW + timedelta(hours=3))
    bookings.update(later)
    bookings.update(cancelled(later, NOW))
    (kept,) = Bookings(studio).own()
    assert kept.status is BookingStatus.CANCELLED and kept.start == NOW + timedelta(hours=2)
    with pytest.raises(KeyError):
        bookings.update(after[f"{SERIES}/20261013T090000Z"])  # the calendar's, not ours


def test_the_kiosk_sees_a_sync_made_by_another_process(studio: Path) -> None:
    kiosk_side = Bookings(studio)
    assert kiosk_side.on(date(2026, 10, 13)) == []
    sync_calendar(studio, GOOGLE, "google.ics", NOW, BookingPolicy())
    assert len(kiosk_side.on(date(2026, 10, 13))) == 1


def test_no_shows_are_recorded_once_and_can_be_excused(data_dir: Path) -> None:
    bookings = Bookings(data_dir)
    start = datetime(2026, 10, 13, 10, 0, tzinfo=LONDON)
    missed = Missed("k1", SARAH.code, start, PackKind.EMS, MissedReason.NO_SHOW)
    assert bookings.settled_through() is None
    assert bookings.record_missed([missed], date(2026, 10, 13)) == [missed]
    assert bookings.record_missed([missed], date(2026, 10, 13)) == []
    assert bookings.settled_through() == date(2026, 10, 13)
    assert Bookings(data_dir).excuse("k1").excused
    assert Bookings(data_dir).missed(date(2026, 10, 13)) == [
        Missed("k1", SARAH.code, start, PackKind.EMS, MissedReason.NO_SHOW, excused=True)
    ]


def test_a_damaged_bookings_file_is_reported_not_fatal(data_dir: Path) -> None:
    folder = data_dir / "bookings"
    folder.mkdir()
    (folder / "kiosk.json").write_text('{"version": 1, "bookings": [{"key": ')
    bookings = Bookings(data_dir)
    assert bookings.own() == [] and "kiosk.json is damaged" in bookings.warnings[0]
    own = new_booking(NOW, NOW + timedelta(minutes=30), ZOE.code, None)
    bookings.add(own)  # the damaged copy is kept aside for a person, not written over
    assert (folder / "kiosk.json.damaged").exists()
    assert Bookings(data_dir).own() == [own]


# as parsing makes them: instants seen in London (never a wall time the clock change skips)
times = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
).map(lambda t: t.astimezone(LONDON))
texts = st.text(max_size=30)
bookings_strategy = st.builds(
    Booking,
    key=st.text(min_size=1, max_size=40),
    start=times,
    end=times,
    kind=st.none() | st.sampled_from(PackKind),
    summary=texts,
    trainer=texts,
    room=texts,
    member_code=st.none() | st.text(min_size=1, max_size=12),
    status=st.sampled_from(BookingStatus),
    cancelled_at=st.none() | times,
    source=st.sampled_from(Source),
    matched_by=st.sampled_from(MatchRule),
    code_keys=st.lists(texts, max_size=3).map(tuple),
    emails=st.lists(texts, max_size=3).map(tuple),
    phones=st.lists(texts, max_size=3).map(tuple),
    names=st.lists(texts, max_size=3).map(tuple),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(bookings_strategy, max_size=8))
def test_any_bookings_survive_a_save_and_load(tmp_path: Path, found: list[Booking]) -> None:
    assert [booking_of(booking_doc(b)) for b in found] == found
    calendar = [b for b in found if b.source is Source.CALENDAR]
    directory = tmp_path / "round-trip"
    Bookings(directory).replace_calendar(found, "test", NOW)
    assert Bookings(directory).calendar() == calendar


# -- fetching ---------------------------------------------------------------------------------


def test_a_redirect_to_a_file_url_is_refused() -> None:
    handler = redirect_handler()
    request = urllib.request.Request("https://calendar.example/private.ics")
    headers = http.client.HTTPMessage()
    for target in ("file:///var/lib/kiosk/members.json", "ftp://example/x.ics", "data:,x"):
        with pytest.raises(urllib.error.HTTPError, match="refused a redirect"):
            handler.redirect_request(request, io.BytesIO(), 302, "Found", headers, target)
    ok = handler.redirect_request(request, io.BytesIO(), 302, "Found", headers, "https://b/x")
    assert ok is not None and ok.full_url == "https://b/x"
    handlers = vars(opener())["handlers"]
    assert any(type(h).__name__ == "OnlyWebRedirects" for h in handlers)
    assert not any(
        type(h).__name__ in ("FileHandler", "FTPHandler", "DataHandler") for h in handlers
    )


def test_only_web_addresses_and_files_are_fetched(tmp_path: Path) -> None:
    for source in ("file:///etc/passwd", "ftp://example/x.ics", "webcal://example/x.ics"):
        with pytest.raises(SyncFailed):
            fetch_calendar(source)
    with pytest.raises(SyncFailed, match="cannot read"):
        fetch_calendar(str(tmp_path / "missing.ics"))
    assert fetch_calendar(str(CALENDARS / "google.ics")) == GOOGLE
    label = source_label("https://calendar.google.com/calendar/ical/secret/basic.ics?x=1")
    assert label == "https://calendar.google.com/..."


# -- the command line -------------------------------------------------------------------------


def kiosk(*argv: str, data: Path) -> int:
    return main(["--data", str(data), "--content", str(ROOT / "content"), *argv])


def test_import_list_and_export(studio: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the window follows today's date: take the calendar's bookings relative to now
    assert kiosk("bookings", "import", str(CALENDARS / "outlook.ics"), data=studio) == 0
    out = capsys.readouterr().out
    assert "booking(s) from" in out and "now in force" in out
    assert kiosk("bookings", "import", str(CALENDARS / "cut-short.ics"), data=studio) == 1
    err = capsys.readouterr().err
    assert "cut short: BEGIN:VEVENT on line 80" in err and "Nothing was changed" in err
    assert kiosk("bookings", "list", "--day", "2026-10-13", data=studio) == 0
    assert "Bookings on Tuesday 13 October 2026: 0" in capsys.readouterr().out
    bookings = Bookings(studio)
    bookings.add(new_booking(NOW, NOW + timedelta(minutes=30), ZOE.code, PackKind.EMS))
    assert kiosk("bookings", "list", "--day", "2026-10-13", data=studio) == 0
    assert "Zoë O'Neil (FT-4H8P2W)" in capsys.readouterr().out
    out_file = studio.parent / "bookings.csv"
    assert kiosk("bookings", "export", str(out_file), "--since", "2026-10-13", data=studio) == 0
    lines = out_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("date,start,end,kind,trainer,room,member_code,status")
    assert lines[1].startswith("2026-10-13,08:00,08:30,EMS,,,FT-4H8P2W,booked")


def test_sync_from_a_file_and_a_failed_fetch(
    studio: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert kiosk("bookings", "sync", str(CALENDARS / "outlook.ics"), data=studio) == 0
    before = files(studio)["calendar.json"]
    capsys.readouterr()
    assert kiosk("bookings", "sync", str(studio / "gone.ics"), data=studio) == 75
    assert "warning: cannot read" in capsys.readouterr().err
    assert files(studio)["calendar.json"] == before
    assert "cannot read" in Bookings(studio).sync_status().problem
    assert kiosk("bookings", "sync", "file:///etc/passwd", data=studio) == 75


def test_import_from_standard_input(
    studio: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class Stdin:
        buffer = io.BytesIO(GOOGLE.encode())

    monkeypatch.setattr("sys.stdin", Stdin())
    assert kiosk("bookings", "import", "-", data=studio) == 0
    assert "from standard input now in force" in capsys.readouterr().out


# -- settings ---------------------------------------------------------------------------------

_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_MINIMAL = (
    'name = "Studio"\naddress = "1 Road"\n'
    + '[[links]]\nid = "web"\ntitle = "Web"\ncaption = "Our site"\nurl = "https://example.com"\n'
    + "[hours]\n"
    + "".join(f'{d} = "07:00-20:00"\n' for d in _DAYS)
)


def load(tmp_path: Path, table: str) -> tuple[BookingPolicy, list[Problem]]:
    text = _MINIMAL + "[bookings]\n" + table
    (tmp_path / "studio.toml").write_text(text, encoding="utf-8")
    problems: list[Problem] = []
    return load_studio(tmp_path, problems).bookings, problems


def test_bookings_settings_defaults_and_values(tmp_path: Path) -> None:
    from kiosk.core.content import load_content

    assert load_content(ROOT / "content").studio.bookings == BookingPolicy()
    policy, problems = load(
        tmp_path, 'early_minutes = 30\nwalk_ins = false\nems_words = ["EMS", "Strom"]\n'
    )
    assert problems == []
    assert (policy.early_minutes, policy.walk_ins, policy.ems_words) == (
        30,
        False,
        ("EMS", "Strom"),
    )


@pytest.mark.parametrize(
    ("line", "key", "words"),
    [
        ("late_minutes = -1", "bookings.late_minutes", "at least 0, not -1; using 10"),
        ("ems_suits = 0", "bookings.ems_suits", "at least 1"),
        ('walk_ins = "yes"', "bookings.walk_ins", "true or false"),
        ("pt_words = []", "bookings.pt_words", "needs at least one word"),
        ('pilates_words = ["EMS"]', "bookings.pilates_words", "'ems' is also in ems_words"),
        ("no_shows = true", "bookings.no_shows", "not a known setting"),
    ],
)
def test_bad_bookings_settings_are_named(tmp_path: Path, line: str, key: str, words: str) -> None:
    policy, problems = load(tmp_path, line + "\n")
    assert [p.key for p in problems] == [key]
    assert words in problems[0].message
    assert str(problems[0]).startswith(f"studio.toml: {key}: ")
    if "pilates" not in key:  # a bad value keeps its default
        assert policy == BookingPolicy()
