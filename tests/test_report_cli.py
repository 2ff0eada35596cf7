"""`kiosk report`: the owner's figures on the command line, the lists as CSV, and a damaged
month file named while the rest is still shown."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.checkin import decide_check_in
from kiosk.core.clock import FakeClock, SystemClock
from kiosk.core.members import Member, Pack, PackKind, Visit
from kiosk.store import Store
from kiosk.store.insights import records_from_files, records_from_store
from tests.conftest import LONDON

FAR = date(2030, 1, 1)
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)  # as the fake clock's


@pytest.fixture(autouse=True)
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's clock (SystemClock) says NOW."""
    monkeypatch.setattr(SystemClock, "now", lambda self: NOW)


def studio(directory: Path) -> None:
    """Three clients: one lapsed 45 days (an old month), one checked in today (their pack's
    session counted in the visits file only, as a running kiosk leaves it), one low pack."""
    today = NOW
    with Store.open(directory) as store:
        store.add_member(
            Member(
                "M1",
                "Lapsed",
                "Lee",
                "+447700900001",
                packs=(Pack("P1", PackKind.EMS, 10, 5, FAR),),
            )
        )
        store.add_member(
            Member(
                "M2", "Today", "Tia", "+447700900002", packs=(Pack("P2", PackKind.EMS, 10, 3, FAR),)
            )
        )
        store.add_visit(Visit("v-old", "M1", today - timedelta(days=45), PackKind.EMS))
        store.add_visit(Visit("v-older", "M1", today - timedelta(days=400), PackKind.EMS))
        member = store.member("M2")
        assert member is not None
        result = decide_check_in(member, PackKind.EMS, today, last=None)
        store.record_check_in(result)
        members_file = (directory / "members.json").read_bytes()
    # as if the kiosk were still running: the members file without today's session taken
    (directory / "members.json").write_bytes(members_file)


def test_report_prints_figures_and_lists_and_writes_csv(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    studio(data_dir)
    out_dir = tmp_path / "lists"
    assert main(["--data", str(data_dir), "report", "--csv", str(out_dir)]) == 0
    out = capsys.readouterr().out
    assert "Visits per week" in out and "Active members" in out and "Visits by hour" in out
    assert "2 visits from" in out
    assert "Lapsed Lee  07700 900001  M1  no visit for 45 days (30+)" in out
    assert "DAMAGED" not in out
    files = sorted(p.name for p in out_dir.iterdir())
    assert len(files) == 4 and files[0].startswith("call-this-week-")
    with (out_dir / files[0]).open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["name"] for r in rows] == ["Today Tia", "Lapsed Lee"]  # 2 left; 45 days
    assert rows[1]["what_to_say"].startswith("We have not seen you since")


def test_report_counts_sessions_the_members_file_does_not_yet(data_dir: Path) -> None:
    studio(data_dir)
    today = NOW.date()
    read = records_from_files(data_dir, today - timedelta(days=120), today)
    left = {m.code: m.packs[0].sessions_left for m in read.members}
    assert left == {"M1": 5, "M2": 2}
    assert read.last_seen is not None
    assert read.last_seen["M1"].date() == today - timedelta(days=400)


def test_a_damaged_month_is_named_and_the_rest_still_shown(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    studio(data_dir)
    today = NOW
    old = today - timedelta(days=45)
    damaged = data_dir / "visits" / f"{old:%Y-%m}.json"
    damaged.write_text('{"_default": {"1": {"id": ')
    code = main(["--data", str(data_dir), "report"])
    out = capsys.readouterr().out
    assert code == 4
    assert f"DAMAGED, left out: visits/{old:%Y-%m}.json: not valid JSON" in out
    assert "1 visits from" in out and "Visits per week" in out  # today's visit still counted


def test_the_kiosk_reads_month_by_month_and_names_a_damaged_one(
    data_dir: Path, clock: FakeClock
) -> None:
    today = clock.now()
    with Store.open(data_dir) as store:
        store.add_member(
            Member("M1", "A", "B", "+447700900001", packs=(Pack("P1", PackKind.EMS, 10, 5, FAR),))
        )
        store.add_visit(Visit("v1", "M1", today - timedelta(days=45), PackKind.EMS))
        store.add_visit(Visit("v2", "M1", today, PackKind.EMS))
        store.add_visit(Visit("v0", "M1", today - timedelta(days=500), PackKind.EMS))
    with Store.open(data_dir) as store:
        (data_dir / "visits" / "2026-10.json").write_text("{broken")
        seen: list[tuple[int, int]] = []
        read = records_from_store(
            store,
            today.date() - timedelta(days=200),
            today.date(),
            lambda n, t: seen.append((n, t)),
        )
    assert [v.id for v in read.visits] == ["v2"]
    assert len(read.damaged) == 1
    assert read.damaged[0].startswith("visits/2026-10.json: not valid JSON")
    assert seen == [(1, 2), (2, 2)]
