"""The warm-up timer, driven by a FakeClock: no drift, each second shown once, pause, skip, back."""

from __future__ import annotations

import math
import random

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.exercises import Exercise, Kind, Timing
from kiosk.core.programmes import Phase, Programme, Side, Step
from kiosk.core.timer import CUE_SECONDS, WarmupTimer


def exercise(
    exercise_id: str, timing: Timing, per_side: bool = False, name: str | None = None
) -> Exercise:
    return Exercise(
        exercise_id,
        name or exercise_id.replace("-", " ").capitalize(),
        Kind.STRENGTH,
        "Start somewhere.",
        ("Do this.", "Then that."),
        ("glutes",),
        "Take care.",
        timing,
        per_side,
    )


HOLD10 = exercise("plank", Timing(hold=10))
BRIDGE = exercise("glute-bridge", Timing(reps=5, tempo=2))  # 10 s of work
BIRD = exercise("bird-dog", Timing(hold=10), per_side=True, name="Bird dog")
HINGE = exercise("single-leg-hinge", Timing(reps=6, tempo=5, until_done=True), per_side=True)


def programme(*steps: Step, get_ready: int = 5, switch: int = 3) -> Programme:
    return Programme("test", "Test", "", 1, get_ready, switch, steps)


@pytest.fixture
def fc(clock: FakeClock) -> FakeClock:
    return clock


def test_the_plan_puts_get_ready_sets_sides_and_rests_in_order() -> None:
    p = programme(Step(BRIDGE, BRIDGE.timing, sets=2, rest=7), Step(BIRD, BIRD.timing, rest=4))
    plan = [(s.phase, s.step, s.set_no, s.side, s.seconds) for s in p.plan()]
    assert plan == [
        (Phase.GET_READY, 0, 1, None, 5),
        (Phase.WORK, 0, 1, None, 10),
        (Phase.REST, 0, 2, None, 7),
        (Phase.WORK, 0, 2, None, 10),
        (Phase.REST, 1, 1, Side.LEFT, 7),  # the rest after the bridge's last set
        (Phase.WORK, 1, 1, Side.LEFT, 10),
        (Phase.REST, 1, 1, Side.RIGHT, 3),  # changing sides
        (Phase.WORK, 1, 1, Side.RIGHT, 10),
    ]
    assert p.seconds == 5 + 10 + 7 + 10 + 7 + 10 + 3 + 10
    assert p.plan()[6].switch_sides and not p.plan()[4].switch_sides


def test_a_sixty_minute_programme_with_jittered_ticks_ends_on_time(fc: FakeClock) -> None:
    # 60 steps of 50 s work and 10 s rest, minus the last rest, plus 10 s get ready: 3600 s
    steps = [Step(exercise(f"e{i}", Timing(hold=50)), Timing(hold=50), rest=10) for i in range(60)]
    p = programme(*steps, get_ready=10)
    assert p.seconds == 3600
    start = fc.monotonic()
    timer = WarmupTimer(p, fc)
    assert timer.ends_at() == pytest.approx(start + 3600, abs=1e-9)
    rng = random.Random(5)
    seen_done_at = None
    while seen_done_at is None:
        # ticks meant to come every 0.2 s, but late, early or missed (up to 1.5 s apart)
        fc.advance(rng.choice([0.2, 0.2, 0.2, 0.05, 0.37, 0.9, 1.5]) + rng.uniform(-0.04, 0.04))
        moment = timer.moment()
        if moment.phase is Phase.DONE:
            seen_done_at = fc.monotonic()
    reported = timer.ends_at()
    assert reported is not None
    assert abs(reported - (start + 3600)) <= 0.050
    # and the tick that first saw the end came within one (late) tick of it
    assert 0 <= seen_done_at - (start + 3600) <= 1.6


def test_a_ten_second_countdown_shows_each_second_exactly_once(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing), get_ready=3), fc)
    fc.advance(3.0)
    rng = random.Random(1)
    shown: list[int | None] = []
    while True:
        moment = timer.moment()
        if moment.phase is not Phase.WORK:
            break
        if not shown or shown[-1] != moment.shown_seconds:
            shown.append(moment.shown_seconds)
        fc.advance(rng.uniform(0.05, 0.3))
    assert shown == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]
    assert timer.moment().phase is Phase.DONE


def test_shown_seconds_at_exact_boundaries(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing), get_ready=3), fc)
    assert timer.moment().shown_seconds == 3
    fc.advance(1.0)
    assert timer.moment().shown_seconds == 2
    fc.advance(2.0)
    assert (timer.moment().phase, timer.moment().shown_seconds) == (Phase.WORK, 10)


def test_pause_freezes_time_and_resume_carries_on(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing), get_ready=5), fc)
    fc.advance(7.0)  # 2 s into the hold
    timer.pause()
    before = timer.moment()
    fc.advance(600.0)
    during = timer.moment()
    assert during.paused and during.seconds_left == before.seconds_left == 8.0
    assert during.total_left == before.total_left
    assert timer.ends_at() is None
    assert timer.paused_for() == 600.0
    timer.resume()
    fc.advance(3.0)
    assert timer.moment().seconds_left == pytest.approx(5.0)
    assert timer.ends_at() == pytest.approx(fc.monotonic() + 5.0)


def where(timer: WarmupTimer) -> tuple[Phase, int, int, Side | None]:
    m = timer.moment()
    seg = m.segment
    return (m.phase, seg.step if seg else -1, m.set_no, m.side)


def test_skip_lands_on_the_next_set_and_side_leaving_out_the_rest(fc: FakeClock) -> None:
    p = programme(Step(BRIDGE, BRIDGE.timing, sets=2, rest=7), Step(BIRD, BIRD.timing))
    timer = WarmupTimer(p, fc)
    timer.skip()  # from get ready
    assert where(timer) == (Phase.WORK, 0, 1, None)
    assert timer.moment().seconds_left == 10
    fc.advance(4)
    timer.skip()  # from set 1, over the rest
    assert where(timer) == (Phase.WORK, 0, 2, None)
    timer.skip()
    assert where(timer) == (Phase.WORK, 1, 1, Side.LEFT)
    timer.skip()
    assert where(timer) == (Phase.WORK, 1, 1, Side.RIGHT)
    assert timer.moment().next_up is None
    timer.skip()
    assert timer.moment().phase is Phase.DONE and timer.finished


def test_back_lands_on_the_previous_set_and_side(fc: FakeClock) -> None:
    p = programme(Step(BRIDGE, BRIDGE.timing, sets=2, rest=7), Step(BIRD, BIRD.timing))
    timer = WarmupTimer(p, fc)
    fc.advance(5 + 10 + 7 + 10 + 7 + 4)  # 4 s into bird dog, left side
    assert where(timer) == (Phase.WORK, 1, 1, Side.LEFT)
    timer.back()
    assert where(timer) == (Phase.WORK, 0, 2, None)
    assert timer.moment().seconds_left == 10  # from the start of that set
    fc.advance(10 + 2)  # into the rest after it
    assert timer.moment().phase is Phase.REST
    timer.back()  # from a rest: the set just done
    assert where(timer) == (Phase.WORK, 0, 2, None)
    timer.back()
    timer.back()  # nothing before the first set: stays on it
    assert where(timer) == (Phase.WORK, 0, 1, None)
    assert timer.moment().seconds_left == 10


def test_back_from_the_right_side_goes_to_the_left(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(BIRD, BIRD.timing)), fc)
    fc.advance(5 + 10 + 3 + 1)
    assert where(timer) == (Phase.WORK, 0, 1, Side.RIGHT)
    timer.back()
    assert where(timer) == (Phase.WORK, 0, 1, Side.LEFT)


def test_restart_step_goes_back_to_the_first_set(fc: FakeClock) -> None:
    p = programme(Step(BRIDGE, BRIDGE.timing, sets=3, rest=5))
    timer = WarmupTimer(p, fc)
    fc.advance(5 + 10 + 5 + 10 + 5 + 3)  # set 3
    assert where(timer) == (Phase.WORK, 0, 3, None)
    timer.restart_step()
    assert where(timer) == (Phase.WORK, 0, 1, None)
    assert timer.moment().seconds_left == 10


def test_add_and_take_fifteen_seconds(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing), Step(BRIDGE, BRIDGE.timing)), fc)
    fc.advance(5 + 2)  # 8 s of the hold left
    total = timer.moment().total_left
    assert timer.add(15)
    assert timer.moment().seconds_left == 23
    assert timer.moment().total_left == total + 15
    assert timer.add(-15)
    assert timer.moment().seconds_left == 8
    assert timer.add(-15)  # only 8 s were left: on to the rest, not into negative time
    assert timer.moment().phase is Phase.REST
    assert timer.moment().seconds_left == 10  # the rest is untouched
    assert timer.moment().total_left == pytest.approx(total - 8)


def test_plus_fifteen_during_get_ready_and_while_paused(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing)), fc)
    timer.pause()
    timer.add(15)
    fc.advance(100)
    assert timer.moment().phase is Phase.GET_READY
    assert timer.moment().seconds_left == 20


def test_reps_count_at_the_tempo(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(BRIDGE, BRIDGE.timing)), fc)
    fc.advance(5)
    reps = []
    for _ in range(10):
        reps.append(timer.moment().rep)
        fc.advance(1)
    assert reps == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_a_set_at_your_own_pace_waits_for_done(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HINGE, HINGE.timing), Step(HOLD10, HOLD10.timing)), fc)
    assert timer.ends_at() is None  # unknown until the client says done
    fc.advance(5 + 500)
    m = timer.moment()
    assert m.phase is Phase.WORK and m.waiting_for_done and m.side is Side.LEFT
    assert m.shown_seconds is None and m.rep is None and not m.cue
    assert not timer.add(15)  # no time to add to
    # total time left counts the waiting set at its expected length, never less than nothing
    assert m.total_left == 3 + 30 + 10 + 10
    timer.done()
    m = timer.moment()
    assert (m.phase, m.side, m.seconds_left) == (Phase.REST, Side.RIGHT, 3)
    fc.advance(3 + 20)
    timer.done()
    assert where(timer) == (Phase.REST, 1, 1, None)
    fc.advance(10 + 10)
    assert timer.moment().phase is Phase.DONE
    assert timer.ends_at() == fc.monotonic()


def test_back_into_a_set_that_was_done_waits_again(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HINGE, HINGE.timing), get_ready=1), fc)
    fc.advance(1 + 12)
    timer.done()
    fc.advance(1)
    timer.back()
    assert timer.moment().waiting_for_done and timer.moment().side is Side.LEFT


def test_done_during_a_rest_starts_the_next_set(fc: FakeClock) -> None:
    timer = WarmupTimer(
        programme(Step(HOLD10, HOLD10.timing, rest=30), Step(BRIDGE, BRIDGE.timing)), fc
    )
    fc.advance(5 + 10 + 1)
    assert timer.moment().phase is Phase.REST
    timer.done()
    assert where(timer) == (Phase.WORK, 1, 1, None)


def test_next_up_total_left_and_progress(fc: FakeClock) -> None:
    p = programme(Step(HOLD10, HOLD10.timing, rest=5), Step(BIRD, BIRD.timing))
    timer = WarmupTimer(p, fc)
    m = timer.moment()
    assert m.next_up is not None and m.next_step is not None
    assert (m.next_step.exercise.id, m.next_up.set_no) == ("plank", 1)  # get ready: what is coming
    assert m.total_left == p.seconds and m.progress == 0
    fc.advance(5 + 1)
    m = timer.moment()
    assert m.next_step is not None and m.next_up is not None
    assert (m.next_step.exercise.name, m.next_up.side) == ("Bird dog", Side.LEFT)
    fc.advance(p.seconds / 2 - 6)
    assert timer.moment().progress == pytest.approx(0.5)
    fc.advance(p.seconds)
    m = timer.moment()
    assert (m.phase, m.total_left, m.progress, m.next_up) == (Phase.DONE, 0, 1, None)


def test_the_cue_is_on_in_the_last_three_seconds_only(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing), get_ready=5), fc)
    cues = []
    for _ in range(15):
        cues.append(timer.moment().cue)
        fc.advance(1)
    # get ready 5..1 then hold 10..1: cue while 3, 2 and 1 are shown
    assert cues == [False, False, True, True, True] + [False] * 7 + [True, True, True]


def test_skip_back_and_done_at_the_end_do_nothing(fc: FakeClock) -> None:
    timer = WarmupTimer(programme(Step(HOLD10, HOLD10.timing)), fc)
    fc.advance(100)
    for action in (timer.skip, timer.done, timer.restart_step):
        action()
        assert timer.moment().phase is Phase.DONE
    assert not timer.add(15)
    timer.back()  # but back from the end goes to the last set
    assert where(timer) == (Phase.WORK, 0, 1, None)


def test_until_change_is_the_next_second_half_second_in_the_cue_or_rep(fc: FakeClock) -> None:
    slow = exercise("slow", Timing(reps=4, tempo=2.5))  # 10 s, a rep every 2.5 s
    timer = WarmupTimer(
        programme(Step(HOLD10, HOLD10.timing), Step(slow, slow.timing), Step(HINGE, HINGE.timing)),
        fc,
    )
    fc.advance(5 + 2.3)  # hold: 7.7 s left
    assert timer.moment().until_change() == pytest.approx(0.7)
    fc.advance(4.0)  # 3.7 s left: the next change is the second (and the cue) at 3.0
    assert timer.moment().until_change() == pytest.approx(0.7)
    fc.advance(1.0)  # 2.7 s left: the flash goes off at 2.5
    assert timer.moment().until_change() == pytest.approx(0.2)
    fc.advance(2.7 + 10 + 2.2)  # 2.2 s into the reps: 7.8 s left, the next rep at 2.5 s
    assert timer.moment().rep == 1
    assert timer.moment().until_change() == pytest.approx(0.3)
    fc.advance(0.3)
    assert timer.moment().rep == 2
    fc.advance(7.5 + 10 + 3 + 3.4)  # 3.4 s into a set that waits for "done": counts up
    assert timer.moment().waiting_for_done
    assert timer.moment().until_change() == pytest.approx(0.6)
    timer.pause()
    assert timer.moment().until_change() == math.inf
    timer.resume()
    timer.done()  # left side
    fc.advance(1000)
    timer.done()  # right side
    assert timer.moment().phase is Phase.DONE and timer.moment().until_change() == math.inf


def test_a_screen_that_looks_only_when_something_changes_shows_every_second_on_time(
    fc: FakeClock,
) -> None:
    """The player looks again after until_change() (and a little late): every second of every
    phase is seen within that lateness of its true time, with no looks in between."""
    p = programme(
        Step(HOLD10, HOLD10.timing, sets=2, rest=7),
        Step(BIRD, BIRD.timing),
        Step(BRIDGE, BRIDGE.timing),
        get_ready=5,
    )
    timer = WarmupTimer(p, fc)
    start = fc.monotonic()
    rng = random.Random(3)
    seen: dict[tuple[int, int | None], float] = {}  # (segment, shown seconds) -> first look
    looks = 0
    while timer.moment().phase is not Phase.DONE:
        moment = timer.moment()
        seen.setdefault((moment.index, moment.shown_seconds), fc.monotonic())
        looks += 1
        fc.advance(min(1.0, moment.until_change()) + rng.uniform(0.0005, 0.004))
    # when each of them truly began
    at, truth = start, {}
    for index, segment in enumerate(p.plan()):
        for k in range(int(segment.seconds)):
            truth[(index, int(segment.seconds) - k)] = at + k
        at += segment.seconds
    assert set(seen) == set(truth)
    lateness = [seen[key] - truth[key] for key in truth]
    assert min(lateness) >= 0 and max(lateness) <= 0.004 + 1e-9
    # about one look a second, two in the flashing last seconds, never a busy loop
    assert looks <= p.seconds + 2 * len(p.plan()) * (CUE_SECONDS + 1) + 1
