"""Bookings for staff: the day's schedule (booked, arrived, late, no-show, walk-in, cancelled)
with each visit's safety flags, when the bookings were last synced, matching a booking to a
member by hand, the kiosk's own bookings (add, move, cancel) and excusing a no-show.

The rules are kiosk/core's: the schedule (bookings.day_schedule), the booking form
(booking_form.py), what a no-show costs (no_shows.py). Reading the bookings and the day's
visits runs in a worker (`run_slow`); writes are small and happen on the UI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.types import CSSPathType
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.booking_form import day_text, read_booking_form
from kiosk.core.bookings import (
    LONDON,
    Attendance,
    Booking,
    Missed,
    ScheduleLine,
    Source,
    cancelled,
    day_schedule,
    moved,
    new_booking,
)
from kiosk.core.members import Member, Visit, VisitFlag
from kiosk.core.no_shows import REASON_WORDS, is_missed_visit
from kiosk.core.trainer_flags import FLAG_WORDS
from kiosk.ui.day_end import excuse
from kiosk.ui.screens.staff import (
    StaffScreen,
    change_members,
    confirm,
    keys_line,
    plain,
    status_line,
    title_bar,
)
from kiosk.ui.screens.staff_members import FormScreen, find_members, member_line, open_member

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

BOOKINGS_CSS: CSSPathType = ["staff.tcss", "../widgets/console.tcss", "staff_bookings.tcss"]
LOADING = "Loading the bookings..."
MATCHED = "Matched: remembered for the next sync."
AHEAD_DAYS = 60  # the calendar's window ahead (kiosk/core/bookings.py AHEAD_DAYS)
BACK_DAYS = 7
# the form's problems (kiosk/core/booking_form.py) -> its fields here (ids unlike other screens')
FORM_FIELDS = {"day": "date", "start": "time", "minutes": "minutes", "kind": "session"}
COUNT_WORDS = {
    Attendance.BOOKED: "booked",
    Attendance.ARRIVED: "arrived",
    Attendance.LATE: "late",
    Attendance.NO_SHOW: "no-show",
    Attendance.WALK_IN: "walk-in",
    Attendance.CANCELLED: "cancelled",
    Attendance.LATE_CANCEL: "late cancel",
}


def flags_text(visit: Visit | None) -> str:
    if visit is None:
        return ""
    words = [FLAG_WORDS[f] for f in VisitFlag if f in visit.flags]
    return f"  [{', '.join(words)}]" if words else ""


def who(member: Member | None, code: str | None, booking: Booking | None) -> str:
    if code is None:
        title = booking.summary if booking is not None and booking.summary else "no title"
        return f'unmatched: "{title}"'
    if member is None:
        return f"(no member {code})" if code else "(erased member)"
    return f"{member.first_name} {member.last_name} ({member.code})"


def booking_when(b: Booking) -> str:
    start, end = b.start.astimezone(LONDON), b.end.astimezone(LONDON)
    return f"{start:%a %d/%m %H:%M}-{end:%H:%M}"


def booking_line(b: Booking, member: Member | None) -> str:
    """One booking in words, for lists and confirmations (plain text: titles are typed)."""
    kind = str(b.kind) if b.kind else "session"
    extra = "".join(
        f"  {part}" for part in (f"with {b.trainer}" if b.trainer else "", b.room) if part
    )
    return f"{booking_when(b)}  {kind}  {who(member, b.member_code, b)}{extra}"


@dataclass(frozen=True)
class DayView:
    """What the schedule screen shows for one day, read in a worker."""

    day: date
    lines: tuple[ScheduleLine, ...]
    missed: Mapping[str, Missed]  # booking key -> the no-show or late cancel recorded
    sync: str
    unmatched: int
    warnings: tuple[str, ...]


class BookingsScreen(StaffScreen):
    """The day's schedule: Up/Down to pick, Enter for the member, Left/Right for other days."""

    CSS_PATH: ClassVar[CSSPathType | None] = BOOKINGS_CSS
    AUTO_FOCUS = "#schedule"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("left", "day(-1)", show=False),
        Binding("right", "day(1)", show=False),
        Binding("a", "add", show=False),
        Binding("m", "move", show=False),
        Binding("c", "cancel_booking", show=False),
        Binding("x", "excuse", show=False),
        Binding("h", "match", show=False),
        Binding("u", "unmatched", show=False),
    ]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.day = self.today
        self.view: DayView | None = None
        self.note = ""  # said once the schedule is shown again (after a form, a pick)

    @property
    def today(self) -> date:
        return self.clock.now().astimezone(LONDON).date()

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Bookings")
            yield Static("", id="schedule-day")
            yield Static("", id="sync")
            yield OptionList(id="schedule", classes="staff-list")
            with Horizontal(classes="staff-actions"):
                yield Button("A Add", id="add")
                yield Button("M Move", id="move")
                yield Button("C Cancel", id="cancel_booking")
                yield Button("X Excuse", id="excuse")
                yield Button("H Match", id="match")
                yield Button("U Unmatched", id="unmatched")
            yield status_line()
            yield keys_line("Up/Down: pick   Enter: the member   Left/Right: day before/after")

    def on_screen_resume(self) -> None:
        self.load()

    def say_after(self, note: str) -> None:
        """Say this once the schedule is read again (it is when this screen is back on top)."""
        self.note = note

    def load(self, then: Callable[[], object] | None = None) -> None:
        app = self.kiosk
        day, now = self.day, self.clock.now()
        studio = app.content.studio

        def read() -> DayView:
            bookings = app.store.bookings
            came = [v for v in app.store.visits_on(day) if not is_missed_visit(v)]
            lines = day_schedule(
                bookings.on(day), came, now, studio.hours, studio.bookings, day=day
            )
            missed = {
                m.booking_key: m
                for m in bookings.missed(since=day)
                if m.start.astimezone(LONDON).date() == day
            }
            return DayView(
                day,
                tuple(lines),
                missed,
                bookings.sync_status().words(now),
                len(bookings.unmatched(since=self.today)),
                tuple(bookings.warnings),
            )

        def done(view: DayView) -> None:
            self.show(view)
            self.say(self.note)
            self.note = ""
            if then is not None:
                then()

        self.run_slow(LOADING, read, done, self._failed("read the bookings"))

    def _failed(self, what: str) -> Callable[[Exception], bool]:
        def failed(error: Exception) -> bool:
            if not isinstance(error, OSError):
                return False
            self.say(f"Could not {what}: {error.strerror or error}", problem=True)
            return True

        return failed

    def line_text(self, line: ScheduleLine, missed: Mapping[str, Missed]) -> str:
        b = line.booking
        code = line.member_code
        member = self.kiosk.store.member(code) if code else None
        kind = b.kind if b is not None else (line.visit.kind if line.visit else None)
        words = line.words
        if b is not None and b.key in missed:
            words += ", excused" if missed[b.key].excused else ", recorded"
        text = f"{line.at.astimezone(LONDON):%H:%M}  {kind or '-'!s:<7} "
        text += f"{who(member, code, b)}  {words}{flags_text(line.visit)}"
        if b is not None and b.trainer:
            text += f"  with {b.trainer}"
        if b is not None and b.source is Source.KIOSK:
            text += "  (own)"
        return text

    def show(self, view: DayView) -> None:
        self.view = view
        listing = self.query_one("#schedule", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        listing.add_options(Option(plain(self.line_text(line, view.missed))) for line in view.lines)
        if view.lines:
            listing.highlighted = min(highlighted or 0, len(view.lines) - 1)
        else:
            listing.add_option(Option("No bookings and no visits on this day.", disabled=True))
        counts: dict[Attendance, int] = {}
        for line in view.lines:
            counts[line.attendance] = counts.get(line.attendance, 0) + 1
        parts = [f"{n} {COUNT_WORDS[a]}" for a in Attendance if (n := counts.get(a, 0))]
        when = "today" if view.day == self.today else f"{view.day:%A}"
        summary = f"{view.day:%d/%m/%Y} ({when})" + (": " + ", ".join(parts) if parts else "")
        self.query_one("#schedule-day", Static).update(Content(summary))
        sync = view.sync
        if view.unmatched:
            sync += f" {view.unmatched} unmatched from today on: U to match them."
        for warning in view.warnings:
            sync += f" {warning}"
        self.query_one("#sync", Static).update(Content(sync))

    def chosen(self) -> ScheduleLine | None:
        listing = self.query_one("#schedule", OptionList)
        n = listing.highlighted
        lines = self.view.lines if self.view is not None else ()
        return lines[n] if n is not None and 0 <= n < len(lines) else None

    @on(OptionList.OptionSelected, "#schedule")
    def _selected(self) -> None:
        line = self.chosen()
        code = line.member_code if line is not None else None
        if line is None:
            return
        if not code:
            self.say("No member to open: H matches this booking to one.", problem=True)
        elif self.kiosk.store.member(code) is None:
            self.say(f"No member {code} in the records.", problem=True)
        else:
            open_member(self.kiosk, code)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.call_later(self.run_action, event.button.id)

    def action_day(self, step: int) -> None:
        day = self.day + timedelta(days=step)
        if (
            not self.today - timedelta(days=BACK_DAYS)
            <= day
            <= self.today + timedelta(days=AHEAD_DAYS)
        ):
            self.say("The bookings kept go no further that way.", problem=True)
            return
        self.day = day
        self.load()

    # the kiosk's own bookings

    def action_add(self) -> None:
        def picked(code: str | None) -> None:
            if code:
                self.app.push_screen(BookingFormScreen(self.kiosk, code, None, self.day), added)

        def added(booking: Booking | None) -> None:
            if booking is not None:
                self.day = booking.day
                member = self.kiosk.store.member(booking.member_code or "")
                self.note = f"Booked: {booking_line(booking, member)}"

        self.app.push_screen(MemberPickScreen(self.kiosk, "Book for which member?"), picked)

    def _own(self, what: str) -> Booking | None:
        line = self.chosen()
        b = line.booking if line is not None else None
        if b is None:
            self.say(f"Pick a booking to {what}.", problem=True)
            return None
        if b.source is not Source.KIOSK:
            self.say(
                f"This booking is in the studio's calendar: {what} it there, "
                "and the next sync brings the change.",
                problem=True,
            )
            return None
        if not b.booked:
            self.say("This booking is cancelled.", problem=True)
            return None
        return b

    def action_move(self) -> None:
        b = self._own("move")
        if b is None or b.member_code is None:
            return

        def saved(booking: Booking | None) -> None:
            if booking is not None:
                self.day = booking.day
                self.note = f"Moved to {booking_when(booking)}."

        self.app.push_screen(BookingFormScreen(self.kiosk, b.member_code, b, self.day), saved)

    def action_cancel_booking(self) -> None:
        b = self._own("cancel")
        if b is None:
            return
        member = self.kiosk.store.member(b.member_code or "")
        confirm(
            self,
            "Cancel this booking?",
            "Cancel it",
            lambda: self._cancel(b),
            [booking_line(b, member)],
        )

    def _cancel(self, b: Booking) -> None:
        try:
            self.kiosk.store.bookings.update(cancelled(b, self.clock.now()))
        except (OSError, KeyError) as e:
            self.say(f"Could not cancel: {getattr(e, 'strerror', None) or e}", problem=True)
            return
        self.load(lambda: self.say("Cancelled."))

    # matching and excusing

    def action_match(self) -> None:
        line = self.chosen()
        b = line.booking if line is not None else None
        if b is None or b.source is Source.KIOSK:
            self.say("Pick a booking from the calendar to match.", problem=True)
            return
        match_by_hand(self, b, lambda: self.say_after(MATCHED))

    def action_unmatched(self) -> None:
        self.app.push_screen(UnmatchedScreen(self.kiosk))

    def action_excuse(self) -> None:
        line = self.chosen()
        b = line.booking if line is not None else None
        found = self.view.missed.get(b.key) if b is not None and self.view else None
        if b is None or line is None:
            self.say("Pick a no-show to excuse.", problem=True)
            return
        if found is None:
            if line.attendance in (Attendance.NO_SHOW, Attendance.LATE_CANCEL):
                self.say("Not recorded yet: no-shows are recorded at closing time.", problem=True)
            else:
                self.say("Only a no-show or a late cancel can be excused.", problem=True)
            return
        if found.excused:
            self.say("Already excused.", problem=True)
            return
        member = self.kiosk.store.member(found.member_code)
        confirm(
            self,
            f"Excuse this {REASON_WORDS[found.reason]}?",
            "Excuse it",
            lambda: self._excuse(found),
            [booking_line(b, member), "A session it used goes back to their pack."],
        )

    def _excuse(self, found: Missed) -> None:
        store = self.kiosk.store
        # a session given back changes the member: the index is rebuilt after
        change_members(
            self,
            lambda: excuse(store, found),
            lambda _: self.load(lambda: self.say("Excused: any session it used is back.")),
            self._failed("excuse it"),
        )


def match_by_hand(screen: StaffScreen, booking: Booking, then: Callable[[], object]) -> None:
    """Ask which member a calendar booking is for, and remember it for every sync."""
    title = booking.summary or "a booking"

    def picked(code: str | None) -> None:
        if not code:
            return
        try:
            screen.kiosk.store.bookings.match_by_hand(booking.key, code)
        except OSError as e:
            screen.say(f"Could not save the match: {e.strerror or e}", problem=True)
            return
        then()

    screen.app.push_screen(MemberPickScreen(screen.kiosk, f'Who is "{title}" for?'), picked)


class UnmatchedScreen(StaffScreen):
    """Bookings from today on that no member could be matched to; Enter matches one."""

    CSS_PATH: ClassVar[CSSPathType | None] = BOOKINGS_CSS
    AUTO_FOCUS = "#unmatched"

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.bookings: list[Booking] = []
        self.note = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Unmatched bookings")
            yield Static(
                "Nobody's member code, email, phone or full name was in these bookings.",
                id="explain",
            )
            yield OptionList(id="unmatched", classes="staff-list")
            yield status_line()
            yield keys_line("Up/Down: pick   Enter: match to a member   Esc: back")

    def on_screen_resume(self) -> None:
        today = self.clock.now().astimezone(LONDON).date()
        app = self.kiosk
        self.run_slow(LOADING, lambda: app.store.bookings.unmatched(today), self.show)

    def say_after(self, note: str) -> None:
        self.note = note

    def show(self, found: list[Booking]) -> None:
        self.bookings = found
        self.say(self.note)
        self.note = ""
        listing = self.query_one("#unmatched", OptionList)
        listing.clear_options()
        listing.add_options(Option(plain(booking_line(b, None))) for b in found)
        if found:
            listing.highlighted = 0
        else:
            listing.add_option(Option("Every booking from today on has its member.", disabled=True))

    @on(OptionList.OptionSelected, "#unmatched")
    def _selected(self) -> None:
        n = self.query_one("#unmatched", OptionList).highlighted
        if n is None or not 0 <= n < len(self.bookings):
            return
        match_by_hand(self, self.bookings[n], lambda: self.say_after(MATCHED))


class MemberPickScreen(StaffScreen):
    """Pick a member by name, phone, code or email; dismisses with their code (None: Esc)."""

    CSS_PATH: ClassVar[CSSPathType | None] = BOOKINGS_CSS
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("down", "to_list", show=False),
    ]

    def __init__(self, app: KioskApp, question: str) -> None:
        super().__init__(app)
        self.question = question
        self.found: list[Member] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Pick a member")
            yield Static(Content(self.question), id="question")
            yield Input(id="query", placeholder="Name, phone, member code or email")
            yield OptionList(id="found", classes="staff-list")
            yield status_line()
            yield keys_line("Type 2+ characters   Down: to the list   Enter: pick   Esc: back")

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self.found = find_members(self.kiosk, event.value)
        listing = self.query_one("#found", OptionList)
        listing.clear_options()
        listing.add_options(Option(plain(member_line(m)), id=m.code) for m in self.found)
        if self.found:
            listing.highlighted = 0
        self.say("Nobody found." if len(event.value.strip()) >= 2 and not self.found else "")

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        n = self.query_one("#found", OptionList).highlighted
        if n is not None and 0 <= n < len(self.found):
            self.dismiss(self.found[n].code)

    def action_to_list(self) -> None:
        if self.found:
            self.query_one("#found", OptionList).focus()

    @on(OptionList.OptionSelected, "#found")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.dismiss(event.option.id)


class BookingFormScreen(FormScreen):
    """Add one of the kiosk's own bookings (booking None) or move one; dismisses with it."""

    CSS_PATH: ClassVar[CSSPathType | None] = BOOKINGS_CSS
    AUTO_FOCUS = "#date"

    def __init__(self, app: KioskApp, code: str, booking: Booking | None, day: date) -> None:
        super().__init__(app)
        self.code = code
        self.booking = booking
        self.default_day = day

    def small(self, name: str, label: str, value: str, placeholder: str = "") -> ComposeResult:
        yield Static(label, classes="label")
        yield Input(value, id=name, placeholder=placeholder, classes="field")

    def compose(self) -> ComposeResult:
        b = self.booking
        member = self.kiosk.store.member(self.code)
        name = f"{member.first_name} {member.last_name} ({member.code})" if member else self.code
        policy = self.kiosk.content.studio.bookings
        start = b.start.astimezone(LONDON) if b else None
        minutes = int((b.end - b.start).total_seconds() // 60) if b else policy.slot_minutes
        with Vertical(classes="kiosk-form staff-body", id="booking-form"):
            yield title_bar("Move a booking" if b else "Add a booking")
            yield Static(
                Content(
                    f"{'Moving' if b else 'For'}: {name}" + (f", {booking_when(b)}" if b else "")
                ),
                id="for",
            )
            with Horizontal(classes="field-row"):
                yield from self.small(
                    "date", "Day", day_text(start.date() if start else self.default_day)
                )
                yield from self.small("time", "Time", f"{start:%H:%M}" if start else "", "10:30")
                yield from self.small("minutes", "Minutes", str(minutes))
            if b is None:
                with Horizontal(classes="field-row"):
                    yield from self.small("session", "Kind", "EMS", "EMS/PT/Pilates")
                    yield from self.small("trainer", "Trainer", "")
                    yield from self.small("room", "Room", "")
            for field in FORM_FIELDS.values():
                problem = Static("", id=f"{field}-problem", classes="problem")
                problem.display = False
                yield problem
            yield from self.buttons()
            yield status_line()
            yield keys_line("Enter: next field   F10: save   Esc: cancel")

    def action_save(self) -> None:
        b = self.booking
        form = read_booking_form(
            day=self.value("date"),
            start=self.value("time"),
            minutes=self.value("minutes"),
            kind=self.value("session") if b is None else "",
            today=self.clock.now().astimezone(LONDON).date(),
        )
        for name, field in FORM_FIELDS.items():
            self.problem(field, form.problems.get(name, ""))
        if not form.ok or form.start is None or form.end is None:
            self.say("Please fix what is marked above.", problem=True)
            return
        bookings = self.kiosk.store.bookings
        try:
            if b is None:
                if self.kiosk.store.member(self.code) is None:
                    self.say("This member is no longer in the records.", problem=True)
                    return
                booking = new_booking(
                    form.start,
                    form.end,
                    self.code,
                    form.kind,
                    trainer=self.value("trainer"),
                    room=self.value("room"),
                    summary=f"{form.kind or 'Session'} (booked at the kiosk)",
                )
                bookings.add(booking)
            else:
                booking = moved(b, form.start, form.end)
                bookings.update(booking)
        except (OSError, KeyError, ValueError) as e:
            self.say(f"Could not save: {getattr(e, 'strerror', None) or e}", problem=True)
            return
        self.dismiss(booking)
