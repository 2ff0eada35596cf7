"""The staff PIN prompt between the front desk and staff mode.

No PIN set, or a damaged pin.json: staff mode does not open for anyone (there is no default
PIN), and the screen says which. Wrong PINs lock entry for longer and longer (kiosk/core/pin.py);
the screen counts the wait down on the injected clock. The tries live in one PinGate per app, so
leaving and opening this screen again starts nothing afresh, and a disk that cannot be written
only keeps them in memory. The hash takes hundreds of milliseconds on a Pi: it runs in a worker
while the screen says "Checking..." and the box is off; Esc still goes back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from kiosk.core.pin import PIN_MAX, Attempt, Result, wait_text
from kiosk.store.pin import DamagedPin, NoPin, PinGate, read_pin
from kiosk.ui.screens.staff import StaffScreen, keys_line, status_line, title_bar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

NO_PIN = "No staff PIN set: run kiosk set-pin"  # no dash: the Pi console font lacks it
CHECKING = "Checking..."
LIFT = "Staff at the Pi can lift it with kiosk set-pin."

# the running kiosk's tries: one gate per app, made at the first F12 (the tries file is read then)
_gates: WeakKeyDictionary[KioskApp, PinGate] = WeakKeyDictionary()


def gate_of(app: KioskApp) -> PinGate:
    gate = _gates.get(app)
    if gate is None:
        gate = _gates[app] = PinGate(app.store.directory)
    return gate


class PinScreen(StaffScreen):
    AUTO_FOCUS = "#pin"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]
    WHILE_BUSY = frozenset({"back"})

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.data_dir = app.store.directory
        self.gate: PinGate | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body", id="pin-box"):
            yield title_bar("Staff mode")
            yield Static("Type the staff PIN and press Enter.", id="ask")
            yield Input(
                id="pin",
                password=True,
                restrict=r"[0-9]*",
                max_length=PIN_MAX,
                placeholder="PIN",
            )
            yield status_line()
            yield keys_line("Enter: open staff mode   Esc: back to the front desk")

    def on_mount(self) -> None:
        try:
            hashed = read_pin(self.data_dir)
        except DamagedPin as e:
            self._no_pin(str(e))
            return
        if hashed is None:
            self._no_pin(NO_PIN)
            return
        self.gate = gate_of(self.kiosk)
        self._show_lock()

    def idle_tick(self) -> None:
        if self.gate is not None:
            self._show_lock()  # the count-down, from memory

    def action_back(self) -> None:
        self.kiosk.back_to_front_desk()

    def _no_pin(self, text: str) -> None:
        self.gate = None
        box = self.query_one("#pin", Input)
        box.disabled = True
        self.query_one("#ask", Static).display = False
        self.say(text, problem=True)

    def _show_lock(self) -> None:
        """While locked, the PIN box is off and the wait counts down."""
        if self.gate is None or self.busy:
            return
        wait = self.gate.lock_wait(self.clock.now())
        box = self.query_one("#pin", Input)
        if wait is not None:
            box.disabled = True
            self.say(
                f"Too many wrong PINs. Staff mode is locked for {wait_text(wait)}. {LIFT}"
                + self._not_saved(),
                problem=True,
            )
        elif box.disabled:
            box.disabled = False
            box.focus()
            self.say("")

    @on(Input.Submitted, "#pin")
    def _submitted(self, event: Input.Submitted) -> None:
        event.input.value = ""
        pin = event.value
        gate = self.gate
        if not pin or gate is None:
            return
        now = self.clock.now()
        self.run_slow(CHECKING, lambda: gate.check(pin, now), self._checked, self._failed)

    def _failed(self, error: Exception) -> bool:
        if isinstance(error, NoPin):
            self._no_pin(NO_PIN)
        elif isinstance(error, DamagedPin):
            self._no_pin(str(error))
        else:
            return False
        return True

    def _checked(self, attempt: Attempt) -> None:
        if attempt.result is Result.RIGHT:
            from kiosk.ui.screens.staff import StaffHome

            home = StaffHome(self.kiosk)
            home.notice = attempt.lockouts.text
            self.app.switch_screen(home)
            return
        if attempt.result is Result.LOCKED:
            self._show_lock()
        else:
            self.say(attempt.message + self._not_saved(), problem=True)

    def _not_saved(self) -> str:
        """The tries hold all the same (in memory); staff should hear of the disk."""
        why = self.gate.not_saved if self.gate is not None else ""
        return f" Cannot save to the data directory ({why})." if why else ""
