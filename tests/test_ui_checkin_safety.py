"""EMS safety at the kiosk: a stop answer or a see-trainer flag refuses EMS and uses no session,
every refusal is kept as an attempt for staff, and no health answer is ever shown to a client
or written to kiosk.log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot

from kiosk.core.checkin import Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, PackKind, Visit
from kiosk.core.screening import READINESS_QUESTIONS, SCREENING_QUESTIONS
from kiosk.store import Store
from kiosk.store.attempts import ATTEMPTS_FILE, Attempts, attempts_for
from kiosk.store.log import log_path, start_log, stop_log
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.result import ResultScreen
from kiosk.ui.widgets.band import ResultBand
from tests.ui_checkin_helpers import (
    ALL_WELL,
    EVE,
    OLLY,
    SARAH,
    TOM,
    add_members,
    readiness_keys,
    screen_text,
)
from tests.waiting import on_top, wait_for

STOPS = [q for q in READINESS_QUESTIONS if q.blocks]
EVERY_QUESTION = [q.text for q in (*READINESS_QUESTIONS, *SCREENING_QUESTIONS)]


@pytest.fixture
def members_store(store: Store) -> Iterator[Store]:
    add_members(store)
    yield store


@pytest.fixture
def kiosk_log(data_dir: Path) -> Iterator[Path]:
    handler = start_log(data_dir)
    yield log_path(data_dir)
    stop_log(handler)


async def check_in(app: KioskApp, pilot: Pilot[int], code: str, *keys: str) -> str:
    """Scan `code`, answer with `keys`; the result's text (everything a client sees)."""
    seen: list[str] = []
    await pilot.press(*code, "enter")
    await pilot.pause()
    for key in keys:
        seen.append(screen_text(app))
        await pilot.press(key)
    await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
    seen.append(screen_text(app))
    return "\n".join(seen[-1:])


def outcome(app: KioskApp) -> Outcome:
    assert isinstance(app.screen, ResultScreen)
    return app.screen.query_one(ResultBand).outcome


def left(store: Store, who: Member) -> int:
    member = store.member(who.code)
    assert member is not None
    return sum(p.sessions_left for p in member.packs)


@pytest.mark.parametrize("stop", STOPS, ids=[q.id for q in STOPS])
async def test_a_stop_answer_sees_the_trainer_uses_no_session_and_is_an_attempt(
    stop: object,
    content: Content,
    members_store: Store,
    clock: FakeClock,
    kiosk_log: Path,
) -> None:
    question = next(q for q in STOPS if q is stop)
    before = left(members_store, SARAH)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await check_in(app, pilot, SARAH.code, *readiness_keys(question.id))
        assert outcome(app) is Outcome.SEE_TRAINER
        assert "please see your trainer before any EMS today" in shown
        assert question.text not in shown
    assert members_store.visits_of(SARAH.code) == [] and left(members_store, SARAH) == before
    [attempt] = attempts_for(members_store).on(clock.now().date())
    assert attempt.member_code == SARAH.code and attempt.at == clock.now()
    assert attempt.outcome is Outcome.SEE_TRAINER and attempt.kind is PackKind.EMS
    assert f"said yes: {question.text}" in attempt.reasons
    # on disk, and read back by a fresh reader
    [again] = Attempts(members_store.directory).on(clock.now().date())
    assert again == attempt
    assert question.text not in kiosk_log.read_text() if kiosk_log.exists() else True


@pytest.mark.parametrize(
    ("who", "expected", "reason"),
    [
        (OLLY, Outcome.PACK_USED_UP, "PT pack used up"),
        (EVE, Outcome.PACK_EXPIRED, "PT pack expired"),
        (TOM, Outcome.SEE_TRAINER, "see-trainer flag: pacemaker"),
    ],
)
async def test_every_refusal_is_an_attempt_that_uses_no_session(
    who: Member,
    expected: Outcome,
    reason: str,
    content: Content,
    members_store: Store,
    clock: FakeClock,
) -> None:
    before = left(members_store, who)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await check_in(app, pilot, who.code)
        assert outcome(app) is expected
        assert "pacemaker" not in shown
    assert members_store.visits_of(who.code) == [] and left(members_store, who) == before
    [attempt] = attempts_for(members_store).of(who.code)
    assert attempt.outcome is expected and reason in attempt.reasons


async def test_a_refusal_that_cannot_be_noted_still_tells_the_client(
    content: Content,
    members_store: Store,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kiosk.store.attempts.write_atomic", refuse)
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await check_in(app, pilot, OLLY.code)
        assert outcome(app) is Outcome.PACK_USED_UP
    assert not (members_store.directory / ATTEMPTS_FILE).exists()


async def test_checked_in_and_flagged_visits_say_why_in_words_for_staff(
    content: Content, members_store: Store, clock: FakeClock
) -> None:
    members_store.add_visit(
        Visit("old", SARAH.code, clock.now() - timedelta(days=2), PackKind.EMS, None)
    )
    app = KioskApp(content, members_store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        shown = await check_in(app, pilot, SARAH.code, *readiness_keys("meal"))
        assert outcome(app) is Outcome.CHECKED_IN
        meal = next(q.text for q in READINESS_QUESTIONS if q.id == "meal")
        assert meal not in shown
    new = [v for v in members_store.visits_of(SARAH.code) if v.id != "old"]
    assert "2 days since the last EMS session" in new[0].note
    assert f"said yes: {meal}" in new[0].note


async def test_no_answer_reaches_a_client_screen_or_the_log(
    content: Content,
    members_store: Store,
    clock: FakeClock,
    kiosk_log: Path,
) -> None:
    app = KioskApp(content, members_store, clock)
    seen: list[str] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*SARAH.code, "enter")
        await pilot.pause()
        # the questions themselves are on screen while asked; the answers never are after
        for key in readiness_keys("meal", "no_drink"):
            await pilot.press(key)
        await wait_for(pilot, lambda: on_top(app, ResultScreen), "the result")
        seen.append(screen_text(app))
        await pilot.press("escape")
        seen.append(await check_in(app, pilot, TOM.code))
        await pilot.press("escape")
        for key in ALL_WELL:  # keys at the front desk: nothing about anyone
            await pilot.press(key)
        seen.append(screen_text(app))
    text = "\n".join(seen)
    for words in [*EVERY_QUESTION, "pacemaker", "said yes"]:
        assert words not in text
    logged = kiosk_log.read_text() if kiosk_log.exists() else ""
    for words in [*EVERY_QUESTION, "pacemaker", "said yes"]:
        assert words not in logged
