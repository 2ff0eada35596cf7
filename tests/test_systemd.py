"""The systemd units in systemd/: the settings the kiosk relies on, and `systemd-analyze verify`
(skipped where systemd-analyze is not installed)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from kiosk.cli import build_parser

UNITS = Path(__file__).resolve().parent.parent / "systemd"
KIOSK_BIN = "/opt/studio-kiosk/.venv/bin/kiosk"
Unit = dict[str, dict[str, list[str]]]


def parse(path: Path) -> Unit:
    """A unit file as {section: {key: [values]}}: keys like Environment= may repeat."""
    unit: Unit = {}
    section: dict[str, list[str]] = {}
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = unit.setdefault(line[1:-1], {})
            continue
        key, _, value = line.partition("=")
        section.setdefault(key.strip(), []).append(value.strip())
    return unit


def one(unit: Unit, section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, f"{key} given {len(values)} times"
    return values[0]


def kiosk_command(exec_start: str) -> list[str]:
    words = shlex.split(exec_start)
    return words[words.index(KIOSK_BIN) + 1 :]


def test_the_kiosk_runs_on_tty1_as_its_own_user() -> None:
    unit = parse(UNITS / "kiosk.service")
    assert one(unit, "Unit", "Conflicts") == "getty@tty1.service"
    assert "getty@tty1.service" in one(unit, "Unit", "After").split()
    service = unit["Service"]
    assert one(unit, "Service", "User") == "kiosk"
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"
    for stream in ("StandardInput", "StandardOutput", "StandardError"):  # Textual draws on stderr
        assert one(unit, "Service", stream) == "tty"
    assert "TERM=linux" in service["Environment"]
    assert one(unit, "Install", "WantedBy") == "multi-user.target"


def test_it_restarts_forever_and_is_watched() -> None:
    unit = parse(UNITS / "kiosk.service")
    assert one(unit, "Service", "Restart") == "always"
    assert one(unit, "Unit", "StartLimitIntervalSec") == "0"
    assert one(unit, "Service", "Type") == "notify"
    assert one(unit, "Service", "NotifyAccess") == "main"
    assert int(one(unit, "Service", "WatchdogSec")) >= 10


def test_staff_exit_stops_the_kiosk_and_gives_tty1_a_login_prompt() -> None:
    from kiosk.ui.lockdown import LEFT_BY_STAFF

    unit = parse(UNITS / "kiosk.service")
    assert one(unit, "Service", "RestartPreventExitStatus") == str(LEFT_BY_STAFF)
    stop_post = one(unit, "Service", "ExecStopPost")
    assert stop_post.startswith("+/bin/sh -c ")
    script = shlex.split(stop_post[1:])[2].replace("$$", "$")
    for status, starts_getty in ((str(LEFT_BY_STAFF), True), ("1", False), ("0", False)):
        ran = subprocess.run(
            ["/bin/sh", "-c", script.replace("systemctl", "echo systemctl")],
            env={"EXIT_STATUS": status, "PATH": "/usr/bin:/bin"},
            capture_output=True,
            text=True,
        )
        assert ran.returncode == 0
        assert ("start getty@tty1.service" in ran.stdout) is starts_getty


def test_it_is_hardened_and_writes_only_its_data() -> None:
    unit = parse(UNITS / "kiosk.service")
    for key, value in {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "StateDirectory": "kiosk",
    }.items():
        assert one(unit, "Service", key) == value
    assert "/var/lib/kiosk" in one(unit, "Service", "ReadWritePaths").split()


def test_the_commands_are_real_kiosk_commands() -> None:
    parser, commands = build_parser()
    run = kiosk_command(one(parse(UNITS / "kiosk.service"), "Service", "ExecStart"))
    backup = kiosk_command(one(parse(UNITS / "kiosk-backup.service"), "Service", "ExecStart"))
    for argv, expected in ((run, "run"), (backup, "backup")):
        args = parser.parse_args(argv)
        assert args.data == "/var/lib/kiosk"
        assert args.content == "/opt/studio-kiosk/content"
        assert args.command == expected
        if expected == "run" or "backup" in commands:  # BACKUP writes `kiosk backup`
            assert expected in commands


def test_the_nightly_backup() -> None:
    service = parse(UNITS / "kiosk-backup.service")
    timer = parse(UNITS / "kiosk-backup.timer")
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "User") == "kiosk"
    assert one(service, "Service", "ProtectSystem") == "strict"
    assert "Install" not in service  # the timer starts it
    assert one(timer, "Timer", "OnCalendar").startswith("*-*-* 0")  # at night
    assert one(timer, "Timer", "Persistent") == "true"
    assert one(timer, "Install", "WantedBy") == "timers.target"


def test_the_kmscon_alternative_never_runs_alongside() -> None:
    unit = parse(UNITS / "kiosk-kmscon.service")
    assert set(one(unit, "Unit", "Conflicts").split()) == {"getty@tty1.service", "kiosk.service"}
    assert one(unit, "Service", "Restart") == "always"
    assert kiosk_command(one(unit, "Service", "ExecStart"))[-1] == "run"


def test_the_bookings_sync_every_10_minutes_in_opening_hours() -> None:
    service = parse(UNITS / "kiosk-bookings.service")
    timer = parse(UNITS / "kiosk-bookings.timer")
    parser, commands = build_parser()
    args = parser.parse_args(kiosk_command(one(service, "Service", "ExecStart")))
    assert (args.command, args.source) == ("bookings sync", None)  # $KIOSK_CALENDAR_URL
    assert args.command in commands and args.data == "/var/lib/kiosk"
    env = one(service, "Service", "EnvironmentFile")
    assert one(service, "Unit", "ConditionPathExists") == env  # no calendar: nothing runs
    assert one(service, "Service", "Type") == "oneshot"
    assert one(service, "Service", "User") == "kiosk"
    assert one(service, "Service", "SuccessExitStatus") == "75"  # offline: try again later
    assert one(service, "Service", "ProtectSystem") == "strict"
    assert "Install" not in service
    calendars = timer["Timer"]["OnCalendar"]
    assert all("/10:00" in c for c in calendars)
    assert any(c.startswith("Mon..Fri") for c in calendars)
    assert one(timer, "Install", "WantedBy") == "timers.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify insists that ExecStart exists: point it at a stand-in for the installed kiosk
    stand_in = tmp_path / "kiosk"
    stand_in.write_text("#!/bin/sh\n")
    stand_in.chmod(0o755)
    units = sorted(UNITS.glob("*.service")) + sorted(UNITS.glob("*.timer"))
    assert len(units) == 6
    for unit in units:
        text = unit.read_text().replace(KIOSK_BIN, str(stand_in))
        (tmp_path / unit.name).write_text(text.replace("/usr/bin/kmscon", str(stand_in)))
    copies = [str(tmp_path / u.name) for u in units]
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *copies],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""  # not even a warning (unknown key, bad value)


def test_the_kiosk_is_offline_unprivileged_and_filtered() -> None:
    unit = parse(UNITS / "kiosk.service")
    for key, value in {
        "PrivateNetwork": "yes",  # the bookings sync has its own unit with a network
        "RestrictAddressFamilies": "AF_UNIX",  # sd_notify only
        "RestrictNamespaces": "yes",
        "ProtectClock": "yes",
        "ProtectHostname": "yes",
        "CapabilityBoundingSet": "",
        "SystemCallErrorNumber": "EPERM",
    }.items():
        assert one(unit, "Service", key) == value, key
    assert "@system-service" in unit["Service"]["SystemCallFilter"]
    # the tty it draws on stays reachable; Type=notify still reaches systemd (a path socket)
    assert "/dev/tty1 rw" in unit["Service"]["DeviceAllow"]
    assert one(unit, "Service", "TTYPath") == "/dev/tty1"


EXPOSURE = re.compile(r"Overall exposure level for \S+: (\d+\.\d+)")


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_systemd_analyze_security_exposure_is_at_most_3() -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(UNITS / "kiosk.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = EXPOSURE.search(result.stdout + result.stderr)
    if found is None and "--offline" in result.stderr:  # systemd before 250 cannot read a file
        pytest.skip("this systemd-analyze cannot score a unit file")
    assert found is not None, result.stdout + result.stderr
    assert float(found.group(1)) <= 3.0, result.stdout
