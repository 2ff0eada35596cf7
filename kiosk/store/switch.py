"""Replacing several data files together: all of them or none, even under kill -9.

An import of visits touches one file per month. Each file alone is replaced atomically
(kiosk/store/files.py), but a kill between two months would leave half an import in force.
So the new files are first written, whole and fsync'd, to a staging folder; then a marker
naming them is written (atomically): that is the switch. Only then is each moved over its old
file, and the folder removed. At the next opening, `finish` completes a set whose marker is on
disk (moving in what is left) and drops one whose marker never was: the old set stays. The
marker holds a hash of each file it replaces: a set whose old files were replaced meanwhile
(`kiosk restore` before the next start) is dropped, so it never undoes the restore.

Moving a staged file in is a rename, which needs no free space, so a full disk can finish it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from pathlib import Path, PurePosixPath

from kiosk.store.files import fsync_dir, write_atomic

STAGING = ".switching"  # in the data directory
MARKER = "switch.json"  # {staged name: [path in the data directory, sha256 it replaces]}


def replace_together(directory: Path, files: dict[str, bytes]) -> None:
    """Replace each file (a path relative to `directory` -> its new bytes), all or none.

    On disk, fsync'd, when it returns. A kill before the marker is on disk changes nothing;
    a kill after it is completed by the next `finish`."""
    finish(directory)  # a set a killed process was switching goes first, whole
    staging = directory / STAGING
    staging.mkdir()
    try:
        names: dict[str, str] = {}
        marker: dict[str, list[str | None]] = {}
        for n, (rel, data) in enumerate(sorted(files.items())):
            name = f"{n}.json"
            names[name] = _inside(rel)
            marker[name] = [names[name], _hash(directory / rel)]
            _write_new(staging / name, data)
        fsync_dir(staging)
        write_atomic(staging / MARKER, json.dumps(marker).encode("utf-8"))  # the switch
    except BaseException:
        if not (staging / MARKER).exists():  # (a failure after the marker is still done)
            with contextlib.suppress(OSError):
                _drop(directory, staging)
        raise
    _move_in(directory, staging, names)


def finish(directory: Path) -> str | None:
    """Complete or drop a set of files a killed process was replacing: "completed",
    "dropped" (never switched, or its old files were replaced since), or None when there was
    none. OSError when the disk refuses (read-only)."""
    staging = directory / STAGING
    if not staging.is_dir():
        return None
    try:
        marker = json.loads((staging / MARKER).read_bytes())
    except FileNotFoundError:
        _drop(directory, staging)
        return "dropped"
    try:  # written atomically by us, so not expected to be bad
        entries = {str(k): (_inside(str(v[0])), v[1]) for k, v in marker.items()}
    except (AttributeError, TypeError, IndexError, KeyError) as e:
        raise ValueError(f"{staging / MARKER}: not a list of files") from e
    waiting = [(n, rel, old) for n, (rel, old) in entries.items() if (staging / n).exists()]
    if any(_hash(directory / rel) != old for _, rel, old in waiting):
        _drop(directory, staging)  # replaced meanwhile (a restore): that stands
        return "dropped"
    _move_in(directory, staging, {n: rel for n, (rel, _) in entries.items()})
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


def _hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


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
