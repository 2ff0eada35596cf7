"""The kiosk App: builds the screens and routes between them. It owns nothing else.

Everything it needs (content, store, clock) is handed in, so a test builds it with a temporary
store and a frozen clock.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events

from kiosk.core.clock import Clock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.lockdown import LockedDownApp
from kiosk.ui.messages import SCANNER_ENTER
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.watchdog import Notifier

# The other screens are imported where they are first opened: the front desk paints sooner.


class KioskApp(LockedDownApp):
    """Lock-down (no way out but `leave_kiosk`, errors logged) comes from LockedDownApp."""

    CSS_PATH = "app.tcss"
    TITLE = "studio-kiosk"

    def __init__(
        self,
        content: Content,
        store: Store,
        clock: Clock,
        *,
        warnings: Sequence[str] = (),
        notifier: Notifier | None = None,
    ) -> None:
        super().__init__(notifier)
        self.content = content
        self.store = store
        self.clock = clock
        self.warnings = list(warnings)  # start-up warnings for staff (e.g. a restored file)

    def on_mount(self) -> None:
        self.push_screen(FrontDeskScreen(self.content, self.clock))

    def on_open_check_in(self, message: messages.OpenCheckIn) -> None:
        from kiosk.ui.screens.checkin import LookupScreen, open_look_up

        if message.text == SCANNER_ENTER:
            if isinstance(self.screen, LookupScreen):
                self.screen.type_ahead_enter()
            return
        if isinstance(self.screen, LookupScreen):  # a fast typist or a scanner got there first
            self.screen.type_ahead(message.text)
            return
        open_look_up(self, message.text)

    def on_key(self, event: events.Key) -> None:
        # A scanner types a code and Enter faster than the look-up opens: the Enter bubbles up
        # from the front desk, so send it back round behind the letters it is still passing on.
        if event.key == "enter" and isinstance(self.screen, FrontDeskScreen):
            self.screen.post_message(messages.OpenCheckIn(SCANNER_ENTER))

    def on_open_registration(self, message: messages.OpenRegistration) -> None:
        from kiosk.ui.screens.register import RegisterScreen

        if not isinstance(self.screen, RegisterScreen):
            self.push_screen(RegisterScreen(self.content.terms, self.clock))

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
