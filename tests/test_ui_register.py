"""Walk-in registration as a client does it: details, terms, screening, consent, QR code."""

from __future__ import annotations

import pytest
from textual.events import Paste
from textual.pilot import Pilot
from textual.widgets import Input

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member
from kiosk.core.screening import SCREENING_QUESTIONS
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.leave_form import ANSWER_SECONDS, LeaveFormScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import ConsentScreen, RegisterScreen, WelcomeScreen
from kiosk.ui.widgets.qr import QRCode
from tests.test_qr import decode, rasterise
from tests.ui_checkin_helpers import disk_full, screen_text
from tests.waiting import idle_looked, wait_for

SCREENING = SCREENING_QUESTIONS


async def type_into(pilot: Pilot[int], selector: str, text: str, keys: bool = True) -> None:
    """Type (key by key) or paste (much faster, for the tests about later steps) into a field."""
    field = pilot.app.screen.query_one(selector, Input)
    field.focus()
    field.value = ""
    if keys:
        await pilot.press(*text)
    else:
        field.post_message(Paste(text))
        await pilot.pause()


async def tap(pilot: Pilot[int], selector: str) -> None:
    """Scroll the widget into view (as a person would) and click it."""
    pilot.app.screen.query_one(selector).scroll_visible(animate=False)
    await pilot.pause()
    await pilot.click(selector)
    await pilot.pause()


async def fill(
    pilot: Pilot[int], first: str, last: str, phone: str, email: str = "", keys: bool = True
) -> None:
    await type_into(pilot, "#first_name", first, keys)
    await type_into(pilot, "#last_name", last, keys)
    await type_into(pilot, "#phone", phone, keys)
    if email:
        await type_into(pilot, "#email", email, keys)
    pilot.app.screen.query_one("#first_name", Input).focus()  # leaves the last field
    await pilot.pause()


async def open_registration(app: KioskApp, pilot: Pilot[int]) -> None:
    app.post_message(messages.OpenRegistration())
    await pilot.pause()
    assert isinstance(app.screen, RegisterScreen)


async def test_empty_form_says_what_is_missing_per_field(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_registration(app, pilot)
        await tap(pilot, "#continue")
        await pilot.pause()
        text = screen_text(app)
        assert "Please enter your first name." in text
        assert "Please enter your last name." in text
        assert "Please enter your mobile number." in text
        assert "Please read and agree to the studio terms to register." in text
        assert isinstance(app.screen, RegisterScreen)
        assert store.members() == []


async def test_bad_phone_and_email_are_explained_then_cleared_when_fixed(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_registration(app, pilot)
        await fill(pilot, "Amy", "Walker", "07700 9001", "amy@example")
        text = screen_text(app)
        assert "does not look like a phone number" in text
        assert "does not look like an email address" in text
        assert "first name" not in text
        await pilot.press("tab", "tab")  # on to the phone field, typed text kept
        assert app.screen.query_one("#phone", Input).value == "07700 9001"
        await type_into(pilot, "#phone", "07700 900999")
        await type_into(pilot, "#email", "amy@example.com")
        text = screen_text(app)
        assert "does not look like" not in text


def answering(*yes: str) -> str:
    """The keys for the shipped screening: "y" to the ids in `yes`, "n" to the rest."""
    return "".join("y" if q.id in yes else "n" for q in SCREENING)


async def register(
    app: KioskApp,
    pilot: Pilot[int],
    answers: str,
    other: str = "",
    consent: bool = True,
    more: dict[str, str] | None = None,
) -> None:
    """Register Amy Walker; `answers` one key per question, `more` typed after a yes that asks
    for more (Enter alone for the others)."""
    await open_registration(app, pilot)
    await fill(pilot, "Amy", "Walker", "+33 6 12 34 56 78", "amy@example.com", keys=False)
    await tap(pilot, "#agree")
    await tap(pilot, "#continue")
    await pilot.pause()
    questions = app.screen
    assert isinstance(questions, QuestionsScreen)
    assert len(answers) == len(SCREENING)
    for question, key in zip(SCREENING, answers, strict=True):
        await pilot.press(key)
        if key == "y" and question.follow_up:
            assert questions.asking_more
            assert question.follow_up in screen_text(app)
            await pilot.press(*(more or {}).get(question.id, ""), "enter")
    await pilot.pause()
    assert isinstance(app.screen, ConsentScreen)
    if other:
        await type_into(pilot, "#other", other, keys=False)
    if consent:
        await tap(pilot, "#consent")
    await tap(pilot, "#finish")
    await pilot.pause()


async def test_walk_in_registers_gets_a_scannable_code_and_can_check_in(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await register(app, pilot, "n" * len(SCREENING))
        assert isinstance(app.screen, WelcomeScreen)
        [member] = store.members()
        assert (member.first_name, member.last_name) == ("Amy", "Walker")
        assert member.phone == "+33612345678"
        assert member.email == "amy@example.com"
        assert not member.see_trainer
        assert member.terms_agreed_at == clock.now()
        screening = store.screening(member.code)
        assert screening is not None and not any(screening.answers.values())
        assert screening.consent_at == clock.now() and screening.taken == clock.now().date()
        # health answers apart from the member record, only the answers, date and consent
        assert "implant" not in (store.directory / "members.json").read_text()
        kept = (store.directory / "screenings.json").read_text()
        assert member.code in kept and "Walker" not in kept and "+33" not in kept
        assert "Save this to check in faster next time" in screen_text(app)
        qr = app.screen.query_one(QRCode)
        assert decode(rasterise(qr.lines())) == [member.code]
        assert "see the front desk for your first session" in screen_text(app)
        await tap(pilot, "#done")
        assert isinstance(app.screen, FrontDeskScreen)


async def test_a_yes_that_blocks_sets_see_trainer_and_keeps_the_words_seen(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await register(
            app, pilot, answering("heart", "surgery"), more={"surgery": "knee, May 2026"}
        )
        [member] = store.members()
        assert member.see_trainer and "no EMS until a trainer clears it" in member.see_trainer_note
        screening = store.screening(member.code)
        assert screening is not None and screening.blocks_ems
        assert screening.version == content.questions.version
        assert [k for k, yes in screening.answers.items() if yes] == ["heart", "surgery"]
        heart, surgery = screening.yes_answers
        assert heart.text == next(q.text for q in SCREENING if q.id == "heart")
        assert surgery.detail == "knee, May 2026" and surgery.blocks
        assert len(screening.asked) == len(SCREENING)
        assert "see your trainer before your first EMS session" in screen_text(app)
        assert "heart" not in screen_text(app).lower()  # the answers stay private


@pytest.mark.parametrize(("yes", "other"), [("diabetes", ""), ("", "bad knee")])
async def test_a_yes_the_trainer_decides_or_a_note_flags_the_first_session_only(
    yes: str, other: str, content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await register(app, pilot, answering(yes), other=other)
        [member] = store.members()
        assert not member.see_trainer  # no block: the trainer decides at the first session
        screening = store.screening(member.code)
        assert screening is not None and screening.needs_trainer and not screening.blocks_ems
        assert screening.other == other
        assert "see your trainer before your first EMS session" in screen_text(app)


async def test_without_consent_no_answers_are_kept_and_trainer_asks(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await register(app, pilot, "y" * len(SCREENING), consent=False, more={"disc": "L5"})
        [member] = store.members()
        assert member.see_trainer
        assert store.screening(member.code) is None


async def test_a_failed_save_keeps_everything_on_screen(
    content: Content, store: Store, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        disk_full(monkeypatch)
        await register(app, pilot, "n" * len(SCREENING), other="note")
        assert isinstance(app.screen, ConsentScreen)
        assert "could not be saved" in screen_text(app)
        assert app.screen.query_one("#other", Input).value == "note"
        assert store.members() == [] and store.screenings() == []
        monkeypatch.undo()
        # a button ignores a second press while it still shows the first
        finish = app.screen.query_one("#finish")
        await wait_for(pilot, lambda: not finish.has_class("-active"), "the button to settle")
        await tap(pilot, "#finish")
        await pilot.pause()
        assert isinstance(app.screen, WelcomeScreen)
        assert len(store.members()) == 1 and len(store.screenings()) == 1


async def test_escape_leaves_registration(content: Content, store: Store, clock: FakeClock) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_registration(app, pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_registration_left_alone_returns_to_the_front_desk(
    content: Content, store: Store, clock: FakeClock
) -> None:
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_registration(app, pilot)
        await type_into(pilot, "#first_name", "Amy")
        clock.advance(170)
        await idle_looked(pilot)
        assert isinstance(app.screen, RegisterScreen)
        clock.advance(11)
        await idle_looked(pilot)
        # something typed: hidden behind "Are you still there?", then cleared unanswered
        assert isinstance(app.screen, LeaveFormScreen) and app.screen.idle
        clock.advance(ANSWER_SECONDS)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)
        assert store.members() == []


async def test_a_number_already_registered_is_not_registered_twice(
    content: Content, store: Store, clock: FakeClock
) -> None:
    store.add_member(Member("M1001", "Sarah", "Kent", "+447700900121"))
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_registration(app, pilot)
        await fill(pilot, "Sarah", "Kent", "07700 900121", keys=False)
        assert "This number is already registered" in screen_text(app)
        await tap(pilot, "#agree")
        await tap(pilot, "#continue")
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#phone", Input).has_focus
        await type_into(pilot, "#phone", "07700 900122", keys=False)
        assert "already registered" not in screen_text(app)
