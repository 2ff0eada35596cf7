"""Keep CPU cores busy, as a Raspberry Pi's slower cores feel to the kiosk: `make stress` runs the
suite while this runs. It stops by itself after --seconds, or when the process that started it
has gone, so a stress run that is interrupted leaves no hog behind.

    python tests/tools/hog.py [--workers 2] [--seconds 3600]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import time

CHECK_EVERY = 0.5  # seconds of spinning between looks at the clock and the parent


def spin(until: float, parent: int) -> None:
    n = 0
    while True:
        for _ in range(200_000):
            n = (n * 31 + 7) % 1_000_003
        if time.monotonic() > until or os.getppid() != parent:
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=3600.0)
    args = parser.parse_args()
    until = time.monotonic() + args.seconds
    starter = os.getppid()
    me = os.getpid()
    hogs = [
        multiprocessing.Process(target=spin, args=(until, me), daemon=True)
        for _ in range(max(1, args.workers))
    ]
    for hog in hogs:
        hog.start()
    try:
        while any(h.is_alive() for h in hogs):
            if os.getppid() != starter:  # make (or the shell) has gone: stop
                break
            hogs[0].join(CHECK_EVERY)  # wait a moment, or less if the hogs are done
    finally:
        for hog in hogs:
            hog.terminate()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
