"""Check-in: the private look-up, the session choice, the EMS readiness check, then the result.

The look-up lists nobody while a client types (kiosk/core/desk_guard.py decides what it may
show): a scanned card (a member code and Enter) picks that member at once, the last 5 digits of
a phone and Enter pick the member with that phone, and a name is followed by the last 3 digits
of the phone before anyone is picked. The look-up index is the store's (kiosk/core/lookup.py),
built once and kept until members change, never per key. The decision is kiosk/core/checkin.py's;
`store.record_check_in` puts it on disk (one fsync'd write) before the result screen says
anything is done.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.types import CSSPathType
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core import checkin as rules
from kiosk.core.checkin import (
    Attempt,
    CheckIn,
    decide_check_in,
    kind_without_choice,
    kinds_available,
)
from kiosk.core.clock import Clock
from kiosk.core.desk_guard import DeskGuard, DeskLookUp, Need, Reply, Step
from kiosk.core.lookup import DESK_PHONE_DIGITS, PHONE_TYPING, SECRET_DIGITS, Match, MemberIndex
from kiosk.core.members import Member, PackKind
from kiosk.core.screening import DueAgain, Readiness, due_again
from kiosk.core.typeahead import BACKSPACE, ENTER, Keystroke, Place
from kiosk.ui import messages
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.result import ResultScreen, ResultView, result_seconds
from kiosk.ui.screens.session import SessionKindScreen
from kiosk.ui.widgets.band import Outcome, ResultBand, ring
from kiosk.ui.widgets.banner import BlockWords

if TYPE_CHECKING:
    from kiosk.core.bookings import BookingCheck
    from kiosk.ui.app import KioskApp

LOOKUP_IDLE_SECONDS = 60.0

HELP = (
    f"Scan your card, or type the last {DESK_PHONE_DIGITS} digits of your phone, "
    "or your first name and the first letter of your surname. Then press Enter."
)
ASK_DIGITS = (
    f"To keep your details private, please type the last {SECRET_DIGITS} digits "
    "of your phone number, then press Enter. (Backspace: back to your name.)"
)
NO_PHONE = "No phone number with us? Please ask your trainer to check you in."
NOT_FOUND_TEXT = (
    "We could not find you with those details. Check what you typed, scan your card, "
    "or register as a new client."
)
NEEDS = {
    Need.NAME: "Please type your first name and the first letter of your surname.",
    Need.PHONE: f"Please type at least the last {DESK_PHONE_DIGITS} digits of your phone.",
    Need.DIGITS: f"Please type the last {SECRET_DIGITS} digits of your phone number.",
}


def wait_text(seconds: float) -> str:
    """The calm "please wait" after too many tries, in rounded words."""
    if seconds < 60:
        about = f"{max(5, math.ceil(seconds / 5) * 5)} seconds"
    else:
        minutes = math.ceil(seconds / 60)
        about = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (
        f"There have been a lot of tries just now. Please try again in about {about}, "
        "or ask at the desk. Scanning your card works at any time."
    )


class DeskInput(Input):
    """The look-up's boxes (the query, the last digits). Enter is acted on at once, and keys
    already on their way to a box that lost the focus go on to the box that has it, in order:
    a name, Enter and the digits typed in one quick burst land where they belong."""

    def on_key(self, event: events.Key) -> None:
        focused = self.screen.focused
        if focused is not self and isinstance(focused, DeskInput):
            event.prevent_default()  # not typed here: Input's own handling is skipped
            event.stop()
            focused.post_message(events.Key(event.key, event.character))
        elif event.key == ENTER and isinstance(self.screen, LookupScreen):
            event.prevent_default()
            event.stop()
            self.screen.entered(self)
        elif event.key == BACKSPACE and self.id == "digits" and not self.value:
            event.prevent_default()  # nothing left to delete: back to the name, to mend it
            event.stop()
            if isinstance(self.screen, LookupScreen):
                self.screen.back_to_name()


class LookupScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = [
        "checkin.tcss",
        "../widgets/band.tcss",
        "../widgets/console.tcss",
    ]
    AUTO_FOCUS = None  # on_mount focuses: auto focus comes later and would undo a digits step
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Back", show=False),
        Binding("up", "move(-1)", "Previous match", show=False),
        Binding("down", "move(1)", "Next match", show=False),
        Binding("f3", "register", "Register", show=False),
    ]

    key_place = Place.LOOK_UP

    def __init__(
        self,
        index: MemberIndex,
        clock: Clock,
        idle_seconds: float = LOOKUP_IDLE_SECONDS,
        not_found_seconds: float = LOOKUP_IDLE_SECONDS,
        guard: DeskGuard | None = None,
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.index = index
        # the App's guard: the slow-down outlives this screen (leaving and coming back)
        self.desk = DeskLookUp(index, guard if guard is not None else DeskGuard())
        self.matches: list[Match] = []  # only members sharing the phone the client knows
        self.asking: str | None = None  # the name the last digits are asked for
        self.typing_seconds = idle_seconds
        self.not_found_seconds = not_found_seconds
        self._answered_for: str | None = None  # the query the screen shows an answer to

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form", id="lookup"):
            yield BlockWords("Check in", screen_share=7, id="title")
            yield Static(HELP, id="help", markup=False)
            # back in the box after a miss, the client mends what they typed: nothing selected
            yield DeskInput(
                id="query", placeholder="Phone digits, or your name", select_on_focus=False
            )
            with Vertical(id="ask-digits"):
                yield Static(ASK_DIGITS, id="ask-digits-text", markup=False)
                yield DeskInput(
                    id="digits",
                    password=True,  # a bystander sees dots
                    max_length=SECRET_DIGITS,
                    restrict=r"[0-9]*",
                    placeholder=f"Last {SECRET_DIGITS} digits",
                    select_on_focus=False,
                )
                yield Static(NO_PHONE, id="no-phone", markup=False)
            matches = OptionList(id="matches")
            matches.can_focus = False
            yield matches
            yield Static("", id="hint", markup=False)
            yield Static("", id="wait", markup=False)
            with Vertical(id="not-found"):
                yield ResultBand(Outcome.NOT_FOUND)
                yield Static(NOT_FOUND_TEXT, markup=False, id="not-found-text")
                yield Button("Register as a new client (F3)", id="register", variant="primary")
            yield Static("New here? Press F3 to register.  Esc: back.", id="new", markup=False)

    def on_mount(self) -> None:
        if self.app.screen is not self:  # a scan took over before it opened
            return
        query = self.query_one("#query", Input)
        self._show_not_found(False)
        self._show_choices([])
        self.query_one("#ask-digits").display = False
        self.query_one("#wait").display = False
        # focus first, in this same step: from now on keys go straight to the input
        self.set_focus(query)
        self._type(self.kiosk.type_ahead.take())
        self.kiosk.keys_taken()

    def _type(self, keys: tuple[Keystroke, ...]) -> None:
        """The keys typed while this screen opened, as if they had been typed into it."""
        query = self.query_one("#query", Input)
        for key in keys:
            if key.printable and key.character:
                query.insert_text_at_cursor(key.character)
            elif key.key == BACKSPACE:
                query.action_delete_left()
        last = keys[-1].key if keys else ""
        if last == ENTER:  # take() stops at a key like this one: nothing comes after it
            self._submit(query.value)
        elif last == "escape":
            self.action_leave()
        elif last == "f3":
            self.action_register()
        else:
            self._typing(query.value)

    def _field(self) -> Input:
        """Where typing goes now: the last digits once they are asked, else the query."""
        return self.query_one("#digits" if self.asking is not None else "#query", Input)

    def on_key(self, event: events.Key) -> None:
        # A click on a button took the focus from the input: typing goes back to it.
        field = self._field()
        if field.has_focus or not (event.is_printable and event.character):
            return
        event.stop()
        field.focus()
        field.insert_text_at_cursor(event.character)

    # -- typing -----------------------------------------------------------------------------

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        # Type-ahead changes the text several times before these messages arrive: only the
        # latest text matters, and the one already answered (digits asked, not found, a
        # choice) stays answered.
        if event.value != event.input.value or event.value == self._answered_for:
            return
        self._answered_for = None
        self._show_not_found(False)
        if self.asking is not None:  # the name was changed: its digits are asked again
            self._stop_asking()
        self._typing(event.value)

    @on(Input.Changed, "#digits")
    def _digits_changed(self) -> None:
        self._show_choices([])

    def _typing(self, text: str) -> None:
        """What the client is typing: a word on what to type next, and never a list."""
        self._show_choices([])
        self.query_one("#wait").display = False
        text = text.strip()
        if not text:
            hint = ""
        elif PHONE_TYPING.fullmatch(text):
            hint = f"The last {DESK_PHONE_DIGITS} digits of your phone, then Enter."
        else:
            hint = "Your first name and the first letter of your surname, then Enter."
        self.query_one("#hint", Static).update(hint)

    def _show_choices(self, choices: list[Match]) -> None:
        self.matches = choices
        options = self.query_one("#matches", OptionList)
        # labels are user text: a Text object, so "[bold]" in a name stays literal
        options.set_options(Option(Text(m.label), id=str(n)) for n, m in enumerate(choices))
        options.display = bool(choices)
        if choices:
            options.highlighted = 0

    def _show_not_found(self, shown: bool) -> None:
        self.query_one("#not-found").display = shown
        self.query_one("#new").display = not shown  # the not-found part offers it already
        # "Not found" is a result: it goes back to the front desk as soon as the others do
        self.idle_seconds = self.not_found_seconds if shown else self.typing_seconds

    def _ask_digits(self, name: str) -> None:
        self.asking = name
        self.query_one("#ask-digits").display = True
        self.query_one("#hint", Static).update("")
        digits = self.query_one("#digits", Input)
        digits.value = ""
        self.set_focus(digits)  # now: keys after this Enter go to the digits

    def back_to_name(self) -> None:
        """Backspace in the empty digits box: the name can be mended, nothing was looked up."""
        self._stop_asking()
        self._answered_for = None
        self._typing(self.query_one("#query", Input).value)

    def _stop_asking(self) -> None:
        self.asking = None
        self.query_one("#digits", Input).value = ""
        self.query_one("#ask-digits").display = False
        self.set_focus(self.query_one("#query", Input))

    # -- picking ----------------------------------------------------------------------------

    def entered(self, field: Input) -> None:
        """Enter in one of the boxes (DeskInput calls this as the key arrives)."""
        if field.id == "digits":
            self._digits_entered(field.value)
        else:
            self._submit(field.value)

    def _submit(self, value: str) -> None:
        if self._chosen():
            return
        self._answered_for = value
        self._answer(self.desk.query(value, self.clock.monotonic()), value)

    def _digits_entered(self, digits: str) -> None:
        if self._chosen() or self.asking is None:
            return
        self._answer(self.desk.answer(self.asking, digits, self.clock.monotonic()), "")

    def _chosen(self) -> bool:
        """Enter on a list of members sharing a phone picks the highlighted one."""
        highlighted = self.query_one("#matches", OptionList).highlighted
        if self.matches and highlighted is not None:
            self._pick(self.matches[highlighted].code)
            return True
        return False

    def _answer(self, reply: Reply, name: str) -> None:
        hint = self.query_one("#hint", Static)
        step = reply.step
        self.query_one("#wait").display = False  # shown again below if still waiting
        if step is Step.PICK and reply.code is not None:
            self._pick(reply.code)
        elif step is Step.CHOOSE:
            self._show_choices(list(reply.choices))
            hint.update("More than one of you has this phone: choose your name, then Enter.")
        elif step is Step.ASK_DIGITS:
            self._ask_digits(name)
        elif step is Step.KEEP_TYPING and reply.need is not None:
            hint.update(NEEDS[reply.need])
        elif step is Step.WAIT:
            self._stop_asking()
            hint.update("")
            wait = self.query_one("#wait", Static)
            wait.update(wait_text(reply.wait_seconds))
            wait.display = True
        elif step is Step.NOT_FOUND:
            self._not_found()

    def _not_found(self) -> None:
        """Nobody fits: said the same whichever part was wrong, and the name can be mended."""
        if self.asking is not None:
            self._stop_asking()
        self.query_one("#hint", Static).update("")
        self._show_not_found(True)
        self.touch()
        ring(self, Outcome.NOT_FOUND)

    @on(OptionList.OptionSelected, "#matches")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if 0 <= event.option_index < len(self.matches):
            self._pick(self.matches[event.option_index].code)

    def _pick(self, code: str) -> None:
        CheckInFlow(self.kiosk, code).start()

    def action_move(self, step: int) -> None:
        if not self.matches:
            return
        options = self.query_one("#matches", OptionList)
        current = options.highlighted if options.highlighted is not None else -step
        options.highlighted = max(0, min(len(self.matches) - 1, current + step))

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    def action_register(self) -> None:
        typed = self.query_one("#query", Input).value  # the form takes the name from it
        self.kiosk.back_to_front_desk()
        self.kiosk.post_message(messages.OpenRegistration(typed))

    @on(Button.Pressed, "#register")
    def _register_pressed(self) -> None:
        self.action_register()


def show_result(app: KioskApp, view: ResultView) -> None:
    app.push_screen(ResultScreen(view, app.clock, result_seconds(app.content.studio)))


def open_look_up(app: KioskApp) -> None:
    """Open the look-up on the store's member index, or say check-in is unavailable.

    The keys typed so far wait in the App's type-ahead until the look-up takes them.
    """
    try:
        index = app.store.member_index()
    except Exception:  # an unreadable store must not take the kiosk down
        app.type_ahead.drop()
        app.log.error("check-in: the members could not be read")
        view = ResultView(
            Outcome.NOT_SAVED,
            lines=("Check-in is not available just now. Please see the front desk.",),
        )
        show_result(app, view)
        return
    seconds = result_seconds(app.content.studio)
    app.push_screen(LookupScreen(index, app.clock, not_found_seconds=seconds, guard=app.desk_guard))


NOT_FOUND_VIEW = ResultView(
    Outcome.NOT_FOUND,
    lines=("We could not find you. Please register as a new client, or see the front desk.",),
    offer_registration=True,
)
NOT_SAVED_VIEW = ResultView(
    Outcome.NOT_SAVED,
    lines=("Your visit could not be saved. Please tell the front desk.",),
)


class CheckInFlow:
    """From a picked member to the result: which session, the readiness check, then record it.

    First, a member whose terms changed or whose health answers are out of date is asked again
    (kiosk/core/screening.py due_again; the registration's screens). Each step is a screen
    pushed with a callback; leaving any of them (Esc, idle) goes back to the front desk and
    records nothing. A check-in that cannot go ahead (already today, pack used up or expired)
    is told at once, without the readiness questions.
    """

    def __init__(self, app: KioskApp, code: str) -> None:
        self.app = app
        self.code = code
        self.clock = app.clock
        self.booking: BookingCheck | None = None

    def _member(self) -> Member | None:
        """The member as the store has them now (packs change with every check-in)."""
        return self.app.store.member(self.code)

    def start(self) -> None:
        try:
            member = self._member()
            if member is None:  # removed since the look-up opened
                show_result(self.app, NOT_FOUND_VIEW)
                return
            due = self._due_again(member)
        except Exception:
            self._failed()
            return
        if due.any:  # changed terms or out-of-date health answers: asked once, then on
            from kiosk.ui.screens.register import REGISTER_IDLE_SECONDS, AskAgain

            AskAgain(
                self.app, member, due, self._go_on, self._failed, REGISTER_IDLE_SECONDS
            ).start()
            return
        self._go_on()

    def _due_again(self, member: Member) -> DueAgain:
        content = self.app.content
        return due_again(
            member,
            self.app.store.screening(self.code),
            terms_version=content.terms.version if content.terms.usable else "",
            questions=content.questions,
            today=self.clock.now().date(),
            valid_months=content.studio.staff.screening_valid_months,
        )

    def _go_on(self) -> None:
        """The session choice, then the readiness check and the result."""
        try:
            member = self._member()
            if member is None:  # removed meanwhile
                show_result(self.app, NOT_FOUND_VIEW)
                return
            today = self.clock.now().date()
            kinds = kinds_available(member, today)
            now = self.clock.now()
            self.booking = self.app.bookings.check(self.code, now, self.app.content.studio.bookings)
            booked = self.booking.kind if self.booking is not None else None
            if booked is not None and booked in (k for k, _ in kinds):
                kinds = [(k, n) for k, n in kinds if k is booked]  # no need to ask: it is booked
            if kinds:
                kind = kinds[0][0]
            else:  # nothing left of any kind: the result says which pack ran out
                kind = kind_without_choice(member, today, self.app.store.last_visit(self.code))
        except Exception:
            self._failed()
            return
        if len(kinds) > 1:
            self.app.push_screen(
                SessionKindScreen(member.first_name, kinds, self.clock, LOOKUP_IDLE_SECONDS),
                self._kind_chosen,
            )
        else:
            self._kind_chosen(kind)

    def _decide(self, kind: PackKind, readiness: Readiness | None) -> tuple[Member, CheckIn]:
        member = self._member()
        if member is None:
            raise LookupError(f"member {self.code} is gone")
        store = self.app.store
        return member, decide_check_in(
            member,
            kind,
            self.clock.now(),
            last=store.last_visit(self.code, kind),
            readiness=readiness,
            screening=store.screening(self.code),
            at_kiosk=True,
            booking=self.booking,
        )

    def _kind_chosen(self, kind: PackKind | None) -> None:
        if kind is None:
            return
        try:
            member, first_look = self._decide(kind, None)
        except Exception:
            self._failed()
            return
        questions = self.app.content.questions.readiness
        if kind is PackKind.EMS and first_look.recorded:
            self.app.push_screen(
                QuestionsScreen(
                    # by name: a client who scanned someone else's card sees it at once
                    f"{member.first_name.strip()}, before your EMS session",
                    tuple((q.id, q.text) for q in questions),
                    self.clock,
                    LOOKUP_IDLE_SECONDS,
                    intro=f"{len(questions)} quick questions for your safety today. "
                    "Answer YES if it is true for you.",
                    key_place=Place.STEP,
                ),
                lambda answers: self._answered(kind, answers),
            )
        else:
            self._record(kind, None)

    def _answered(self, kind: PackKind, answers: dict[str, bool] | None) -> None:
        if answers is not None:  # None: left the readiness check, nothing recorded
            questions = self.app.content.questions.readiness
            self._record(kind, Readiness.of(answers, questions))

    def _record(self, kind: PackKind, readiness: Readiness | None) -> None:
        try:
            member, result = self._decide(kind, readiness)
            # on disk, fsync'd, before anything on screen says it is done
            self.app.store.record_check_in(result)
        except Exception:  # a full disk or a broken store: say so, never a traceback
            self._failed()
            return
        if result.attempt is not None:
            self._note_attempt(result.attempt)
        show_result(self.app, result_view(result, member, check_in_warmup(self.app)))

    def _note_attempt(self, attempt: Attempt) -> None:
        """A refused check-in, for staff to follow up; the client's result comes all the same."""
        from kiosk.store.attempts import attempts_for

        try:
            attempts_for(self.app.store).add(attempt)
        except Exception:  # the refusal stands; staff just will not see it listed
            self.app.log.error("check-in: a refused check-in could not be noted")

    def _failed(self) -> None:
        self.app.log.error("check-in: the visit could not be recorded")
        show_result(self.app, NOT_SAVED_VIEW)


def check_in_warmup(app: KioskApp) -> str | None:
    """The studio's check-in warm-up (studio.toml check_in_warmup), if that programme exists."""
    programme = app.content.studio.check_in_warmup
    if programme is None or app.content.warmups.programme(programme) is None:
        return None
    return programme


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


BLOCKED = {Outcome.PACK_USED_UP: "has no sessions left", Outcome.PACK_EXPIRED: "has expired"}


def result_view(result: CheckIn, member: Member, warmup: str | None) -> ResultView:
    """The words for a check-in result. The first name is user text: it stays plain."""
    name = member.first_name.strip()
    kind = result.kind
    decided = result.outcome
    if decided is Outcome.ALREADY_TODAY:
        return ResultView(
            decided,
            f"{name}, you are already checked in today.",
            ("Nothing more to do: no second visit is recorded.",),
        )
    if decided is Outcome.NO_PACK:
        return ResultView(
            decided,
            f"Sorry {name}, you have no sessions on a pack yet.",
            ("Please see the front desk for a pack or a taster session.",),
        )
    if decided in BLOCKED:
        return ResultView(
            decided,
            f"Sorry {name}, your {kind} pack {BLOCKED[decided]}.",
            ("Please see the front desk. This visit is not recorded yet.",),
        )
    if decided is Outcome.SEE_TRAINER and not result.recorded and result.refused_without_booking:
        return ResultView(
            decided,
            f"{name}, we have no booking for you today.",
            (
                "You are not checked in, and no session is used.",
                "Please see your trainer: they can fit you in and check you in.",
            ),
        )
    if decided is Outcome.SEE_TRAINER and not result.recorded:
        return ResultView(
            decided,
            f"{name}, please see your trainer before any EMS today.",
            (
                "You are not checked in, and no session is used.",
                "Your trainer will talk to you and can check you in.",
            ),
        )
    lines: list[str] = [result.booked] if result.booked else []
    if decided is Outcome.SEE_TRAINER:
        lines.append("You are checked in, but please see your trainer before your session.")
    if result.first_ems:
        lines.append("First EMS session: your trainer will show you everything.")
    if result.days_since_last_ems is not None:
        lines.append(f"{_days(result.days_since_last_ems)} since your last EMS session.")
    if result.unprepared:
        lines.append("Please drink some water now, and tell your trainer if you have just eaten.")
    if result.sessions_left is not None and not result.few_sessions_left:
        lines.append(f"{result.sessions_left} sessions left on your {kind} pack.")
    lines += result.warnings  # pack running low or out soon; the 4-day advice
    done = decided is Outcome.CHECKED_IN
    ems = kind is PackKind.EMS
    return ResultView(
        decided,
        f"Welcome, {name}.",
        tuple(lines),
        rules.prep_card(kind) if done else (),
        warmup if done and ems else None,
        prep_title="Before your EMS session" if ems else "Before your session",
    )
