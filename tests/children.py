"""Child processes killed at a point set by what they have done, never by a timer.

A child says what it has done one line at a time (flushed). The test reads until the child has
said a chosen number of lines, then kills it with SIGKILL: the kill lands in the middle of the
child's next piece of work on any machine, fast or slow, where a kill after a random sleep lands
somewhere else (or after the end) on a slower one.
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import time

from .waiting import LIMIT


def kill_after_lines(child: subprocess.Popen[bytes], lines: int) -> tuple[bytes, bytes]:
    """Everything the child wrote (out, err), killed once it had said `lines` whole lines (or
    ended by itself first)."""
    assert child.stdout is not None
    out = b""
    deadline = time.monotonic() + LIMIT
    while out.count(b"\n") < lines:
        left = deadline - time.monotonic()
        assert left > 0, f"the child said {out!r} in {LIMIT:.0f} s, not {lines} lines"
        ready, _, _ = select.select([child.stdout], [], [], left)
        if ready:
            chunk = os.read(child.stdout.fileno(), 65536)
            if not chunk:
                break  # it ended by itself
            out += chunk
    child.send_signal(signal.SIGKILL)
    rest, err = child.communicate(timeout=LIMIT)
    return out + rest, err
