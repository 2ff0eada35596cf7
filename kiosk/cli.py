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
from kiosk.store import DataDirLocked, Store

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
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
