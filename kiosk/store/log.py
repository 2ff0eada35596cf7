"""The kiosk's log in the data directory: kiosk.log, rotated at 1 MB with three old files kept.

Unexpected errors land here with their traceback (never on the screen), and so do start and stop,
so staff and whoever fixes the kiosk can see what happened without a screen full of locals.
"""

from __future__ import annotations

import errno
import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_NAME = "kiosk.log"
MAX_BYTES = 1_000_000
OLD_FILES = 3
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("kiosk")


def log_path(data_dir: Path) -> Path:
    return data_dir / LOG_NAME


def start_log(data_dir: Path) -> logging.Handler:
    """Send the "kiosk" logger to data_dir/kiosk.log; returns the handler (stop_log removes it).

    On a read-only disk the file is tried again at each line instead (a kiosk that cannot log
    still starts, and says on screen that its storage is read-only)."""
    try:
        handler = RotatingFileHandler(
            log_path(data_dir), maxBytes=MAX_BYTES, backupCount=OLD_FILES, encoding="utf-8"
        )
    except OSError as e:
        if e.errno != errno.EROFS:
            raise
        handler = RotatingFileHandler(
            log_path(data_dir),
            maxBytes=MAX_BYTES,
            backupCount=OLD_FILES,
            encoding="utf-8",
            delay=True,
        )
    handler.setFormatter(logging.Formatter(FORMAT))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    return handler


def stop_log(handler: logging.Handler) -> None:
    log.removeHandler(handler)
    handler.close()
