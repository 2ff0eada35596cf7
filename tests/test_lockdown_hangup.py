"""Closing the kiosk's terminal (tmux kill-session, ssh dropped, tty1 hung up) ends it and frees
the data directory, every time (issue 15, finding 8: it hung on a thread lock in 8 of 20 tries).

The pty is the kiosk's controlling terminal here, as under tmux, so closing it makes the kernel
send SIGHUP and SIGCONT: Textual's "resume after Ctrl+Z" on that SIGCONT was what hung it. The
terminal is closed at different moments: while Python starts, while the front desk paints, and
on a front desk that is up and being typed at. (How long the exit takes is not measured here:
the pty's close only takes effect once the test's reader thread returns from its read, at the
kiosk's next write. Measured with strace: SIGHUP to the process gone, about 0.2 s.)
"""

from __future__ import annotations

import signal
from pathlib import Path

from kiosk.store.lock import DataDirLock

from .terminal import Terminal, kiosk_argv
from .waiting import LIMIT, wait_until

TRIES = 20


def close_at(kiosk: Terminal, data: Path, moment: int, attempt: str) -> None:
    """Close the kiosk's terminal at `moment` (0: at once, 1: logging, 2: painted, 3: typed at)."""
    log = data / "kiosk.log"
    if moment >= 1:  # the kiosk has started and holds the lock (the store opens after)
        wait_until(log.exists, "the kiosk to start its log")
    if moment >= 2:
        kiosk.wait_for(b"Fast Track", timeout=LIMIT)
    if moment == 3:
        kiosk.type(b"sar")
        kiosk.wait_for(b"sar", timeout=LIMIT)
        assert DataDirLock.is_locked(data)
    kiosk.hang_up()
    wait_until(lambda: kiosk.proc.poll() is not None, f"{attempt} to end")
    assert not DataDirLock.is_locked(data), f"{attempt}: the lock is still held"
    if moment >= 2:  # the App was up: it left cleanly, and said why
        assert kiosk.proc.returncode == 0, f"{attempt}: {kiosk.output[-800:]!r}"
        logged = log.read_text()
        assert "stopped by SIGHUP" in logged or "terminal has gone" in logged
        assert "had not stopped" not in logged  # it ended by itself, not by the last resort


def test_closing_the_terminal_ends_the_kiosk_and_frees_the_lock(
    tmp_path: Path, kiosks: list[Terminal]
) -> None:
    for attempt in range(TRIES):
        data = tmp_path / f"data-{attempt}"
        data.mkdir()
        kiosk = Terminal(kiosk_argv("--data", str(data), "run"), controlling=True)
        kiosks.append(kiosk)
        close_at(kiosk, data, attempt % 4, f"try {attempt + 1}")


HANGS_ON_EXIT = """
import sys, threading
from kiosk.ui.driver import KioskDriver

def close(self):
    threading.Event().wait()  # as the dead output thread's full queue did

KioskDriver.close = close
from kiosk.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_stop_that_hangs_is_ended_and_the_lock_freed(
    data_dir: Path, kiosks: list[Terminal]
) -> None:
    kiosk = Terminal(kiosk_argv("--data", str(data_dir), "run", code=HANGS_ON_EXIT))
    kiosks.append(kiosk)
    kiosk.wait_for(b"Fast Track", timeout=LIMIT)
    kiosk.proc.send_signal(signal.SIGTERM)
    wait_until(lambda: kiosk.proc.poll() is not None, "the kiosk to be ended")
    assert not DataDirLock.is_locked(data_dir)
    logged = (data_dir / "kiosk.log").read_text()
    assert "stopped by SIGTERM" in logged and "had not stopped 1.5 s after" in logged
