"""Staff mode's files: CSV exports and one member's record to a chosen folder (a USB stick),
a backup now, and erasing a member (UK GDPR).

Exports and backups read and write whole files (seconds on a Pi with a big history): they run
in a thread worker (StaffScreen.run_slow) while the screen says "Exporting..." or "Backing
up..." and takes no other action, Esc included, so nothing else reads the store meanwhile.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.members import Member
from kiosk.store.files import write_text_atomic
from kiosk.store.transfer import export_members, export_visits
from kiosk.ui.screens.staff import (
    StaffScreen,
    change_members,
    confirm,
    keys_line,
    plain,
    status_line,
    title_bar,
)

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

MOUNT_ROOTS = (Path("/media"), Path("/run/media"), Path("/mnt"))
EXPORTING = "Exporting..."
BACKING_UP = "Backing up..."


def removable_folders(roots: Iterable[Path] = MOUNT_ROOTS) -> list[Path]:
    """Folders a USB stick is likely mounted on: /media/<user>/<stick>, /media/<stick>, /mnt/x."""
    found: list[Path] = []
    for root in roots:
        try:
            tops = sorted(p for p in root.iterdir() if p.is_dir())
        except OSError:
            continue
        for top in tops:
            try:
                inner = sorted(p for p in top.iterdir() if p.is_dir() and os.path.ismount(p))
            except OSError:
                inner = []
            found.extend(inner)
            if os.path.ismount(top) or not inner:
                found.append(top)
    return found


def folder_problem(folder: Path) -> str:
    if not str(folder).strip():
        return "Type a folder, or pick one from the list."
    if not folder.is_absolute():
        return "Type the whole path, starting with / (for example /media/usb)."
    if not folder.is_dir():
        return "There is no folder there. Is the USB stick in?"
    if not os.access(folder, os.W_OK):
        return "That folder cannot be written to (is the stick read-only or locked?)."
    return ""


class FolderScreen(StaffScreen):
    """Choose the folder to write to; dismisses with it (checked: exists and writable)."""

    AUTO_FOCUS = "#folder"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("down", "to_list", show=False),
    ]

    def __init__(self, app: KioskApp, title: str, roots: Iterable[Path] = MOUNT_ROOTS) -> None:
        super().__init__(app)
        self.title_text = title
        self.folders = removable_folders(roots)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar(self.title_text)
            yield Static("Folder to write to (a USB stick shows up under /media):")
            first = str(self.folders[0]) if self.folders else ""
            yield Input(first, id="folder", placeholder="/media/usb")
            listing = OptionList(id="folders", classes="staff-list")
            listing.add_options(
                Option(plain(str(f)), id=str(n)) for n, f in enumerate(self.folders)
            )
            if not self.folders:
                listing.add_option(Option("No USB stick found: type a folder.", disabled=True))
            yield listing
            yield status_line()
            yield keys_line("Enter: write there   Down: pick from the list   Esc: back")

    def action_to_list(self) -> None:
        if self.folders:
            listing = self.query_one("#folders", OptionList)
            listing.highlighted = listing.highlighted or 0
            listing.focus()

    @on(OptionList.OptionSelected, "#folders")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            box = self.query_one("#folder", Input)
            box.value = str(self.folders[int(event.option.id)])
            self._chosen(box.value)

    @on(Input.Submitted, "#folder")
    def _submitted(self, event: Input.Submitted) -> None:
        self._chosen(event.value)

    def _chosen(self, text: str) -> None:
        folder = Path(text.strip())
        problem = folder_problem(folder) if text.strip() else folder_problem(Path(""))
        if problem:
            self.say(problem, problem=True)
            return
        self.dismiss(folder)


def choose_folder(screen: StaffScreen, title: str, then: Callable[[Path], None]) -> None:
    def chosen(folder: Path | None) -> None:
        if folder is not None:
            then(folder)

    screen.app.push_screen(FolderScreen(screen.kiosk, title, MOUNT_ROOTS), chosen)


def _cannot_write(screen: StaffScreen, folder: Path) -> Callable[[Exception], bool]:
    def failed(error: Exception) -> bool:
        if not isinstance(error, OSError):
            return False
        screen.say(f"Could not write to {folder}: {error.strerror or error}", problem=True)
        return True

    return failed


def export_csv(screen: StaffScreen) -> None:
    def write(folder: Path) -> None:
        kiosk = screen.kiosk
        store = kiosk.store
        stamp = f"{kiosk.clock.now():%Y-%m-%d-%H%M}"
        members = folder / f"members-{stamp}.csv"
        visits = folder / f"visits-{stamp}.csv"

        def job() -> tuple[int, int]:
            write_text_atomic(members, export_members(store))
            write_text_atomic(visits, export_visits(store, None))
            return store.member_count(), store.visit_count()

        def done(counts: tuple[int, int]) -> None:
            screen.say(
                f"Wrote {members.name} ({counts[0]} members) and {visits.name} "
                f"({counts[1]} visits) to {folder}."
            )

        screen.run_slow(EXPORTING, job, done, _cannot_write(screen, folder))

    choose_folder(screen, "Export members and visits (CSV)", write)


def back_up_now(screen: StaffScreen) -> None:
    from kiosk.store.backup import BackupFailed, make_backup

    kiosk = screen.kiosk
    keep = kiosk.content.studio.staff.backup_generations
    directory, now = kiosk.store.directory, kiosk.clock.now()

    def failed(error: Exception) -> bool:
        if isinstance(error, BackupFailed):
            screen.say(f"Backup failed: {error}", problem=True)
        elif isinstance(error, OSError):
            screen.say(f"Backup failed: {error.strerror or error}", problem=True)
        else:
            return False
        return True

    def done(made: Path) -> None:
        screen.say(f"Backed up to {made}. Keeping the newest {keep}.")

    screen.run_slow(BACKING_UP, lambda: make_backup(directory, now, keep), done, failed)


def export_member_record(screen: StaffScreen, code: str) -> None:
    """UK GDPR subject access: everything held about the member, as JSON and in words beside it
    (kiosk/store/export_one.py), to a folder."""
    from kiosk.store.export_one import export_of, write_export

    def write(folder: Path) -> None:
        kiosk = screen.kiosk
        store, content, now = kiosk.store, kiosk.content, kiosk.clock.now()
        target = folder / f"member-{code}-{now:%Y-%m-%d}.json"

        def job() -> tuple[Path, Path] | None:
            try:
                export = export_of(store, code, content, now)
            except KeyError:
                return None
            return write_export(export, target)

        def done(written: tuple[Path, Path] | None) -> None:
            if written:
                screen.say(
                    f"Wrote everything held about {code} to {written[0]}, and in words to "
                    f"{written[1].name}."
                )
            else:
                screen.say("Nothing is held about this member any more.", problem=True)

        screen.run_slow(EXPORTING, job, done, _cannot_write(screen, folder))

    choose_folder(screen, f"Export the record of {code} (UK GDPR)", write)


def erase_member(screen: StaffScreen, member: Member, after: Callable[[], None]) -> None:
    """UK GDPR erasure, after a confirmation: member and screening deleted, visits anonymised."""
    from kiosk.store.privacy import erase_member as erase

    def failed(error: Exception) -> bool:
        if not isinstance(error, OSError):
            return False
        why = error.strerror or error
        screen.say(f"Could not finish erasing: {why}. Try again.", problem=True)
        return True

    def erased(_: bool) -> None:
        after()
        screen.say(f"Erased {member.code}: nothing but anonymous visits is left.")

    def do_erase() -> None:
        change_members(screen, lambda: erase(screen.kiosk.store, member.code), erased, failed)

    confirm(
        screen,
        f"Erase {member.first_name} {member.last_name} ({member.code}) for good?",
        "Erase",
        do_erase,
        [
            "Their member record and health screening are deleted; their visits stay, "
            "without their name or code. This cannot be undone.",
            "Copies in the backups, and in files set aside after a fault, go when those age "
            "out; they are taken out of the files set aside now.",
        ],
    )
