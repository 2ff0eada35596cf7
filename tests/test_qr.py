"""The QR widget draws codes a real decoder reads back to exactly the configured links."""

from __future__ import annotations

import pytest
import qrcode
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError
from textual.strip import Strip

from kiosk.core.content import Content
from kiosk.ui.widgets.qr import QUIET_ZONE, QRCode, code_modules, code_size, draw, qr_matrix

from .waiting import wait_for

CELL_W, CELL_H = 4, 8  # pixels per text cell: terminal cells are about twice as tall as wide


def rasterise(strips: list[Strip], *, strict: bool = True) -> Image.Image:
    """Paint text cells as a terminal would: block glyphs in the foreground, the rest background.

    ``strict``: every cell must carry both its colours (true of the QR widget's own lines). Not
    strict (a whole screen): other glyphs count as background and a missing colour is black.
    """
    width = max(s.cell_length for s in strips)
    img = Image.new("RGB", ((width + 2) * CELL_W, (len(strips) + 2) * CELL_H), (128, 128, 128))
    for row, strip in enumerate(strips):
        col = 0
        for seg in strip:
            assert seg.style is not None
            fg = seg.style.color.get_truecolor() if seg.style.color else None
            bg = seg.style.bgcolor.get_truecolor() if seg.style.bgcolor else None
            for ch in seg.text:
                x, y = (col + 1) * CELL_W, (row + 1) * CELL_H
                shapes = {" ": (bg, bg), "▀": (fg, bg), "▄": (bg, fg), "█": (fg, fg)}
                halves = shapes[ch] if strict else shapes.get(ch, (bg, bg))
                for half, shade in enumerate(halves):
                    colour = shade if strict else shade or (0, 0, 0)
                    assert colour is not None, f"cell {ch!r} at {col},{row} has no colour"
                    box = (x, y + half * CELL_H // 2, x + CELL_W, y + (half + 1) * CELL_H // 2)
                    img.paste(tuple(colour), box)
                col += 1
    return img


def decode(img: Image.Image) -> list[str]:
    return [
        r.text for r in zxingcpp.read_barcodes(img) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.mark.parametrize("style", ["half", "full", "compact"])
def test_each_link_decodes_to_exactly_its_url(content: Content, style: str) -> None:
    assert len(content.studio.links) == 4
    for link in content.studio.links:
        widget = QRCode(link.url, qr_style=style)
        assert decode(rasterise(widget.lines())) == [link.url]


@pytest.mark.parametrize("style", ["half", "full", "compact"])
def test_a_member_code_decodes_too(style: str) -> None:
    matrix = qr_matrix("FT-0042", style == "compact")
    assert decode(rasterise(draw(matrix, style))) == ["FT-0042"]


def test_drawn_in_black_and_white_only() -> None:
    for style in ("half", "full"):
        for strip in QRCode("https://www.fasttrack-ems.com", qr_style=style).lines():
            for seg in strip:
                assert seg.style is not None
                colours = {c.get_truecolor() for c in (seg.style.color, seg.style.bgcolor) if c}
                assert colours <= {(0, 0, 0), (255, 255, 255)}


def test_quiet_zone_is_four_light_modules() -> None:
    m = qr_matrix("https://www.fasttrack-ems.com")
    n = len(m)
    for i in range(QUIET_ZONE):
        assert not any(m[i]) and not any(m[n - 1 - i])
        assert not any(row[i] or row[n - 1 - i] for row in m)
    assert m[QUIET_ZONE][QUIET_ZONE]  # a finder pattern starts right after the zone


@pytest.mark.parametrize(
    "url",
    [
        "https://www.fasttrack-ems.com",
        "https://www.fasttrackfitness.com",
        "https://www.facebook.com/FastTrackEMS",
        "https://www.instagram.com/fasttrack_ems",
        "x",
    ],
)
def test_smallest_version_that_fits(url: str) -> None:
    version = (len(qr_matrix(url)) - 2 * QUIET_ZONE - 17) // 4
    if version > 1:
        smaller = qrcode.QRCode(version=version - 1, error_correction=ERROR_CORRECT_M)
        smaller.add_data(url)
        with pytest.raises(DataOverflowError):
            smaller.make(fit=False)


def test_sizes_of_the_two_styles() -> None:
    url = "https://www.fasttrack-ems.com"  # version 3: 29 modules + 2 x 4 quiet zone = 37
    assert tuple(code_size(url, "half")) == (37, 19)
    assert tuple(code_size(url, "full")) == (74, 37)
    assert [s.cell_length for s in QRCode(url).lines()] == [37] * 19
    assert len(QRCode(url, qr_style="full").lines()) == 37


def test_unknown_style_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown QR style"):
        QRCode("x", qr_style="tiny")


def test_the_test_decoder_is_not_fooled_by_a_broken_code() -> None:
    strips = QRCode("https://www.fasttrack-ems.com").lines()
    img = rasterise(strips)
    # paint over the top-left finder pattern: no longer a readable code
    img.paste((255, 255, 255), (0, 0, 20 * CELL_W, 10 * CELL_H))
    assert decode(img) == []


@settings(max_examples=60, deadline=None)
@given(
    st.text(min_size=1, max_size=300)
    | st.text("0123456789", min_size=1, max_size=900)
    | st.text("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:", min_size=1, max_size=600)
)
def test_size_worked_out_cheaply_matches_the_drawn_code(data: str) -> None:
    assert code_modules(data) == len(qr_matrix(data))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 17])
def test_size_at_every_version_edge(n: int) -> None:
    # the longest byte string each early version holds, and one byte more
    from kiosk.ui.widgets.qr import M_CODEWORDS

    count_bits = 8 if n < 10 else 16
    most = (8 * M_CODEWORDS[n - 1] - 4 - count_bits) // 8
    for data in ("a" * most, "a" * (most + 1)):
        assert code_modules(data) == len(qr_matrix(data))


def test_codeword_table_is_qrcodes() -> None:
    from qrcode import util
    from qrcode.constants import ERROR_CORRECT_M

    from kiosk.ui.widgets.qr import M_CODEWORDS

    assert [bits // 8 for bits in util.BIT_LIMIT_TABLE[ERROR_CORRECT_M][1:]] == list(M_CODEWORDS)


def test_compact_codes_are_smaller_and_sized_without_qrcode() -> None:
    from qrcode import util
    from qrcode.constants import ERROR_CORRECT_L

    from kiosk.ui.widgets.qr import L_CODEWORDS

    assert [bits // 8 for bits in util.BIT_LIMIT_TABLE[ERROR_CORRECT_L][1:]] == list(L_CODEWORDS)
    for data in ("FT-0042", "https://www.instagram.com/fasttrack_ems", "a" * 300):
        assert code_modules(data, True) == len(qr_matrix(data, True)) < code_modules(data)
        assert code_size(data, "compact").height == len(qr_matrix(data, True))
    # a 39-character link fits a 120x33 console (31 rows under the masthead and the hint)
    assert code_size("https://www.instagram.com/fasttrack_ems", "compact") == (62, 31)


async def test_a_deferred_code_is_blank_white_until_drawn() -> None:
    from textual.app import App, ComposeResult

    url = "https://www.fasttrack-ems.com"

    class Two(App[None]):
        def compose(self) -> ComposeResult:
            yield QRCode(url, defer=3600, id="later")  # not in this test's lifetime
            yield QRCode(url, defer=0.05, id="soon")

    app = Two()
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        later = app.query_one("#later", QRCode)
        assert not later.ready and later.region.size == code_size(url, "half")
        blank = [later.render_line(y) for y in range(later.region.height)]
        colours = {seg.style.bgcolor for s in blank for seg in s if seg.style}
        assert {c.get_truecolor() if c else None for c in colours} == {(255, 255, 255)}
        assert decode(rasterise(blank)) == []
        soon = app.query_one("#soon", QRCode)
        await wait_for(pilot, lambda: soon.ready, "the code to be drawn")  # type: ignore[arg-type]
        drawn = [soon.render_line(y) for y in range(soon.region.height)]
        assert decode(rasterise(drawn)) == [url]


async def test_caption_is_drawn_under_the_code_wrapped_and_centred() -> None:
    from textual.app import App, ComposeResult

    url = "https://www.fasttrack-ems.com"
    caption = "Book a session or a free consultation online"

    class One(App[None]):
        def compose(self) -> ComposeResult:
            yield QRCode(url, caption=caption, caption_rows=2)
            yield QRCode("https://example.com", id="bare")

    app = One()
    async with app.run_test(size=(60, 60)) as pilot:
        await pilot.pause()
        qr = app.query_one(QRCode)
        width, height = code_size(url, "half")
        assert qr.region.size == (width, height + 2)
        lines = qr.caption_lines()
        assert [qr.render_line(height + n).text for n in range(2)] == lines
        assert len(lines) == 2 and all(len(line) == width for line in lines)
        assert " ".join(" ".join(lines).split()) == caption
        for line in lines:  # centred
            assert abs((len(line) - len(line.lstrip())) - (len(line) - len(line.rstrip()))) <= 1
        assert app.query_one("#bare", QRCode).caption_lines() == []  # no caption, no rows


def test_sixteen_colour_terminals_get_black_and_bright_white() -> None:
    """TERM=linux: Textual downgrades to the 16-colour palette; the codes must stay black/white."""
    import re

    from rich.color import ColorSystem

    codes: set[str] = set()
    for style in ("half", "full"):
        for strip in QRCode("https://www.fasttrack-ems.com", qr_style=style).lines():
            for seg in strip:
                assert seg.style is not None
                sgr = seg.style.render("x", color_system=ColorSystem.STANDARD)
                codes |= {c for m in re.findall(r"\x1b\[([0-9;]*)m", sgr) for c in m.split(";")}
    # 30/40 black, 97/107 bright white; the Linux console shows 107 as its light grey, still light
    assert codes - {"0", ""} == {"30", "40", "97", "107"}


def test_size_when_the_data_fills_a_version_to_the_bit() -> None:
    # 34 digits fill version 1-M exactly (4 + 10 + 114 = 128 bits); 35 need version 2
    assert code_modules("1" * 34) == len(qr_matrix("1" * 34)) == 21 + 2 * QUIET_ZONE
    assert code_modules("1" * 35) == len(qr_matrix("1" * 35)) == 25 + 2 * QUIET_ZONE
