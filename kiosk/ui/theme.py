"""The studio's theme (kiosk/core/theme.py) as a Textual theme, so the .tcss files name colours
by role ($primary, $success, $on-success, $text-accent ...) and never hard-code them.

Besides Textual's own variables the theme defines, for each fill colour X (primary, accent,
success, warning, error, info, notice, calm): $X, $on-X (the text drawn on it) and $text-X (X
as text on the background). $text and $text-muted are fixed colours rather than Textual's
"auto 87%" (a translucent white whose contrast depends on what is under it).
"""

from __future__ import annotations

from textual.theme import Theme

from kiosk.core.theme import StudioTheme

THEME_NAME = "studio"


def textual_theme(theme: StudioTheme) -> Theme:
    colours = theme.colours()
    own = {
        name: value
        for name, value in colours.items()
        if name.startswith(("on-", "text-")) or name in ("info", "notice", "calm", "muted")
    }
    return Theme(
        name=THEME_NAME,
        primary=colours["primary"],
        secondary=colours["accent"],
        accent=colours["accent"],
        success=colours["success"],
        warning=colours["warning"],
        error=colours["error"],
        foreground=colours["foreground"],
        background=colours["background"],
        surface=colours["surface"],
        panel=colours["panel"],
        dark=theme.dark,
        variables={
            **own,
            "text": colours["foreground"],
            "text-muted": colours["muted"],
            "foreground-muted": colours["muted"],
            # Textual's own widgets (buttons, inputs, lists) draw on these
            "block-cursor-foreground": colours["on-primary"],
            "block-cursor-background": colours["primary"],
            "footer-foreground": colours["foreground"],
            "input-selection-background": colours["accent"] + " 40%",
        },
    )
