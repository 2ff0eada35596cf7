"""The `kiosk` command: run the kiosk, check content and set-up, move data in and out.

Each sub-command is a small function taking the parsed arguments and returning an exit code.
Errors a person can fix are printed as one plain message, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from kiosk.core.content import load_content
from kiosk.store import DamagedFile, DataDirLocked, Store
from kiosk.store.transfer import CannotRead

Command = Callable[[argparse.Namespace], int]


def data_dir(args: argparse.Namespace) -> Path:
    return Path(args.data or os.environ.get("KIOSK_DATA_DIR") or "data")


def content_dir(args: argparse.Namespace) -> Path:
    return Path(args.content or os.environ.get("KIOSK_CONTENT_DIR") or "content")


def cmd_run(args: argparse.Namespace) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.ui.app import KioskApp

    content = load_content(content_dir(args))
    with Store.open(data_dir(args)) as store:
        app = KioskApp(content=content, store=store, clock=SystemClock())
        code = app.run()
    return code if isinstance(code, int) else app.return_code or 0


def cmd_check(args: argparse.Namespace) -> int:
    directory = content_dir(args)
    content = load_content(directory)
    for problem in content.problems:
        print(f"problem: {problem}")
    if content.problems:
        print(f"{len(content.problems)} problem(s) in {directory}")
        return 1
    print(f"content OK: {directory}")
    return 0


def _report_import(what: str, path: str, report: object) -> int:
    from kiosk.store.transfer import ImportReport

    assert isinstance(report, ImportReport)
    for problem in report.problems:
        print(f"{path}: {problem}", file=sys.stderr)
    if report.problems and report.imported == 0 and report.rows:
        print(
            f"nothing imported: {len(report.problems)} problem(s) in {report.rows} row(s); "
            "fix them, or use --skip-bad to import the good rows",
            file=sys.stderr,
        )
        return 1
    if report.problems:
        lines = ", ".join(str(n) for n in report.skipped_lines) or "the header"
        print(f"skipped {len(report.skipped_lines)} bad row(s): line(s) {lines}", file=sys.stderr)
    print(f"imported {report.imported} {what} from {path}")
    return 1 if report.problems and not report.imported else 0


def cmd_members_import(args: argparse.Namespace) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.store.transfer import import_members, read_csv_text

    text = read_csv_text(args.file)
    with Store.open(data_dir(args)) as store:
        today = SystemClock().now().date()
        report = import_members(store, text, today, skip_bad=args.skip_bad)
    return _report_import("member(s)", args.file, report)


def cmd_members_export(args: argparse.Namespace) -> int:
    from kiosk.store.transfer import export_members, write_output

    with Store.open(data_dir(args)) as store:
        write_output(args.file, export_members(store))
        count = store.member_count()
    if args.file != "-":
        print(f"exported {count} member(s) to {args.file}")
    return 0


def cmd_visits_import(args: argparse.Namespace) -> int:
    from kiosk.core.clock import SystemClock
    from kiosk.store.transfer import import_visits, local_zone, read_csv_text

    text = read_csv_text(args.file)
    with Store.open(data_dir(args)) as store:
        today = SystemClock().now().date()
        report = import_visits(store, text, local_zone(), today, skip_bad=args.skip_bad)
    return _report_import("visit(s)", args.file, report)


def cmd_visits_export(args: argparse.Namespace) -> int:
    from kiosk.store.transfer import export_visits, write_output

    with Store.open(data_dir(args)) as store:
        write_output(args.file, export_visits(store, args.since))
    return 0


def _day_argument(text: str) -> object:
    from kiosk.core.csvio import parse_day

    try:
        return parse_day(text)
    except Exception:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (use 2026-11-23)") from None


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
    sub.add_parser("check", help="check content and set-up; exit non-zero on any problem")
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
        exp.set_defaults(command=f"{name} export")
    visits_sub.choices["export"].add_argument(
        "--since", metavar="DATE", type=_day_argument, help="only visits on or after DATE"
    )
    commands["members import"] = cmd_members_import
    commands["members export"] = cmd_members_export
    commands["visits import"] = cmd_visits_import
    commands["visits export"] = cmd_visits_export
    return parser, commands


def main(argv: Sequence[str] | None = None) -> int:
    parser, commands = build_parser()
    args = parser.parse_args(argv)
    command = commands[args.command or "run"]
    try:
        return command(args)
    except DataDirLocked as e:
        print(f"kiosk: {e}", file=sys.stderr)
        return 3
    except DamagedFile as e:
        print(f"kiosk: {e} Restore it from a backup.", file=sys.stderr)
        return 4
    except CannotRead as e:
        print(f"kiosk: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
