"""What a content file falls back to when the owner's copy has a mistake.

A file that cannot be parsed is replaced whole by its last good copy (kept by kiosk/store/
last_good.py from every clean load) or else by the copy shipped with the kiosk. A file that parses
but has bad keys keeps its good keys: each bad key takes its last good (or shipped) value, so one
typo in ``[hours]`` never blanks the address or the QR codes. Reading the fallbacks costs nothing
until a file fails: this runs on the front desk's first-paint path.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from kiosk.core.fields import Problem, parse_toml, read_file

T = TypeVar("T")

# the content as shipped in this repository (kiosk/../content)
SHIPPED_CONTENT = Path(__file__).resolve().parent.parent.parent / "content"

LAST_GOOD = "last good copy"
SHIPPED = "shipped copy"

_STEP = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class LastGoodReader(Protocol):
    """The data directory's last good copies (kiosk/store/last_good.py), by file name."""

    def read(self, name: str) -> bytes | None: ...


@dataclass
class Sources:
    """Reads content files, remembers what each one fell back to and the bytes that parsed."""

    directory: Path
    last_good: LastGoodReader | None = None
    shipped: Path | None = SHIPPED_CONTENT
    # what is shown instead of each file with a mistake, said as `kiosk check` says problems
    fallbacks: dict[str, Problem] = field(default_factory=dict)
    loaded: dict[str, bytes] = field(default_factory=dict)  # file -> the bytes that parsed

    def load(
        self,
        name: str,
        problems: list[Problem],
        build: Callable[[dict[str, Any] | None, list[Problem]], T],
        *,
        whole: bool = False,
        or_shipped: bool = True,
    ) -> T:
        """``build`` turns a parsed table (or None: no file) into a value, noting problems.
        With ``whole``, a file that parses but has any problem is replaced whole by its last
        good copy (a programme, the terms: never a mix of two versions). Without ``or_shipped``
        only the last good copy is a fallback (the health questions have their own)."""
        own: list[Problem] = []
        text = read_file(self.directory / name, own, name)
        data = None if text is None else parse_toml(text, name, own)
        if text is None or data is None:
            problems += own
            found = self._fallback(name, or_shipped)
            return build(None, problems) if found is None else self._use(name, build, *found)
        self.loaded[name] = text
        value = build(data, own)
        problems += own
        if not own:
            return value
        found = self._fallback(name, or_shipped and not whole)
        if found is None:
            return value
        if whole:
            return self._use(name, build, *found)
        table, whence = found
        patched = [p.key for p in own if p.key and _patch(data, table, _steps(p.key))]
        if not patched:
            return value
        keys = ", ".join(dict.fromkeys(patched))
        message = f"the kiosk uses the {whence}'s {keys} until this is fixed"
        self.fallbacks[name] = Problem(name, "", message)
        return build(data, [])

    def _use(
        self,
        name: str,
        build: Callable[[dict[str, Any] | None, list[Problem]], T],
        table: dict[str, Any],
        whence: str,
    ) -> T:
        self.fallbacks[name] = Problem(name, "", f"the kiosk uses the {whence} until this is fixed")
        return build(table, [])  # a fallback's own quirks are not the owner's to fix

    def _fallback(self, name: str, or_shipped: bool) -> tuple[dict[str, Any], str] | None:
        """The last good copy of ``name``, else (``or_shipped``) the shipped one, and which."""
        text = self.last_good.read(name) if self.last_good is not None else None
        if text is not None and (table := parse_toml(text, name, [])) is not None:
            return table, LAST_GOOD
        if not or_shipped or self.shipped is None or _same_dir(self.shipped, self.directory):
            return None  # the owner edits the shipped files themselves: no other copy
        try:
            text = (self.shipped / name).read_bytes()
        except OSError:
            return None
        table = parse_toml(text, name, [])
        return (table, SHIPPED) if table is not None else None


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return False


def _steps(key: str) -> list[str | int]:
    """``links[2].url`` -> ["links", 2, "url"], as Fields names keys."""
    return [int(i) if i else k for k, i in _STEP.findall(key)]


def _patch(data: Any, good: Any, steps: list[str | int]) -> bool:
    """Put good's value at ``steps`` into data; False when good has no value there.
    A table in a list is matched by its id where it has one (links moved about keep their
    own address: a QR code must never mislead)."""
    for step in steps[:-1]:
        item = _at(data, step)
        good = _same_item(item, good, step)
        data = item
        if data is None or good is None:
            return False
    last = steps[-1]
    value = _at(good, last)
    if value is None:
        return False
    if isinstance(last, int):
        if not isinstance(data, list) or last >= len(data):
            return False
    elif not isinstance(data, dict):
        return False
    data[last] = copy.deepcopy(value)
    return True


def _same_item(item: Any, good: Any, step: str | int) -> Any:
    if isinstance(step, int) and isinstance(item, dict) and isinstance(good, list):
        wanted = item.get("id")
        if wanted is not None:
            return next((g for g in good if isinstance(g, dict) and g.get("id") == wanted), None)
    return _at(good, step)


def _at(value: Any, step: str | int) -> Any:
    if isinstance(step, int):
        return value[step] if isinstance(value, list) and step < len(value) else None
    return value.get(step) if isinstance(value, dict) else None
