"""The trainer's side of EMS safety in staff mode: from today's visits, why each client is
flagged or was refused, and (M) what their health screening said, in two key presses."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from textual.pilot import Pilot

from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind, Visit
from kiosk.core.screening import READINESS_QUESTIONS, SHIPPED, Readiness, take_screening
from kiosk.store import Store
from kiosk.store.attempts import attempts_for
from kiosk.store.pin import set_pin
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.staff_members import MemberScreen
from kiosk.ui.screens.staff_visits import TodayScreen
from tests.staff_helpers import (
    OLLY,
    PIN,
    SARAH,
    TOM,
    add_members,
    open_staff_mode,
    options,
    screen_text,
    settle,
)

UNWELL = next(q.text for q in READINESS_QUESTIONS if q.id == "unwell")


def kiosk_check_in(store: Store, code: str, kind: PackKind, clock: FakeClock, **yes: bool) -> None:
    """A check-in as the kiosk makes it: readiness answered, refusals kept as attempts."""
    member = store.member(code)
    assert member is not None
    readiness = Readiness.of({q.id: yes.get(q.id, False) for q in READINESS_QUESTIONS})
    result = decide_check_in(
        member,
        kind,
        clock.now(),
        last=store.last_visit(code, kind),
        readiness=readiness,
        screening=store.screening(code),
        at_kiosk=True,
    )
    store.record_check_in(result)
    if result.attempt is not None:
        attempts_for(store).add(result.attempt)


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    set_pin(store.directory, PIN)
    add_members(store)
    answers = {q.id: q.id in ("heart", "disc") for q in SHIPPED.screening}
    screening = take_screening(
        SARAH.code, answers, "Lumbar disc surgery 2024", clock.now() - timedelta(days=30),
        SHIPPED, {"disc": "L5, 2024"},
    )  # fmt: skip
    store.save_screening(screening)
    return KioskApp(content, store, clock)


async def open_today(app: KioskApp, pilot: Pilot[int]) -> None:
    await open_staff_mode(app, pilot)
    await pilot.press("1")
    await settle(pilot)
    assert isinstance(app.screen, TodayScreen)


def why(app: KioskApp) -> str:
    return str(app.screen.query_one("#why").render())


async def test_each_flag_and_refusal_in_words_then_the_screening_in_two_keys(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    store.add_visit(Visit("old", SARAH.code, clock.now() - timedelta(days=2), PackKind.EMS))
    kiosk_check_in(store, SARAH.code, PackKind.EMS, clock, unwell=True)  # readiness stop
    clock.advance(60)
    kiosk_check_in(store, TOM.code, PackKind.EMS, clock)  # see-trainer flag
    clock.advance(60)
    kiosk_check_in(store, OLLY.code, PackKind.PT, clock)  # pack used up
    clock.advance(60)
    store.save_member(replace(TOM, code="M1010", phone="+447700900110", see_trainer=False))
    kiosk_check_in(store, "M1010", PackKind.EMS, clock)  # checked in: first EMS session
    assert len(store.visits_on(clock.now().date())) == 1
    async with app.run_test(size=(80, 24)) as pilot:
        await open_today(app, pilot)
        shown = options(app, "#visits")
        assert shown[0] == "10:03  Tom Trainer (M1010)  EMS  [first EMS]"
        assert shown[1] == "10:02  Olly Used (M1003)  PT  NOT CHECKED IN: PT pack used up"
        assert shown[2].startswith("10:01  Tom Trainer (M1005)  EMS  NOT CHECKED IN")
        assert shown[3].startswith("10:00  Sarah Kent (M1001)  EMS  NOT CHECKED IN")
        assert "1 visit today, newest first. 3 refused at the kiosk." in screen_text(app)
        assert "Why: first EMS session" in why(app)
        await pilot.press("down")
        assert "no session used. Why: PT pack used up" in why(app)
        await pilot.press("down")
        assert "see-trainer flag: pacemaker" in why(app)
        await pilot.press("down")  # Sarah: which readiness answer
        assert f"said yes: {UNWELL}" in why(app)
        await pilot.press("u")  # nothing to undo on a refusal
        await settle(pilot)
        assert "used no session: nothing to undo" in screen_text(app)
        await pilot.press("m")  # ...and what she told us at registration
        await settle(pilot)
        assert isinstance(app.screen, MemberScreen)
        text = screen_text(app)
        heart = next(q.text for q in SHIPPED.screening if q.id == "heart")
        assert f"YES, no EMS until cleared: {heart}" in text
        assert 'YES, trainer decides: Have you had a slipped disc? - they added: "L5, 2024"' in text
        assert 'Their note: "Lumbar disc surgery 2024"' in text
        assert f"No to the other {len(SHIPPED.screening) - 2}: implant, pregnant" in text
        assert "answers kept with their consent (24/10/2026 10:00)" in text
        assert "Health screening 24/10/2026, questions 2026-12-1" in text


async def test_a_short_gap_says_how_many_days(
    app: KioskApp, store: Store, clock: FakeClock
) -> None:
    store.add_visit(Visit("old", SARAH.code, clock.now() - timedelta(days=2), PackKind.EMS))
    kiosk_check_in(store, SARAH.code, PackKind.EMS, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_today(app, pilot)
        assert "2 days since the last EMS session" in why(app)


def test_every_visit_flag_has_words_for_staff() -> None:
    from kiosk.core.members import VisitFlag
    from kiosk.core.trainer_flags import FLAG_WORDS

    assert set(FLAG_WORDS) == set(VisitFlag)
    assert len(set(FLAG_WORDS.values())) == len(VisitFlag)
