"""Month files replaced together (kiosk/store/switch.py): an import is all its months or none,
whatever step it stopped at, and a full or read-only disk leaves the old files whole."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from kiosk.cli import main
from kiosk.core.members import Member, PackKind, Visit
from kiosk.store import Store
from kiosk.store.files import StorageProblem
from kiosk.store.switch import MARKER, STAGING, finish, replace_together
from tests.disks import files_of, full_disk, read_only_disk

LONDON = ZoneInfo("Europe/London")
SARAH = Member("FT-SARAH2", "Sarah", "Kent", "+447700900121")
JAN = datetime(2025, 1, 10, 9, 0, tzinfo=LONDON)
MAR = datetime(2025, 3, 10, 9, 0, tzinfo=LONDON)


def visits(at: datetime, n: int, prefix: str) -> list[Visit]:
    return [
        Visit(f"{prefix}{i}", SARAH.code, at + timedelta(hours=i), PackKind.EMS) for i in range(n)
    ]


def seeded(data_dir: Path) -> dict[str, bytes]:
    with Store.open(data_dir) as store:
        store.add_member(SARAH)
        store.add_visit(visits(JAN, 1, "old")[0])
        store.add_visit(visits(MAR, 1, "old-mar")[0])
    Store.open(data_dir).close()  # the opening that writes the visits summary
    return files_of(data_dir)


def staged_import(data_dir: Path) -> dict[str, bytes]:
    """The month files an import of two visits in January and March would write."""
    new: dict[str, bytes] = {}
    for month, at in (("2025-01", JAN), ("2025-03", MAR)):
        path = data_dir / "visits" / f"{month}.json"
        data = json.loads(path.read_bytes())
        data["_default"]["99"] = {
            "id": f"new-{month}",
            "member_code": SARAH.code,
            "at": (at + timedelta(days=1)).isoformat(),
            "kind": "EMS",
        }
        new[f"visits/{month}.json"] = json.dumps(data).encode()
    return new


def switched(data_dir: Path, new: dict[str, bytes]) -> dict[str, str]:
    """Stage `new` and write its marker, as replace_together does before a kill."""
    staging = data_dir / STAGING
    staging.mkdir()
    names, marker = {}, {}
    for n, (rel, data) in enumerate(sorted(new.items())):
        names[f"{n}.json"] = rel
        old = hashlib.sha256((data_dir / rel).read_bytes()).hexdigest()
        marker[f"{n}.json"] = [rel, old]
        (staging / f"{n}.json").write_bytes(data)
    (staging / MARKER).write_text(json.dumps(marker))
    return names


def ids(data_dir: Path) -> set[str]:
    with Store.open(data_dir) as store:
        return {v.id for v in store.all_visits()}


def test_an_import_writes_each_month_once_and_leaves_no_staging(data_dir: Path) -> None:
    seeded(data_dir)
    with Store.open(data_dir) as store:
        store.add_visits([*visits(JAN, 3, "jan"), *visits(MAR, 2, "mar")])
        assert store.visit_count() == 7
        assert len(store.visits_of(SARAH.code)) == 7  # read again from the new files
    assert not (data_dir / STAGING).exists()
    assert ids(data_dir) == {"old0", "old-mar0", "jan0", "jan1", "jan2", "mar0", "mar1"}


def test_a_set_that_never_switched_is_dropped_at_opening(data_dir: Path) -> None:
    before = seeded(data_dir)
    staging = data_dir / STAGING
    staging.mkdir()
    for n, data in enumerate(staged_import(data_dir).values()):
        (staging / f"{n}.json").write_bytes(data)  # killed before the marker was written
    assert ids(data_dir) == {"old0", "old-mar0"}
    assert not staging.exists()
    assert files_of(data_dir) == before


@pytest.mark.parametrize("moved", [0, 1, 2])
def test_a_switched_set_is_completed_at_opening(data_dir: Path, moved: int) -> None:
    seeded(data_dir)
    names = switched(data_dir, staged_import(data_dir))
    staging = data_dir / STAGING
    for name in list(names)[:moved]:  # killed after moving in some of them
        (staging / name).replace(data_dir / names[name])
    assert ids(data_dir) == {"old0", "old-mar0", "new-2025-01", "new-2025-03"}
    assert not staging.exists()


def test_replace_together_keeps_paths_in_the_data_directory(data_dir: Path) -> None:
    with pytest.raises(ValueError, match="not a data file"):
        replace_together(data_dir, {"../outside.json": b"{}"})
    assert not (data_dir / STAGING).exists()
    assert not (data_dir.parent / "outside.json").exists()
    assert finish(data_dir) is None


def test_an_import_on_a_full_disk_changes_nothing(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = seeded(data_dir)
    with Store.open(data_dir) as store:
        full_disk(monkeypatch)
        with pytest.raises(OSError, match="No space"):
            store.add_visits([*visits(JAN, 3, "jan"), *visits(MAR, 2, "mar")])
        assert store.storage_problem is StorageProblem.FULL
        assert store.visit_count() == 2
        assert files_of(data_dir) == before  # no staging folder, no temp file
        monkeypatch.undo()
        store.add_visits(visits(JAN, 1, "jan"))
        assert store.storage_problem is None
    assert ids(data_dir) == {"old0", "old-mar0", "jan0"}


def test_a_switched_set_waits_out_a_read_only_disk(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seeded(data_dir)
    switched(data_dir, staged_import(data_dir))
    read_only_disk(monkeypatch, data_dir)
    with Store.open(data_dir) as store:  # opens all the same, on the old files
        assert store.storage_problem is StorageProblem.READ_ONLY
        assert {v.id for v in store.all_visits()} == {"old0", "old-mar0"}
    monkeypatch.undo()
    assert ids(data_dir) == {"old0", "old-mar0", "new-2025-01", "new-2025-03"}


def test_the_import_command_on_a_full_disk_says_so_in_one_line(
    tmp_path: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = seeded(data_dir)
    source = tmp_path / "visits.csv"
    source.write_text(f"member_code,date\n{SARAH.code},2025-01-05\n{SARAH.code},2025-03-04\n")
    full_disk(monkeypatch)
    assert main(["--data", str(data_dir), "visits", "import", str(source)]) == 6
    err = capsys.readouterr().err
    assert err == "kiosk: the data directory's storage is full: nothing was saved\n"
    monkeypatch.undo()
    assert files_of(data_dir) == before


def test_a_switched_set_never_undoes_a_restore_made_before_the_next_start(
    data_dir: Path,
) -> None:
    seeded(data_dir)
    switched(data_dir, staged_import(data_dir))
    # `kiosk restore` (the kiosk stopped) puts back an older March, before any opening
    restored = json.loads((data_dir / "visits" / "2025-03.json").read_bytes())
    restored["_default"] = {}
    (data_dir / "visits" / "2025-03.json").write_text(json.dumps(restored))
    assert ids(data_dir) == {"old0"}  # the restore stands: no half of the import came in
    assert not (data_dir / STAGING).exists()
