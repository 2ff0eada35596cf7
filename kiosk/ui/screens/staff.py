"""Staff mode: the home menu, the screens' shared base, and a yes/no confirmation.

Opened from the front desk (F12, or five taps on the studio name) and a PIN (staff_pin.py).
Every staff screen logs out to the front desk after the studio's `[staff] idle_seconds` without
input, measured on the injected clock. Keyboard first (a digit or letter for each action, Esc
goes back); every action is also a button for the touch screen. Whatever a person typed is
shown as plain text. Slow work (the PIN's hash, backups, exports) runs in a thread worker
(`StaffScreen.run_slow`) while the screen says what it is doing and takes no other action.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable, Coroutine, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.reactive import var
from textual.types import CSSPathType
from textual.widget import Widget
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerFailed, WorkerState

from kiosk.ui.screens.idle import IdleScreen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

STAFF_CSS: CSSPathType = ["staff.tcss", "../widgets/console.tcss"]
T = TypeVar("T")
Done = Callable[[Any], object]
Failed = Callable[[Exception], bool]
INDEX_WORK = "member-index"  # the worker group that rebuilds the look-up's member index
SAVING = "Saving..."


def plain(text: str) -> Content:
    """Text a person typed, for an option list: never read as markup."""
    return Content(text)


class StaffScreen(IdleScreen):
    """Base of every staff screen: the staff idle time, the look, Esc to go back."""

    CSS_PATH: ClassVar[CSSPathType | None] = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]
    WHILE_BUSY: ClassVar[frozenset[str]] = frozenset()  # actions still allowed during slow work

    busy: var[str] = var("")  # the slow work under way, as shown ("Backing up..."); "" if none

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app.clock, app.content.studio.staff.idle_seconds)
        self.add_class("staff")
        self._jobs: dict[Worker[Any], tuple[Done, Failed | None]] = {}
        self._focus_after: Widget | None = None

    def run_slow(
        self,
        busy: str,
        job: Callable[[], T] | Callable[[], Coroutine[Any, Any, T]],
        done: Callable[[T], object],
        failed: Failed | None = None,
    ) -> bool:
        """Run `job` in a thread worker while the screen shows `busy` and takes no other action
        (a coroutine function runs as an asyncio worker instead, on the event loop).

        `done(result)` runs on the UI thread, and only if this screen is still open.
        `failed(error)` says whether it dealt with the job's error; one it did not is raised
        on the UI thread (the App's crash handler). False when other slow work is under way.
        """
        if self.busy:
            return False
        self.busy = busy
        thread = not inspect.iscoroutinefunction(job)
        worker = self.run_worker(job, name=busy, group="staff", thread=thread, exit_on_error=False)
        self._jobs[worker] = (done, failed)
        return True

    def watch_busy(self, busy: str) -> None:
        body = self.query(".staff-body").first()
        if busy:
            self._focus_after = self.focused
            body.disabled = True  # every button, list and box in it: no second press
            self.say(busy)
            return
        body.disabled = False
        again, self._focus_after = self._focus_after, None
        if again is not None and again.is_attached and again.focusable:
            again.focus()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        job = self._jobs.get(event.worker)
        if job is None or event.state in (WorkerState.PENDING, WorkerState.RUNNING):
            return
        del self._jobs[event.worker]
        self.busy = ""
        if not self.is_attached or self not in self.app.screen_stack:
            return  # dismissed meanwhile: the result belongs to no screen
        done, failed = job
        if event.state is WorkerState.SUCCESS:
            done(event.worker.result)
        elif event.state is WorkerState.ERROR:
            error = event.worker.error
            if not isinstance(error, Exception) or failed is None or not failed(error):
                raise error if error is not None else RuntimeError(event.worker.name)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not self.busy or action in self.WHILE_BUSY

    def on_key(self, event: events.Key) -> None:
        if self.busy and event.is_printable:
            self.say(f"{self.busy} One moment, please.")  # the key is seen, and ignored

    def action_back(self) -> None:
        self.dismiss(None)

    def say(self, text: str, *, problem: bool = False) -> None:
        """Show a one-line status (plain text) at the bottom of the screen."""
        status = self.query_one("#status", Static)
        status.update(Content(text))
        status.set_class(problem, "-problem")


def title_bar(text: str) -> Static:
    return Static(Content(text), classes="staff-title")


def status_line() -> Static:
    return Static("", id="status", classes="staff-status")


def keys_line(text: str) -> Static:
    return Static(Content(text), classes="staff-keys")


class ConfirmScreen(StaffScreen):
    """Asks yes or no; dismisses with True for yes. "No" has the focus: Enter is safe."""

    AUTO_FOCUS = "#no"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,n", "answer(False)", show=False),
        Binding("y", "answer(True)", show=False),
    ]

    def __init__(self, app: KioskApp, question: str, yes: str, details: Sequence[str] = ()) -> None:
        super().__init__(app)
        self.question = question
        self.yes = yes
        self.details = tuple(details)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Please confirm")
            yield Static(Content(self.question), id="question")
            for line in self.details:
                yield Static(Content(line), classes="detail")
            with Horizontal(classes="staff-actions"):
                yield Button(f"Y  {self.yes}", id="yes", variant="error")
                yield Button("N  No, go back", id="no")
            yield keys_line("Y: yes   N or Esc: no")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.dismiss(False)


def confirm(
    screen: StaffScreen,
    question: str,
    yes: str,
    then: Callable[[], None],
    details: Sequence[str] = (),
) -> None:
    """Ask, and run `then` only on yes."""

    def answered(answer: bool | None) -> None:
        if answer:
            then()

    screen.app.push_screen(ConfirmScreen(screen.kiosk, question, yes, details), answered)


# The home menu: (key, label, action name). The digit keys choose, so does Enter or a tap.
MENU: tuple[tuple[str, str, str], ...] = (
    ("1", "Today's visits (undo a check-in)", "visits"),
    ("2", "Find a member (details, packs, trainer flag, check in)", "find"),
    ("3", "Add a member", "add_member"),
    ("4", "Export members and visits as CSV", "export"),
    ("5", "Back up now", "backup"),
    ("6", "Leave staff mode", "leave"),
    ("7", "Exit the kiosk", "exit_kiosk"),
    ("8", "Bookings (schedule, no-shows, matching, own bookings)", "bookings"),
    ("9", "Due to be anonymised in the next 30 days (privacy)", "retention"),
    ("i", "Insights (who to call this week, charts)", "insights"),
)


def menu_keys() -> str:
    """The menu keys as shown: the digits as a range, then any letter keys ("1-8, i")."""
    digits = [k for k, _, _ in MENU if k.isdigit()]
    letters = [k for k, _, _ in MENU if not k.isdigit()]
    return ", ".join([f"{digits[0]}-{digits[-1]}", *letters] if digits else letters)


class StaffHome(StaffScreen):
    AUTO_FOCUS = "#menu"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave staff mode", show=False),
        *(Binding(key, action, show=False) for key, _, action in MENU),
    ]
    notice = ""  # set by the PIN screen: the PIN lock-outs since staff last logged in

    def compose(self) -> ComposeResult:
        warnings = self.kiosk.warnings
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar(f"Staff mode · {self.kiosk.content.studio.name}")
            if warnings:
                with Vertical(id="warnings"):
                    yield Static("Start-up warnings:", classes="warning-title")
                    for line in warnings:
                        yield Static(Content(f"- {line}"), classes="warning")
            if self.notice:
                yield Static(Content(self.notice), id="notice", classes="warning")
            backups = self.kiosk.desk_notes.backup_problem  # e.g. the nightly backup failed
            if backups is not None:
                yield Static(Content(backups), id="backup-problem", classes="warning")
            yield OptionList(
                *(Option(plain(f"{key}  {label}"), id=action) for key, label, action in MENU),
                id="menu",
            )
            yield status_line()
            yield keys_line(
                f"{menu_keys()} or Enter: choose   Esc: leave staff mode   "
                f"Logs out after {int(self.idle_seconds)} s untouched"
            )

    @on(OptionList.OptionSelected, "#menu")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        action = event.option.id
        if action:
            self.call_later(self.run_action, action)

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    def action_visits(self) -> None:
        from kiosk.ui.screens.staff_visits import TodayScreen

        self.app.push_screen(TodayScreen(self.kiosk))

    def action_bookings(self) -> None:
        from kiosk.ui.screens.staff_bookings import BookingsScreen

        self.app.push_screen(BookingsScreen(self.kiosk))

    def action_insights(self) -> None:
        from kiosk.ui.screens.staff_insights import InsightsScreen

        self.app.push_screen(InsightsScreen(self.kiosk))

    def action_retention(self) -> None:
        from kiosk.ui.screens.staff_retention import RetentionScreen

        self.app.push_screen(RetentionScreen(self.kiosk))

    def action_find(self) -> None:
        from kiosk.ui.screens.staff_members import FindMemberScreen

        self.app.push_screen(FindMemberScreen(self.kiosk))

    def action_add_member(self) -> None:
        from kiosk.ui.screens.staff_members import MemberFormScreen, open_member

        def added(code: str | None) -> None:
            if code:
                open_member(self.kiosk, code)

        self.app.push_screen(MemberFormScreen(self.kiosk, None), added)

    def action_export(self) -> None:
        from kiosk.ui.screens.staff_files import export_csv

        export_csv(self)

    def action_backup(self) -> None:
        from kiosk.ui.screens.staff_files import back_up_now

        back_up_now(self)

    def action_exit_kiosk(self) -> None:
        confirm(
            self,
            "Exit the kiosk? The front desk stops until it is started again.",
            "Exit",
            self._exit,
        )

    def _exit(self) -> None:
        self.kiosk.leave_kiosk()


def rebuild_member_index(app: KioskApp) -> None:
    """Build the look-up's member index again in a thread (180 ms at 5,000 members here, 8x
    that on a Pi), so the next look-up at the front desk finds it ready."""
    app.run_worker(
        app.store.member_index,
        name="member index",
        group=INDEX_WORK,
        thread=True,
        exit_on_error=False,  # a failed build is only not cached: the look-up builds it then
    )


def change_members(
    screen: StaffScreen,
    change: Callable[[], T],
    done: Callable[[T], object],
    failed: Failed | None = None,
) -> None:
    """Change members (on the UI thread, like every store write), rebuild the index after,
    then `done(result)`; `failed(error)` as in run_slow (OSError: a full disk).

    A rebuild under way is waited for first, in a worker: it reads the members, and a change
    under it would leave a stale index cached. Meanwhile the screen says "Saving...".
    """
    app = screen.kiosk

    def apply() -> T:
        try:
            return change()
        finally:
            rebuild_member_index(app)

    running = [w for w in app.workers if w.group == INDEX_WORK and not w.is_finished]
    if running:

        async def after_rebuild() -> T:
            with contextlib.suppress(WorkerFailed):
                await app.workers.wait_for_complete(running)
            return apply()

        screen.run_slow(SAVING, after_rebuild, done, failed)
        return
    try:
        result = apply()
    except Exception as error:
        if failed is None or not failed(error):
            raise
        return
    done(result)


def open_staff(app: KioskApp) -> None:
    """F12 or the taps at the front desk: ask for the PIN (once; staff mode may be open)."""
    from kiosk.ui.screens.staff_pin import PinScreen

    if any(isinstance(s, StaffScreen) for s in app.screen_stack):
        return
    app.push_screen(PinScreen(app))
