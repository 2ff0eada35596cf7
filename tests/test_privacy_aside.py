"""Erasure reaches the files repairs and restores set aside, and those files age out."""

from __future__ import annotations

import json
import os
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from kiosk.store import Store
from kiosk.store.aside import aside_tops, erase_from_aside, prune_aside
from kiosk.store.backup import make_backup, restore_backup
from kiosk.store.privacy import erase, erase_member

from .conftest import LONDON
from .test_backup import fill

SARAH = ("FT-SARAH2", "Sarah", "Kent", "+447700900121", "sarah@example.com", "knee")


def aside_text(data_dir: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace")
        for top in aside_tops(data_dir)
        for p in ([top] if top.is_file() else sorted(top.rglob("*")))
        if p.is_file()
    )


def set_aside(data_dir: Path) -> Path:
    """A restore (its damaged-or-replaced folder) and three damaged files, all naming Sarah."""
    fill(data_dir)
    made = make_backup(data_dir, datetime(2026, 11, 22, 3, tzinfo=LONDON), keep=5)
    restore_backup(data_dir, made, datetime(2026, 11, 22, 9, tzinfo=LONDON))
    damaged = data_dir / "damaged"
    damaged.mkdir()
    shutil.copy(data_dir / "members.json", damaged / "members.json.2026-11-20T0800")
    only_her = {"_default": {"1": json.loads((data_dir / "screenings.json").read_text())[
        "_default"]["1"]}}  # fmt: skip
    (damaged / "screenings.json.2026-11-20T0800").write_text(json.dumps(only_her))
    (damaged / "visits-2026-11.json.2026-11-21T0800").write_text('{"_default": {"1": {"id": "v2", '
        '"member_code": "FT-SARAH2"')  # fmt: skip
    return damaged


def test_erasure_takes_them_out_of_files_set_aside(data_dir: Path) -> None:
    damaged = set_aside(data_dir)
    assert "Sarah" in aside_text(data_dir) and "FT-TOMAS3" in aside_text(data_dir)
    with Store.open(data_dir) as store:
        assert (
            json.loads((damaged / "screenings.json.2026-11-20T0800").read_text())["_default"]["1"][
                "member_code"
            ]
            == "FT-SARAH2"
        )
        done = erase(store, "ft-sarah2")
    assert done is not None
    assert damaged / "screenings.json.2026-11-20T0800" in done.deleted  # it held only her
    assert damaged / "members.json.2026-11-20T0800" in done.changed  # Tom stays in it
    assert done.left == [damaged / "visits-2026-11.json.2026-11-21T0800"]  # cut short: not JSON
    readable = aside_text(data_dir).replace(
        (damaged / "visits-2026-11.json.2026-11-21T0800").read_text(), ""
    )
    for personal in SARAH:
        assert personal not in readable, personal
    assert "FT-TOMAS3" in readable and "Wood" in readable  # nobody else is touched
    members = json.loads((damaged / "members.json.2026-11-20T0800").read_text())["_default"]
    assert [m["code"] for m in members.values()] == ["FT-TOMAS3"]
    [replaced] = data_dir.glob("damaged-or-replaced-*")
    assert (replaced / "members.json").exists() and (replaced / "visits" / "2024-02.json").exists()
    # her visit files held only her: gone
    assert not (replaced / "visits" / "2026-10.json").exists()
    assert not (replaced / "visits" / "2026-11.json").exists()


def test_erase_member_still_says_whether_anyone_was_held(data_dir: Path) -> None:
    set_aside(data_dir)
    with Store.open(data_dir) as store:
        assert erase_member(store, "FT-SARAH2")
        assert not erase_member(store, "FT-SARAH2")


def test_nobody_to_take_out_changes_nothing(data_dir: Path) -> None:
    set_aside(data_dir)
    before = aside_text(data_dir)
    done = erase_from_aside(data_dir, ["FT-NOBODY"], ["+447700900999"])
    assert (done.changed, done.deleted, done.left) == ([], [], [])
    assert aside_text(data_dir) == before


def test_files_set_aside_are_pruned_after_backup_generations_days(data_dir: Path) -> None:
    damaged = set_aside(data_dir)
    [replaced] = data_dir.glob("damaged-or-replaced-*")  # set aside 22/11 09:00
    unnamed = damaged / "odd-file"  # no time in its name: its modification time counts
    unnamed.write_text("x")
    old = datetime(2026, 11, 1, 12, tzinfo=LONDON).timestamp()
    os.utime(unnamed, (old, old))
    now = datetime(2026, 12, 4, 8, 30, tzinfo=LONDON)  # 14 days after 20/11 08:00, and a bit
    gone = prune_aside(data_dir, now, 14)
    assert sorted(p.name for p in gone) == [
        "members.json.2026-11-20T0800",
        "odd-file",
        "screenings.json.2026-11-20T0800",
    ]
    assert replaced.exists() and (damaged / "visits-2026-11.json.2026-11-21T0800").exists()
    gone = prune_aside(data_dir, datetime(2026, 12, 6, 9, 1, tzinfo=LONDON), 14)
    assert sorted(p.name for p in gone) == [replaced.name, "visits-2026-11.json.2026-11-21T0800"]
    assert aside_tops(data_dir) == []
    assert (data_dir / "members.json").exists() and (data_dir / "backups").exists()
    with pytest.raises(ValueError):
        prune_aside(data_dir, now, 0)


def test_kiosk_members_erase_says_what_it_took_out(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    from .conftest import CONTENT_DIR

    set_aside(data_dir)
    argv = ["--data", str(data_dir), "--content", str(CONTENT_DIR), "members", "erase"]
    assert main([*argv, "FT-SARAH2", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "taken out of 6 file(s) set aside" in out
    assert "1 damaged file(s) set aside still mention them" in out
    assert "visits-2026-11.json.2026-11-21T0800" in out
