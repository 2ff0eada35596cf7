"""The studio's colours (``[theme]`` in studio.toml) and the WCAG contrast they must reach.

The owner picks two colours: ``brand`` (drawn as the background of title bands, with white text
on it) and ``accent`` (drawn as text and focus lines on the screen's background). The rest (the
background, the text, and the colours that say how a check-in went) are fixed here, chosen so
every pair the kiosk draws reaches WCAG AA: 4.5:1 for text, 3:1 for block letters. Each colour
also gets an ``on-`` colour (black or white text, whichever reads better on it) and a ``text-``
colour (the colour itself, lightened or darkened until it reads as text on the background).

A colour that is not ``#rrggbb`` falls back to the default; one that does not reach the contrast
its use needs is named with a nearby colour that does, and that colour is used instead. Pure
Python: kiosk/ui/theme.py turns this into a Textual theme.
"""

from __future__ import annotations

import colorsys
import re
from dataclasses import dataclass
from functools import partial

from kiosk.core.fields import Fields

TEXT_RATIO = 4.5  # WCAG 2.x AA for normal text
LARGE_RATIO = 3.0  # AA for large text and graphics: the block letters
WHITE = "#ffffff"
BLACK = "#000000"
DEFAULT_BRAND = "#c8102e"
DEFAULT_ACCENT = "#4fc3f7"
LIGHT_ACCENT = "#0969da"  # the default on a light background
_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# The colours the owner does not pick: each result and state has its own (band.tcss), and all of
# them carry black or white text at 4.5:1 or more. They are also picked so that Rich's downgrade
# to the Linux console's 16 colours (TERM=linux) lands on one that still reads: the light ones on
# the bright console colours, with black text that is never bold (the console shows bold black
# as dark grey). tests/test_contrast.py checks both.
DARK = {
    "background": "#0d1117",
    "foreground": "#e6edf3",
    "surface": "#161b22",
    "panel": "#21262d",
    "muted": "#9da7b3",
}
LIGHT = {
    "background": "#f6f8fa",
    "foreground": "#1f2328",
    "surface": "#ffffff",
    "panel": "#eaeef2",
    "muted": "#59636e",
}
STATUS = {
    "success": "#2ea043",  # checked in, open now
    "warning": "#e3b341",  # not found, closed, get ready
    "error": "#c62828",  # pack used up, not saved
    "info": "#1f60c4",  # already checked in today, rest
    "notice": "#8250df",  # see your trainer, paused
    "calm": "#8b949e",  # no pack yet
}


def rgb(colour: str) -> tuple[int, int, int]:
    """ "#c8102e" -> (200, 16, 46)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def hex_colour(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in (r, g, b))


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2.x contrast ratio, from 1 (same) to 21 (black on white)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(fill: str) -> str:
    """Black or white, whichever reads better on `fill` (at least 4.58:1 whatever the fill)."""
    return WHITE if contrast(fill, WHITE) >= contrast(fill, BLACK) else BLACK


def nearest_readable(colour: str, against: str, ratio: float) -> str:
    """`colour` with its hue and saturation kept, lightness moved (as little as will do) until
    it reaches `ratio` against `against`."""
    if contrast(colour, against) >= ratio:
        return colour
    r, g, b = (c / 255 for c in rgb(colour))
    hue, light, sat = colorsys.rgb_to_hls(r, g, b)
    # away from the other colour: lighter on a dark one, darker on a light one
    step = 0.01 if luminance(against) < 0.18 else -0.01
    while 0.0 <= light <= 1.0:
        light += step
        found = hex_colour(*(c * 255 for c in colorsys.hls_to_rgb(hue, min(max(light, 0), 1), sat)))
        if contrast(found, against) >= ratio:
            return found
    return WHITE if step > 0 else BLACK


@dataclass(frozen=True)
class StudioTheme:
    brand: str = DEFAULT_BRAND
    accent: str = DEFAULT_ACCENT
    dark: bool = True

    @property
    def base(self) -> dict[str, str]:
        return DARK if self.dark else LIGHT

    def colours(self) -> dict[str, str]:
        """Every colour by name: the fills, their ``on-`` text colours and ``text-`` colours."""
        base = self.base
        fills = {"primary": self.brand, "accent": self.accent, **STATUS}
        out = dict(base)
        for name, fill in fills.items():
            out[name] = fill
            out[f"on-{name}"] = text_on(fill)
            out[f"text-{name}"] = nearest_readable(fill, base["background"], TEXT_RATIO)
        return out


def brand_problem(brand: str) -> tuple[str, str]:
    """Why `brand` cannot be the background of white title text ("" when it can), and the
    colour to use: a darker shade that can."""
    if contrast(brand, WHITE) >= TEXT_RATIO:
        return "", brand
    better = nearest_readable(brand, WHITE, TEXT_RATIO)
    return (
        f"{brand} under white text is {contrast(brand, WHITE):.1f}:1, below the {TEXT_RATIO}:1 "
        f'WCAG AA needs; a darker shade such as "{better}" reads well (using it for now)'
    ), better


def accent_problem(accent: str, dark: bool) -> tuple[str, str]:
    """Why `accent` cannot be text on the background ("" when it can), and the colour to use:
    a shade that can."""
    background = StudioTheme(dark=dark).base["background"]
    if contrast(accent, background) >= TEXT_RATIO:
        return "", accent
    better = nearest_readable(accent, background, TEXT_RATIO)
    shade = "lighter" if dark else "darker"
    return (
        f"{accent} as text on the {'dark' if dark else 'light'} background ({background}) is "
        f"{contrast(accent, background):.1f}:1, below the {TEXT_RATIO}:1 WCAG AA needs; a "
        f'{shade} shade such as "{better}" reads well (using it for now)'
    ), better


def load_theme(f: Fields) -> StudioTheme:
    """``[theme]``: each colour "#rrggbb"; a bad one keeps the default, a weak one is mended."""
    default = StudioTheme()
    dark = f.flag("dark", default.dark)  # the default when not true/false
    picked: dict[str, str] = {}
    for key, fallback, check in (
        ("brand", default.brand, brand_problem),
        ("accent", DEFAULT_ACCENT if dark else LIGHT_ACCENT, partial(accent_problem, dark=dark)),
    ):
        before = len(f.problems)
        value = f.text(key, fallback).strip()
        if len(f.problems) > before:
            value = fallback
        elif not _HEX.match(value):
            f.problem(key, f'must be a colour like "{fallback}" (#rrggbb), not {value!r}')
            value = fallback
        problem, value = check(value.lower())
        if problem:
            f.problem(key, problem)
        picked[key] = value
    for key in f.unknown_keys():
        f.problem(key, "is not a known setting (a typo?); the theme knows brand, accent, dark")
    return StudioTheme(brand=picked["brand"], accent=picked["accent"], dark=dark)
