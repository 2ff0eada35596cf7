"""The warm-up menu, player and finish screens in the real app, with time moved by a FakeClock.

The player looks at its engine every 0.2 s of real time; the tests move the FakeClock and call
the screen's ``tick()`` themselves, then let Textual catch up with ``pilot.pause()``.
"""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList, Static

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content, load_content
from kiosk.core.fields import Problem
from kiosk.core.programmes import LEFT_OUT, Phase, Side
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.screens.warmup import (
    FINISH_SECONDS,
    KEYS,
    LOOK_LATE,
    PAUSED_IDLE,
    FinishScreen,
    KeyButton,
    LeaveDialog,
    WarmupScreen,
)
from kiosk.ui.screens.warmup_menu import MENU_IDLE, WarmupMenuScreen
from kiosk.ui.screens.warmup_safety import SafetyScreen
from kiosk.ui.widgets.countdown import BigCountdown

from .conftest import CONTENT_DIR
from .screen import composed_strips
from .waiting import idle_looked, on_top, wait_for

SIZES = [(80, 24), (200, 60)]  # at 80x21 the hip hinge's text no longer fits
# glyphs every Linux console font the kiosk supports has (see shared notes)
CONSOLE_SAFE = set("█░─│┌┐└┘━┃·←→£€é") | {chr(c) for c in range(32, 127)}


async def past_safety(pilot: Pilot[int]) -> None:
    """Every programme starts with the safety screen: the client reads it and presses Enter."""
    await wait_for(pilot, lambda: on_top(pilot.app, SafetyScreen), "the safety screen")
    await pilot.press("enter")
    await wait_for(pilot, lambda: on_top(pilot.app, WarmupScreen), "the player")


def player(app: KioskApp) -> WarmupScreen:
    assert isinstance(app.screen, WarmupScreen), type(app.screen).__name__
    return app.screen


def text(screen: Widget, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def digits(screen: WarmupScreen) -> str:
    return screen.query_one(BigCountdown).text


async def move(pilot: Pilot[int], clock: FakeClock, seconds: float, step: float = 1.0) -> None:
    """Let ``seconds`` pass on the FakeClock, the player ticking every ``step``."""
    left = seconds
    while left > 1e-9:
        jump = min(step, left)
        clock.advance(jump)
        left -= jump
        screen = pilot.app.screen
        if isinstance(screen, WarmupScreen):
            screen.tick()
        await pilot.pause()


def screen_glyphs(app: KioskApp) -> set[str]:
    strips = composed_strips(app.screen)
    return {ch for strip in strips for seg in strip for ch in seg.text}


async def start_from_menu(pilot: Pilot[int], programme_id: str) -> WarmupScreen:
    app = pilot.app
    assert isinstance(app, KioskApp)
    await pilot.press("f2")
    await pilot.pause()
    assert isinstance(app.screen, WarmupMenuScreen)
    ids = [p.id for p in app.content.warmups.programmes]
    for _ in range(ids.index(programme_id)):
        await pilot.press("down")
    await pilot.press("enter")
    await past_safety(pilot)
    return player(app)


@pytest.fixture
def app(content: Content, store: Store, clock: FakeClock) -> KioskApp:
    return KioskApp(content, store, clock)


async def test_the_menu_lists_programmes_with_their_length(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, WarmupMenuScreen)
        options = menu.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert lines[0].startswith("EMS pre-session warm-up") and lines[0].endswith("5:00")
        assert any(x.startswith("Lower-back care") and x.endswith("10:00") for x in lines)
        assert any(x.startswith("Quick mobility") and x.endswith("3:00") for x in lines)
        assert "Cat-cow" in text(menu, "#menu-about")
        await pilot.press("down")
        await pilot.pause()
        assert "Skydive" in text(menu, "#menu-about")  # the highlighted one's exercises
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_a_programme_from_the_menu_to_the_finish_with_pause_skip_and_back(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "quick-mobility")
        assert screen.programme.id == "quick-mobility"
        assert text(screen, "#phase") == "GET READY"
        assert text(screen, "#name") == "Cat-cow"
        assert text(screen, "#next") == "Next: Cat-cow"
        assert digits(screen) == "6"
        assert text(screen, "#total") == "Total left 3:00"
        await move(pilot, clock, 6)
        assert text(screen, "#phase") == "WORK"
        assert (digits(screen), text(screen, "#count")) == ("30", "Rep 1 of 6")
        assert text(screen, "#next") == "Next: Knee rolls"
        await move(pilot, clock, 5)
        assert (digits(screen), text(screen, "#count")) == ("25", "Rep 2 of 6")

        # pause: time stands still on screen
        await pilot.press("space")
        await move(pilot, clock, 90)
        assert text(screen, "#phase") == "PAUSED · Space to carry on"
        assert digits(screen) == "25" and screen.band.look == "paused"
        assert "Resume" in str(screen.query_one("#key-toggle_pause", KeyButton).label)
        await pilot.press("space")
        await move(pilot, clock, 1)
        assert (text(screen, "#phase"), digits(screen)) == ("WORK", "24")

        # skip: straight on to the next exercise, without its rest
        await pilot.press("right")
        await pilot.pause()
        assert (text(screen, "#phase"), text(screen, "#name")) == ("WORK", "Knee rolls")
        assert digits(screen) == "24"
        # back: to the start of cat-cow
        await pilot.press("left")
        await pilot.pause()
        assert (text(screen, "#name"), digits(screen)) == ("Cat-cow", "30")
        # and the buttons do the same as the keys
        await pilot.click("#key-skip")
        await pilot.pause()
        assert text(screen, "#name") == "Knee rolls"
        await pilot.click("#key-back")
        await pilot.pause()
        assert text(screen, "#name") == "Cat-cow"

        # the rest of the programme plays by itself, sides and all
        seen: set[tuple[str, str]] = set()
        while isinstance(app.screen, WarmupScreen):
            moment = screen.timer.moment()
            seen.add((text(screen, "#name"), text(screen, "#set")))
            assert moment.phase is not Phase.DONE
            await move(pilot, clock, 1)
        assert ("Lying hamstring stretch", "Left side") in seen
        assert ("Kneeling hip-flexor stretch", "Right side") in seen
        finish = app.screen
        assert isinstance(finish, FinishScreen)
        assert "You finished Quick mobility in" in text(finish, "#finish-what")
        clock.advance(FINISH_SECONDS)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_plus_minus_fifteen_and_restart(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        await move(pilot, clock, 15 + 10)
        assert (text(screen, "#name"), digits(screen)) == ("Cat-cow", "20")
        total = screen.timer.moment().total_left
        await pilot.press("plus")
        await pilot.pause()
        assert digits(screen) == "35"
        assert screen.timer.moment().total_left == total + 15
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert digits(screen) == "5"
        await pilot.click("#key-more")
        await pilot.pause()
        assert digits(screen) == "20"
        await pilot.press("r")
        await pilot.pause()
        assert (text(screen, "#name"), digits(screen)) == ("Cat-cow", "30")


async def test_done_ends_a_set_done_at_your_own_pace(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("lower-back-care"))
        await past_safety(pilot)
        screen = player(app)
        while text(screen, "#name") != "Single-leg hinge" or text(screen, "#phase") != (
            "YOUR PACE · D when done"
        ):
            await pilot.press("right")
            await pilot.pause()
        assert text(screen, "#set") == "Left side"
        assert text(screen, "#count") == "6 reps at your own pace, then press D"
        await move(pilot, clock, 75, step=5)  # it waits, counting up
        assert text(screen, "#phase").startswith("YOUR PACE") and digits(screen) == "1:15"
        await pilot.press("d")
        await pilot.pause()
        assert (text(screen, "#phase"), text(screen, "#set")) == ("SWITCH SIDES", "Right side")
        await move(pilot, clock, 5)
        await pilot.click("#key-done")
        await pilot.pause()
        assert text(screen, "#phase") == "REST"
        assert text(screen, "#name") == "Knee-to-chest stretch"


async def test_opened_by_id_starts_that_programme_or_falls_back_to_the_menu(
    app: KioskApp,
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("ems-pre-session"))
        await past_safety(pilot)
        assert player(app).programme.id == "ems-pre-session"
        app.post_message(messages.OpenWarmups("quick-mobility"))  # already open: no second one
        await pilot.pause()
        assert player(app).programme.id == "ems-pre-session"
        app.back_to_front_desk()
        await pilot.pause()
        app.post_message(messages.OpenWarmups("no-such-programme"))
        await pilot.pause()
        assert isinstance(app.screen, WarmupMenuScreen)


async def test_escape_asks_before_leaving(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        await move(pilot, clock, 5)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        assert "Leave the warm-up?" in text(app.screen, "#leave-question")
        clock.advance(30)  # the timer waits while the question is up
        await pilot.press("n")
        await pilot.pause()
        assert player(app) is screen and not screen.timer.paused
        assert digits(screen) == "10"
        await pilot.click("#key-leave")
        await pilot.pause()
        await pilot.click("#leave-yes")
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_paused_and_untouched_for_two_minutes_goes_back(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        await move(pilot, clock, 100, step=10)  # running untouched is fine: it plays on
        assert app.screen is screen
        await pilot.press("space")
        await move(pilot, clock, PAUSED_IDLE - 30, step=10)
        await pilot.press("d")  # a touch while paused starts the two minutes again
        await move(pilot, clock, PAUSED_IDLE - 10, step=10)
        assert app.screen is screen
        await move(pilot, clock, 10)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_the_menu_goes_back_by_itself(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, WarmupMenuScreen)
        clock.advance(MENU_IDLE)
        await idle_looked(pilot)
        assert isinstance(app.screen, FrontDeskScreen)


async def test_the_last_three_seconds_ring_and_flash(
    content: Content, store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    rang = tmp_path / "rang"
    studio = replace(content.studio, sound_command=f"touch {rang}")
    app = KioskApp(replace(content, studio=studio), store, clock)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("quick-mobility"))
        await past_safety(pilot)
        screen = player(app)
        await move(pilot, clock, 2.5, step=0.5)  # get ready: 6 s, so 3.5 s left
        assert not bells and screen.digits.tone != "cue"
        await move(pilot, clock, 0.6)
        assert len(bells) == 1 and screen.digits.tone == "cue"
        await move(pilot, clock, 2.8, step=0.2)
        assert len(bells) == 3 and screen.sounds == 1  # one sound per phase, a bell per second
        await move(pilot, clock, 0.2)
        assert text(screen, "#phase") == "WORK" and screen.digits.tone != "cue"
        # the sound runs in a thread, in real time
        await wait_for(pilot, rang.exists, "the sound command to run")


async def test_a_missing_sound_program_is_no_problem(
    content: Content, store: Store, clock: FakeClock
) -> None:
    studio = replace(content.studio, sound_command="no-such-player-9f3 --beep 'unclosed")
    app = KioskApp(replace(content, studio=studio), store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("quick-mobility"))
        await past_safety(pilot)
        screen = player(app)
        await move(pilot, clock, 8, step=0.5)
        await app.workers.wait_for_complete()
        assert screen.sounds == 1 and app.screen is screen
        assert text(screen, "#phase") == "WORK"


@pytest.mark.parametrize("size", SIZES)
async def test_every_exercise_fits_on_screen(
    app: KioskApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    """Every step of every programme: all text inside its column, every key whole on screen."""
    async with app.run_test(size=size) as pilot:
        for programme in app.content.warmups.programmes:
            app.post_message(messages.OpenWarmups(programme.id))
            await past_safety(pilot)
            screen = player(app)
            whole = screen.region
            for label, action in KEYS:
                key = screen.query_one(f"#key-{action}", KeyButton)
                assert whole.contains_region(key.region), label
                assert key.region.width >= len(label.strip())
            while isinstance(app.screen, WarmupScreen):
                for column in ("#clockside", "#exercise"):
                    box = screen.query_one(column).region
                    for part in screen.query_one(column).query(Static):
                        if part.region.height:
                            assert box.contains_region(part.region), (part.id, programme.id)
                assert whole.contains_region(screen.query_one(BigCountdown).region)
                assert len(screen.query_one(BigCountdown).lines) >= 5  # big, not plain figures
                assert screen_glyphs(app) <= CONSOLE_SAFE
                await pilot.press("right")
                await pilot.pause()
            app.back_to_front_desk()
            await pilot.pause()


async def test_the_side_is_shown_with_the_set(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        while text(screen, "#name") != "Bird dog":
            await pilot.press("right")
            await pilot.pause()
        assert screen.timer.moment().side is Side.LEFT
        assert text(screen, "#set") == "Left side"
        assert text(screen, "#count") == "Rep 1 of 4"
        assert text(screen, "#next") == "Next: Bird dog · right side"


async def test_the_first_second_already_shows_big_digits(app: KioskApp) -> None:
    """Textual can draw a new widget before telling it its size: no small figures meanwhile."""
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        await pilot.pause()
        assert digits(screen) == "15" and len(screen.query_one(BigCountdown).lines) >= 5
        strips = composed_strips(app.screen)
        blocks = sum(seg.text.count("█") for strip in strips for seg in strip)
        assert blocks >= 2 * 5 * 3  # at least the pixels of "15" at one cell each


async def test_a_broken_programme_is_left_out_and_the_rest_still_play(
    store: Store, clock: FakeClock, tmp_path: Path
) -> None:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    broken = (folder / "programmes" / "quick-mobility.toml").read_text()
    (folder / "programmes" / "quick-mobility.toml").write_text(
        broken.replace('exercise = "cat-cow"', 'exercise = "cat-cows"')
    )
    content = load_content(folder)
    assert [x.file for x in content.warmups.left_out] == ["programmes/quick-mobility.toml"]
    assert Problem("programmes/quick-mobility.toml", "", LEFT_OUT) in content.problems
    app = KioskApp(content, store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        menu = app.screen
        assert isinstance(menu, WarmupMenuScreen)
        options = menu.query_one(OptionList)
        names = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(names) == 2 and not any("Quick mobility" in n for n in names)
        note = text(menu, "#menu-staff")
        assert note == "For staff: 1 warm-up is hidden by a content problem (see kiosk check)."
        assert menu.region.contains_region(menu.query_one("#menu-staff").region)
        await pilot.press("enter")
        await past_safety(pilot)
        assert player(app).programme.id == "ems-pre-session"


async def test_the_menu_without_problems_has_no_staff_note(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert not app.screen.query("#menu-staff")


@pytest.mark.parametrize("size", SIZES)
async def test_menu_question_and_finish_use_only_console_glyphs(
    app: KioskApp, clock: FakeClock, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.press("f2")
        await pilot.pause()
        assert screen_glyphs(app) <= CONSOLE_SAFE
        for widget in app.screen.query("Static, OptionList, Button"):
            assert app.screen.region.contains_region(widget.region), widget
        await pilot.press("down", "down", "enter")
        await wait_for(pilot, lambda: on_top(app, SafetyScreen), "the safety screen")
        assert screen_glyphs(app) <= CONSOLE_SAFE
        for widget in app.screen.query("Static, Button"):  # every word of it on screen
            assert app.screen.region.contains_region(widget.region), widget.id
        await pilot.press("enter")
        await wait_for(pilot, lambda: on_top(app, WarmupScreen), "the player")
        screen = player(app)
        await pilot.press("space")
        await pilot.pause()
        assert screen_glyphs(app) <= CONSOLE_SAFE  # paused
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        assert screen_glyphs(app) <= CONSOLE_SAFE
        await pilot.press("n", "space")
        await move(pilot, clock, screen.programme.seconds + 1, step=20)
        assert isinstance(app.screen, FinishScreen)
        assert screen_glyphs(app) <= CONSOLE_SAFE
        for widget in app.screen.query(Static):
            assert app.screen.region.contains_region(widget.region), widget.id


async def test_the_leave_question_left_unanswered_goes_back_to_the_front_desk(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog) and screen.timer.paused
        clock.advance(PAUSED_IDLE - 1)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, LeaveDialog)
        clock.advance(1)
        screen.tick()
        await pilot.pause()
        assert isinstance(app.screen, FrontDeskScreen)


async def test_the_player_looks_again_when_the_next_second_is_due(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        clock.advance(0.4)
        screen.tick()
        assert screen.next_look_in == pytest.approx(0.6 + LOOK_LATE)
        await pilot.press("space")  # paused: only the two minutes' check, once a second
        assert screen.next_look_in == pytest.approx(1.0)


async def test_the_finish_says_how_long_it_took(app: KioskApp, clock: FakeClock) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("quick-mobility"))
        await past_safety(pilot)
        screen = player(app)
        await move(pilot, clock, screen.programme.seconds - 0.5, step=5)
        assert isinstance(app.screen, WarmupScreen)
        await move(pilot, clock, 0.5 + LOOK_LATE)  # the look just after the end
        assert isinstance(app.screen, FinishScreen)
        assert text(app.screen, "#finish-what") == "You finished Quick mobility in 3:00."


async def test_a_slow_redraw_does_not_make_the_next_second_late(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        clock.advance(0.4)
        redraw = screen.refresh_view

        def slow_redraw(*, exercise_later: bool = False) -> object:
            moment = redraw(exercise_later=exercise_later)
            clock.advance(0.25)  # a Pi taking a quarter of a second over it
            return moment

        screen.refresh_view = slow_redraw  # type: ignore[assignment,method-assign]
        screen.tick()
        # due 0.6 s after the look itself, so 0.35 s after the redraw is done
        assert screen.next_look_in == pytest.approx(0.35 + LOOK_LATE)


async def test_the_end_is_on_the_band_at_once_and_the_finish_screen_follows(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("quick-mobility"))
        await past_safety(pilot)
        screen = player(app)
        await move(pilot, clock, screen.programme.seconds - 0.5, step=5)
        clock.advance(0.5 + LOOK_LATE)
        screen.tick(on_time=True)
        # the end is shown by a redraw as small as a second's ...
        assert text(screen, "#phase") == "WELL DONE" and digits(screen) == "0"
        assert app.screen is screen
        # ... and the whole finish screen just after it
        await wait_for(pilot, lambda: on_top(app, FinishScreen), "the finish screen")


async def test_a_timed_look_shows_the_second_first_and_the_new_exercise_just_after(
    app: KioskApp, clock: FakeClock
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start_from_menu(pilot, "ems-pre-session")
        first = text(screen, "#name")
        moment = screen.timer.moment()
        while screen.timer.moment().step is moment.step:
            await pilot.pause()
            clock.advance(1)
            screen.tick(on_time=True)
        # the look that crossed into the next exercise showed its time at once, and the new
        # exercise's text (a new layout) after that redraw
        assert text(screen, "#name") == first
        await wait_for(pilot, lambda: text(screen, "#name") != first, "the next exercise's text")
        step = screen.timer.moment().step
        assert step is not None and text(screen, "#name") == step.exercise.name


@given(st.from_regex(r"[0-9]{1,2}:[0-5][0-9]|[0-9]{1,2}", fullmatch=True), st.data())
def test_the_digits_repaint_covers_every_changed_pixel(before: str, data: st.DataObject) -> None:
    from kiosk.ui.widgets.countdown import changed_columns, pixel_rows

    shape = "".join("0" if c.isdigit() else c for c in before)
    after = "".join(data.draw(st.sampled_from("0123456789")) if c == "0" else c for c in shape)
    columns = changed_columns(before, after)
    assert columns is not None  # same shape: same places
    start, end = columns
    for row_before, row_after in zip(pixel_rows(before), pixel_rows(after), strict=True):
        changed = {x for x, (a, b) in enumerate(zip(row_before, row_after, strict=True)) if a != b}
        assert changed <= set(range(start, end))
    assert changed_columns("9", "10") is None and changed_columns("1:00", "100") is None


async def test_every_programme_starts_with_the_safety_screen(app: KioskApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        app.post_message(messages.OpenWarmups("lower-back-care"))
        await wait_for(pilot, lambda: on_top(app, SafetyScreen), "the safety screen")
        shown = "\n".join(str(s.render()) for s in app.screen.query(Static))
        assert "pain, numbness or tingling, or pain that spreads down a leg" in shown
        assert "tell your trainer" in shown
        await pilot.press("escape")  # nothing started: back to the front desk
        assert isinstance(app.screen, FrontDeskScreen)
        screen = await start_from_menu(pilot, "lower-back-care")
        assert screen.programme.id == "lower-back-care"


def test_the_lower_back_programme_eases_in_before_the_skydive(content: Content) -> None:
    programme = content.warmups.programme("lower-back-care")
    assert programme is not None
    order = [step.exercise.id for step in programme.steps]
    assert order.index("prone-arm-leg-lift") < order.index("skydive")
    starts = [e.start for e in content.warmups.exercises.values()]
    assert not any("degrees" in s for s in starts)  # what the client sees, not an angle
