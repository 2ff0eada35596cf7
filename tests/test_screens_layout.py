"""Screenshots of the client screens at 80x24, 120x40 and 200x60 (and 240x67 for the front desk),
read as text from what Textual composed: nothing cut off, the block word whole, the key
sentence there, the space used (not the top fifth of the screen), and the front desk's QR codes
still decode in both styles. One app per size where the screens allow it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Button

from kiosk.core import checkin as rules
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import PackKind
from kiosk.store import Store
from kiosk.ui import messages
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.checkin import HELP, LookupScreen
from kiosk.ui.screens.front_desk import FrontDeskScreen, StudioName, arrange, masthead_rows
from kiosk.ui.screens.questions import QuestionsScreen
from kiosk.ui.screens.register import RegisterScreen
from kiosk.ui.screens.result import ResultScreen, ResultView
from kiosk.ui.widgets.band import HEADLINES, Outcome, ResultBand
from kiosk.ui.widgets.banner import BlockWords
from kiosk.ui.widgets.clock import WallClock
from kiosk.ui.widgets.qr import QRCode

from .screen import composed_strips
from .test_front_desk import Probe, check_layout, codes_drawn, settled, shown_codes
from .test_qr import decode, rasterise
from .waiting import wait_for

SIZES = [(80, 24), (120, 40), (200, 60)]
MEASURE = 66  # the longest line of body text the screens allow
SENTENCE = (
    "Please see the front desk. This visit is not recorded yet, and nothing has been taken "
    "from your pack."
)
QUESTION = "Do you have a pacemaker or any other electronic implant, or are you pregnant?"


def rows_of(pilot: Pilot[None]) -> list[str]:
    return [strip.text for strip in composed_strips(pilot.app.screen)]


def words_of(rows: list[str]) -> str:
    """The screen's text with every run of spaces one space: a wrapped sentence reads whole."""
    return " ".join(" ".join(rows).split())


def assert_on_screen(pilot: Pilot[None], *widgets: Widget) -> None:
    whole = pilot.app.screen.region
    for widget in widgets:
        assert whole.contains_region(widget.region), f"{widget} cut off: {widget.region}"


def assert_words_drawn(rows: list[str], words: BlockWords) -> None:
    """The words whole on the screen: every row of the block letters where they should be, or
    the plain words."""
    if not words.in_blocks:
        assert words.words in words_of(rows), f"{words.words!r} not on the screen"
        return
    box = words.content_region
    lines = words.lines
    top = box.y + max(0, (box.height - len(lines)) // 2)
    assert len(lines) <= box.height and max(len(line) for line in lines) <= box.width
    left_aligned = words.styles.text_align == "left"
    for n, line in enumerate(lines):
        x = box.x + (0 if left_aligned else (box.width - len(line)) // 2)
        assert rows[top + n][x : x + len(line)] == line, f"row {n} of {words.words!r} not drawn"
    assert set("".join(lines)) <= {"█", " "}


def assert_uses_the_space(rows: list[str], height: int) -> None:
    """The content sits round the middle of the screen, not in its top fifth."""
    filled = [y for y, row in enumerate(rows[:-1]) if row.strip()]  # the last line: a hint
    middle = (filled[0] + filled[-1]) / 2
    assert height / 3 <= middle <= 2 * height / 3, f"content centred on row {middle} of {height}"


def assert_measure(widgets: list[Widget]) -> None:
    for widget in widgets:
        assert widget.region.width <= MEASURE, f"{widget} is {widget.region.width} wide"


def view_for(outcome: Outcome) -> ResultView:
    if outcome is Outcome.CHECKED_IN:
        return ResultView(
            outcome,
            "Welcome back, Sarah!",
            ("EMS session checked in. 4 sessions left on your pack.",),
            prep=rules.prep_card(PackKind.EMS),
            warmup="ems-pre-session",
            prep_title="Before your EMS session",
        )
    return ResultView(
        outcome, "Sorry Sarah.", (SENTENCE,), offer_registration=outcome is Outcome.NOT_FOUND
    )


@pytest.mark.parametrize("size", SIZES)
async def test_each_result_in_block_letters_centred_and_whole(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    width, height = size
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        for outcome in Outcome:
            view = view_for(outcome)
            app.push_screen(ResultScreen(view, clock, 20))
            await wait_for(
                pilot,
                lambda: isinstance(app.screen, ResultScreen) and app.screen.query(ResultBand),
                "the result",
            )
            await pilot.pause()
            screen = app.screen
            band = screen.query_one(ResultBand)
            rows = rows_of(pilot)  # type: ignore[arg-type]
            assert_words_drawn(rows, band)
            assert str(band.render()) == HEADLINES[outcome]
            text = words_of(rows)
            assert view.greeting in text and view.lines[0] in text
            for line in screen.query(".prep-line"):  # the prep card whole, line by line
                needed = line.get_content_height(screen.size, screen.size, line.region.width)
                assert needed <= line.region.height, f"{line.render()} cut"
                assert_on_screen(pilot, line)  # type: ignore[arg-type]
            assert len(screen.query(".prep-line")) == len(view.prep)
            actions = list(screen.query(Button))
            assert actions and "Back to the front desk in 20 s" in text
            assert_on_screen(pilot, band, *actions)  # type: ignore[arg-type]
            assert_measure(list(screen.query("#greeting, .line")))
            if height >= 40:
                assert band.in_blocks and len(band.lines) >= 10
                assert_uses_the_space(rows, height)
                if not view.prep:  # the word itself round the middle, below the top fifth
                    box = band.content_region
                    assert height / 3 <= box.y + box.height / 2 <= 2 * height / 3
                    assert box.y >= height / 5
            elif not view.prep:
                assert band.in_blocks  # 80x24: the word in blocks unless the prep card needs rows
            app.pop_screen()
            await pilot.pause()
        assert width  # (the width is covered by assert_on_screen)


@pytest.mark.parametrize("size", SIZES)
async def test_questions_centred_with_yes_and_no_in_block_letters(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    width, height = size
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        app.push_screen(
            QuestionsScreen("Before your EMS session", [("a", QUESTION), ("b", "?")], clock, 60)
        )
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionsScreen), "the questions")
        await pilot.pause()
        screen = app.screen
        rows = rows_of(pilot)  # type: ignore[arg-type]
        assert QUESTION in words_of(rows)
        assert screen.query_one("#question").region.width <= 72
        for answer, key in (("yes", "(Y)"), ("no", "(N)")):
            button = screen.query_one(f"#{answer}", Button)
            assert_on_screen(pilot, button)  # type: ignore[arg-type]
            label = str(button.label).split("\n")
            assert key in label[-1]
            if height >= 40:  # the word in block letters, every row of it on the screen
                blocks = label[:-2]
                assert len(blocks) >= 5 and set("".join(blocks)) <= {"█", " "}
                box = button.content_region
                for n, line in enumerate(blocks):
                    assert line.strip() in rows[box.y + (box.height - len(label)) // 2 + n]
            else:
                assert label == [f"{answer.upper()}  {key}"]
        if height >= 40:
            assert_uses_the_space(rows, height)
        assert width


@pytest.mark.parametrize("size", SIZES)
async def test_look_up_centred_at_a_readable_measure(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    width, height = size
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, LookupScreen), "the look-up")
        await pilot.pause()
        screen = app.screen
        rows = rows_of(pilot)  # type: ignore[arg-type]
        title = screen.query_one("#title", BlockWords)
        assert_words_drawn(rows, title)
        assert title.in_blocks == (height >= 40)
        assert HELP in words_of(rows)
        form = screen.query_one("#lookup")
        assert_on_screen(pilot, form, screen.query_one("#query"))  # type: ignore[arg-type]
        assert form.region.width <= 72
        left, right = form.region.x, width - form.region.right
        assert abs(left - right) <= 1, "the look-up is not centred"
        if height >= 40:
            assert_uses_the_space(rows, height)


@pytest.mark.parametrize("size", SIZES)
async def test_registration_form_centred_at_a_readable_measure(
    size: tuple[int, int], content: Content, store: Store, clock: FakeClock
) -> None:
    width, height = size
    app = KioskApp(content, store, clock)
    async with app.run_test(size=size) as pilot:
        app.post_message(messages.OpenRegistration())
        await wait_for(pilot, lambda: isinstance(app.screen, RegisterScreen), "the form")
        await pilot.pause()
        screen = app.screen
        rows = rows_of(pilot)  # type: ignore[arg-type]
        assert "Register as a new client" in words_of(rows)
        form = screen.query_one("#form")
        assert form.region.width <= 80
        assert abs(form.region.x - (width - form.region.right)) <= 1, "the form is not centred"
        assert_on_screen(pilot, form, screen.query_one("#first_name"))  # type: ignore[arg-type]
        if height >= 40:  # the whole form on the screen, round its middle
            assert_on_screen(pilot, screen.query_one("#continue"))  # type: ignore[arg-type]
            assert_uses_the_space(rows, height)


@pytest.mark.parametrize("style", ["half", "full"])
@pytest.mark.parametrize("size", [*SIZES, (240, 67)])
async def test_front_desk_name_time_address_and_codes_that_decode(
    size: tuple[int, int], style: str, content: Content, clock: FakeClock
) -> None:
    width, height = size
    studio = replace(content.studio, qr_style=style)
    app = Probe(replace(content, studio=studio), clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        check_layout(screen)
        await codes_drawn(pilot, screen)
        await pilot.pause()
        rows = rows_of(pilot)
        # the codes: as many as before the name grew, each still read by a decoder
        before = arrange(width, height, studio.links, style)
        codes = shown_codes(screen)
        assert len(codes) == min(before.shown, len(studio.links))
        assert {q.qr_style for q in codes} == {before.qr_style}
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(q.data for q in codes)
        # the name: in block letters where they cost no code, whole
        name = screen.query_one(StudioName)
        assert_words_drawn(rows, name)
        assert name.in_blocks == screen.name_blocks
        if masthead_rows(studio.name, width, height) > 1 and style == "half":
            assert name.in_blocks  # it costs no code in the half style from 120x40 up
        assert name.in_blocks or height < 60 or style == "full"
        # the time once: the big figures, or the wall clock's, never both
        big = bool(screen.big_clock.lines)
        assert screen.query_one(WallClock).time_shown == (not big)
        assert ("10:00:00" in " ".join(rows)) == (not big)
        # the address never breaks inside its postcode
        assert any("SO21 1NL" in row for row in rows)


@pytest.mark.parametrize("size", [(120, 40), (200, 60)])
async def test_front_desk_codes_stay_whole_above_the_notices(
    size: tuple[int, int], content: Content, clock: FakeClock
) -> None:
    app = Probe(content, clock)
    async with app.run_test(size=size) as pilot:
        screen = await settled(pilot, app)
        shown = len(shown_codes(screen))
        screen.show_staff_note("No staff PIN set: run  kiosk set-pin  to set one · Ctrl+Q quits")
        screen.show_storage_problem("Storage full - see staff")
        await pilot.pause()
        check_layout(screen)  # every code whole and above the notices
        note, problem = screen.query_one("#staff-note"), screen.query_one("#storage-problem")
        assert not note.region.overlaps(problem.region), "one notice hides the other"
        assert len(shown_codes(screen)) == shown  # the notices cost no code at these sizes
        await codes_drawn(pilot, screen)
        found = decode(rasterise(composed_strips(screen), strict=False))
        assert sorted(found) == sorted(q.data for q in shown_codes(screen))
        assert isinstance(app.screen, FrontDeskScreen)
        assert all(q.display for q in screen.query(QRCode)) or shown < len(content.studio.links)
