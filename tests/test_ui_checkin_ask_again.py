"""Asked again at check-in: changed terms are agreed again, health answers of an older version
of the questions (or older than screening_valid_months) are given again, on the registration's
screens and greeted by first name; then the check-in goes on. Esc records nothing, and no
answer reaches a client screen or kiosk.log."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.core.checkin import Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, Screening
from kiosk.core.screening import take_screening
from kiosk.core.terms import load_terms
from kiosk.store import Store
from kiosk.store.attempts import attempts_for
from kiosk.store.log import log_path, start_log, stop_log
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import ConsentAgainScreen, TermsAgainScreen
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.widgets.band import ResultBand
from tests.conftest import CONTENT_DIR
from tests.ui_checkin_helpers import ALL_WELL, SARAH, screen_text
from tests.waiting import idle_looked, on_top, wait_for


@pytest.fixture
def kiosk_log(data_dir: Path) -> Iterator[Path]:
    handler = start_log(data_dir)
    yield log_path(data_dir)
    stop_log(handler)


def with_terms(content: Content, version: str) -> Content:
    return content.with_later(terms=replace(content.terms, version=version))


TERMS_NOW = load_terms(CONTENT_DIR, []).version  # the shipped notice's version


def returning(store: Store, clock: FakeClock, terms: str = TERMS_NOW) -> Member:
    """Sarah, who agreed to `terms` at the kiosk a while ago."""
    sarah = replace(SARAH, terms_version=terms, terms_agreed_at=clock.now() - timedelta(days=300))
    store.add_member(sarah)
    return sarah


def screened(
    store: Store, content: Content, clock: FakeClock, *, taken: date, version: str, yes: str = ""
) -> Screening:
    questions = content.questions
    answers = {q.id: q.id == yes for q in questions.screening}
    at = datetime.combine(taken, clock.now().timetz())
    screening = replace(take_screening(SARAH.code, answers, "", at, questions), version=version)
    store.save_screening(screening)
    return screening


async def scan(app: KioskApp, pilot: Pilot[int], code: str) -> None:
    await pilot.press(*code, "enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, FrontDeskScreen), "the check-in")


async def answer_all(app: KioskApp, pilot: Pilot[int], yes: str = "") -> None:
    """Every health question, "y" only to `yes` (no follow-up asked for it in these tests)."""
    screen = app.screen
    assert isinstance(screen, QuestionsScreen)
    for qid, _ in screen.questions:
        await pilot.press("y" if qid == yes else "n")
    await wait_for(pilot, lambda: on_top(app, ConsentAgainScreen), "the consent")


async def consent(pilot: Pilot[int], *, keep: bool = True) -> None:
    """Past "anything else", tick "keep my answers" (or not), then Continue check-in."""
    await pilot.press("tab")  # from "anything else" to the box
    if keep:
        await pilot.press("space")
    await pilot.press("tab", "enter")


async def to_result(app: KioskApp, pilot: Pilot[int], *keys: str) -> str:
    await wait_for(pilot, lambda: on_top(app, QuestionsScreen), "the readiness check")
    for key in keys:
        await pilot.press(key)
    await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
    return screen_text(app)


def outcome(app: KioskApp) -> Outcome:
    return app.screen.query_one(ResultBand).outcome


# -- terms --------------------------------------------------------------------------------------


async def test_changed_terms_are_agreed_on_one_screen_then_the_check_in_goes_on(
    content: Content, store: Store, clock: FakeClock
) -> None:
    returning(store, clock)
    app = KioskApp(with_terms(content, "2027-01-1"), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, TermsAgainScreen)
        text = screen_text(app)
        assert "Sarah, our terms have changed" in text
        assert content.terms.sections[0].text[:40] in text  # the notice itself
        await pilot.press("tab", "enter")  # Continue without the tick: not yet
        await pilot.pause()
        assert isinstance(app.screen, TermsAgainScreen)
        assert "Please read and agree to the studio terms to check in." in screen_text(app)
        member = store.member(SARAH.code)
        assert member is not None and member.terms_version == TERMS_NOW
        await pilot.press("space", "tab", "enter")  # the box has the focus again
        shown = await to_result(app, pilot, *ALL_WELL)
        assert outcome(app) is Outcome.CHECKED_IN and "Welcome, Sarah." in shown
    member = store.member(SARAH.code)
    assert member is not None
    assert (member.terms_version, member.terms_agreed_at) == ("2027-01-1", clock.now())
    assert len(store.visits_of(SARAH.code)) == 1


async def test_esc_on_the_changed_terms_records_nothing(
    content: Content, store: Store, clock: FakeClock
) -> None:
    before = returning(store, clock)
    app = KioskApp(with_terms(content, "2027-01-1"), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, TermsAgainScreen)
        await pilot.press("space", "escape")  # ticked, then left
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        # and asked again next time
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, TermsAgainScreen)
        clock.advance(600)  # walked away: back to the front desk by itself
        await idle_looked(pilot)
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
    assert store.member(SARAH.code) == before
    assert store.visits_of(SARAH.code) == [] and attempts_for(store).all() == []


async def test_same_terms_and_fresh_answers_ask_nothing(
    content: Content, store: Store, clock: FakeClock
) -> None:
    returning(store, clock, terms=content.terms.version)
    screened(store, content, clock, taken=clock.now().date(), version=content.questions.version)
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, QuestionsScreen)
        assert app.screen.title_text == "Sarah, before your EMS session"  # readiness at once


# -- the health questions -----------------------------------------------------------------------


async def test_a_new_version_of_the_questions_is_answered_again(
    content: Content, store: Store, clock: FakeClock, kiosk_log: Path
) -> None:
    returning(store, clock)
    old = screened(store, content, clock, taken=date(2026, 10, 1), version="2026-11-1")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        screen = app.screen
        assert isinstance(screen, QuestionsScreen)
        assert screen.title_text == "Sarah, your health questions"
        assert [text for _, text in screen.questions] == [
            q.text for q in content.questions.screening
        ]
        await answer_all(app, pilot)
        assert "Sarah, your health questions" in screen_text(app)
        await consent(pilot)
        shown = await to_result(app, pilot, *ALL_WELL)
        assert outcome(app) is Outcome.CHECKED_IN
    new = store.screening(SARAH.code)
    assert new is not None and new != old
    assert (new.version, new.taken) == (content.questions.version, clock.now().date())
    assert not any(new.answers.values())
    assert len(store.visits_of(SARAH.code)) == 1
    for q in content.questions.screening:
        assert q.text not in shown
        assert q.text not in (kiosk_log.read_text() if kiosk_log.exists() else "")


async def test_a_screening_older_than_valid_months_is_answered_again_and_a_yes_stops_ems(
    content: Content, store: Store, clock: FakeClock, kiosk_log: Path
) -> None:
    returning(store, clock)
    screened(store, content, clock, taken=date(2025, 11, 1), version=content.questions.version)
    heart = next(q for q in content.questions.screening if q.id == "heart")
    assert heart.blocks and not heart.follow_up
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, QuestionsScreen)
        await answer_all(app, pilot, yes="heart")
        await consent(pilot)
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
        shown = screen_text(app)
        assert outcome(app) is Outcome.SEE_TRAINER
        assert "Sarah, please see your trainer before any EMS today." in shown
        assert heart.text not in shown
    new = store.screening(SARAH.code)
    assert new is not None and new.answers["heart"] and new.taken == clock.now().date()
    member = store.member(SARAH.code)
    assert member is not None and member.see_trainer
    assert "health screening answer: no EMS until a trainer clears it" in member.see_trainer_note
    assert store.visits_of(SARAH.code) == []  # no session used
    [attempt] = attempts_for(store).of(SARAH.code)
    assert attempt.outcome is Outcome.SEE_TRAINER
    logged = kiosk_log.read_text() if kiosk_log.exists() else ""
    assert heart.text not in logged


async def test_valid_months_comes_from_the_staff_settings(
    content: Content, store: Store, clock: FakeClock
) -> None:
    returning(store, clock)
    screened(store, content, clock, taken=date(2026, 5, 1), version=content.questions.version)
    staff = replace(content.studio.staff, screening_valid_months=6)
    six = replace(content, studio=replace(content.studio, staff=staff))
    app = KioskApp(six, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        screen = app.screen
        assert isinstance(screen, QuestionsScreen)
        assert screen.title_text == "Sarah, your health questions"


async def test_esc_during_the_questions_or_the_consent_records_nothing(
    content: Content, store: Store, clock: FakeClock
) -> None:
    before = returning(store, clock)
    old = screened(store, content, clock, taken=date(2026, 10, 1), version="2026-11-1")
    app = KioskApp(with_terms(content, "2027-01-1"), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, TermsAgainScreen)  # the terms first
        await pilot.press("space", "tab", "enter")
        await wait_for(pilot, lambda: on_top(app, QuestionsScreen), "the questions")
        await pilot.press("n", "y", "escape")  # part-way
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
        await scan(app, pilot, SARAH.code)
        assert isinstance(app.screen, TermsAgainScreen)  # nothing was kept: asked again
        await pilot.press("space", "tab", "enter")
        await wait_for(pilot, lambda: on_top(app, QuestionsScreen), "the questions")
        await answer_all(app, pilot)
        await pilot.press("escape")  # on the consent
        await wait_for(pilot, lambda: on_top(app, FrontDeskScreen), "the front desk")
    assert store.member(SARAH.code) == before and store.screening(SARAH.code) == old
    assert store.visits_of(SARAH.code) == [] and attempts_for(store).all() == []


async def test_answers_given_again_without_consent_are_not_kept(
    content: Content, store: Store, clock: FakeClock
) -> None:
    returning(store, clock)
    screened(store, content, clock, taken=date(2026, 10, 1), version="2026-11-1")
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await scan(app, pilot, SARAH.code)
        await answer_all(app, pilot)
        await consent(pilot, keep=False)
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
        assert outcome(app) is Outcome.SEE_TRAINER  # the trainer asks them in person
    assert store.screening(SARAH.code) is None  # the old answers went too
    member = store.member(SARAH.code)
    assert member is not None and member.see_trainer and "no consent" in member.see_trainer_note


# -- staff see who has not yet ------------------------------------------------------------------


async def test_staff_see_who_is_still_to_be_asked_again(
    content: Content, store: Store, clock: FakeClock
) -> None:
    from kiosk.store.pin import set_pin
    from kiosk.ui.screens.staff_members import FindMemberScreen, MemberScreen
    from tests.staff_helpers import PIN, open_staff_mode, settle
    from tests.staff_helpers import screen_text as staff_text

    set_pin(store.directory, PIN)
    returning(store, clock)
    store.add_member(replace(SARAH, code="M2002", first_name="Ann", phone="+447700900999"))
    app = KioskApp(with_terms(content, "2027-01-1"), store, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_staff_mode(app, pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, FindMemberScreen)
        assert [m.code for m in app.screen.found] == [SARAH.code]  # Ann agreed on paper
        assert "1 member has not yet agreed to the new terms" in staff_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        text = " ".join(staff_text(app).split())
        asked = f"Asked again at their next check-in: terms agreed: {TERMS_NOW}; now 2027-01-1"
        assert asked in text
