"""Who the kiosk will anonymise in the next 30 days (the privacy notice's retention promise).

Each line: the day, the member, and when they were last seen. Staff can phone a client who
still wants their record kept (one visit keeps it), or export their record first. The list is
worked out in a worker: it reads every member's latest visit (kiosk/store/retention.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.retention import DUE_DAYS, Due
from kiosk.ui.screens.staff import StaffScreen, keys_line, plain, status_line, title_bar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

WORKING = "Working out who is due..."


class RetentionScreen(StaffScreen):
    AUTO_FOCUS = "#due"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "Back", show=False)]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.due: list[Due] | None = None

    def compose(self) -> ComposeResult:
        months = self.kiosk.content.studio.staff.member_retention_months
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar(f"Anonymised in the next {DUE_DAYS} days")
            yield Static(
                plain(
                    f"Members not seen for {months} months are anonymised (visits kept as "
                    "anonymous counts), as the privacy notice says. A visit keeps them."
                ),
                id="rule",
            )
            yield Static("", id="summary")
            yield OptionList(id="due", classes="staff-list")
            yield status_line()
            yield keys_line("Up/Down: scroll   Esc: back")

    def on_mount(self) -> None:
        from kiosk.store.retention import due

        store = self.kiosk.store
        today = self.clock.now().date()
        months = self.kiosk.content.studio.staff.member_retention_months
        self.run_slow(WORKING, lambda: due(store, today, months), self._show)

    def _show(self, found: list[Due]) -> None:
        self.due = found
        today = self.clock.now().date()
        listing = self.query_one("#due", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(plain(self._line(d, today.toordinal())), id=d.code) for d in found
        )
        count = len(found)
        self.query_one("#summary", Static).update(
            f"{count} member{'' if count == 1 else 's'}, soonest first."
            if count
            else "Nobody is due."
        )
        if found:
            listing.highlighted = 0
        self.say("")

    @staticmethod
    def _line(due: Due, today: int) -> str:
        day = "next start" if due.on.toordinal() <= today else f"{due.on:%d/%m/%Y}"
        return f"{day:>10}  {due.name} ({due.code})  last seen {due.seen:%d/%m/%Y}"
