"""Replacing several data files together: all of them or none, even under kill -9.

An import of visits touches one file per month. Each file alone is replaced atomically
(kiosk/store/files.py), but a kill between two months would leave half an import in force.
So the new files are first written, whole and fsync'd, to a staging folder; then a marker
naming them is written (atomically): that is the switch. Only then is each moved over its old
file, and the folder removed. At the next opening, `finish` completes a set whose marker is on
disk (moving in what is left) and drops one whose marker never was: the old set stays.

Moving a staged file in is a rename, which needs no free space, so a full disk can finish it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath

from kiosk.store.files import fsync_dir, write_atomic

STAGING = ".switching"  # in the data directory
MARKER = "switch.json"  # {staged name: path in the data directory}


def replace_together(directory: Path, files: dict[str, bytes]) -> None:
    """Replace each file (a path relative to `directory` -> its new bytes), all or none.

    On disk, fsync'd, when it returns. A kill before the marker is on disk changes nothing;
    a kill after it is completed by the next `finish`."""
    finish(directory)  # a set a killed process was switching goes first, whole
    staging = directory / STAGING
    staging.mkdir()
    try:
        names: dict[str, str] = {}
        for n, (rel, data) in enumerate(sorted(files.items())):
            name = f"{n}.json"
            _write_new(staging / name, data)
            names[name] = _inside(rel)
        fsync_dir(staging)
        write_atomic(staging / MARKER, json.dumps(names).encode("utf-8"))  # the switch
    except BaseException:
        if not (staging / MARKER).exists():  # (a failure after the marker is still done)
            with contextlib.suppress(OSError):
                _drop(directory, staging)
        raise
    _move_in(directory, staging, names)


def finish(directory: Path) -> str | None:
    """Complete or drop a set of files a killed process was replacing: "completed",
    "dropped", or None when there was none. OSError when the disk refuses (read-only)."""
    staging = directory / STAGING
    if not staging.is_dir():
        return None
    try:
        names = json.loads((staging / MARKER).read_bytes())
    except FileNotFoundError:
        _drop(directory, staging)
        return "dropped"
    if not isinstance(names, dict):  # written atomically by us: not expected
        raise ValueError(f"{staging / MARKER}: not a list of files")
    _move_in(directory, staging, {str(k): _inside(str(v)) for k, v in names.items()})
    return "completed"


def _move_in(directory: Path, staging: Path, names: dict[str, str]) -> None:
    folders = set()
    for name, rel in names.items():
        staged = staging / name
        target = directory / rel
        if staged.exists():  # not yet moved in (moving in may be done again after a kill)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged, target)
            folders.add(target.parent)
    for folder in folders:
        fsync_dir(folder)
    _drop(directory, staging)


def _drop(directory: Path, staging: Path) -> None:
    # the marker first: a folder without one is a set that is not in force
    (staging / MARKER).unlink(missing_ok=True)
    shutil.rmtree(staging)
    fsync_dir(directory)


def _write_new(path: Path, data: bytes) -> None:
    with path.open("xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _inside(rel: str) -> str:
    """A relative path that stays in the data directory (the marker is only ever ours)."""
    path = PurePosixPath(rel)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise ValueError(f"not a data file: {rel!r}")
    return path.as_posix()
