"""What `kiosk check` says about the set-up, besides the content's problems: the terminal, the
data directory (writable, in use, free space), its backups, the staff PIN and, on the Linux
console, whether the console font has every character the kiosk draws (read from the kernel's
Unicode map of the font, or from a PSF file given with --font).

Each finding is ok, a warning (worth fixing, the kiosk still runs) or a problem (exit non-zero).
"""

from __future__ import annotations

import ast
import dataclasses
import os
import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from pathlib import Path
from typing import TextIO

from kiosk import console
from kiosk.core import consolefont
from kiosk.core.consolefont import HALF_BLOCKS, NotAFont, font_characters, style_missing
from kiosk.core.content import Content
from kiosk.store.lock import LOCK_NAME, DataDirLock

SMALLEST = (80, 24)  # the layouts are designed from 80x24 up
LOW_SPACE = 200 * 1024 * 1024
BACKUP_TOO_OLD = timedelta(days=2)  # the timer makes one every night
BOX_LINES = frozenset("─│┌┐└┘")  # the "solid" borders the screens' .tcss files ask for
CONSOLE_SETUP = console.CONSOLE_SETUP  # the font loaded at boot (tests point it elsewhere)
FONT_DIRECTORY = Path(consolefont.FONT_DIRECTORY)
UI_DIR = Path(__file__).resolve().parent / "ui"
FONT_ADVICE = (
    "set FONT=Vietnamese-TerminusBold32x16.psf.gz in /etc/default/console-setup and run "
    "`sudo setupcon` (docs/raspberry-pi.md)"
)


class Level(Enum):
    OK = "ok"
    WARNING = "warning"
    PROBLEM = "problem"


@dataclass(frozen=True)
class Finding:
    topic: str
    text: str
    level: Level = Level.OK

    def __str__(self) -> str:
        prefix = "" if self.level is Level.OK else f"{self.level.value}: "
        return f"{prefix}{self.topic}: {self.text}"


def content_summary(content: Content) -> str:
    warmups = content.warmups
    return (
        f"{_count(len(content.slides), 'slide')}, "
        f"{_count(len(warmups.programmes), 'programme')}, "
        f"{_count(len(warmups.exercises), 'exercise')}, "
        f"{_count(len(content.studio.links), 'link')}, "
        f"{_count(len(content.questions.screening), 'screening question')} and "
        f"{_count(len(content.questions.readiness), 'readiness question')}"
        + (" (the shipped ones: screening.toml has problems)" if content.questions.shipped else "")
    )


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


# -- the terminal ---------------------------------------------------------------------------------


def colours(environ: Mapping[str, str]) -> int:
    """How many colours the terminal offers, from TERM and COLORTERM (as Rich and Textual guess)."""
    term = environ.get("TERM", "")
    if environ.get("COLORTERM", "") in ("truecolor", "24bit"):
        return 16_777_216
    if not term or term == "dumb":
        return 0
    if "256color" in term:
        return 256
    return 16


def terminal(environ: Mapping[str, str], stream: TextIO) -> list[Finding]:
    term = environ.get("TERM", "") or "unset"
    count = colours(environ)
    shades = {0: "no colours", 16_777_216: "millions of colours"}.get(count, f"{count} colours")
    try:
        width, height = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError):
        return [Finding("terminal", f"not a terminal here (TERM={term}, {shades})")]
    found = [Finding("terminal", f"{width}x{height}, TERM={term}, {shades}")]
    if width < SMALLEST[0] or height < SMALLEST[1]:
        found.append(
            Finding(
                "terminal",
                f"{width}x{height} is smaller than {SMALLEST[0]}x{SMALLEST[1]}: "
                "parts of the kiosk will not fit (a smaller console font gives more cells)",
                Level.WARNING,
            )
        )
    if count == 0:
        found.append(Finding("terminal", f"TERM={term} shows no colours", Level.WARNING))
    return found


# -- the data directory ---------------------------------------------------------------------------


def data_directory(directory: Path) -> list[Finding]:
    topic = "data directory"
    if not directory.exists():
        parent = next((p for p in directory.parents if p.exists()), Path("/"))
        if os.access(parent, os.W_OK | os.X_OK):
            return [Finding(topic, f"{directory} does not exist yet; the kiosk makes it")]
        return [Finding(topic, f"{directory} does not exist and cannot be made", Level.PROBLEM)]
    if not directory.is_dir():
        return [Finding(topic, f"{directory} is not a directory", Level.PROBLEM)]
    if not os.access(directory, os.W_OK | os.X_OK):
        return [Finding(topic, f"{directory} is not writable by this user", Level.PROBLEM)]
    found = [Finding(topic, f"{directory} is writable; {_in_use(directory)}")]
    free = shutil.disk_usage(directory).free
    level = Level.WARNING if free < LOW_SPACE else Level.OK
    found.append(Finding("free space", f"{free / 1e9:.1f} GB", level))
    return found


def _in_use(directory: Path) -> str:
    try:
        locked = DataDirLock.is_locked(directory)
    except OSError:
        return "cannot tell whether a kiosk runs on it"
    if not locked:
        return "no kiosk is running on it"
    try:
        holder = (directory / LOCK_NAME).read_text().strip()
    except OSError:
        holder = ""
    return f"in use by a running kiosk (process {holder})" if holder else "in use by a kiosk"


def backups(directory: Path, now: datetime) -> Finding:
    from kiosk.store.backup import list_backups, read_manifest, when_text

    found = list_backups(directory) if directory.is_dir() else []
    if not found:
        return Finding("backups", "none yet: `kiosk backup` makes one", Level.WARNING)
    made = read_manifest(found[0]).made
    age = now - made if made.tzinfo is not None else timedelta(0)
    text = f"{len(found)}, the newest made {when_text(made)} ({_age(age)} ago)"
    if age > BACKUP_TOO_OLD:
        return Finding("backups", f"{text}: is the nightly backup running?", Level.WARNING)
    return Finding("backups", text)


def screenings_to_reconcile(directory: Path) -> list[Finding]:
    """Health screenings whose member is not in the members file (after a repair), by code."""
    from kiosk.store.reconcile import screenings_without_member
    from kiosk.store.storage import DamagedFile

    topic = "health screenings"
    try:
        found = screenings_without_member(directory)
    except DamagedFile as e:
        return [Finding(topic, f"cannot tell: {e.reason}; the kiosk repairs it when it starts")]
    if not found:
        return []
    listed = ", ".join(f"{s.member_code} (taken {s.taken:%d/%m/%Y})" for s in found)
    text = (
        f"{len(found)} kept with no member in the members file: {listed}. Re-enter the member, "
        "or erase with `kiosk members erase CODE`"
    )
    return [Finding(topic, text, Level.WARNING)]


def _age(age: timedelta) -> str:
    hours = int(age.total_seconds() // 3600)
    if hours < 1:
        return "under an hour"
    if hours < 48:
        return _count(hours, "hour")
    return _count(hours // 24, "day")


def staff_pin(directory: Path) -> Finding:
    from kiosk.store.pin import pin_is_set, pin_warning

    if damaged := pin_warning(directory):
        return Finding("staff PIN", damaged, Level.PROBLEM)
    if pin_is_set(directory):
        return Finding("staff PIN", "set")
    return Finding(
        "staff PIN", "not set: staff mode cannot open; run `kiosk set-pin`", Level.WARNING
    )


# -- the console font -----------------------------------------------------------------------------


def characters_drawn(content: Content) -> frozenset[str]:
    """Every non-ASCII character the kiosk would draw: its screens' and the content's words.
    Not the half blocks: the QR style follows the font (qr_findings)."""
    shown = set(BOX_LINES) | (ui_characters() - set(HALF_BLOCKS))
    for text in _texts(content):
        shown.update(_unusual(text))
    return frozenset(shown)


def ui_characters(directory: Path = UI_DIR) -> frozenset[str]:
    """Non-ASCII characters in the UI code's strings (not its docstrings): read from the source,
    so a new arrow or separator on some screen is checked without anyone listing it here."""
    found: set[str] = set()
    for path in sorted(directory.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and id(node) not in docstrings:
                found.update(_unusual(text))
    return frozenset(found)


def _unusual(text: str) -> Iterator[str]:
    return (c for c in text if ord(c) > 127 and not c.isspace())


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name not in ("directory", "problems", "url"):
                yield from _texts(getattr(value, f.name))
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, tuple | list):
        for item in value:
            yield from _texts(item)


def font_findings(chars: frozenset[str], drawn: frozenset[str], source: str) -> list[Finding]:
    missing = "".join(sorted(drawn - chars))
    if missing:
        return [
            Finding(
                "console font",
                f"{source} lacks {' '.join(missing)} (shown as blanks); {FONT_ADVICE}",
                Level.WARNING,
            )
        ]
    return [Finding("console font", f"{source} has every character the kiosk draws")]


def font_file_characters(path: Path) -> frozenset[str] | None:
    """The characters of a PSF font file (`kiosk check --font`); None if it has no table."""
    return font_characters(path.read_bytes())


def qr_findings(style: str, chars: frozenset[str], source: str) -> list[Finding]:
    """Whether the QR codes can be drawn: qr_style = "half" with a font lacking ▀ ▄ would show
    blank codes, a problem; "auto" and "full" always can (without half blocks, larger)."""
    missing = style_missing("half", chars)
    if not missing:
        return [Finding("QR codes", f'{source} has the half blocks: qr_style "{style}" draws them')]
    if style == "half":
        text = (
            f'qr_style = "half" needs {" ".join(missing)}, which {source} lacks: the codes would '
            f'show as blanks. Set qr_style = "auto" (or "full") in studio.toml, or {FONT_ADVICE}'
        )
        return [Finding("QR codes", text, Level.PROBLEM)]
    text = (
        f"{source} lacks {' '.join(missing)}: the codes are drawn in full size (fewer at once); "
        f"for smaller codes, {FONT_ADVICE}"
    )
    return [Finding("QR codes", text)]


def active_console_characters() -> tuple[str, frozenset[str]] | None:
    """The font of this console, or else of tty1 (where the kiosk runs), if it can be read."""
    found = console.own_tty_font() or console.tty_font("/dev/tty1")
    return None if found is None else (found.source, found.chars)


def console_fonts(content: Content, font: str | None) -> list[Finding]:
    """The console font checks: the file given with --font; else the font console-setup loads at
    boot and the font the console has now (when this runs there, or may read tty1)."""
    fonts: list[tuple[str, frozenset[str]]] = []
    found: list[Finding] = []
    if font:
        try:
            chars = font_file_characters(Path(font))
        except (OSError, NotAFont, EOFError, ValueError) as e:
            return [Finding("console font", f"{font}: {e}", Level.PROBLEM)]
        if chars is None:
            return [
                Finding("console font", f"{font} has no Unicode table: cannot tell", Level.WARNING)
            ]
        fonts.append((font, chars))
    else:
        path = console.configured_font_file(CONSOLE_SETUP, FONT_DIRECTORY)
        if path is not None:
            named = console.font_file(path)
            if named is None:
                text = f"{CONSOLE_SETUP} names {path}, which cannot be read; {FONT_ADVICE}"
                found.append(Finding("console font", text, Level.WARNING))
            else:
                fonts.append((f"{path.name} (set in {CONSOLE_SETUP})", named.chars))
        if (active := active_console_characters()) is not None:
            fonts.append(active)
    drawn = characters_drawn(content)
    for source, chars in fonts:
        found += font_findings(chars, drawn, source) + qr_findings(
            content.studio.qr_style, chars, source
        )
    return found
