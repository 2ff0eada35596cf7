"""A content file with a mistake falls back to its last good copy (or the shipped one), key by
key where it parses; clean files are kept as last good copies, atomically, by the store."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.core.content import load_content
from kiosk.core.fallbacks import Sources
from kiosk.core.fields import Problem
from kiosk.core.studio import load_studio
from kiosk.store.last_good import LAST_GOOD_DIR, LastGoodCopies

from .conftest import CONTENT_DIR, ROOT

MONDAY = 0
WEDNESDAY = 2
MISSING_QUOTE = ('name = "Fast Track EMS & Fitness"', 'name = "Fast Track EMS & Fitness')


def copy_content(tmp_path: Path) -> Path:
    directory = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, directory)
    return directory


def change(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def kept(directory: Path, data: Path) -> LastGoodCopies:
    """The data directory's last good copies, as `kiosk run` leaves them after a clean start."""
    copies = LastGoodCopies(data)
    content = load_content(directory, copies)
    content.problems  # noqa: B018 (reads the later parts, as the kiosk's worker does)
    assert content.problems == () and not content.fallback_in_use
    copies.keep(content.clean_copies())
    return copies


# --- a file that does not parse -------------------------------------------------------------


def test_a_missing_quote_shows_the_last_good_copy(tmp_path: Path, data_dir: Path) -> None:
    directory = copy_content(tmp_path)
    change(directory, "studio.toml", 'address = "1 The Cresent', 'address = "2 New Road')
    copies = kept(directory, data_dir)
    change(directory, "studio.toml", *MISSING_QUOTE)
    content = load_content(directory, copies)
    assert content.studio.address.startswith("2 New Road")  # the owner's, not the shipped one
    assert len(content.studio.links) == 4 and content.studio.hours.known
    assert content.fallback_in_use
    assert [p.line for p in content.fallback_notes] == [
        "problem: studio.toml: the kiosk uses the last good copy until this is fixed"
    ]
    assert any("not valid TOML" in p.message for p in content.problems)


def test_without_a_last_good_copy_the_shipped_one_is_used(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    change(directory, "studio.toml", *MISSING_QUOTE)
    content = load_content(directory)  # no data directory yet: a kiosk's very first start
    shipped = load_content(CONTENT_DIR).studio
    assert content.studio == shipped
    assert [str(p) for p in content.fallback_notes] == [
        "studio.toml: the kiosk uses the shipped copy until this is fixed"
    ]


def test_the_shipped_files_themselves_have_no_shipped_fallback(tmp_path: Path) -> None:
    # the Pi runs on the checkout's own content/: its broken file is no fallback for itself
    sources = Sources(tmp_path, shipped=tmp_path)
    (tmp_path / "studio.toml").write_text("name = [\n")
    problems: list[Problem] = []
    studio = load_studio(tmp_path, problems, sources)
    assert studio.links == () and sources.fallbacks == {}


@pytest.mark.parametrize(
    "name", ["slides.toml", "exercises.toml", "terms.toml", "programmes/quick-mobility.toml"]
)
def test_every_content_file_falls_back(tmp_path: Path, data_dir: Path, name: str) -> None:
    directory = copy_content(tmp_path)
    copies = kept(directory, data_dir)
    before = load_content(directory, copies, shipped=None)
    (directory / name).write_text((directory / name).read_text() + '\nbroken = "\n')
    after = load_content(directory, copies, shipped=None)  # only the last good copy to go on
    assert after.problems  # `kiosk check` still fails
    assert after.slides == before.slides
    assert after.warmups.programmes == before.warmups.programmes
    assert after.terms == before.terms
    assert [p.file for p in after.fallback_notes] == [name]


def test_broken_health_questions_fall_back_to_their_last_good_copy(
    tmp_path: Path, data_dir: Path
) -> None:
    directory = copy_content(tmp_path)
    change(directory, "screening.toml", 'version = "', 'version = "ours-')
    copies = kept(directory, data_dir)
    (directory / "screening.toml").write_text('version = "2027-1"\n[[screening]]\nid = 3\n')
    content = load_content(directory, copies)
    assert not content.questions.shipped and content.questions.version.startswith("ours-")
    assert not any("shipped questions" in w for w in content.staff_warnings)
    assert "problem: screening.toml: the kiosk uses the last good copy until this is fixed" in (
        content.staff_warnings
    )


# --- key by key -----------------------------------------------------------------------------


def test_one_bad_day_keeps_its_last_good_hours_and_the_rest(tmp_path: Path, data_dir: Path) -> None:
    directory = copy_content(tmp_path)
    change(directory, "studio.toml", 'wednesday = "07:00-20:00"', 'wednesday = "06:30-21:00"')
    copies = kept(directory, data_dir)
    change(directory, "studio.toml", 'monday = "07:00-20:00"', 'monday = "8-18"')
    change(directory, "studio.toml", 'wednesday = "06:30-21:00"', 'wednesday = "7-2O"')
    content = load_content(directory, copies)
    hours = content.studio.hours
    assert hours.day_text(MONDAY) == "08:00-18:00"  # the owner's new good value stays
    assert hours.day_text(WEDNESDAY) == "06:30-21:00"  # the last good value, never "closed"
    assert len(content.studio.links) == 4 and content.studio.address
    [problem] = content.problems
    assert problem.key == "hours.wednesday" and '"7-2O"' in problem.message
    assert [str(p) for p in content.fallback_notes] == [
        "studio.toml: the kiosk uses the last good copy's hours.wednesday until this is fixed"
    ]


def test_a_bad_link_keeps_its_own_last_good_address_even_moved(
    tmp_path: Path, data_dir: Path
) -> None:
    directory = copy_content(tmp_path)
    copies = kept(directory, data_dir)
    studio = directory / "studio.toml"
    head, *links = studio.read_text().split("[[links]]")
    links[0], links[3] = links[3], links[0]  # the owner reorders the codes...
    links[0] = links[0].replace("https://www.instagram.com", "www.instagram.com")  # ...and slips
    studio.write_text("[[links]]".join([head, *links]))
    content = load_content(directory, copies)
    by_id = {link.id: link.url for link in content.studio.links}
    assert by_id["instagram"] == "https://www.instagram.com/fasttrack_ems"
    assert content.studio.links[0].id == "instagram"  # the new order kept


def test_a_bad_key_with_no_fallback_value_keeps_the_old_safe_value(tmp_path: Path) -> None:
    directory = copy_content(tmp_path)
    change(directory, "studio.toml", "slide_seconds = 10", "slide_seconds = 1")
    content = load_content(directory, shipped=None)
    assert content.studio.slide_seconds == 3.0 and not content.fallback_in_use


# --- the last good copies -------------------------------------------------------------------


def test_only_clean_files_are_kept_and_a_broken_one_never_overwrites(
    tmp_path: Path, data_dir: Path
) -> None:
    directory = copy_content(tmp_path)
    copies = kept(directory, data_dir)
    folder = data_dir / LAST_GOOD_DIR
    names = sorted(str(p.relative_to(folder)) for p in folder.rglob("*.toml"))
    shipped = sorted(str(p.relative_to(CONTENT_DIR)) for p in CONTENT_DIR.rglob("*.toml"))
    assert names == shipped
    good = (folder / "studio.toml").read_bytes()
    assert good == (directory / "studio.toml").read_bytes()
    change(directory, "studio.toml", 'wednesday = "07:00-20:00"', 'wednesday = "7-2O"')
    change(directory, "slides.toml", "[[slides]]", "[[slides]]\nmood = 1")
    change(directory, "terms.toml", "[[sections]]", "# a new comment\n[[sections]]")
    content = load_content(directory, copies)
    content.problems  # noqa: B018
    assert sorted(content.clean_copies()) == sorted(set(shipped) - {"studio.toml", "slides.toml"})
    assert copies.keep(content.clean_copies()) == ["terms.toml"]  # the one that changed cleanly
    assert (folder / "studio.toml").read_bytes() == good
    assert b"a new comment" in (folder / "terms.toml").read_bytes()


def test_a_copy_is_replaced_atomically(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = copy_content(tmp_path)
    copies = kept(directory, data_dir)
    old = copies.read("studio.toml")
    synced: list[int] = []
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)

    def fail(src: Any, dst: Any) -> None:
        raise OSError("power cut before the rename")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        copies.keep({"studio.toml": b'name = "New"\n'})
    assert copies.read("studio.toml") == old  # never half of each, no temp file left about
    assert [p.name for p in (data_dir / LAST_GOOD_DIR).iterdir() if p.name.startswith(".")] == []
    assert synced  # the new bytes were on disk before the rename was tried
    monkeypatch.undo()
    assert copies.keep({"studio.toml": b'name = "New"\n'}) == ["studio.toml"]
    assert copies.read("studio.toml") == b'name = "New"\n'


def test_each_new_folder_is_synced_into_its_parent(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.store.files

    synced: list[Path] = []
    real_fsync_dir = kiosk.store.files.fsync_dir

    def fsync_dir(directory: Path) -> None:
        synced.append(directory)
        real_fsync_dir(directory)

    monkeypatch.setattr(kiosk.store.files, "fsync_dir", fsync_dir)
    copies = LastGoodCopies(data_dir)
    assert copies.keep({"programmes/quick.toml": b'id = "quick"\n'}) == ["programmes/quick.toml"]
    # content-last-good/ and programmes/ are both new: each one's entry reaches the disk
    assert data_dir in synced and data_dir / LAST_GOOD_DIR in synced


def test_a_name_outside_the_folder_is_refused(data_dir: Path) -> None:
    copies = LastGoodCopies(data_dir)
    assert copies.read("../kiosk.log") is None
    with pytest.raises(ValueError):
        copies.keep({"../studio.toml": b""})


# --- kiosk check, kiosk run and staff -------------------------------------------------------


def test_kiosk_check_says_what_is_wrong_and_what_is_shown(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.cli import main

    directory = copy_content(tmp_path)
    kept(directory, data_dir)
    change(directory, "studio.toml", 'wednesday = "07:00-20:00"', 'wednesday = "7-2O"')
    assert main(["--data", str(data_dir), "--content", str(directory), "check"]) == 1
    out = capsys.readouterr().out.splitlines()
    content = load_content(directory, LastGoodCopies(data_dir))
    lines = list(content.staff_warnings)
    assert lines == [
        'problem: studio.toml: hours.wednesday: cannot read "7-2O" as opening hours; '
        'write it like "07:00-20:00"',
        "problem: studio.toml: the kiosk uses the last good copy's hours.wednesday "
        "until this is fixed",
    ]
    assert out[:2] == lines  # staff read exactly what `kiosk check` prints


def test_kiosk_run_keeps_the_clean_files_after_the_paint(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import kiosk.ui.app
    from kiosk.cli import main

    directory = copy_content(tmp_path)
    change(directory, "slides.toml", "[[slides]]", "[[slides]]\nmood = 1")
    seen: dict[str, Any] = {}

    class App:
        return_code = 0
        start_error = None

        def __init__(self, **kwargs: Any) -> None:
            # nothing is written before the store's worker runs (after the first paint)
            seen["before"] = (data_dir / LAST_GOOD_DIR).exists()
            _store, seen["warnings"] = kwargs["store"]()  # what the kiosk's worker does

        def run(self) -> int:
            return 0

    monkeypatch.setattr(kiosk.ui.app, "KioskApp", App)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["--data", str(data_dir), "--content", str(directory), "run"]) == 0
    assert seen["before"] is False
    copies = LastGoodCopies(data_dir)
    assert copies.read("studio.toml") == (directory / "studio.toml").read_bytes()
    assert copies.read("programmes/quick-mobility.toml") is not None
    assert copies.read("slides.toml") is None  # it had a problem
    assert (
        "problem: slides.toml: slides[0].mood: is not a known setting (a typo?)"
        in (seen["warnings"])
    )


def test_the_shipped_copy_is_the_repositorys_content() -> None:
    from kiosk.core.fallbacks import SHIPPED_CONTENT

    assert SHIPPED_CONTENT == ROOT / "content"
