"""Today's visits for staff, with what the trainer should know, and undo for a wrong check-in."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.members import Member, Visit, VisitFlag
from kiosk.ui.screens.staff import (
    StaffScreen,
    change_members,
    confirm,
    keys_line,
    plain,
    status_line,
    title_bar,
)

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

FLAG_WORDS = {
    VisitFlag.FIRST_EMS: "first EMS",
    VisitFlag.SHORT_GAP: "under 4 days since the last EMS",
    VisitFlag.SEE_TRAINER: "see trainer",
    VisitFlag.OVERRIDE: "override",
    VisitFlag.IMPORTED: "imported",
}


def flag_words(visit: Visit) -> str:
    return ", ".join(FLAG_WORDS[f] for f in VisitFlag if f in visit.flags)


def who(member: Member | None, code: str) -> str:
    if not code:
        return "(erased member)"
    if member is None:
        return f"(no member {code})"
    return f"{member.first_name} {member.last_name} ({member.code})"


def visit_line(visit: Visit, member: Member | None) -> str:
    kind = str(visit.kind) if visit.kind is not None else "-"
    flags = flag_words(visit)
    return f"{visit.at:%H:%M}  {who(member, visit.member_code)}  {kind}" + (
        f"  [{flags}]" if flags else ""
    )


class TodayScreen(StaffScreen):
    AUTO_FOCUS = "#visits"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("u,delete", "undo", "Undo", show=False),
    ]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.visits: list[Visit] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Today's visits")
            yield Static("", id="summary")
            yield OptionList(id="visits", classes="staff-list")
            with Horizontal(classes="staff-actions"):
                yield Button("U  Undo this visit", id="undo", variant="error")
                yield Button("Esc  Back", id="back")
            yield status_line()
            yield keys_line("Up/Down: choose   U or Enter: undo   Esc: back")

    def on_mount(self) -> None:
        self.refresh_visits()

    def refresh_visits(self) -> None:
        store = self.kiosk.store
        today = self.clock.now().date()
        self.visits = sorted(store.visits_on(today), key=lambda v: (v.at, v.id), reverse=True)
        listing = self.query_one("#visits", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(plain(visit_line(v, store.member(v.member_code))), id=v.id) for v in self.visits
        )
        count = len(self.visits)
        self.query_one("#summary", Static).update(
            f"{count} visit{'' if count == 1 else 's'} today, newest first."
            if count
            else "No visits yet today."
        )
        if count:
            listing.highlighted = 0

    def _chosen(self) -> Visit | None:
        listing = self.query_one("#visits", OptionList)
        n = listing.highlighted
        return self.visits[n] if n is not None and 0 <= n < len(self.visits) else None

    @on(OptionList.OptionSelected, "#visits")
    def _selected(self) -> None:
        self.action_undo()

    @on(Button.Pressed, "#undo")
    def _undo_pressed(self) -> None:
        self.action_undo()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_undo(self) -> None:
        visit = self._chosen()
        if visit is None:
            self.say("No visit chosen.", problem=True)
            return
        member = self.kiosk.store.member(visit.member_code)
        details = [visit_line(visit, member)]
        if visit.pack_id is not None:
            details.append("The session goes back to their pack.")
        confirm(self, "Undo this visit?", "Undo it", lambda: self._undo(visit), details)

    def _undo(self, visit: Visit) -> None:
        store = self.kiosk.store

        def failed(error: Exception) -> bool:
            if not isinstance(error, OSError):
                return False
            self.say(f"Could not undo: {error.strerror or error}.", problem=True)
            self.refresh_visits()
            return True

        # giving the session back changes the member: the index is rebuilt after
        change_members(
            self,
            lambda: store.remove_visit(visit.id, give_back=True),
            lambda removed: self._undone(visit, removed),
            failed,
        )

    def _undone(self, visit: Visit, removed: Visit | None) -> None:
        self.refresh_visits()
        if removed is None:
            self.say("That visit was already gone.", problem=True)
            return
        self.say(f"Undone: {visit_line(visit, self.kiosk.store.member(visit.member_code))}")
