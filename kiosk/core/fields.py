"""Reading content files into typed values, collecting every problem with its file and key.

All content (studio, slides, exercises, programmes, terms) goes through here, so a broken
file always gives the same kind of message: ``studio.toml: links.facebook.url: must be ...``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse


@dataclass(frozen=True)
class Problem:
    file: str
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.key}" if self.key else self.file
        return f"{where}: {self.message}"

    @property
    def line(self) -> str:
        """The one wording of a content problem: `kiosk check` prints it, staff mode shows it."""
        return f"problem: {self}"


class _Missing:
    pass


MISSING: Any = _Missing()


def read_file(path: Path, problems: list[Problem], label: str) -> bytes | None:
    """A content file's bytes; when it cannot be read, note a problem naming it and return None."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(label, "", "file is missing"))
    except OSError as e:
        problems.append(Problem(label, "", f"cannot be read: {e}"))
    return None


def parse_toml(data: bytes, label: str, problems: list[Problem]) -> dict[str, Any] | None:
    """Parse one TOML file's bytes; on failure note a problem naming the file and return None."""
    try:
        return tomllib.loads(data.decode("utf-8"))
    except tomllib.TOMLDecodeError as e:
        problems.append(Problem(label, "", f"not valid TOML: {e}"))
    except UnicodeDecodeError as e:
        problems.append(Problem(label, "", f"cannot be read: {e}"))
    return None


@dataclass
class Fields:
    """Typed access to one TOML table. Each getter notes a problem and returns a fallback."""

    table: Mapping[str, Any]
    file: str
    problems: list[Problem]
    prefix: str = ""
    _seen: set[str] = field(default_factory=set)

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.file, self.key(name), message))

    def _get(self, name: str, default: Any, kinds: tuple[type, ...], what: str) -> Any:
        self._seen.add(name)
        if name not in self.table:
            if default is MISSING:
                self.problem(name, f"is missing (expected {what})")
                return None
            return default
        value = self.table[name]
        # bool is an int in Python; TOML keeps them apart, so do we
        if isinstance(value, bool) and bool not in kinds:
            self.problem(name, f"must be {what}, not true/false")
            return None
        if not isinstance(value, kinds):
            self.problem(name, f"must be {what}, not {_describe(value)}")
            return None
        return value

    def text(self, name: str, default: Any = MISSING, *, allow_empty: bool = False) -> str:
        value = self._get(name, default, (str,), "text")
        if value is None:
            return "" if default is MISSING or default is None else str(default)
        if not allow_empty and not value.strip():
            self.problem(name, "must not be empty")
        return str(value)

    def integer(self, name: str, default: Any = MISSING, *, minimum: int | None = None) -> int:
        value = self._get(name, default, (int,), "a whole number")
        if value is None:
            return 0 if default is MISSING or default is None else int(default)
        if minimum is not None and value < minimum:
            self.problem(name, f"must be at least {minimum}, not {value}")
            return minimum
        return int(value)

    def number(self, name: str, default: Any = MISSING, *, minimum: float | None = None) -> float:
        value = self._get(name, default, (int, float), "a number")
        if value is None:
            return 0.0 if default is MISSING or default is None else float(default)
        if minimum is not None and value < minimum:
            self.problem(name, f"must be at least {minimum:g}, not {value:g}")
            return float(minimum)
        return float(value)

    def flag(self, name: str, default: Any = MISSING) -> bool:
        value = self._get(name, default, (bool,), "true or false")
        return bool(value) if value is not None else bool(default is True)

    def settings(self, minimums: Mapping[str, int], defaults: object) -> dict[str, int]:
        """Whole numbers at or above their minimums; a bad one is named and keeps the default
        (the attribute of that name on ``defaults``), so one typo never changes another."""
        values: dict[str, int] = {}
        for key, least in minimums.items():
            fallback: int = getattr(defaults, key)  # at or above its minimum
            value = self.integer(key, fallback)  # the fallback when of the wrong type
            if value < least:
                self.problem(key, f"must be at least {least}, not {value}; using {fallback}")
                value = fallback
            values[key] = value
        return values

    def switches(self, keys: Iterable[str], defaults: object) -> dict[str, bool]:
        """true/false settings; a bad one is named and keeps the default (as ``settings``)."""
        return {key: self.flag(key, getattr(defaults, key)) for key in keys}

    def texts(self, name: str, default: Any = MISSING) -> list[str]:
        value = self._get(name, default, (list,), "a list of text")
        if value is None:
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if isinstance(item, str) and item.strip():
                out.append(item)
            else:
                self.problem(f"{name}[{i}]", f"must be non-empty text, not {_describe(item)}")
        return out

    def url(self, name: str, default: Any = MISSING) -> str:
        value = self.text(name, default)
        if value and not is_web_url(value):
            self.problem(name, f"must be an http:// or https:// link, not {value!r}")
            return ""
        return value

    def sub(self, name: str, default: Any = MISSING) -> Fields:
        value = self._get(name, default, (dict,), "a table")
        return Fields(
            value if isinstance(value, dict) else {}, self.file, self.problems, self.key(name)
        )

    def tables(self, name: str, default: Any = MISSING) -> list[Fields]:
        """An array of tables, e.g. ``[[slides]]``."""
        value = self._get(name, default, (list,), "a list of tables")
        out: list[Fields] = []
        for i, item in enumerate(value or []):
            key = f"{self.key(name)}[{i}]"
            if isinstance(item, dict):
                out.append(Fields(item, self.file, self.problems, key))
            else:
                problem = Problem(self.file, key, f"must be a table, not {_describe(item)}")
                self.problems.append(problem)
        return out

    def unknown_keys(self) -> list[str]:
        return [k for k in self.table if k not in self._seen]


def is_web_url(value: str) -> bool:
    parsed = urlparse(value)
    return parsed.scheme in ("http", "https") and bool(parsed.netloc) and " " not in value


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
