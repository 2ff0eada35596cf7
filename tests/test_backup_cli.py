"""The backup, restore, maintenance and GDPR commands, as a studio owner would type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.members import Member
from kiosk.store import Store
from kiosk.store.backup import list_backups

from .conftest import CONTENT_DIR
from .test_backup import contents, fill


def kiosk(data_dir: Path, *argv: str) -> int:
    return main(["--data", str(data_dir), "--content", str(CONTENT_DIR), *argv])


def content_with(tmp_path: Path, staff: str) -> Path:
    folder = tmp_path / "content"
    folder.mkdir()
    for f in CONTENT_DIR.iterdir():
        if f.is_file():
            (folder / f.name).write_bytes(f.read_bytes())
    studio = folder / "studio.toml"
    text = studio.read_text()
    start = text.index("[staff]")
    end = text.index("\n\n", start)
    studio.write_text(text[:start] + "[staff]\n" + staff + text[end:])
    return folder


def test_backup_and_restore(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fill(data_dir)
    before = contents(data_dir)
    assert kiosk(data_dir, "backup") == 0
    out = capsys.readouterr().out
    assert "backup made and verified" in out and "(5 file(s)); keeping the newest 14" in out
    [made] = list_backups(data_dir)
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-LATER1", "Later", "One", "+447700900777"))
    assert kiosk(data_dir, "restore", made.name) == 0
    out = capsys.readouterr().out
    assert "restored the backup made" in out and made.name in out
    assert "the files it replaced are kept in" in out
    assert contents(data_dir) == before
    assert kiosk(data_dir, "restore", str(made)) == 0  # a folder path works too


def test_backup_keeps_the_generations_from_content(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    folder = content_with(tmp_path, "backup_generations = 2\n")
    for _ in range(4):
        assert main(["--data", str(data_dir), "--content", str(folder), "backup"]) == 0
    assert "keeping the newest 2" in capsys.readouterr().out
    assert len(list_backups(data_dir)) == 2


def test_backup_while_the_kiosk_runs_but_not_restore(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    with Store.open(data_dir):
        assert kiosk(data_dir, "backup") == 0
        [made] = list_backups(data_dir)
        capsys.readouterr()
        assert kiosk(data_dir, "restore", made.name) == 3
        err = capsys.readouterr().err
        assert "a kiosk is running" in err and "nothing was restored" in err
        assert "systemctl stop kiosk" in err and "Traceback" not in err


def test_restore_without_a_name_lists_the_backups(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    assert kiosk(data_dir, "restore") == 2
    assert "there are no backups" in capsys.readouterr().err
    kiosk(data_dir, "backup")
    [made] = list_backups(data_dir)
    (made / "members.json").write_text("{}")
    assert kiosk(data_dir, "restore") == 2
    err = capsys.readouterr().err
    assert made.name in err and "DAMAGED" in err
    assert kiosk(data_dir, "restore", "2020-01-01T0000") == 2
    assert "there is no backup '2020-01-01T0000'" in capsys.readouterr().err
    assert kiosk(data_dir, "restore", made.name) == 5
    err = capsys.readouterr().err
    assert "members.json: it does not match the manifest" in err and "Traceback" not in err


def test_backup_of_a_damaged_file_fails_clearly(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    (data_dir / "members.json").write_text("")
    assert kiosk(data_dir, "backup") == 5
    err = capsys.readouterr().err
    assert "members.json is damaged (it is empty), so it was not backed up" in err


def test_maintenance_purges_old_screenings(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)  # Tom last came in February 2024: more than 24 months ago by now
    assert kiosk(data_dir, "maintenance") == 0
    out = capsys.readouterr().out
    assert "anonymised 1 member(s) not seen for 24 months" in out  # Tom, screening and all
    assert "deleted 0 health screening(s)" in out
    with Store.open(data_dir) as store:
        assert [s.member_code for s in store.screenings()] == ["FT-SARAH2"]
        assert [m.code for m in store.members()] == ["FT-SARAH2"]
    with Store.open(data_dir):
        assert kiosk(data_dir, "maintenance") == 3  # refuses beside a running kiosk


def test_export_one_to_a_file_and_to_stdout(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    out = tmp_path / "sarah.json"
    assert kiosk(data_dir, "members", "export-one", "ft-sarah2", str(out)) == 0
    assert f"to {out}" in capsys.readouterr().out
    record = json.loads(out.read_text())
    assert record["member"]["email"] == "sarah@example.com"
    assert len(record["visits"]) == 2 and record["screening"]["other"] == "old knee injury"
    assert kiosk(data_dir, "members", "export-one", "FT-SARAH2") == 0
    assert json.loads(capsys.readouterr().out) == record
    assert kiosk(data_dir, "members", "export-one", "FT-NOBODY") == 1
    assert "no member has the code 'FT-NOBODY'" in capsys.readouterr().err
    assert kiosk(data_dir, "members", "export-one", "FT-SARAH2", str(tmp_path / "no/dir.json")) == 2
    assert "cannot write" in capsys.readouterr().err


def test_erase_asks_first(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)
    asked: list[str] = []

    def answer(text: str) -> str:
        def reply(prompt: str) -> str:
            asked.append(prompt)
            return text

        return reply  # type: ignore[return-value]

    monkeypatch.setattr("builtins.input", answer("no"))
    assert kiosk(data_dir, "members", "erase", "FT-SARAH2") == 1
    assert "nothing erased" in capsys.readouterr().out
    assert "Erase Sarah Kent (FT-SARAH2)" in asked[0] and "2 visit(s)" in asked[0]
    with Store.open(data_dir) as store:
        assert store.member("FT-SARAH2") is not None
    monkeypatch.setattr("builtins.input", answer("yes"))
    assert kiosk(data_dir, "members", "erase", "FT-SARAH2") == 0
    out = capsys.readouterr().out
    assert "erased FT-SARAH2; 2 visit(s) anonymised" in out and "Backups" in out
    with Store.open(data_dir) as store:
        assert store.member("FT-SARAH2") is None and store.screening("FT-SARAH2") is None
    assert kiosk(data_dir, "members", "erase", "FT-SARAH2", "--yes") == 1
    assert "no member has the code" in capsys.readouterr().err


def test_erase_with_yes_and_no_terminal(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fill(data_dir)

    def no_input(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_input)
    assert kiosk(data_dir, "members", "erase", "FT-TOMAS3") == 1  # no answer: nothing erased
    assert kiosk(data_dir, "members", "erase", "ft-tomas3", "--yes") == 0
    with Store.open(data_dir) as store:
        assert store.member("FT-TOMAS3") is None
