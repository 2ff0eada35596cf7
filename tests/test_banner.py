"""Block letters (kiosk/ui/widgets/banner.py) and the front desk's address wrapping: pure
functions, no app."""

from __future__ import annotations

import string

import pytest

from kiosk.ui.screens.front_desk import address_lines
from kiosk.ui.widgets.banner import (
    GLYPHS,
    SCALES,
    block_lines,
    can_draw,
    pixel_width,
    plain_lines,
)
from kiosk.ui.widgets.countdown import FONT_ROWS


def test_every_letter_and_digit_has_a_glyph_of_five_even_rows() -> None:
    for ch in string.ascii_uppercase + string.digits + "!?.,'-&/ :":
        glyph = GLYPHS[ch]
        assert len(glyph) == FONT_ROWS and len({len(row) for row in glyph}) == 1, ch
        assert set("".join(glyph)) <= {"#", " "}
    # no two letters drawn alike (O and 0 may be: they are never side by side in a word)
    letters = [GLYPHS[ch] for ch in string.ascii_uppercase]
    assert len(set(letters)) == len(letters)


def test_the_largest_scale_that_fits_only_full_blocks() -> None:
    lines = block_lines("CHECKED IN", 116, 10)
    assert lines is not None and len(lines) == 10  # two rows a pixel
    assert set("".join(lines)) <= {"█", " "}
    assert max(len(line) for line in lines) <= 116
    width = pixel_width("CHECKED IN")
    assert len(lines[0]) == 2 * width  # (2, 2): the widest that fits 116 columns
    assert block_lines("CHECKED IN", 3 * width, 10) is not None
    assert len(block_lines("CHECKED IN", 3 * width, 10)[0]) == 3 * width  # type: ignore[index]


def test_words_wrap_over_lines_when_one_line_is_too_wide() -> None:
    width = pixel_width("SEE YOUR TRAINER")
    one = block_lines("SEE YOUR TRAINER", width, 5)
    assert one is not None and len(one) == 5
    two = block_lines("SEE YOUR TRAINER", width - 1, 11)  # a pixel short: two lines
    assert two is not None and len(two) == 11 and two[5] == ""
    assert block_lines("SEE YOUR TRAINER", width - 1, 10) is None  # and no room for them


@pytest.mark.parametrize("text", ["Zoë's Studio", "Café", "", "   "])
def test_what_the_font_cannot_draw_is_never_drawn_wrong(text: str) -> None:
    assert block_lines(text, 200, 60) is None
    assert not can_draw(text) or not text.strip()


def test_too_small_falls_back_to_plain_words_wrapped() -> None:
    assert block_lines("NOT FOUND", 19, 60) is None  # "FOUND" is 20 pixels wide
    assert block_lines("NOT FOUND", 80, 4) is None  # five rows at the least
    assert plain_lines("NOT FOUND", 6) == ("NOT", "FOUND")
    assert SCALES[-1] == (1, 1)


@pytest.mark.parametrize("width", range(10, 50))  # from the longest word up
def test_an_address_wraps_at_commas_and_never_inside_its_postcode(width: int) -> None:
    address = "1 The Cresent, Twyford, Winchester SO21 1NL"
    lines = address_lines(address, width)
    assert all(len(line) <= width for line in lines)
    assert any("SO21 1NL" in line for line in lines)
    assert " ".join(" ".join(lines).split()) == address
    if width >= len("Winchester SO21 1NL"):
        assert all(line.endswith(",") for line in lines[:-1])  # broken at its commas only
    if width >= len(address):
        assert lines == [address]
