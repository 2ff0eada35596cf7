"""The lock files pin what pyproject.toml asks for, and the suite runs on exactly what they pin.

`make` installs from requirements-dev.lock with `--require-hashes`; the Pi guide installs from
requirements.lock. `make lock` writes both (see the Makefile).
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from packaging.markers import Marker
from packaging.utils import canonicalize_name

from .conftest import ROOT

PIN = re.compile(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)\s*(?:;\s*([^\\]+?))?\s*\\?$")


def locked(name: str) -> dict[str, tuple[str, str | None, int]]:
    """name -> (version, marker, number of hashes) from a lock file."""
    pins: dict[str, tuple[str, str | None, int]] = {}
    current = ""
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        if match := PIN.match(line):
            current = canonicalize_name(match[1])
            pins[current] = (match[2], match[3], 0)
        elif "--hash=sha256:" in line and current:
            version, marker, hashes = pins[current]
            pins[current] = (version, marker, hashes + 1)
    return pins


def asked_for() -> tuple[dict[str, str], dict[str, str]]:
    """The exact pins in pyproject.toml: the kiosk's own, and the dev extra's."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def pins(lines: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        for line in lines:
            name, _, version = line.partition("==")
            assert version, f"pyproject.toml pins every dependency exactly: {line!r}"
            found[canonicalize_name(name)] = version
        return found

    return pins(project["dependencies"]), pins(project["optional-dependencies"]["dev"])


def test_the_locks_pin_what_pyproject_asks_for() -> None:
    kiosk, dev = asked_for()
    runtime, everything = locked("requirements.lock"), locked("requirements-dev.lock")
    for name, version in kiosk.items():
        assert runtime[name][0] == version, f"{name}: run `make lock`"
    for name, version in {**kiosk, **dev}.items():
        assert everything[name][0] == version, f"{name}: run `make lock`"
    # the Pi runs the very versions the tests ran against
    for name, (version, _, _) in runtime.items():
        assert everything[name][0] == version, name


def test_every_pin_has_hashes() -> None:
    for lock in ("requirements.lock", "requirements-dev.lock"):
        for name, (_, _, hashes) in locked(lock).items():
            assert hashes, f"{lock}: {name} has no hash"


def test_this_environment_was_installed_from_the_lock() -> None:
    for name, (version, marker, _) in locked("requirements-dev.lock").items():
        if marker and not Marker(marker).evaluate():
            continue  # another platform's (e.g. colorama on Windows)
        assert metadata.version(name) == version, f"{name}: installed not from the lock"


def test_the_pi_guide_installs_from_the_lock() -> None:
    guide = (ROOT / "docs" / "raspberry-pi.md").read_text(encoding="utf-8")
    assert "--require-hashes -r requirements.lock" in guide
    assert "pip install ." not in guide.replace("--no-deps .", "")
