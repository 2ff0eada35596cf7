"""The warm-up menu: the programmes with their length; Enter (or a tap) starts one.

Reached with F2 or the Warm-up button at the front desk. The check-in result can also start a
programme straight away by its id (``OpenWarmups("ems-pre-session")``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.types import CSSPathType
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.clock import Clock
from kiosk.core.programmes import Programme, WarmupLibrary, length_text
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.warmup import CSS, WarmupScreen
from kiosk.ui.screens.warmup_safety import SafetyScreen

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

MENU_IDLE = 60.0  # seconds untouched before the menu goes back to the front desk
NOTHING_TO_SHOW = "No warm-ups are available right now. Please ask at the desk."


def menu_line(programme: Programme, width: int) -> str:
    length = length_text(programme.seconds)
    gap = max(2, width - len(programme.name) - len(length))
    return f"{programme.name}{' ' * gap}{length}"


def about_text(programme: Programme) -> str:
    names: list[str] = []
    for step in programme.steps:
        if step.exercise.name not in names:
            names.append(step.exercise.name)
    lines = [programme.about] if programme.about else []
    lines.append("Exercises: " + ", ".join(names) + ".")
    return "\n".join(lines)


def staff_note(left_out: int) -> str:
    """A quiet line for staff: some programme files have problems (``kiosk check`` names them)."""
    what = "1 warm-up is" if left_out == 1 else f"{left_out} warm-ups are"
    return f"For staff: {what} hidden by a content problem (see kiosk check)."


class WarmupMenuScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", show=False),
    ]

    def __init__(
        self, library: WarmupLibrary, clock: Clock, sound_command: str | None = None
    ) -> None:
        super().__init__(clock, MENU_IDLE)
        self.library = library
        self.sound_command = sound_command

    def compose(self) -> ComposeResult:
        yield Static("Warm-ups", id="menu-title", markup=False)
        programmes = self.library.programmes
        if programmes:
            yield Static(
                "Choose with Up and Down, then press Enter to start.", id="menu-hint", markup=False
            )
            width = max(len(p.name) for p in programmes) + 8
            yield OptionList(
                *[Option(menu_line(p, width), id=p.id) for p in programmes], id="menu-list"
            )
            yield Static(about_text(programmes[0]), id="menu-about", markup=False)
        else:
            yield Static(NOTHING_TO_SHOW, id="menu-hint", markup=False)
        if self.library.left_out:
            yield Static(staff_note(len(self.library.left_out)), id="menu-staff", markup=False)
        with Horizontal(id="menu-keys"):
            if programmes:
                yield Button("Enter Start", id="menu-start", compact=True)
            yield Button("Esc Back", id="menu-back", compact=True)

    def on_mount(self) -> None:
        if self.library.programmes:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        programme = self.library.programme(event.option.id or "")
        if programme is not None:
            self.query_one("#menu-about", Static).update(about_text(programme))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option.id or "")

    @on(Button.Pressed, "#menu-start")
    def _start_pressed(self) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            self.start(option.id or "")

    @on(Button.Pressed, "#menu-back")
    def _back_pressed(self) -> None:
        self.action_leave()

    def start(self, programme_id: str) -> None:
        programme = self.library.programme(programme_id)
        if programme is not None:
            # in place of the menu (safety first, then the player): the player goes back to the
            # front desk, never to the menu, whose idle check would otherwise wake up under it
            self.app.switch_screen(SafetyScreen(programme, self.clock, self.sound_command))

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    def idle_timeout(self) -> None:
        # Textual counts the screen just below the top as "current", so the menu's idle check
        # also runs under a playing warm-up: only the menu itself on top may time out.
        if self.app.screen is self:
            self.kiosk.back_to_front_desk()


def open_warmups(app: KioskApp, programme_id: str | None = None) -> None:
    """Start ``programme_id`` if the content has it; otherwise (or with no id) show the menu."""
    if isinstance(app.screen, WarmupScreen | WarmupMenuScreen | SafetyScreen):
        return  # already open
    library = app.content.warmups
    sound = app.content.studio.sound_command
    programme = library.programme(programme_id) if programme_id else None
    if programme is not None:
        app.push_screen(SafetyScreen(programme, app.clock, sound))
    else:
        app.push_screen(WarmupMenuScreen(library, app.clock, sound))
