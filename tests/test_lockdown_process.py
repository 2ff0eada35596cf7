"""The real `kiosk run` on a pseudo-terminal: it tells systemd it is ready and alive, leaves
cleanly (lock released) on SIGTERM, on SIGHUP and when its terminal goes away, and a crash shows
"Restarting..." (never a traceback), is logged, and exits 1 for systemd to restart it."""

from __future__ import annotations

import fcntl
import os
import pty
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.store.lock import DataDirLock

ROOT = Path(__file__).resolve().parent.parent
F2 = b"\x1bOQ"

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


class Kiosk:
    """`kiosk run` on its own pseudo-terminal, everything it draws collected."""

    def __init__(self, data: Path, env: dict[str, str] | None = None, code: str = "") -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        environment = dict(os.environ, TERM="xterm-256color", KIOSK_CONTENT_DIR="content")
        for name in ("TEXTUAL", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"):
            environment.pop(name, None)
        environment.update(env or {})
        program = ["-c", code] if code else ["-m", "kiosk.cli"]
        self.proc = subprocess.Popen(
            [sys.executable, *program, "--data", str(data), "run"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=ROOT,
            start_new_session=True,
        )
        os.close(slave)
        self.master: int | None = master
        self.output = bytearray()
        self.reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self.reader.start()

    def _read(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.output += chunk

    def wait_for(self, marker: bytes, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.output:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"{marker!r} never appeared: {bytes(self.output[-800:])!r}")
            time.sleep(0.02)

    def type(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)

    def hang_up(self) -> None:
        """The terminal goes away (tmux window closed, ssh dropped)."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def wait(self, timeout: float = 15.0) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the kiosk did not exit") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        self.reader.join(2)
        self.hang_up()


@pytest.fixture
def kiosks() -> Iterator[list[Kiosk]]:
    started: list[Kiosk] = []
    yield started
    for kiosk in started:
        kiosk.stop()


@pytest.fixture
def systemd_socket() -> Iterator[tuple[str, socket.socket]]:
    # a short path: AF_UNIX addresses are limited to 108 bytes, pytest's tmp_path can be longer
    directory = tempfile.mkdtemp(prefix="kiosk-notify-")
    path = os.path.join(directory, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(20)
    yield path, sock
    sock.close()
    os.unlink(path)
    os.rmdir(directory)


def test_ready_and_watchdog_then_sigterm_leaves_cleanly(
    data_dir: Path, kiosks: list[Kiosk], systemd_socket: tuple[str, socket.socket]
) -> None:
    path, sock = systemd_socket
    kiosk = Kiosk(data_dir, {"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "200000"})
    kiosks.append(kiosk)
    first = sock.recv(256).decode()
    assert first.startswith("READY=1")
    assert b"Fast Track" in kiosk.output  # ready means the front desk is on the screen
    assert sock.recv(256) == b"WATCHDOG=1"
    assert sock.recv(256) == b"WATCHDOG=1"  # and again, from the event loop's timer
    assert DataDirLock.is_locked(data_dir)
    kiosk.proc.send_signal(signal.SIGTERM)
    assert kiosk.wait() == 0
    while (message := sock.recv(256)) == b"WATCHDOG=1":
        pass
    assert message == b"STOPPING=1"
    assert not DataDirLock.is_locked(data_dir)
    assert "stopped by SIGTERM" in (data_dir / "kiosk.log").read_text()


def test_sighup_leaves_cleanly(data_dir: Path, kiosks: list[Kiosk]) -> None:
    kiosk = Kiosk(data_dir)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.proc.send_signal(signal.SIGHUP)
    assert kiosk.wait() == 0
    assert not DataDirLock.is_locked(data_dir)
    assert "stopped by SIGHUP" in (data_dir / "kiosk.log").read_text()


def test_a_terminal_that_goes_away_ends_the_kiosk_instead_of_spinning(
    data_dir: Path, kiosks: list[Kiosk]
) -> None:
    kiosk = Kiosk(data_dir)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    # the kiosk is its own session here, so no SIGHUP comes: only the dead terminal tells
    kiosk.hang_up()
    assert kiosk.wait() == 0
    assert not DataDirLock.is_locked(data_dir)
    assert "its terminal has gone" in (data_dir / "kiosk.log").read_text()


def test_a_crash_says_restarting_logs_the_traceback_and_exits_1(
    data_dir: Path, kiosks: list[Kiosk]
) -> None:
    kiosk = Kiosk(data_dir, code=CRASHING)
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track")
    kiosk.type(F2)
    assert kiosk.wait() == 1
    kiosk.reader.join(5)
    screen = bytes(kiosk.output)
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
