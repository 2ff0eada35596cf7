"""The kiosk App: builds the screens and routes between them. It owns nothing else.

Everything it needs (content, store, clock) is handed in, so a test builds it with a temporary
store and a frozen clock. `kiosk run` hands in a way to open the store instead: the front desk
paints first and the store (thousands of members: half a second on a Pi) opens in a worker,
while keys typed meanwhile wait in the type-ahead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from textual import events
from textual.message import Message
from textual.worker import Worker, WorkerState

from kiosk.core.clock import Clock
from kiosk.core.content import Content
from kiosk.core.typeahead import ENTER, Keystroke, Place, TypeAhead
from kiosk.ui import messages
from kiosk.ui.console_blank import ConsoleBlanking
from kiosk.ui.desk_notes import NOTES_SECONDS, DeskNotes, pin_missing, read_notes
from kiosk.ui.lockdown import LockedDownApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.theme import THEME_NAME, textual_theme
from kiosk.ui.watchdog import Notifier

if TYPE_CHECKING:  # the store loads after the first paint (see StoreOpener)
    from kiosk.core.desk_guard import DeskGuard
    from kiosk.core.lookup import MemberIndex
    from kiosk.store import Store
    from kiosk.store.bookings import Bookings

# The other screens are imported where they are first opened: the front desk paints sooner.

# opens the store (recovering damaged files) and gives its start-up warnings for staff
StoreOpener = Callable[[], "tuple[Store, list[str]]"]
OPEN_STORE = "open the store"
# A scanner's Enter that arrives while the kiosk is (re)starting, before Textual has the terminal
# in raw mode, reaches it as a newline: Ctrl+J. Nothing in the kiosk uses Ctrl+J.
NEWLINE = "ctrl+j"

# what counts as someone using the screen (a mouse merely moving over it does not)
ACTIVITY = (
    events.Key,
    events.MouseDown,
    events.MouseScrollDown,
    events.MouseScrollUp,
    events.Paste,
)


class StorageChanged(Message):
    """The store found the disk full or read-only, or writable again (Store.storage_watch)."""


class KioskApp(LockedDownApp):
    """Lock-down (no way out but `leave_kiosk`, errors logged) comes from LockedDownApp."""

    CSS_PATH = "app.tcss"
    TITLE = "studio-kiosk"
    store: Store  # set at once, or once a StoreOpener has opened it

    def __init__(
        self,
        content: Content,
        store: Store | StoreOpener,
        clock: Clock,
        *,
        warnings: Sequence[str] = (),
        notifier: Notifier | None = None,
        font: frozenset[str] | None = None,
    ) -> None:
        super().__init__(notifier)
        self.content = content
        # the console font's characters (kiosk/console.py); None: a terminal with every glyph
        self.font = font
        self.clock = clock
        # the studio's colours ([theme] in studio.toml), which every .tcss names by role
        self.register_theme(textual_theme(content.studio.theme))
        self.theme = THEME_NAME
        self.warnings = list(warnings)  # start-up warnings for staff (e.g. a restored file)
        # the one owner of keys on the check-in path (see route_key)
        self.type_ahead = TypeAhead(codes=self._codes)
        # the look-up's slow-down after many misses: kept here, so leaving the look-up keeps it
        self.start_error: BaseException | None = None  # the store could not be opened
        self.desk_notes = DeskNotes()  # no PIN set, a failed backup: for the staff corner
        self.desk_notes_shown = 0
        self.console_blanking = ConsoleBlanking()  # the Linux console's own blanking: off
        self._opener: StoreOpener | None = None
        if callable(store):
            self._opener = store
            self.type_ahead.paused = True  # until the store is open
        else:
            self.store = store

    @cached_property
    def desk_guard(self) -> DeskGuard:
        """The look-up's slow-down for the whole run, made at the first look-up (its module and
        the member index's are not needed for the first paint)."""
        from kiosk.core.desk_guard import DeskGuard

        return DeskGuard()

    @property
    def bookings(self) -> Bookings:
        """Today's appointments (kiosk/store/bookings.py), read when first needed."""
        return self.store.bookings

    def on_mount(self) -> None:
        self.push_screen(FrontDeskScreen(self.content, self.clock))
        if self._opener is None:
            self.call_after_refresh(self.store_ready)
        else:
            # As the front desk's codes do: while the App starts, after-refresh callbacks run at
            # once, so through its queue the worker starts after the first frame, and does not
            # take the GIL (its imports alone are 30 ms) from the thread writing that frame out.
            self.call_later(self.call_after_refresh, self._open_store)

    def _open_store(self) -> None:
        assert self._opener is not None
        self.run_worker(self._opener, name=OPEN_STORE, thread=True, exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.name != OPEN_STORE:
            return
        if event.state is WorkerState.SUCCESS:
            opened = event.worker.result
            assert opened is not None
            self.store, warnings = opened
            self.warnings += warnings
            self.store_ready()
        elif event.state is WorkerState.ERROR:  # `kiosk run` explains it once the screen is back
            self.start_error = event.worker.error
            self.exit(1)

    def store_ready(self) -> None:
        """The store is open: keys that waited go on, and the day's work starts."""
        from kiosk.ui.day_end import DayEnd  # not needed for the first paint

        self.type_ahead.resume()
        self.keys_taken()
        self.store.storage_watch = self._storage_changed  # may be called from a worker thread
        self.show_storage()
        self.day_end = DayEnd(self)  # no-shows at closing time, and at start-up for days before
        self.day_end.start()
        self.read_desk_notes()
        self.set_interval(NOTES_SECONDS, self.read_desk_notes, name="desk notes")
        from kiosk.ui.retention_daily import DailyRetention

        self.retention = DailyRetention(self)  # the privacy notice's promise, every day
        self.retention.start()

    def read_desk_notes(self) -> None:
        """What the staff corner says, read in a thread (a PIN set or a backup made meanwhile
        shows here within a minute)."""
        directory, now = self.store.directory, self.clock.now()

        async def read() -> None:
            # not call_from_thread: a thread waiting on a loop that has stopped would hold the exit
            self.show_desk_notes(await asyncio.to_thread(read_notes, directory, now))

        self.run_worker(read(), name="desk notes", exit_on_error=False)

    def show_desk_notes(self, notes: DeskNotes) -> None:
        self.desk_notes = notes
        self.desk_notes_shown += 1
        for screen in self.screen_stack:
            if isinstance(screen, FrontDeskScreen):
                screen.show_staff_note(notes.front_desk())

    def unguarded(self) -> bool:
        if not hasattr(self, "store"):
            return False
        # read again: a PIN set with `kiosk set-pin` a moment ago locks Ctrl+Q at once
        no_pin = pin_missing(self.store.directory)
        if no_pin != self.desk_notes.no_pin:
            self.show_desk_notes(replace(self.desk_notes, no_pin=no_pin))
        return no_pin

    # --- keys: every key from the terminal comes in here first ------------------------------

    async def on_event(self, event: events.Event) -> None:
        # Textual's documented hook for every event the App receives. A key on the check-in
        # path goes through the one TypeAhead, whatever the screens are doing; the rest as usual.
        if self.type_ahead.paused and isinstance(event, events.MouseEvent):
            return  # a tap before the store is open could reach for it: taps are not typed ahead
        if isinstance(event, ACTIVITY) and not event.is_forwarded:
            touch = getattr(self.screen, "touch", None)  # someone is using the screen
            if touch is not None:
                touch()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if event.key == NEWLINE:  # an Enter typed before the terminal left line mode
                await self.route_key(Keystroke(ENTER, "\r"))
                return
            await self.route_key(Keystroke(event.key, event.character), event)
            return
        await super().on_event(event)

    def _codes(self) -> MemberIndex:
        return self.store.member_index()

    async def route_key(self, stroke: Keystroke, event: events.Key | None = None) -> None:
        """Do what the type-ahead says with one key; the screens never pass keys on themselves."""
        place = getattr(self.screen, "key_place", Place.ELSEWHERE)
        try:
            answer = self.type_ahead.key(place, stroke, self.clock.monotonic())
        except Exception:  # an unreadable store while checking for a scanned code
            self.log.error("check-in: the members could not be read")
            self.type_ahead.drop()
            answer = self.type_ahead.key(Place.ELSEWHERE, stroke)
        if answer.scanned is not None:
            self.check_in(answer.scanned)
        elif answer.open:
            self.open_look_up()
        elif answer.close:
            self.back_to_front_desk()
        for key in answer.keys:
            same = event is not None and key is stroke
            await super().on_event(event if same and event else events.Key(key.key, key.character))

    def keys_taken(self) -> None:
        """The look-up has acted on what it took: keys that waited behind it take their turn."""
        self.call_later(self._route_waiting)

    async def _route_waiting(self) -> None:
        for stroke in self.type_ahead.release():
            await self.route_key(stroke)

    def release_held_keys(self) -> None:
        """Called on the screens' idle tick: held keys that no scanned code followed."""
        if self.type_ahead.held:
            self.call_later(self._route_stale)

    async def _route_stale(self) -> None:
        # checked here, in turn with the keys, so a key already queued cannot overtake them
        for stroke in self.type_ahead.stale(self.clock.monotonic()):
            await super().on_event(events.Key(stroke.key, stroke.character))

    def open_look_up(self) -> None:
        from kiosk.ui.screens.checkin import open_look_up

        self.back_to_front_desk()  # from the after-hours screen: woken by this first key
        open_look_up(self)

    def check_in(self, code: str) -> None:
        """A member code was scanned: whatever was on screen, check that member in."""
        from kiosk.ui.screens.checkin import CheckInFlow

        self.back_to_front_desk()
        CheckInFlow(self, code).start()

    def on_open_registration(self, message: messages.OpenRegistration) -> None:
        from kiosk.ui.screens.register import RegisterScreen

        if not isinstance(self.screen, RegisterScreen):
            self.push_screen(RegisterScreen(self.content.terms, self.clock, typed=message.typed))

    def on_open_warmups(self, message: messages.OpenWarmups) -> None:
        from kiosk.ui.screens.warmup_menu import open_warmups

        open_warmups(self, message.programme_id)

    def on_open_staff(self, message: messages.OpenStaff) -> None:
        from kiosk.ui.screens.staff import open_staff

        open_staff(self)  # the PIN first, then staff mode

    def on_back_to_front_desk(self, message: messages.BackToFrontDesk) -> None:
        self.back_to_front_desk()

    def back_to_front_desk(self) -> None:
        while len(self.screen_stack) > 2 or not isinstance(self.screen, FrontDeskScreen):
            if len(self.screen_stack) <= 1:
                break
            self.pop_screen()

    def _storage_changed(self) -> None:
        self.post_message(StorageChanged())  # post_message is Textual's thread-safe call

    def on_storage_changed(self, message: StorageChanged) -> None:
        self.show_storage()

    def storage_text(self) -> str:
        """What the front desk says while the store cannot write ("Storage full - see staff",
        or read-only; kiosk/store/files.py StorageProblem); empty when all is well."""
        store: Store | None = getattr(self, "store", None)  # None until the store is open
        problem = store.storage_problem if store is not None else None
        return f"Storage {problem.value} - see staff" if problem else ""

    def show_storage(self) -> None:
        """The front desk says when the data directory is full or read-only, so clients see
        staff rather than trust a check-in that cannot be saved."""
        text = self.storage_text()
        for screen in self.screen_stack:
            if isinstance(screen, FrontDeskScreen):
                screen.show_storage_problem(text)
