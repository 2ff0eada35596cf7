"""The real `kiosk run` on a pseudo-terminal: it tells systemd it is ready and alive, leaves
cleanly (lock released) on SIGTERM, on SIGHUP and when its terminal goes away, and a crash shows
"Restarting..." (never a traceback), is logged, and exits 1 for systemd to restart it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store.lock import DataDirLock

from .terminal import F2, ROOT, Terminal, kiosk_argv
from .waiting import LIMIT, wait_until

CRASHING = """
import sys
from kiosk.ui.screens.front_desk import FrontDeskScreen

def broken(self):
    secret_local = "shown nowhere"
    raise RuntimeError("injected failure")

FrontDeskScreen.action_warmups = broken
from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start_kiosk(data: Path, env: dict[str, str] | None = None, code: str = "") -> Terminal:
    """`kiosk run` on data directory `data`, on its own 80x24 pseudo-terminal."""
    return Terminal(kiosk_argv("--data", str(data), "run", code=code), env)


@pytest.fixture
def systemd_socket() -> Iterator[tuple[str, socket.socket]]:
    # a short path: AF_UNIX addresses are limited to 108 bytes, pytest's tmp_path can be longer
    directory = tempfile.mkdtemp(prefix="kiosk-notify-")
    path = os.path.join(directory, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(LIMIT)
    yield path, sock
    sock.close()
    os.unlink(path)
    os.rmdir(directory)


def test_ready_and_watchdog_then_sigterm_leaves_cleanly(
    data_dir: Path, kiosks: list[Terminal], systemd_socket: tuple[str, socket.socket]
) -> None:
    path, sock = systemd_socket
    kiosk = start_kiosk(data_dir, {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
    kiosks.append(kiosk)
    first = sock.recv(256).decode()
    assert first.startswith("READY=1")
    # ready means the front desk was drawn: it is on the terminal, once our reader has caught up
    kiosk.wait_for(b"Fast Track")
    assert sock.recv(256) == b"WATCHDOG=1"
    assert sock.recv(256) == b"WATCHDOG=1"  # and again, from the event loop's timer
    # the store (and its lock) opens in a worker after the first frame: on a busy machine, later
    wait_until(lambda: DataDirLock.is_locked(data_dir), "the data directory's lock")
    kiosk.proc.send_signal(signal.SIGTERM)
    assert kiosk.wait() == 0
    while (message := sock.recv(256)) == b"WATCHDOG=1":
        pass
    assert message == b"STOPPING=1"
    assert not DataDirLock.is_locked(data_dir)
    assert "stopped by SIGTERM" in (data_dir / "kiosk.log").read_text()


def test_sighup_leaves_cleanly(data_dir: Path, kiosks: list[Terminal]) -> None:
    kiosk = start_kiosk(data_dir)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.proc.send_signal(signal.SIGHUP)
    assert kiosk.wait() == 0
    assert not DataDirLock.is_locked(data_dir)
    assert "stopped by SIGHUP" in (data_dir / "kiosk.log").read_text()


def test_a_terminal_that_goes_away_ends_the_kiosk_instead_of_spinning(
    data_dir: Path, kiosks: list[Terminal]
) -> None:
    kiosk = start_kiosk(data_dir)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    # the kiosk is its own session here, so no SIGHUP comes: only the dead terminal tells
    kiosk.hang_up()
    assert kiosk.wait() == 0
    assert not DataDirLock.is_locked(data_dir)
    assert "its terminal has gone" in (data_dir / "kiosk.log").read_text()


def test_a_crash_says_restarting_logs_the_traceback_and_exits_1(
    data_dir: Path, kiosks: list[Terminal]
) -> None:
    kiosk = start_kiosk(data_dir, code=CRASHING)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.type(F2)
    assert kiosk.wait() == 1
    kiosk.reader.join(5)
    screen = kiosk.output
    assert b"Restarting..." in screen
    assert b"Traceback" not in screen and b"shown nowhere" not in screen
    assert not DataDirLock.is_locked(data_dir)
    logged = (data_dir / "kiosk.log").read_text()
    assert "Traceback" in logged and "RuntimeError: injected failure" in logged


def test_without_a_terminal_it_refuses_at_once(data_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kiosk.cli", "--data", str(data_dir), "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr
    assert "Traceback" not in result.stderr
