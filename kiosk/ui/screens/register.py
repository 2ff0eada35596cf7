"""Walk-in registration: details and terms, the EMS health screening, then the member's code.

Each field is checked when the client leaves it (and again on Continue), with the message under
the field; nothing typed is lost. The health answers are kept only with the client's consent,
apart from the member record; any yes (or declining to keep the answers) means "see your trainer
before EMS".

Registration is offered on the front desk (F3, "New here? Register") and after a look-up that
found nobody, which carries what the client typed there into the form (a name, or a whole phone
number: kiosk/core/registration.py `carried_from_look_up`). Leaving a step with anything in it
(Esc, Cancel, idle time) asks first (kiosk/ui/screens/leave_form.py).

A returning member whose terms changed, or whose screening is out of date (a new version of the
questions, or older than `screening_valid_months`), is asked again at check-in with the same
screens (`AskAgain`, from kiosk/ui/screens/checkin.py): nothing is kept until they finish.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.types import CSSPathType
from textual.widgets import Button, Input, Static

from kiosk.core.clock import Clock
from kiosk.core.consolefont import qr_styles
from kiosk.core.members import Member
from kiosk.core.phone import normalise_phone
from kiosk.core.registration import Form, carried_from_look_up, field_problem, new_member
from kiosk.core.screening import (
    DETAIL_MAX,
    OTHER_MAX,
    DueAgain,
    Questions,
    flag_for,
    take_screening,
)
from kiosk.core.terms import Terms, agreed
from kiosk.core.typeahead import Place
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.screens.leave_form import AsksBeforeLeaving
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.widgets.agree import AgreeBox
from kiosk.ui.widgets.qr import QRCode, code_size

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

REGISTER_IDLE_SECONDS = 180.0  # people type slowly on a kiosk keyboard
WELCOME_SECONDS = 90.0  # time to take a photo of the code
PHONE_TAKEN = (
    "This number is already registered: press Esc and check in with it, or see the front desk."
)
CONSENT_TEXT = (
    "I agree that the studio keeps my answers to these health questions, apart from my other "
    "details, so my trainer can keep my EMS sessions safe. I can ask for them to be erased."
)
WITHOUT_CONSENT_TEXT = (
    "If you do not tick the box, we will not keep your answers: please talk to your trainer "
    "before your first EMS session."
)
FIELDS = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("phone", "Mobile number"),
    ("email", "Email (optional)"),
)


def agree_to_terms(terms: Terms) -> ComposeResult:
    """The terms to read, the box to tick and Continue / Cancel: at registration and when the
    terms have changed."""
    with VerticalScroll(id="terms"):
        yield Static(terms.text, markup=False, id="terms-text")
    yield Static(
        "To read on: Tab to the notice, then Up and Down (or scroll it).",
        markup=False,
        id="terms-hint",
    )
    yield AgreeBox("I agree to the studio terms and privacy notice", id="agree")
    yield Static("", id="agree-problem", classes="problem", markup=False)
    with Horizontal(id="actions"):
        # Cancel drawn alone at the far right, away from Continue (register.tcss)
        yield Button("Continue", id="continue", variant="success")
        yield Button("Cancel", id="cancel")


class RegisterScreen(AsksBeforeLeaving):
    CSS_PATH: ClassVar[CSSPathType | None] = ["register.tcss", "../widgets/console.tcss"]

    def __init__(
        self,
        terms: Terms,
        clock: Clock,
        idle_seconds: float = REGISTER_IDLE_SECONDS,
        *,
        typed: str = "",
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.terms = terms
        self.carried = carried_from_look_up(typed)  # what the look-up had, for the fields

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="kiosk-form", id="form"):
            yield Static("Register as a new client", id="title", markup=False)
            for key, label in FIELDS:
                with Horizontal(classes="field"):
                    yield Static(label, classes="label", markup=False)
                    yield Input(id=key)
                yield Static("", id=f"{key}-problem", classes="problem", markup=False)
            yield Static("Studio terms and privacy notice", classes="label", markup=False)
            yield from agree_to_terms(self.terms)

    def values(self) -> dict[str, str]:
        return {key: self.query_one(f"#{key}", Input).value for key, _ in FIELDS}

    def on_mount(self) -> None:
        for key, value in self.carried.items():
            self.query_one(f"#{key}", Input).value = value
        # the first field still to fill: the carried name is there to check, not to retype
        empty = next((key for key, value in self.values().items() if not value), "first_name")
        self.query_one(f"#{empty}", Input).focus()

    def filled(self) -> bool:
        typed = any(value.strip() for value in self.values().values())
        return typed or self.query_one("#agree", AgreeBox).value

    def _show_problem(self, key: str, message: str) -> None:
        widget = self.query_one(f"#{key}-problem", Static)
        widget.update(message)
        widget.set_class(bool(message), "shown")

    def _check(self, key: str) -> str:
        value = self.values()[key]
        message = field_problem(key, value)
        if key == "phone" and not message:
            message = self._phone_taken(value)
        self._show_problem(key, message)
        return message

    def _phone_taken(self, value: str) -> str:
        """One member per number: a second registration would split their visits and packs."""
        phone = normalise_phone(value)
        if phone is not None and self.kiosk.store.members_with_phone(phone):
            return PHONE_TAKEN
        return ""

    @on(Input.Blurred)
    def _left_field(self, event: Input.Blurred) -> None:
        if event.input.id and event.input.value.strip():
            self._check(event.input.id)

    @on(Input.Changed)
    def _typing(self, event: Input.Changed) -> None:
        # Only clears a message once it is fixed: no nagging while someone is still typing.
        key = event.input.id
        if key and self.query_one(f"#{key}-problem", Static).has_class("shown"):
            self._check(key)

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        self.focus_next()

    @on(AgreeBox.Changed, "#agree")
    def _agreed(self, event: AgreeBox.Changed) -> None:
        if event.value:
            self._show_problem("agree", "")

    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        problems = [key for key, _ in FIELDS if self._check(key)]
        agree = field_problem("agree", self.query_one("#agree", AgreeBox).value)
        if agree:
            self._show_problem("agree", agree)
            problems.append("agree")
        if problems:
            first = "agree" if problems == ["agree"] else problems[0]
            self.query_one(f"#{first}").focus()
            return
        questions = self.kiosk.content.questions
        screen = RegistrationQuestions(
            "EMS health screening",
            tuple((q.id, q.text) for q in questions.screening),
            self.clock,
            self.idle_seconds,
            intro="EMS is not right for everyone. Answer YES if it is true for you.",
            follow_ups={q.id: q.follow_up for q in questions.screening if q.follow_up},
            detail_max=DETAIL_MAX,
        )
        self.kiosk.push_screen(
            screen, lambda answers: self._screened(answers, screen.details, questions)
        )

    def _screened(
        self, answers: dict[str, bool] | None, details: dict[str, str], questions: Questions
    ) -> None:
        if answers is not None:
            self.kiosk.push_screen(
                ConsentScreen(
                    self.values(),
                    answers,
                    self.terms,
                    self.clock,
                    self.idle_seconds,
                    more=details,
                    questions=questions,
                )
            )


class RegistrationQuestions(AsksBeforeLeaving, QuestionsScreen):
    """The screening at registration: leaving it would lose the details, so it asks first."""


class ConsentScreen(AsksBeforeLeaving):
    """'Anything else', consent to keep the answers, then the member is created."""

    TITLE_TEXT = "EMS health screening"
    FINISH_TEXT = "Finish registration"
    AUTO_FOCUS = "#other"
    CSS_PATH: ClassVar[CSSPathType | None] = ["register.tcss", "../widgets/console.tcss"]

    def __init__(
        self,
        details: dict[str, str],
        answers: dict[str, bool],
        terms: Terms,
        clock: Clock,
        idle_seconds: float,
        *,
        more: dict[str, str] | None = None,
        questions: Questions | None = None,
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.details = details  # name, phone, email
        self.answers = answers
        self.terms = terms
        self.more = more or {}  # what they typed after a yes
        self.questions = questions or self.kiosk.content.questions
        self.title_text = self.TITLE_TEXT

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="kiosk-form", id="form"):
            yield Static(self.title_text, id="title", markup=False)
            yield Static(self.questions.other_prompt, classes="label", markup=False)
            yield Input(id="other")
            yield Static(CONSENT_TEXT, id="consent-text", markup=False)
            yield AgreeBox("Yes, keep my answers", id="consent")
            yield Static(WITHOUT_CONSENT_TEXT, id="without", markup=False)
            yield Static("", id="save-problem", classes="problem", markup=False)
            with Horizontal(id="actions"):
                # Cancel drawn alone at the far right (register.tcss)
                yield Button(self.FINISH_TEXT, id="finish", variant="success")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted, "#other")
    def _next(self) -> None:
        self.focus_next()

    @on(Button.Pressed, "#finish")
    def _finish(self) -> None:
        other = self.query_one("#other", Input).value.strip()
        consent = self.query_one("#consent", AgreeBox).value
        problem = self.query_one("#save-problem", Static)
        if len(other) > OTHER_MAX:
            problem.update(
                f"Please keep this under {OTHER_MAX} characters: your trainer will ask the rest."
            )
            problem.add_class("shown")
            return
        self.keep(other, consent)

    def keep(self, other: str, consent: bool) -> None:
        """Create the member with these answers, then show their code."""
        problem = self.query_one("#save-problem", Static)
        try:
            member = register(
                self.kiosk,
                self.details,
                self.answers,
                other,
                consent,
                self.terms,
                questions=self.questions,
                more=self.more,
            )
        except Exception:  # a full disk or a broken store: say so, keep what was typed
            self.app.log.error("registration: the member could not be saved")
            problem.update("Sorry, your details could not be saved. Please see the front desk.")
            problem.add_class("shown")
            return
        ask = member.see_trainer or any(self.answers.values()) or bool(other)
        self.kiosk.push_screen(WelcomeScreen(member, self.clock, WELCOME_SECONDS, ask))


class WelcomeScreen(IdleScreen):
    """The new member's code as a QR code, to photograph and scan next time."""

    CSS_PATH: ClassVar[CSSPathType | None] = ["register.tcss", "../widgets/console.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Done", show=False)]

    def __init__(
        self, member: Member, clock: Clock, idle_seconds: float, see_trainer: bool = False
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.member = member
        self.see_trainer = see_trainer or member.see_trainer  # never says why: others may see

    def compose(self) -> ComposeResult:
        # the first style the console font can draw that fits this screen (else the last one)
        styles = qr_styles(self.kiosk.content.studio.qr_style, self.kiosk.font)
        room = self.app.size.height - 2
        fits = [s for s in styles if code_size(self.member.code, s).height <= room]
        qr_style = fits[0] if fits else styles[-1]
        with Horizontal(classes="kiosk-form", id="welcome"):
            yield QRCode(self.member.code, qr_style=qr_style, id="code-qr")
            with Vertical(id="welcome-text"):
                yield Static(f"Welcome, {self.member.first_name}", markup=False, id="title")
                yield Static("Your member code", classes="label", markup=False)
                yield Static(self.member.code, markup=False, id="code")
                yield Static(
                    "Save this to check in faster next time: take a photo of the code "
                    "and hold it to the scanner.",
                    markup=False,
                    id="save-hint",
                )
                if self.see_trainer:
                    yield Static(
                        "Please see your trainer before your first EMS session.",
                        markup=False,
                        id="see-trainer",
                    )
                yield Static(
                    "Next: please see the front desk for your first session or a pack.",
                    markup=False,
                    id="next",
                )
                yield Button("Done", id="done")

    @on(Button.Pressed, "#done")
    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()


def register(
    app: KioskApp,
    details: dict[str, str],
    answers: dict[str, bool],
    other: str,
    consent: bool,
    terms: Terms,
    *,
    questions: Questions | None = None,
    more: dict[str, str] | None = None,
) -> Member:
    """Create the member (and, with consent, their screening) in the store; OSError if it fails.

    ValueError if the details have a problem (the form checks them first).
    """
    now = app.clock.now()
    store = app.store
    form = Form.of({**details, "agree": True})  # the form refuses to go on without agreement
    member = new_member(form, store.new_member_code(), now, terms.version)
    asked = questions or app.content.questions
    screening = take_screening(member.code, answers, other, now, asked, more)
    # Without consent the answers are not kept, so the trainer must ask them in person.
    # A yes that does not block, or a note, flags their first EMS session (kiosk/core/checkin).
    member = flag_for(member, screening, consent, now)
    # The screening goes first: a member record never exists without the answers they gave.
    if consent:
        store.save_screening(screening)
    try:
        store.add_member(member)
    except Exception:  # no screening left behind without its member
        if consent:
            with contextlib.suppress(Exception):
                store.delete_screening(member.code)
        raise
    return member


# -- asked again at check-in ----------------------------------------------------------------------


class TermsAgainScreen(IdleScreen):
    """The changed terms, to agree to before the check-in goes on; dismisses with True."""

    AUTO_FOCUS = "#agree"
    CSS_PATH: ClassVar[CSSPathType | None] = ["register.tcss", "../widgets/console.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "leave", "Back", show=False)]

    def __init__(self, first_name: str, terms: Terms, clock: Clock, idle_seconds: float) -> None:
        super().__init__(clock, idle_seconds)
        self.first_name = first_name
        self.terms = terms

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="kiosk-form", id="form"):
            yield Static(f"{self.first_name}, our terms have changed", id="title", markup=False)
            yield Static(
                "Please read the new studio terms and privacy notice, and agree to them to go on "
                "with your check-in. If you do not agree, press Esc and see the front desk.",
                id="intro",
                markup=False,
            )
            yield from agree_to_terms(self.terms)

    @on(AgreeBox.Changed, "#agree")
    def _agreed(self, event: AgreeBox.Changed) -> None:
        if event.value:
            self._problem("")

    def _problem(self, message: str) -> None:
        problem = self.query_one("#agree-problem", Static)
        problem.update(message)
        problem.set_class(bool(message), "shown")

    @on(Button.Pressed, "#continue")
    def _continue(self) -> None:
        message = field_problem("agree", self.query_one("#agree", AgreeBox).value)
        if message:
            self._problem(message.replace("to register", "to check in"))
            self.query_one("#agree").focus()
            return
        self.dismiss(True)

    @on(Button.Pressed, "#cancel")
    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()


class ConsentAgainScreen(ConsentScreen):
    """The end of a screening asked again: "anything else" and consent; dismisses with them."""

    FINISH_TEXT = "Continue check-in"

    def __init__(
        self,
        first_name: str,
        answers: dict[str, bool],
        clock: Clock,
        idle_seconds: float,
        *,
        more: dict[str, str],
        questions: Questions,
    ) -> None:
        super().__init__({}, answers, Terms(), clock, idle_seconds, more=more, questions=questions)
        self.title_text = f"{first_name}, your health questions"

    def filled(self) -> bool:
        return False  # nothing is kept until the check-in goes on: nothing to lose

    def keep(self, other: str, consent: bool) -> None:
        self.dismiss((other, consent))


class AskAgain:
    """Changed terms and an out-of-date screening, asked before a check-in goes on.

    The terms first (one screen), then the health questions and consent, as at registration.
    Nothing is kept until the last answer: leaving any step (Esc, idle) goes back to the front
    desk and records nothing. Then `then()` goes on with the check-in; `failed()` if the store
    refused the answers.
    """

    def __init__(
        self,
        app: KioskApp,
        member: Member,
        due: DueAgain,
        then: Callable[[], object],
        failed: Callable[[], object],
        idle_seconds: float,
    ) -> None:
        self.app = app
        self.member = member
        self.due = due
        self.then = then
        self.failed = failed
        self.idle_seconds = idle_seconds
        self.first_name = member.first_name.strip()
        self.terms = app.content.terms
        self.questions = app.content.questions

    def start(self) -> None:
        if self.due.terms:
            screen = TermsAgainScreen(
                self.first_name, self.terms, self.app.clock, self.idle_seconds
            )
            self.app.push_screen(screen, self._terms_agreed)
        else:
            self._screen_again()

    def _terms_agreed(self, agreed_now: bool | None) -> None:
        if agreed_now:
            self._screen_again()

    def _screen_again(self) -> None:
        if not self.due.screening:
            self._keep(None)
            return
        questions = self.questions
        screen = QuestionsScreen(
            f"{self.first_name}, your health questions",
            tuple((q.id, q.text) for q in questions.screening),
            self.app.clock,
            self.idle_seconds,
            intro="Our health questions are due again. Answer YES if it is true for you.",
            key_place=Place.STEP,  # a card scanned here still checks that member in
            follow_ups={q.id: q.follow_up for q in questions.screening if q.follow_up},
            detail_max=DETAIL_MAX,
        )
        self.app.push_screen(screen, lambda answers: self._answered(answers, screen.details))

    def _answered(self, answers: dict[str, bool] | None, details: dict[str, str]) -> None:
        if answers is None:
            return
        consent = ConsentAgainScreen(
            self.first_name,
            answers,
            self.app.clock,
            self.idle_seconds,
            more=details,
            questions=self.questions,
        )
        self.app.push_screen(consent, lambda kept: self._consented(answers, details, kept))

    def _consented(
        self, answers: dict[str, bool], details: dict[str, str], kept: tuple[str, bool] | None
    ) -> None:
        if kept is not None:
            self._keep((answers, details, *kept))

    def _keep(self, screened: tuple[dict[str, bool], dict[str, str], str, bool] | None) -> None:
        store = self.app.store
        now = self.app.clock.now()
        try:
            member = store.member(self.member.code)
            if member is None:
                raise LookupError(f"member {self.member.code} is gone")
            if self.due.terms:
                member = agreed(member, self.terms, now)
            if screened is not None:
                answers, details, other, consent = screened
                code = member.code
                screening = take_screening(code, answers, other, now, self.questions, details)
                if consent:
                    store.save_screening(screening)
                else:  # not to be kept: the old answers go too, the trainer asks in person
                    store.delete_screening(code)
                member = flag_for(member, screening, consent, now)
            store.save_member(member)
        except Exception:  # a full disk or a broken store: say so, never a traceback
            self.app.log.error("check-in: the answers asked again could not be saved")
            self.failed()
            return
        self.then()
