"""The staff PIN prompt between the front desk and staff mode.

No PIN set: staff mode does not open for anyone (there is no default PIN). Five wrong PINs lock
entry for five minutes; the lock is kept in the data directory, so a restart does not lift it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from kiosk.core.pin import PIN_MAX, Result, wait_text
from kiosk.store.pin import DamagedPin, NoPin, check_pin, lock_wait, pin_is_set
from kiosk.ui.screens.idle import CHECK_EVERY
from kiosk.ui.screens.staff import StaffScreen, keys_line, status_line, title_bar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

NO_PIN = "No staff PIN set: run kiosk set-pin"  # no dash: the Pi console font lacks it


class PinScreen(StaffScreen):
    AUTO_FOCUS = "#pin"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.data_dir = app.store.directory

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
        super().on_mount()
        if not pin_is_set(self.data_dir):
            self._no_pin(NO_PIN)
            return
        self._show_lock()
        self.set_interval(CHECK_EVERY, self._show_lock)

    def action_back(self) -> None:
        self.kiosk.back_to_front_desk()

    def _no_pin(self, text: str) -> None:
        box = self.query_one("#pin", Input)
        box.disabled = True
        self.query_one("#ask", Static).display = False
        self.say(text, problem=True)

    def _show_lock(self) -> None:
        """While locked, the PIN box is off and the wait counts down."""
        wait = lock_wait(self.data_dir, self.clock.now())
        box = self.query_one("#pin", Input)
        if wait is not None:
            box.disabled = True
            self.say(
                f"Too many wrong PINs. Staff mode is locked for {wait_text(wait)}.",
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
        if not pin:
            return
        try:
            attempt = check_pin(self.data_dir, pin, self.clock.now())
        except NoPin:
            self._no_pin(NO_PIN)
            return
        except DamagedPin as e:
            self._no_pin(str(e))
            return
        except OSError as e:
            # the try could not be counted: do not let it count as a free one
            self.say(f"Cannot save to the data directory ({e.strerror or e}).", problem=True)
            return
        if attempt.result is Result.RIGHT:
            from kiosk.ui.screens.staff import StaffHome

            self.app.switch_screen(StaffHome(self.kiosk))
            return
        self.say(attempt.message, problem=True)
        if attempt.result is Result.LOCKED:
            self._show_lock()
