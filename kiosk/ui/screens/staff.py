"""Staff mode: the home menu, the screens' shared base, and a yes/no confirmation.

Opened from the front desk (F12, or five taps on the studio name) and a PIN (staff_pin.py).
Every staff screen logs out to the front desk after the studio's `[staff] idle_seconds` without
input, measured on the injected clock. Keyboard first (a digit or letter for each action, Esc
goes back); every action is also a button for the touch screen. Whatever a person typed is
shown as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual._path import CSSPathType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.ui.screens.idle import IdleScreen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

STAFF_CSS: CSSPathType = ["staff.tcss", "../widgets/console.tcss"]


def plain(text: str) -> Content:
    """Text a person typed, for an option list: never read as markup."""
    return Content(text)


class StaffScreen(IdleScreen):
    """Base of every staff screen: the staff idle time, the look, Esc to go back."""

    CSS_PATH: ClassVar[CSSPathType | None] = STAFF_CSS
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app.clock, app.content.studio.staff.idle_seconds)
        self.add_class("staff")

    def action_back(self) -> None:
        self.dismiss(None)

    def say(self, text: str, *, problem: bool = False) -> None:
        """Show a one-line status (plain text) at the bottom of the screen."""
        status = self.query_one("#status", Static)
        status.update(Content(text))
        status.set_class(problem, "-problem")

    async def _on_message(self, message: Message) -> None:
        # moving through a list is using the screen even when the list swallows the key
        if isinstance(message, OptionList.OptionHighlighted | events.Click):
            self.touch()
        await super()._on_message(message)


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
)


class StaffHome(StaffScreen):
    AUTO_FOCUS = "#menu"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Leave staff mode", show=False),
        *(Binding(key, action, show=False) for key, _, action in MENU),
    ]

    def compose(self) -> ComposeResult:
        warnings = self.kiosk.warnings
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar(f"Staff mode · {self.kiosk.content.studio.name}")
            if warnings:
                with Vertical(id="warnings"):
                    yield Static("Start-up warnings:", classes="warning-title")
                    for line in warnings:
                        yield Static(Content(f"- {line}"), classes="warning")
            yield OptionList(
                *(Option(plain(f"{key}  {label}"), id=action) for key, label, action in MENU),
                id="menu",
            )
            yield status_line()
            yield keys_line(
                f"1-7 or Enter: choose   Esc: leave staff mode   "
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


def open_staff(app: KioskApp) -> None:
    """F12 or the taps at the front desk: ask for the PIN (once; staff mode may be open)."""
    from kiosk.ui.screens.staff_pin import PinScreen

    if any(isinstance(s, StaffScreen) for s in app.screen_stack):
        return
    app.push_screen(PinScreen(app))
