"""The data directory lock and atomic file writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.store import DataDirLocked, Store
from kiosk.store.files import write_atomic
from kiosk.store.lock import DataDirLock


def test_second_store_on_same_directory_is_refused(data_dir: Path) -> None:
    with Store.open(data_dir), pytest.raises(DataDirLocked) as e:
        Store.open(data_dir)
    assert str(os.getpid()) in str(e.value)
    assert "another kiosk" in str(e.value)


def test_lock_is_released_on_close(data_dir: Path) -> None:
    Store.open(data_dir).close()
    assert not DataDirLock.is_locked(data_dir)
    Store.open(data_dir).close()


def test_second_process_gets_a_clear_message_not_a_traceback(data_dir: Path) -> None:
    with Store.open(data_dir):
        assert DataDirLock.is_locked(data_dir)
        result = subprocess.run(
            [sys.executable, "-m", "kiosk.cli", "--data", str(data_dir), "run"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 3
    assert "in use by another kiosk" in result.stderr
    assert "Traceback" not in result.stderr


def test_write_atomic_replaces_whole_file_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "members.json"
    target.write_text("old")
    write_atomic(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert [p.name for p in tmp_path.iterdir()] == ["members.json"]


def test_write_atomic_failure_keeps_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "members.json"
    target.write_text("old")

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        write_atomic(target, b"new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["members.json"]
