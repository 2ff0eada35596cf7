"""The `kiosk` command: run the kiosk, check content and set-up, move data in and out.

Each sub-command is a small function taking the parsed arguments and returning an exit code.
Errors a person can fix are printed as one plain message, never a traceback.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.core.content import load_content
from kiosk.core.studio import StaffPolicy

if TYPE_CHECKING:  # the store loads when a command needs it: `kiosk run` paints first
    from kiosk.core.content import Content
    from kiosk.store import Store
    from kiosk.store.last_good import LastGoodCopies

Command = Callable[[argparse.Namespace], int]


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("KIOSK_DATA_DIR") or "data")


def open_data(args: argparse.Namespace) -> Store:
    from kiosk.store import Store

    return Store.open(data_dir(args))


def content_dir(args: argparse.Namespace) -> Path:
    return Path(args.content or os.environ.get("KIOSK_CONTENT_DIR") or "content")


def cmd_run(args: argparse.Namespace) -> int:
    """Run the kiosk. An unexpected error goes to data/kiosk.log, never on the screen: the
    screen says "Restarting..." and the exit status is 1, for systemd to start it again."""
    from kiosk.store.log import log, start_log, stop_log
    from kiosk.ui.lockdown import RESTARTING

    directory = data_dir(args)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handler = start_log(directory)
    except OSError as e:
        print(f"kiosk: cannot use the data directory {directory}: {e}", file=sys.stderr)
        return 1
    try:
        return _run_kiosk(args, directory)
    except Exception as e:
        if explain(e) is not None:
            raise  # main() explains these in one line
        log.exception("unexpected error, restarting")
        print(RESTARTING, file=sys.stderr)
        return 1
    finally:
        stop_log(handler)


def _run_kiosk(args: argparse.Namespace, directory: Path) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.store.lock import DataDirLock
    from kiosk.store.log import log
    from kiosk.ui.app import KioskApp

    content = load_content(content_dir(args), _last_good(directory))
    clock = SystemClock()
    # a second kiosk is told at once, before it draws anything (the store opens after the paint)
    probe = DataDirLock(directory)
    probe.acquire()
    probe.release()
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        # without a terminal Textual would spin on an input that never comes
        print("kiosk: `kiosk run` needs a terminal to draw on and read keys", file=sys.stderr)
        return 2
    opened: list[Store] = []

    def open_for_the_kiosk() -> tuple[Store, list[str]]:
        """In a worker once the front desk is painted: thousands of members take a while."""
        # imported here, not before the first paint: they and theirs take a Pi a while
        from kiosk.store.pin import pin_warning
        from kiosk.store.recovery import open_store
        from kiosk.store.retention import maintain_at_start

        store, warnings = open_store(directory, clock.now())  # a damaged file: restored, warned
        opened.append(store)
        if damaged_pin := pin_warning(directory):  # staff mode stays shut: say why at start
            warnings = [*warnings, damaged_pin]
        for warning in warnings:
            log.warning("%s", warning)
        # the kiosk runs for months: retention is applied at each start as well as by maintenance
        warnings += maintain_at_start(store, clock.now(), content.studio.staff)
        # content staff must hear of at once (the shipped health questions in use); this also
        # reads the warm-ups, terms and questions here, off the event loop
        for warning in content.staff_warnings:  # names files and keys, never an answer
            log.warning("%s", warning)
        keep_last_good(directory, content)
        return store, [*warnings, *content.staff_warnings]

    os.environ.pop("TEXTUAL_ALLOW_SIGNALS", None)  # Ctrl+C, Ctrl+Z, Ctrl+\ stay keys
    log.info("kiosk starting (process %d)", os.getpid())
    app = KioskApp(content=content, store=open_for_the_kiosk, clock=clock, font=console_font())
    # What is loaded by now lives as long as the kiosk: a full collection need never walk
    # it again (one took 27 ms of the first paint, and every later one walked it all too).
    gc.freeze()
    try:
        code = app.run()
    finally:
        for store in opened:
            store.close()
    if app.start_error is not None:
        raise app.start_error  # DataDirLocked, DamagedFile, CannotStart: main() explains them
    code = code if isinstance(code, int) else app.return_code or 0
    log.info("kiosk stopped with status %d", code)
    return code


def console_font(environ: Mapping[str, str] = os.environ) -> frozenset[str] | None:
    """The Linux console font's characters (TERM=linux): they pick the QR style (qr_style
    auto). None elsewhere: a graphical terminal draws every glyph."""
    if environ.get("TERM") != "linux":
        return None  # and ctypes is not imported
    from kiosk.console import active_font
    from kiosk.store.log import log

    found = active_font()
    log.info("console font: %s", found.source)
    return found.chars


def _last_good(data: Path) -> LastGoodCopies:
    from kiosk.store.last_good import LastGoodCopies

    return LastGoodCopies(data)


def keep_last_good(data: Path, content: Content) -> None:
    """Keeps each content file that loaded cleanly as its last good copy (in the store worker,
    after the first paint); a copy that cannot be written is logged, the kiosk carries on."""
    from kiosk.store.log import log

    try:
        for name in _last_good(data).keep(content.clean_copies()):
            log.info("kept %s as the last good copy", name)
    except OSError as e:
        log.warning("cannot keep the last good copy of the content: %s", e)


def cmd_check(args: argparse.Namespace) -> int:
    """Content problems by file and key, then the set-up (kiosk/checkup.py): terminal, data
    directory, backups, PIN, console font. Exit 1 on any problem; warnings alone do not fail."""
    from kiosk import checkup
    from kiosk.core.clock import SystemClock

    WARNING, PROBLEM = checkup.Level.WARNING, checkup.Level.PROBLEM
    directory = content_dir(args)
    content = load_content(directory, _last_good(data_dir(args)))
    for line in content.problem_lines:
        print(line)
    if content.problems:
        print(f"{len(content.problems)} problem(s) in {directory}")
    else:
        print(f"content OK: {directory}: {checkup.content_summary(content)}")
    data = data_dir(args)
    findings = checkup.terminal(os.environ, sys.stdout) + checkup.data_directory(data)
    try:
        if data.is_dir():
            findings += [checkup.backups(data, SystemClock().now()), checkup.staff_pin(data)]
            findings += checkup.screenings_to_reconcile(data)
    except OSError as e:
        findings.append(checkup.Finding("data directory", f"cannot read it: {e}", WARNING))
    findings += checkup.console_fonts(content, args.font)
    for finding in findings:
        print(finding)
    failed = bool(content.problems) or any(f.level is PROBLEM for f in findings)
    return 1 if failed else 0


def _report_import(what: str, path: str, report: object, skip_bad: bool) -> int:
    from kiosk.store.transfer import ImportReport

    assert isinstance(report, ImportReport)
    for problem in report.problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if report.problems and not report.imported:
        header = any(p.line <= 1 for p in report.problems)
        if header or not report.rows:
            why = "fix the header line first"
        elif skip_bad:
            why = f"every one of the {report.rows} row(s) has a problem"
        else:
            why = (
                f"{len(report.problems)} problem(s) in {report.rows} row(s); "
                "fix them, or use --skip-bad to import the good rows"
            )
        print(f"nothing imported: {why}", file=sys.stderr)
        return 1
    if report.problems:
        lines = ", ".join(str(n) for n in report.skipped_lines)
        print(f"skipped {len(report.skipped_lines)} bad row(s): line(s) {lines}", file=sys.stderr)
    print(f"imported {report.imported} {what} from {path}")
    if report.defaulted:  # an older export or a hand-made file: say what was filled in
        print(report.defaulted)
    return 0


def cmd_members_import(args: argparse.Namespace) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.store.transfer import import_members, read_csv_text

    text = read_csv_text(args.file)
    with open_data(args) as store:
        today = SystemClock().now().date()
        report = import_members(store, text, today, skip_bad=args.skip_bad)
    return _report_import("member(s)", args.file, report, args.skip_bad)


def cmd_members_export(args: argparse.Namespace) -> int:
    from kiosk.store.transfer import export_members, write_output

    with open_data(args) as store:
        write_output(args.file, export_members(store, excel=args.excel))
        count = store.member_count()
    if args.file != "-":
        print(f"exported {count} member(s) to {args.file}")
    return 0


def cmd_visits_import(args: argparse.Namespace) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.store.transfer import import_visits, local_zone, read_csv_text

    text = read_csv_text(args.file)
    with open_data(args) as store:
        today = SystemClock().now().date()
        report = import_visits(store, text, local_zone(), today, skip_bad=args.skip_bad)
    return _report_import("visit(s)", args.file, report, args.skip_bad)


def cmd_visits_export(args: argparse.Namespace) -> int:
    from kiosk.store.transfer import export_visits, write_output

    with open_data(args) as store:
        write_output(args.file, export_visits(store, args.since, excel=args.excel))
    return 0


def cmd_set_pin(args: argparse.Namespace) -> int:
    """Ask for the staff PIN twice (or read it from standard input) and store its hash; any
    lock-out is lifted. 4 and 5 digits are taken with a warning, fewer refused."""
    import getpass

    from kiosk.core.pin import PIN_ADVISED, PIN_MAX, PIN_MIN, pin_advice, pin_problem
    from kiosk.store.log import log, start_log, stop_log
    from kiosk.store.pin import set_pin

    if sys.stdin.isatty():
        try:
            ask = f"New staff PIN ({PIN_MIN}-{PIN_MAX} digits, {PIN_ADVISED} or more recommended): "
            pin = getpass.getpass(ask)
            problem = pin_problem(pin)
            if not problem and getpass.getpass("The same PIN again: ") != pin:
                problem = "The two PINs are not the same."
        except EOFError:
            problem = "No PIN typed."
    else:
        pin = sys.stdin.readline().strip()  # scripts: `echo 246813 | kiosk set-pin`
        problem = pin_problem(pin)
    if problem:
        print(f"kiosk: {problem} The PIN was not changed.", file=sys.stderr)
        return 1
    directory = data_dir(args)
    try:
        lockouts = set_pin(directory, pin)
    except OSError as e:
        print(f"kiosk: cannot write the PIN in {directory}: {e.strerror or e}", file=sys.stderr)
        return 1
    if advice := pin_advice(pin):
        print(f"kiosk: warning: {advice}", file=sys.stderr)
    print(f"Staff PIN set in {directory}. F12 at the front desk opens staff mode.")
    print(f"Any PIN lock-out is lifted. {lockouts.text}".rstrip())
    try:
        handler = start_log(directory)
    except OSError:
        return 0  # the PIN is set; only the log line is lost
    log.info("staff PIN set with kiosk set-pin: any lock-out lifted. %s", lockouts.text)
    stop_log(handler)
    return 0


def _day_argument(text: str) -> object:
    from kiosk.core.csvio import parse_day

    try:
        return parse_day(text)
    except Exception:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use 2026-11-23)") from None


def _staff_policy(args: argparse.Namespace) -> StaffPolicy:
    return load_content(content_dir(args)).studio.staff


def cmd_backup(args: argparse.Namespace) -> int:
    """Safe beside a running kiosk: it only reads, and every kiosk write is an atomic rename.
    A failure is also kept in the data directory for the kiosk to show staff (the nightly
    timer's failures would otherwise only be in the journal)."""
    from kiosk.core.clock import SystemClock
    from kiosk.store.backup import make_backup, read_manifest
    from kiosk.store.backup_status import record_failure, record_success

    directory, now = data_dir(args), SystemClock().now()
    try:
        keep = _staff_policy(args).backup_generations
        made = make_backup(directory, now, keep)
    except Exception as e:
        explained = explain(e)
        record_failure(directory, now, explained[0] if explained else f"unexpected error: {e}")
        raise
    record_success(directory)
    count = len(read_manifest(made).files)
    print(f"backup made and verified: {made} ({count} file(s)); keeping the newest {keep}")
    return 0


def _list_backups(directory: Path) -> None:
    from kiosk.store.backup import BadBackup, list_backups, verify_backup, when_text

    found = list_backups(directory)
    if not found:
        print(f"there are no backups in {directory / 'backups'}", file=sys.stderr)
    for path in found:
        try:
            state = f"made {when_text(verify_backup(path).made)}"
        except BadBackup as e:
            state = f"DAMAGED: {e}"
        print(f"  {path.name}  {state}", file=sys.stderr)


def cmd_restore(args: argparse.Namespace) -> int:
    from kiosk.store.backup import backups_dir, restore_backup, verify_backup, when_text

    directory = data_dir(args)
    if not args.backup:
        print("kiosk: name the backup to restore, one of:", file=sys.stderr)
        _list_backups(directory)
        return 2
    backup = Path(args.backup)
    if not backup.is_dir():
        backup = backups_dir(directory) / args.backup
    if not backup.is_dir():
        print(f"kiosk: there is no backup {args.backup!r}; the backups are:", file=sys.stderr)
        _list_backups(directory)
        return 2
    from kiosk.store import DataDirLocked

    try:
        aside = restore_backup(directory, backup)
    except DataDirLocked:
        print(
            f"kiosk: a kiosk is running on {directory}; nothing was restored. Stop it first "
            "(sudo systemctl stop kiosk), restore, then start it again.",
            file=sys.stderr,
        )
        return 3
    made = when_text(verify_backup(backup).made)
    print(f"restored the backup made {made} ({backup.name}) into {directory}")
    print(f"the files it replaced are kept in {aside}")
    return 0


def cmd_maintenance(args: argparse.Namespace) -> int:
    """What the privacy notice promises about keeping data (kiosk/store/retention.py)."""
    from kiosk.core.clock import SystemClock
    from kiosk.store.retention import maintain

    staff = _staff_policy(args)
    with open_data(args) as store:
        done = maintain(store, SystemClock().now(), staff)
    for line in done.lines(staff):
        print(line)
    return 0


def cmd_members_export_one(args: argparse.Namespace) -> int:
    """UK GDPR access: FILE as JSON and FILE.txt beside it, in words (kiosk/store/export_one.py)."""
    from kiosk.core.clock import SystemClock
    from kiosk.store.export_one import export_of, write_export

    content = load_content(content_dir(args))
    with open_data(args) as store:
        try:
            export = export_of(store, args.code, content, SystemClock().now())
        except KeyError:
            print(f"kiosk: no member has the code {args.code!r}; nothing written", file=sys.stderr)
            return 1
    if args.file == "-":
        sys.stdout.write(export.text if args.text else export.json_text)
        return 0
    try:
        written, beside = write_export(export, Path(args.file))
    except OSError as e:
        print(f"kiosk: cannot write {args.file}: {e.strerror or e}", file=sys.stderr)
        return 2
    print(f"wrote everything held about {export.code} to {written}, and in words to {beside}")
    return 0


def cmd_members_erase(args: argparse.Namespace) -> int:
    from kiosk.store.privacy import erase

    with open_data(args) as store:
        member = store.member(args.code)
        code = member.code if member is not None else args.code
        visits = len(store.visits_of(code))
        has_screening = store.screening(code) is not None
        if member is None and not visits and not has_screening:
            print(f"kiosk: no member has the code {args.code!r}; nothing erased", file=sys.stderr)
            return 1
        who = f"{member.first_name} {member.last_name} ({code})" if member else code
        what = (
            f"Erase {who}: the member record"
            + (" and health screening" if has_screening else "")
            + f" deleted, {visits} visit(s) kept without their name?"
        )
        if not args.yes:
            try:
                answer = input(f"{what} Type yes to erase: ")
            except EOFError:
                print()
                answer = ""
            if answer.strip().lower() not in ("yes", "y"):
                print("nothing erased")
                return 1
        aside = erase(store, code)
    print(
        f"erased {code}; {visits} visit(s) anonymised. Backups made before now still hold "
        "their details until they age out; a restored one is erased again at start-up."
    )
    if aside is not None and (aside.changed or aside.deleted):
        print(f"taken out of {len(aside.changed) + len(aside.deleted)} file(s) set aside")
    if aside is not None and aside.left:
        print(
            f"{len(aside.left)} damaged file(s) set aside still mention them and cannot be "
            "cleaned record by record; they are deleted after backup_generations days: "
            + ", ".join(str(p) for p in aside.left)
        )
    return 0


# -- bookings (issue 13) -------------------------------------------------------------------------


def _bookings_sync(args: argparse.Namespace, text: str, source: str) -> int:
    """Parse, match and put a calendar in force: all of it or, on a problem, none."""
    from kiosk.core.bookings import CalendarError
    from kiosk.core.clock import SystemClock
    from kiosk.store.bookings import SyncBusy, sync_calendar

    policy = load_content(content_dir(args)).studio.bookings
    now = SystemClock().now()
    try:
        bookings, status = sync_calendar(data_dir(args), text, source, now, policy)
    except CalendarError as e:
        print(
            f"kiosk: {source}: {e}. Nothing was changed: the last bookings stay in force.",
            file=sys.stderr,
        )
        return 1
    except SyncBusy as e:
        print(f"kiosk: {e}", file=sys.stderr)
        return 3
    matched = sum(1 for b in bookings if b.member_code is not None)
    print(
        f"{status.count} booking(s) from {source} now in force: {matched} matched to members, "
        f"{status.count - matched} not matched (staff can match them by hand)"
    )
    return 0


def cmd_bookings_import(args: argparse.Namespace) -> int:
    from kiosk.core.bookings import CalendarError
    from kiosk.store.bookings import decode_calendar
    from kiosk.store.files import CannotRead

    name = "standard input" if args.file == "-" else args.file
    try:
        raw = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as e:
        raise CannotRead(f"{args.file}: cannot be read ({e.strerror or e})") from None
    try:
        text = decode_calendar(raw, name)
    except CalendarError as e:
        print(f"kiosk: {e}. Nothing was changed.", file=sys.stderr)
        return 1
    return _bookings_sync(args, text, name)


def cmd_bookings_sync(args: argparse.Namespace) -> int:
    """From the calendar's private address (or a file). When it cannot be had, the last
    bookings stay in force, staff mode is told, and the exit status is 75 (try again later)."""
    from kiosk.core.bookings import CalendarError
    from kiosk.core.clock import SystemClock
    from kiosk.store.bookings import (
        Bookings,
        SyncBusy,
        SyncFailed,
        fetch_calendar,
        source_label,
    )

    source = args.source or os.environ.get("KIOSK_CALENDAR_URL", "")
    if not source:
        print(
            "kiosk: name the calendar's address or file, or set KIOSK_CALENDAR_URL",
            file=sys.stderr,
        )
        return 2
    label = source_label(source)
    try:
        text = fetch_calendar(source)
    except (SyncFailed, CalendarError) as e:
        bookings = Bookings(data_dir(args))
        try:
            with bookings.sync_lock():
                status = bookings.sync_failed(label, SystemClock().now(), str(e))
        except SyncBusy as busy:
            print(f"kiosk: {busy}", file=sys.stderr)
            return 3
        print(
            f"kiosk: warning: {e}. The last bookings stay in force "
            f"({status.count} from {status.source or 'nowhere yet'}).",
            file=sys.stderr,
        )
        return 75 if isinstance(e, SyncFailed) else 1
    return _bookings_sync(args, text, label)


def cmd_bookings_export(args: argparse.Namespace) -> int:
    from kiosk.core.bookings import bookings_csv
    from kiosk.store.bookings import Bookings
    from kiosk.store.transfer import write_output

    found = Bookings(data_dir(args)).all()
    if args.since is not None:
        found = [b for b in found if b.day >= args.since]
    write_output(args.file, bookings_csv(found))
    if args.file != "-":
        print(f"exported {len(found)} booking(s) to {args.file}")
    return 0


def cmd_bookings_list(args: argparse.Namespace) -> int:
    from kiosk.core.bookings import LONDON
    from kiosk.core.clock import SystemClock
    from kiosk.store.bookings import Bookings, read_members

    directory = data_dir(args)
    now = SystemClock().now()
    day = args.day or now.astimezone(LONDON).date()
    bookings = Bookings(directory)
    found = bookings.on(day)
    names = {m.code: f"{m.first_name} {m.last_name}" for m in read_members(directory)}
    print(f"Bookings on {day:%A %d %B %Y}: {len(found)}")
    for b in found:
        who = (
            f"{names.get(b.member_code, '?')} ({b.member_code})" if b.member_code else "not matched"
        )
        what = str(b.kind or "session")
        state = "" if b.booked else "  CANCELLED"
        extra = ", ".join(x for x in (b.trainer, b.room) if x)
        print(
            f"  {b.start:%H:%M}-{b.end:%H:%M}  {what:<8} {who}"
            + (f"  [{extra}]" if extra else "")
            + f"  {b.summary!r}{state}"
        )
    print(bookings.sync_status().words(now))
    for warning in bookings.warnings:
        print(f"warning: {warning}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """The owner's figures and lists (as in staff mode's Insights); with --csv, the lists as
    CSV files. Reads the files without the lock: safe while the kiosk runs."""
    from kiosk.core.clock import SystemClock
    from kiosk.core.insight_charts import KEY, active_chart, hours_chart, visits_chart
    from kiosk.core.insights import calls_csv, figure_lines, insights, reading_from
    from kiosk.store.files import write_text_atomic
    from kiosk.store.insights import records_from_files

    today = SystemClock().now().date()
    read = records_from_files(data_dir(args), reading_from(today, args.since), today)
    found = insights(read.members, read.visits, today, args.since, read.last_seen)
    for damaged in read.damaged:
        print(f"DAMAGED, left out: {damaged} (restore it from a backup)")
    for line in figure_lines(found):
        print(line)
    for chart in (visits_chart(found, 100, 16), KEY, active_chart(found, 100, 12)):
        print(f"\n{chart}")
    print(f"\n{hours_chart(found, 100, 12)}")
    for name, calls in found.lists().items():
        print(f"\n{name}: {len(calls)}")
        for c in calls:
            print(f"  {c.name}  {c.phone}  {c.code}  {c.why}\n      say: {c.say}")
    if args.csv is not None:
        folder = Path(args.csv)
        folder.mkdir(parents=True, exist_ok=True)
        for name, calls in found.lists().items():
            write_text_atomic(folder / f"{name}-{today.isoformat()}.csv", calls_csv(calls))
        print(f"\nwrote {len(found.lists())} CSV file(s) to {folder}")
    return 4 if read.damaged else 0


def _add_bookings_commands(sub: Any, commands: dict[str, Command]) -> None:
    bookings = sub.add_parser("bookings", help="bookings from the studio's calendar (iCalendar)")
    bookings_sub = bookings.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = bookings_sub.add_parser("import", help="put a calendar file's bookings in force")
    imp.add_argument("file", metavar="FILE.ics", help='an .ics file ("-" for standard input)')
    imp.set_defaults(command="bookings import")
    sync = bookings_sub.add_parser(
        "sync", help="fetch the calendar (https:// address or file) and put it in force"
    )
    sync.add_argument(
        "source",
        metavar="URL-or-FILE",
        nargs="?",
        help="the calendar's private https:// address, or a file (default $KIOSK_CALENDAR_URL)",
    )
    sync.set_defaults(command="bookings sync")
    exp = bookings_sub.add_parser("export", help="write the bookings as CSV")
    exp.add_argument(
        "file", metavar="FILE", nargs="?", default="-", help='output file (default "-": stdout)'
    )
    exp.add_argument(
        "--since", metavar="DATE", type=_day_argument, help="only bookings on or after DATE"
    )
    exp.set_defaults(command="bookings export")
    lst = bookings_sub.add_parser("list", help="one day's bookings, as plain text")
    lst.add_argument("--day", metavar="DATE", type=_day_argument, help="the day (default today)")
    lst.set_defaults(command="bookings list")
    commands["bookings import"] = cmd_bookings_import
    commands["bookings sync"] = cmd_bookings_sync
    commands["bookings export"] = cmd_bookings_export
    commands["bookings list"] = cmd_bookings_list


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, Command]]:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", metavar="DIR", help="data directory (default ./data, or $KIOSK_DATA_DIR)"
    )
    parser.add_argument(
        "--content",
        metavar="DIR",
        help="content directory (default ./content, or $KIOSK_CONTENT_DIR)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands: dict[str, Command] = {}

    sub.add_parser("run", help="run the kiosk (the default)")
    commands["run"] = cmd_run
    check = sub.add_parser("check", help="check content and set-up; exit non-zero on any problem")
    check.add_argument(
        "--font",
        metavar="FILE.psf",
        help="check this console font file (not the console's): its characters and the QR style",
    )
    commands["check"] = cmd_check

    members = sub.add_parser("members", help="members in and out (CSV)")
    members_sub = members.add_subparsers(dest="action", metavar="ACTION", required=True)
    visits = sub.add_parser("visits", help="visits in and out (CSV)")
    visits_sub = visits.add_subparsers(dest="action", metavar="ACTION", required=True)
    for name, action_sub, what in (
        ("members", members_sub, "members"),
        ("visits", visits_sub, "visits"),
    ):
        imp = action_sub.add_parser("import", help=f"add {what} from a CSV file")
        imp.add_argument("file", metavar="FILE.csv", help='CSV file ("-" for standard input)')
        imp.add_argument(
            "--skip-bad", action="store_true", help="import the good rows, report the bad ones"
        )
        imp.set_defaults(command=f"{name} import")
        exp = action_sub.add_parser("export", help=f"write {what} as CSV")
        exp.add_argument(
            "file", metavar="FILE", nargs="?", default="-", help='output file (default "-": stdout)'
        )
        exp.add_argument(
            "--excel",
            action="store_true",
            help="for Excel: UTF-8 with a byte-order mark, UK phone numbers as 07...",
        )
        exp.set_defaults(command=f"{name} export")
    visits_sub.choices["export"].add_argument(
        "--since", metavar="DATE", type=_day_argument, help="only visits on or after DATE"
    )
    commands["members import"] = cmd_members_import
    commands["members export"] = cmd_members_export
    commands["visits import"] = cmd_visits_import
    commands["visits export"] = cmd_visits_export
    one = members_sub.add_parser(
        "export-one", help="everything held about one member: JSON, and a summary in words"
    )
    one.add_argument("code", metavar="CODE", help="the member's code")
    one.add_argument(
        "file", metavar="FILE", nargs="?", default="-", help='output file (default "-": stdout)'
    )
    one.add_argument(
        "--text", action="store_true", help='with "-": the summary in words instead of JSON'
    )
    one.set_defaults(command="members export-one")
    commands["members export-one"] = cmd_members_export_one
    erase = members_sub.add_parser(
        "erase",
        help="erase a member (record, screening and refused check-ins deleted, visits anonymised)",
    )
    erase.add_argument("code", metavar="CODE", help="the member's code")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    erase.set_defaults(command="members erase")
    commands["members erase"] = cmd_members_erase
    sub.add_parser("backup", help="make a verified backup under DATA/backups (safe while running)")
    commands["backup"] = cmd_backup
    restore = sub.add_parser("restore", help="restore a backup (the kiosk must be stopped)")
    restore.add_argument(
        "backup", metavar="BACKUP", nargs="?", help="backup name or folder (none: list them)"
    )
    commands["restore"] = cmd_restore
    sub.add_parser(
        "maintenance",
        help="anonymise members, delete screenings and set-aside files past their retention",
    )
    commands["maintenance"] = cmd_maintenance
    sub.add_parser(
        "set-pin",
        help="set the staff PIN (asked twice; or one line on standard input)",
    )
    commands["set-pin"] = cmd_set_pin
    _add_bookings_commands(sub, commands)
    report = sub.add_parser("report", help="the owner's figures and who to call (as in staff mode)")
    report.add_argument(
        "--since", metavar="DATE", type=_day_argument, help="count from DATE (default 26 weeks)"
    )
    report.add_argument("--csv", metavar="DIR", help="also write the lists as CSV files there")
    commands["report"] = cmd_report
    for name in ("run", "check", "set-pin", "backup", "restore", "maintenance", "report"):
        _data_options(sub.choices[name])  # `kiosk run --data DIR` as well as `kiosk --data DIR run`
    return parser, commands


def _data_options(command: argparse.ArgumentParser) -> None:
    # SUPPRESS: left out after the command, the value given before it (or the default) stands
    command.add_argument("--data", metavar="DIR", default=argparse.SUPPRESS, help="data directory")
    command.add_argument(
        "--content", metavar="DIR", default=argparse.SUPPRESS, help="content directory"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    command = commands[args.command or "run"]
    try:
        return command(args)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        explained = explain(e)
        if explained is None:
            raise
        message, code = explained
        print(f"kiosk: {message}", file=sys.stderr)
        return code


def explain(error: Exception) -> tuple[str, int] | None:
    """An error a person can fix, in one line with its exit status; None for anything else."""
    from kiosk.store import DamagedFile, DataDirLocked
    from kiosk.store.backup import BackupFailed
    from kiosk.store.files import CannotRead, problem_of
    from kiosk.store.recovery import CannotStart

    if isinstance(error, DataDirLocked):
        return str(error), 3
    if isinstance(error, DamagedFile):
        return f"{error} Restore it from a backup.", 4
    if isinstance(error, CannotRead):
        return str(error), 2
    if isinstance(error, BackupFailed | CannotStart):
        return str(error), 5
    if (problem := problem_of(error)) is not None:  # every write is whole or not at all
        return f"the data directory's storage is {problem.value}: nothing was saved", 6
    return None


if __name__ == "__main__":
    sys.exit(main())
