"""Today's visits for staff, with what the trainer should know, and undo for a wrong check-in.

Refused check-ins (attempts: pack used up or expired, see the trainer) are listed with them.
The chosen line's reasons show under the list; M opens the member with their health screening:
"why is this client flagged, and what did they tell us?" in two key presses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.checkin import Attempt
from kiosk.core.members import Member, Visit
from kiosk.core.trainer_flags import attempt_line, flag_words, visit_reasons
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
        Binding("m", "member", "Member", show=False),
    ]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.visits: list[Visit] = []
        self.attempts: list[Attempt] = []
        self.rows: list[Visit | Attempt] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Today's visits")
            yield Static("", id="summary")
            yield OptionList(id="visits", classes="staff-list")
            yield Static("", id="why")
            with Horizontal(classes="staff-actions"):
                yield Button("M  Member", id="member")
                yield Button("U  Undo this visit", id="undo", variant="error")
                yield Button("Esc  Back", id="back")
            yield status_line()
            yield keys_line(
                "Up/Down: choose   M: member and screening   U or Enter: undo   Esc: back"
            )

    def on_mount(self) -> None:
        self.refresh_visits()

    def refresh_visits(self) -> None:
        store = self.kiosk.store
        today = self.clock.now().date()
        self.visits = sorted(store.visits_on(today), key=lambda v: (v.at, v.id), reverse=True)
        try:
            from kiosk.store.attempts import attempts_for

            self.attempts = attempts_for(store).on(today)
        except OSError:
            self.attempts = []
        rows: list[Visit | Attempt] = [*self.visits, *self.attempts]
        self.rows = sorted(rows, key=lambda r: (r.at, r.id), reverse=True)
        listing = self.query_one("#visits", OptionList)
        listing.clear_options()
        listing.add_options(Option(plain(self._line(r)), id=r.id) for r in self.rows)
        count = len(self.visits)
        refused = len(self.attempts)
        self.query_one("#summary", Static).update(
            (
                f"{count} visit{'' if count == 1 else 's'} today, newest first."
                if count
                else "No visits yet today."
            )
            + (f" {refused} refused at the kiosk." if refused else "")
        )
        if self.rows:
            listing.highlighted = 0
        self._show_why()

    def _line(self, row: Visit | Attempt) -> str:
        member = self.kiosk.store.member(row.member_code)
        if isinstance(row, Visit):
            return visit_line(row, member)
        return f"{row.at:%H:%M}  {who(member, row.member_code)}  {row.kind}  {attempt_line(row)}"

    def _row(self) -> Visit | Attempt | None:
        listing = self.query_one("#visits", OptionList)
        n = listing.highlighted
        return self.rows[n] if n is not None and 0 <= n < len(self.rows) else None

    def _chosen(self) -> Visit | None:
        row = self._row()
        return row if isinstance(row, Visit) else None

    @on(OptionList.OptionHighlighted, "#visits")
    def _show_why(self) -> None:
        row = self._row()
        if row is None:
            text = ""
        elif isinstance(row, Visit):
            reasons = visit_reasons(row)
            text = ("Why: " + "; ".join(reasons)) if reasons else "Nothing flagged."
        else:
            text = "Refused at the kiosk, no session used. Why: " + "; ".join(row.reasons)
        self.query_one("#why", Static).update(plain(text))

    @on(OptionList.OptionSelected, "#visits")
    def _selected(self) -> None:
        self.action_undo()

    @on(Button.Pressed, "#member")
    def _member_pressed(self) -> None:
        self.action_member()

    def action_member(self) -> None:
        row = self._row()
        if row is None or not row.member_code or self.kiosk.store.member(row.member_code) is None:
            self.say("No member for this line.", problem=True)
            return
        from kiosk.ui.screens.staff_members import MemberScreen

        self.app.push_screen(MemberScreen(self.kiosk, row.member_code))

    @on(Button.Pressed, "#undo")
    def _undo_pressed(self) -> None:
        self.action_undo()

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    def action_undo(self) -> None:
        visit = self._chosen()
        if visit is None:
            refused = self._row() is not None
            self.say(
                "A refused check-in used no session: nothing to undo."
                if refused
                else "No visit chosen.",
                problem=True,
            )
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
