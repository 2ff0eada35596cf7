"""Check-in: the private look-up, the session choice, the EMS readiness check, then the result.

The look-up shows nothing before 3 characters and at most 5 redacted matches; an exact member
code followed by Enter (what a USB scanner types) picks that member at once. The index is built
once when the screen opens, never per key.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual._path import CSSPathType
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.clock import Clock
from kiosk.core.desk import (
    READINESS,
    Decision,
    MemberIndex,
    Status,
    decide,
    kinds_left,
    redacted,
    with_pack,
)
from kiosk.core.members import Member, PackKind
from kiosk.ui import messages
from kiosk.ui.records import records
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.result import ResultScreen, ResultView, result_seconds
from kiosk.ui.screens.session import SessionKindScreen
from kiosk.ui.widgets.band import Outcome, ResultBand, ring

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

MIN_CHARS = 3
MAX_MATCHES = 5
LOOKUP_IDLE_SECONDS = 60.0


class LookupScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = [
        "checkin.tcss",
        "../widgets/band.tcss",
        "../widgets/console.tcss",
    ]
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
        Binding("down", "move(1)", "Next match", show=False),
        Binding("f3", "register", "Register", show=False),
    ]

    def __init__(
        self,
        members: list[Member],
        clock: Clock,
        text: str = "",
        idle_seconds: float = LOOKUP_IDLE_SECONDS,
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.index = MemberIndex(members)
        self.first_text = text
        self.matches: list[Member] = []
        self._enter_on_mount = False
        self._not_found_for: str | None = None
        self._searched = ""

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form", id="lookup"):
            yield Static("Check in", id="title", markup=False)
            yield Static(
                "Type your name, the last 4 digits of your phone, or scan your card.",
                id="help",
                markup=False,
            )
            yield Input(value=self.first_text, id="query", placeholder="Name, phone or code")
            matches = OptionList(id="matches")
            matches.can_focus = False
            yield matches
            yield Static("", id="hint", markup=False)
            with Vertical(id="not-found"):
                yield ResultBand(Outcome.NOT_FOUND)
                yield Static(
                    "We could not find you. Check the spelling above, or register as a new client.",
                    markup=False,
                    id="not-found-text",
                )
                yield Button("Register as a new client (F3)", id="register", variant="primary")

    def on_mount(self) -> None:
        super().on_mount()
        query = self.query_one("#query", Input)
        query.cursor_position = len(query.value)
        self._show_not_found(False)
        self._search(query.value)
        if self._enter_on_mount:
            self._submit(query.value)

    def type_ahead(self, text: str) -> None:
        """Characters that arrived (from the front desk) before this screen had the focus."""
        if not self.is_mounted:
            self.first_text += text
            return
        self.query_one("#query", Input).insert_text_at_cursor(text)

    def type_ahead_enter(self) -> None:
        """Enter pressed before this screen had the focus (a scanner is that fast)."""
        if not self.is_mounted:
            self._enter_on_mount = True
            return
        self._submit(self.query_one("#query", Input).value)

    def on_key(self, event: events.Key) -> None:
        # Keys that reach the screen itself came before the input took the focus.
        query = self.query_one("#query", Input)
        if query.has_focus:
            return
        if event.is_printable and event.character:
            event.stop()
            query.focus()
            query.insert_text_at_cursor(event.character)
        elif event.key == "enter" and not isinstance(self.focused, Button):
            event.stop()
            query.focus()
            self._submit(query.value)

    # -- searching --------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        # Type-ahead changes the text several times before these messages arrive: only the
        # latest text matters, and the one already answered with "not found" stays answered.
        if event.value != event.input.value or event.value == self._not_found_for:
            return
        self._show_not_found(False)
        self._search(event.value)

    def _search(self, text: str) -> None:
        self._searched = text
        options = self.query_one("#matches", OptionList)
        hint = self.query_one("#hint", Static)
        if len(text.strip()) < MIN_CHARS:
            self.matches = []
            options.clear_options()
            options.display = False
            hint.update("Keep typing: at least 3 letters or digits." if text.strip() else "")
            return
        self.matches = list(self.index.search(text, MAX_MATCHES))[:MAX_MATCHES]
        options.set_options(
            Option(Text(redacted(m)), id=str(n)) for n, m in enumerate(self.matches)
        )
        options.display = bool(self.matches)
        if self.matches:
            options.highlighted = 0
            hint.update("Up and Down to choose, Enter to check in.  Esc: back.")
        else:
            hint.update("No match yet. Press Enter when you have typed it all.")

    def _show_not_found(self, shown: bool) -> None:
        if not shown:
            self._not_found_for = None
        self.query_one("#not-found").display = shown

    # -- picking ----------------------------------------------------------------------------

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self._submit(event.value)

    def _submit(self, value: str) -> None:
        if value != self._searched:  # typed ahead faster than the list followed
            self._search(value)
        text = value.strip()
        member = self.index.by_code(text)
        if member is not None:
            self._pick(member)
            return
        if len(text) < MIN_CHARS:
            self.query_one("#hint", Static).update("Type at least 3 letters or digits.")
            return
        highlighted = self.query_one("#matches", OptionList).highlighted
        if self.matches and highlighted is not None:
            self._pick(self.matches[highlighted])
            return
        self._not_found_for = value
        self.query_one("#hint", Static).update("")
        self._show_not_found(True)
        ring(self, Outcome.NOT_FOUND)

    @on(OptionList.OptionSelected, "#matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self.matches):
            self._pick(self.matches[event.option_index])

    def _pick(self, member: Member) -> None:
        CheckInFlow(self.kiosk, member).start()

    def action_move(self, step: int) -> None:
        options = self.query_one("#matches", OptionList)
        if not self.matches:
            return
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    def action_register(self) -> None:
        self.kiosk.back_to_front_desk()
        self.kiosk.post_message(messages.OpenRegistration())

    @on(Button.Pressed, "#register")
    def _register_pressed(self) -> None:
        self.action_register()


def open_look_up(app: KioskApp, text: str) -> None:
    """Open the look-up with the members as they are now, or say check-in is unavailable."""
    try:
        members = records(app).members()
    except Exception:  # an unreadable store must not take the kiosk down
        app.log.error("check-in: the members could not be read")
        view = ResultView(
            Outcome.NOT_SAVED,
            lines=("Check-in is not available just now. Please see the front desk.",),
        )
        app.push_screen(ResultScreen(view, app.clock, result_seconds(app.content.studio)))
        return
    app.push_screen(LookupScreen(members, app.clock, text))


class CheckInFlow:
    """From a picked member to the result: which session, the readiness check, then record it.

    Each step is a screen pushed with a callback; leaving any of them (Esc, idle) goes back to
    the front desk and records nothing.
    """

    def __init__(self, app: KioskApp, member: Member) -> None:
        self.app = app
        self.member = member
        self.clock = app.clock

    @property
    def step_seconds(self) -> float:
        return LOOKUP_IDLE_SECONDS

    def start(self) -> None:
        kinds = kinds_left(self.member, self.clock.now().date())
        if len(kinds) > 1:
            self.app.push_screen(
                SessionKindScreen(self.member.first_name, kinds, self.clock, self.step_seconds),
                self._kind_chosen,
            )
        else:
            self._kind_chosen(kinds[0][0] if kinds else None)

    def _kind_chosen(self, kind: PackKind | None) -> None:
        if kind is PackKind.EMS:
            self.app.push_screen(
                QuestionsScreen(
                    "Before your EMS session",
                    READINESS,
                    self.clock,
                    self.step_seconds,
                    intro="Three quick questions, for your safety today.",
                ),
                lambda answers: self._finish(kind, answers),
            )
        else:
            self._finish(kind, None)

    def _finish(self, kind: PackKind | None, readiness: dict[str, bool] | None) -> None:
        if kind is PackKind.EMS and readiness is None:
            return  # left the readiness check: nothing recorded
        try:
            view = record_check_in(self.app, self.member, kind, readiness)
        except Exception:  # a full disk or a broken store: say so, never a traceback
            self.app.log.error("check-in: the visit could not be recorded")
            view = ResultView(
                Outcome.NOT_SAVED,
                lines=("Your visit could not be saved. Please tell the front desk.",),
            )
        self.app.push_screen(
            ResultScreen(view, self.clock, result_seconds(self.app.content.studio))
        )


PREP_CARD = (
    "Drink a glass of water before you start.",
    "No heavy meal in the 2 hours before your session.",
    "No body lotion or oil today: the suit needs clean skin.",
)
STATUS_OUTCOME = {
    Status.CHECKED_IN: Outcome.CHECKED_IN,
    Status.ALREADY: Outcome.ALREADY,
    Status.PACK_USED_UP: Outcome.PACK_USED_UP,
    Status.PACK_EXPIRED: Outcome.PACK_EXPIRED,
    Status.SEE_TRAINER: Outcome.SEE_TRAINER,
}


def ems_warmup(app: KioskApp) -> str | None:
    """The id of the EMS pre-session warm-up, when the content has one."""
    for programme in app.content.warmups.programmes:
        pid = getattr(programme, "id", "")
        if isinstance(pid, str) and "ems" in pid.casefold():
            return pid
    return None


def record_check_in(
    app: KioskApp, member: Member, kind: PackKind | None, readiness: dict[str, bool] | None
) -> ResultView:
    """Decide, put the visit on disk (before anything says it is done), and say how it went."""
    store = records(app)
    member = store.member(member.code) or member  # packs as they are now, not as looked up
    decision = decide(
        member, kind, store.visits_of(member.code), app.clock.now(), readiness, uuid.uuid4().hex
    )
    if decision.visit is not None and decision.pack is not None:
        store.add_visit(decision.visit)
        store.save_member(with_pack(member, decision.pack))
    return result_view(decision, member, ems_warmup(app))


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def result_view(decision: Decision, member: Member, warmup: str | None) -> ResultView:
    """The words for a check-in decision. The first name is user text: it stays plain."""
    name = member.first_name.strip()
    kind = decision.kind
    status = decision.status
    if status is Status.ALREADY:
        return ResultView(
            Outcome.ALREADY,
            f"{name}, you are already checked in today.",
            ("Nothing more to do: no second visit is recorded.",),
        )
    if status in (Status.PACK_USED_UP, Status.PACK_EXPIRED) and not member.packs:
        return ResultView(
            STATUS_OUTCOME[status],
            f"Sorry {name}, you have no sessions on a pack yet.",
            ("Please see the front desk for a pack or a taster session.",),
        )
    if status in (Status.PACK_USED_UP, Status.PACK_EXPIRED):
        what = "has no sessions left" if status is Status.PACK_USED_UP else "has expired"
        return ResultView(
            STATUS_OUTCOME[status],
            f"Sorry {name}, your {kind} pack {what}.",
            ("Please see the front desk. This visit is not recorded yet.",),
        )
    lines: list[str] = []
    if status is Status.SEE_TRAINER:
        lines.append("You are checked in, but please see your trainer before your session.")
    if decision.first_ems:
        lines.append("First EMS session: your trainer will show you everything.")
    if decision.days_since_ems is not None:
        lines.append(f"{_days(decision.days_since_ems)} since your last EMS session.")
        if decision.days_since_ems < 4:
            lines.append(
                "We recommend at least 4 days between EMS sessions. You are checked in; "
                "your trainer will have a word."
            )
    if decision.unprepared:
        lines.append("Please drink some water now, and tell your trainer if you have just eaten.")
    lines += decision.warnings
    ems = kind is PackKind.EMS and status is Status.CHECKED_IN
    return ResultView(
        STATUS_OUTCOME[status],
        f"Welcome, {name}." if status is Status.CHECKED_IN else f"{name}:",
        tuple(lines),
        PREP_CARD if ems else (),
        warmup if ems else None,
    )
