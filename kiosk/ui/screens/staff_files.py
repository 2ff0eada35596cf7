"""Staff mode's files: CSV exports and one member's record to a chosen folder (a USB stick),
a backup now, and erasing a member (UK GDPR)."""

from __future__ import annotations

import json
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
from kiosk.ui.screens.staff import StaffScreen, confirm, keys_line, plain, status_line, title_bar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

MOUNT_ROOTS = (Path("/media"), Path("/run/media"), Path("/mnt"))


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


def export_csv(screen: StaffScreen) -> None:
    def write(folder: Path) -> None:
        kiosk = screen.kiosk
        stamp = f"{kiosk.clock.now():%Y-%m-%d-%H%M}"
        members = folder / f"members-{stamp}.csv"
        visits = folder / f"visits-{stamp}.csv"
        try:
            write_text_atomic(members, export_members(kiosk.store))
            write_text_atomic(visits, export_visits(kiosk.store, None))
        except OSError as e:
            screen.say(f"Could not write to {folder}: {e.strerror or e}", problem=True)
            return
        screen.say(
            f"Wrote {members.name} ({kiosk.store.member_count()} members) and {visits.name} "
            f"({kiosk.store.visit_count()} visits) to {folder}."
        )

    choose_folder(screen, "Export members and visits (CSV)", write)


def back_up_now(screen: StaffScreen) -> None:
    from kiosk.store.backup import BackupFailed, make_backup

    kiosk = screen.kiosk
    keep = kiosk.content.studio.staff.backup_generations
    try:
        made = make_backup(kiosk.store.directory, kiosk.clock.now(), keep)
    except BackupFailed as e:
        screen.say(f"Backup failed: {e}", problem=True)
        return
    except OSError as e:
        screen.say(f"Backup failed: {e.strerror or e}", problem=True)
        return
    screen.say(f"Backed up to {made}. Keeping the newest {keep}.")


def export_member_record(screen: StaffScreen, code: str) -> None:
    """UK GDPR subject access: everything held about the member, as JSON, to a folder."""
    from kiosk.store.privacy import member_record

    def write(folder: Path) -> None:
        kiosk = screen.kiosk
        staff = kiosk.content.studio.staff
        try:
            record = member_record(
                kiosk.store,
                code,
                retention_months=staff.screening_retention_months,
                backup_generations=staff.backup_generations,
            )
        except KeyError:
            screen.say("Nothing is held about this member any more.", problem=True)
            return
        target = folder / f"member-{code}-{kiosk.clock.now():%Y-%m-%d}.json"
        text = json.dumps(record, indent=2, ensure_ascii=False, default=str) + "\n"
        try:
            write_text_atomic(target, text)
        except OSError as e:
            screen.say(f"Could not write to {folder}: {e.strerror or e}", problem=True)
            return
        screen.say(f"Wrote everything held about {code} to {target}.")

    choose_folder(screen, f"Export the record of {code} (UK GDPR)", write)


def erase_member(screen: StaffScreen, member: Member, after: Callable[[], None]) -> None:
    """UK GDPR erasure, after a confirmation: member and screening deleted, visits anonymised."""
    from kiosk.store.privacy import erase_member as erase

    def do_erase() -> None:
        try:
            erase(screen.kiosk.store, member.code)
        except OSError as e:
            screen.say(f"Could not finish erasing: {e.strerror or e}. Try again.", problem=True)
            return
        after()
        screen.say(f"Erased {member.code}: nothing but anonymous visits is left.")

    confirm(
        screen,
        f"Erase {member.first_name} {member.last_name} ({member.code}) for good?",
        "Erase",
        do_erase,
        [
            "Their member record and health screening are deleted; their visits stay, "
            "without their name or code. This cannot be undone.",
            "Copies in the backups go when those backups age out.",
        ],
    )
