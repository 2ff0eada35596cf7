"""A program on its own pseudo-terminal, for tests and benchmarks that run the real kiosk.

Everything it writes is kept with the time it arrived, so a test can wait for text on the screen
and a benchmark can say when it got there.
"""

from __future__ import annotations

import contextlib
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Mapping, Sequence
from fcntl import ioctl
from pathlib import Path

from .waiting import LIMIT

ROOT = Path(__file__).resolve().parent.parent
F2, DOWN, ENTER = b"\x1bOQ", b"\x1b[B", b"\r"
# Textual would otherwise read settings meant for a developer's own terminal
UNSET = ("TEXTUAL", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID")


def kiosk_argv(*args: str, code: str = "") -> list[str]:
    """`kiosk ARGS...`, or a Python snippet `code` run with ARGS as its sys.argv[1:]."""
    program = ["-c", code] if code else ["-m", "kiosk.cli"]
    return [sys.executable, *program, *args]


def take_as_controlling_terminal() -> None:
    ioctl(0, termios.TIOCSCTTY, 0)  # in the child, after setsid(): standard input is the pty


class Terminal:
    def __init__(
        self,
        argv: Sequence[str],
        env: Mapping[str, str] | None = None,
        size: tuple[int, int] = (80, 24),
        controlling: bool = False,
    ) -> None:
        """`controlling`: the terminal is the program's controlling terminal, as in tmux or on
        tty1, so closing it makes the kernel send SIGHUP and SIGCONT."""
        master, slave = pty.openpty()
        cols, rows = size
        ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environment = {k: v for k, v in os.environ.items() if k not in UNSET}
        environment.update(TERM="xterm-256color", KIOSK_CONTENT_DIR=str(ROOT / "content"))
        environment.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            list(argv),
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=environment,
            cwd=ROOT,
            start_new_session=True,
            preexec_fn=take_as_controlling_terminal if controlling else None,
        )
        os.close(slave)
        self.master: int | None = master
        self.chunks: list[tuple[float, bytes]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)  # notified with each chunk read
        self.closed = False  # nothing more will arrive
        self.reader = threading.Thread(target=self._read, args=(master,), daemon=True)
        self.reader.start()

    def _read(self, fd: int) -> None:
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:  # the program closed the terminal (it ended) or it was hung up
                with self.arrived:
                    self.closed = True
                    self.arrived.notify_all()
                return
            with self.arrived:
                self.chunks.append((time.monotonic(), chunk))
                self.arrived.notify_all()

    @property
    def output(self) -> bytes:
        with self.lock:
            return b"".join(chunk for _, chunk in self.chunks)

    def seen_at(self, marker: bytes) -> float | None:
        """The monotonic time `marker` was first whole on the terminal, or None."""
        with self.lock:
            chunks = list(self.chunks)
        data = b"".join(chunk for _, chunk in chunks)
        where = data.find(marker)
        if where < 0:
            return None
        end = 0
        for t, chunk in chunks:
            end += len(chunk)
            if end >= where + len(marker):
                return t
        return None  # pragma: no cover - the marker was found in these chunks

    def wait_for(self, marker: bytes, timeout: float = LIMIT) -> float:
        """The monotonic time `marker` arrived; AssertionError if it never does."""
        deadline = time.monotonic() + timeout
        while True:
            closed = self.closed  # looked at first: once closed, every chunk is in
            seen = self.seen_at(marker)
            if seen is not None:
                return seen
            if closed or time.monotonic() > deadline:
                raise AssertionError(f"{marker!r} never appeared: {self.output[-2000:]!r}")
            self._more_output(deadline)

    def _more_output(self, deadline: float) -> None:
        """Until another chunk has arrived, the terminal closed, or the deadline passed."""
        with self.arrived:
            count = len(self.chunks)
            self.arrived.wait_for(
                lambda: len(self.chunks) > count or self.closed,
                max(0.0, deadline - time.monotonic()),
            )

    def type(self, data: bytes) -> None:
        assert self.master is not None
        os.write(self.master, data)

    def press(self, *keys: bytes) -> None:
        """Each key once the kiosk has answered the one before (drawn something after it)."""
        deadline = time.monotonic() + LIMIT
        for key in keys:
            with self.lock:
                count = len(self.chunks)
            self.type(key)
            while len(self.chunks) == count:
                assert not self.closed and time.monotonic() < deadline, f"no answer to {key!r}"
                self._more_output(deadline)

    def hang_up(self) -> None:
        """The terminal goes away (tmux window closed, ssh dropped)."""
        if self.master is not None:
            os.close(self.master)
            self.master = None

    def cpu_seconds(self) -> float:
        """CPU time of every thread, in nanosecond steps (from /proc/PID/task/*/schedstat)."""
        total = 0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            with contextlib.suppress(OSError, IndexError, ValueError):  # a thread just ended
                total += int((task / "schedstat").read_text().split()[0])
        return total / 1e9

    def wait(self, timeout: float = 15.0) -> int:
        """The exit status; AssertionError (after killing it) if it does not exit in time."""
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise AssertionError("the program did not exit") from None

    def stop(self, how: signal.Signals = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, how)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.reader.join(2)
        self.hang_up()
