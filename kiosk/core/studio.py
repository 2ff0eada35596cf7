"""The studio's facts (name, address, hours, links, display settings) and the front-desk slides.

Read from ``studio.toml`` and ``slides.toml``. Every problem is noted with its file and key and
the loader falls back to something safe, so a broken file never stops the kiosk. The opening-hours
status ("Open now until 20:00") is worked out here from a given time, so it can be tested without
a terminal.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.core.after_hours import SECTION as AFTER_HOURS
from kiosk.core.after_hours import AfterHoursPolicy, load_after_hours
from kiosk.core.consolefont import QR_STYLES  # auto: by the console font
from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Fields, Problem
from kiosk.core.hours_text import NotHours, read_day
from kiosk.core.theme import StudioTheme, load_theme

STUDIO_FILE = "studio.toml"
SLIDES_FILE = "slides.toml"

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Slides must fit the text column of the smallest screen (80x24): about 40 columns by 9 lines.
SLIDE_TITLE_MAX = 40
SLIDE_BODY_MAX = 300
CAPTION_MAX = 60
NAME_MAX = 40
ADDRESS_MAX = 80


@dataclass(frozen=True)
class Period:
    """One opening period within a day. ``closes`` of 24:00 is stored as minute 1440."""

    opens: int  # minutes after midnight
    closes: int

    @staticmethod
    def clock_text(minutes: int) -> str:
        return f"{minutes // 60:02d}:{minutes % 60:02d}"

    def __str__(self) -> str:
        return f"{self.clock_text(self.opens)}-{self.clock_text(self.closes)}"


@dataclass(frozen=True)
class OpeningHours:
    """Opening periods for each weekday, Monday first. An empty day is a closed day."""

    days: tuple[tuple[Period, ...], ...] = ((),) * 7

    @property
    def known(self) -> bool:
        return any(self.days)

    def status(self, now: datetime) -> str:
        """What the front desk says about opening at ``now`` (local wall time)."""
        if not self.known:
            return ""
        minute = now.hour * 60 + now.minute
        today = self.days[now.weekday()]
        for period in today:
            if period.opens <= minute < period.closes:
                return f"Open now until {_until_text(period.closes)}"
        later = [p for p in today if p.opens > minute]
        if later:
            opens = Period.clock_text(later[0].opens)
            if any(p.closes <= minute for p in today):
                return f"Closed — opens again at {opens}"
            return f"Opens today at {opens}"
        for ahead in range(1, 8):
            day = (now.weekday() + ahead) % 7
            if self.days[day]:
                name = "tomorrow" if ahead == 1 else WEEKDAYS[day].capitalize()
                return f"Closed — opens {name} {Period.clock_text(self.days[day][0].opens)}"
        return ""  # unreachable: known means some day has a period

    def is_open(self, now: datetime) -> bool:
        """Open at ``now``: the front desk shows "Open now" in its own colour."""
        minute = now.hour * 60 + now.minute
        return any(p.opens <= minute < p.closes for p in self.days[now.weekday()])

    def day_text(self, weekday: int) -> str:
        periods = self.days[weekday]
        return ", ".join(str(p) for p in periods) if periods else "closed"


def _until_text(minutes: int) -> str:
    return "midnight" if minutes >= 24 * 60 else Period.clock_text(minutes)


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    caption: str
    url: str


@dataclass(frozen=True)
class StaffPolicy:
    """How staff mode, backups and health-data retention behave (``[staff]`` in studio.toml)."""

    idle_seconds: int = 120  # staff mode logs out after this long untouched
    backup_generations: int = 14  # backups kept under data/backups/; older ones are removed
    screening_retention_months: int = 24  # health answers kept this long after the last visit
    screening_valid_months: int = 12  # a screening older than this is asked again at check-in
    member_retention_months: int = 24  # members not seen this long are anonymised


STAFF_MINIMUMS = {
    "idle_seconds": 10,
    "backup_generations": 1,
    "screening_retention_months": 1,
    "screening_valid_months": 1,
    "member_retention_months": 1,
}


@dataclass(frozen=True)
class BookingPolicy:
    """How bookings are read and kept at check-in (``[bookings]`` in studio.toml)."""

    early_minutes: int = 45  # arriving more than this before the start is "too early"
    late_minutes: int = 10  # arriving more than this after the start is "late"
    walk_ins: bool = True  # no booking today: checked in and flagged, or sent to the trainer
    late_cancel_hours: int = 24  # cancelled less than this before the start is a late cancel
    no_show_uses_session: bool = False  # a no-show or late cancel takes a session from the pack
    ems_suits: int = 2  # EMS sessions the studio can run at once (rooms or suits)
    slot_minutes: int = 30  # length of an EMS slot, for "Free today: 14:00, 16:30"
    ems_words: tuple[str, ...] = ("EMS",)  # words in an event's title that mean each kind
    pt_words: tuple[str, ...] = ("PT", "personal training")
    pilates_words: tuple[str, ...] = ("Pilates",)
    trainer_words: tuple[str, ...] = ("with",)  # "EMS with Tom": the word before the trainer


BOOKING_MINIMUMS = {
    "early_minutes": 0,
    "late_minutes": 0,
    "late_cancel_hours": 0,
    "ems_suits": 1,
    "slot_minutes": 5,
}
BOOKING_FLAGS = ("walk_ins", "no_show_uses_session")
BOOKING_WORDS = ("ems_words", "pt_words", "pilates_words", "trainer_words")


@dataclass(frozen=True)
class Studio:
    name: str
    address: str = ""
    hours: OpeningHours = OpeningHours()
    links: tuple[Link, ...] = ()
    slide_seconds: float = 10.0
    result_seconds: int = 20
    sound_command: str | None = None
    qr_style: str = "auto"
    staff: StaffPolicy = StaffPolicy()
    check_in_warmup: str | None = None  # programme id offered after an EMS check-in
    bookings: BookingPolicy = BookingPolicy()
    # the calm screen after hours (core/after_hours.py)
    after_hours: AfterHoursPolicy = field(default_factory=AfterHoursPolicy)
    theme: StudioTheme = StudioTheme()  # noqa: RUF009 (frozen) [theme]: kiosk/core/theme.py


@dataclass(frozen=True)
class Slide:
    title: str
    body: str


DEFAULT_NAME = "Fast Track EMS & Fitness"


def load_studio(directory: Path, problems: list[Problem], sources: Sources | None = None) -> Studio:
    """Without ``sources`` nothing falls back to a last good or shipped copy."""
    return (sources or Sources(directory, shipped=None)).load(STUDIO_FILE, problems, _studio_from)


def _studio_from(data: dict[str, Any] | None, problems: list[Problem]) -> Studio:
    if data is None:
        return Studio(name=DEFAULT_NAME)
    f = Fields(data, STUDIO_FILE, problems)
    name = f.text("name").strip() or DEFAULT_NAME
    address = f.text("address").strip()
    for key, value, most in (("name", name, NAME_MAX), ("address", address, ADDRESS_MAX)):
        if len(value) > most:
            f.problem(key, f"is {len(value)} characters; keep it to {most} to fit an 80x24 screen")
    hours = _load_hours(f.sub("hours")) if "hours" in data else OpeningHours()
    if "hours" not in data:
        f.problem("hours", "is missing (expected a table with a line for each weekday)")
    links = _load_links(f)
    slide_seconds = f.number("slide_seconds", 10.0, minimum=3.0)
    result_seconds = f.integer("result_seconds", 20, minimum=5)
    sound = f.text("sound_command", "", allow_empty=True).strip() or None
    qr_style = f.text("qr_style", "auto").strip()
    if qr_style not in QR_STYLES:
        f.problem("qr_style", f'must be "auto", "half" or "full", not {qr_style!r}')
        qr_style = "auto"
    staff = _load_staff(f.sub("staff")) if "staff" in data else StaffPolicy()
    warmup = f.text("check_in_warmup", "", allow_empty=True).strip() or None
    bookings = _load_bookings(f.sub("bookings")) if "bookings" in data else BookingPolicy()
    calm = AfterHoursPolicy()
    if AFTER_HOURS in data:
        calm = load_after_hours(f.sub(AFTER_HOURS))
    theme = load_theme(f.sub("theme")) if "theme" in data else StudioTheme()
    _unknown(f)
    return Studio(
        name=name,
        address=address,
        hours=hours,
        links=links,
        slide_seconds=slide_seconds,
        result_seconds=result_seconds,
        sound_command=sound,
        qr_style=qr_style,
        staff=staff,
        check_in_warmup=warmup,
        bookings=bookings,
        after_hours=calm,
        theme=theme,
    )


def _load_staff(f: Fields) -> StaffPolicy:
    """Each setting a whole number at or above its minimum; a bad one keeps its default."""
    values = f.settings(STAFF_MINIMUMS, StaffPolicy())
    _unknown(f)
    return StaffPolicy(**values)


def _load_bookings(f: Fields) -> BookingPolicy:
    """Like [staff]: each bad value is named and keeps its default."""
    default = BookingPolicy()
    numbers = f.settings(BOOKING_MINIMUMS, default)
    flags = f.switches(BOOKING_FLAGS, default)
    words: dict[str, tuple[str, ...]] = {}
    for key in BOOKING_WORDS:
        fallback_words: tuple[str, ...] = getattr(default, key)
        before = len(f.problems)
        found = tuple(w.strip() for w in f.texts(key, list(fallback_words)))
        if len(f.problems) > before:
            found = fallback_words
        elif not found:
            f.problem(key, f"needs at least one word; using {list(fallback_words)}")
            found = fallback_words
        words[key] = found
    kinds = {k: {w.casefold() for w in words[k]} for k in BOOKING_WORDS[:3]}
    for a, b in itertools.combinations(BOOKING_WORDS[:3], 2):
        for shared in sorted(kinds[a] & kinds[b]):
            f.problem(b, f"{shared!r} is also in {a}: a word can mean only one kind")
    _unknown(f)
    return BookingPolicy(
        early_minutes=numbers["early_minutes"],
        late_minutes=numbers["late_minutes"],
        walk_ins=flags["walk_ins"],
        late_cancel_hours=numbers["late_cancel_hours"],
        no_show_uses_session=flags["no_show_uses_session"],
        ems_suits=numbers["ems_suits"],
        slot_minutes=numbers["slot_minutes"],
        ems_words=words["ems_words"],
        pt_words=words["pt_words"],
        pilates_words=words["pilates_words"],
        trainer_words=words["trainer_words"],
    )


def _load_hours(f: Fields) -> OpeningHours:
    days: list[tuple[Period, ...]] = []
    for day in WEEKDAYS:
        text = f.text(day, allow_empty=True)
        days.append(_parse_day(text, f, day))
    _unknown(f)
    return OpeningHours(tuple(days))


def _parse_day(text: str, f: Fields, day: str) -> tuple[Period, ...]:
    try:
        return tuple(Period(opens, closes) for opens, closes in read_day(text))
    except NotHours as e:
        f.problem(day, str(e))
        return ()


def _load_links(f: Fields) -> tuple[Link, ...]:
    links: list[Link] = []
    seen: set[str] = set()
    for lf in f.tables("links"):
        link_id = lf.text("id").strip()
        title = lf.text("title").strip()
        caption = lf.text("caption").strip()
        url = lf.url("url").strip()
        if len(caption) > CAPTION_MAX:
            lf.problem("caption", f"is {len(caption)} characters; keep it to {CAPTION_MAX}")
        if link_id in seen:
            lf.problem("id", f"{link_id!r} is used by another link")
        seen.add(link_id)
        _unknown(lf)
        # a link with a bad or missing address is left out: a QR code must never mislead
        if url:
            links.append(Link(link_id or f"link-{len(links) + 1}", title or url, caption, url))
    return tuple(links)


def load_slides(
    directory: Path, problems: list[Problem], sources: Sources | None = None
) -> tuple[Slide, ...]:
    return (sources or Sources(directory, shipped=None)).load(SLIDES_FILE, problems, _slides_from)


def _slides_from(data: dict[str, Any] | None, problems: list[Problem]) -> tuple[Slide, ...]:
    if data is None:
        return ()
    f = Fields(data, SLIDES_FILE, problems)
    slides: list[Slide] = []
    for sf in f.tables("slides"):
        title = sf.text("title").strip()
        body = " ".join(sf.text("body").split())
        if len(title) > SLIDE_TITLE_MAX:
            sf.problem("title", f"is {len(title)} characters; keep it to {SLIDE_TITLE_MAX}")
        if len(body) > SLIDE_BODY_MAX:
            sf.problem(
                "body",
                f"is {len(body)} characters; keep it to {SLIDE_BODY_MAX} to fit an 80x24 screen",
            )
        _unknown(sf)
        if title or body:
            slides.append(Slide(title, body))
    _unknown(f)
    if not slides and isinstance(data.get("slides"), list):
        f.problem("slides", "has no slides")
    return tuple(slides)


def _unknown(f: Fields) -> None:
    for key in f.unknown_keys():
        f.problem(key, "is not a known setting (a typo?)")
