"""sd_notify through a real AF_UNIX datagram socket: a path, an abstract '@' name, none at all."""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
from collections.abc import Iterator

import pytest

from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.store import Store
from kiosk.ui.app import KioskApp
from kiosk.ui.screens.front_desk import FrontDeskScreen
from kiosk.ui.watchdog import Notifier

from .waiting import LIMIT


@pytest.fixture
def listener() -> Iterator[tuple[str, socket.socket]]:
    directory = tempfile.mkdtemp(prefix="kiosk-notify-")  # short: AF_UNIX paths max 108 bytes
    path = os.path.join(directory, "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    sock.settimeout(5)
    yield path, sock
    sock.close()
    os.unlink(path)
    os.rmdir(directory)


def test_ready_ping_and_stopping_arrive_as_datagrams(listener: tuple[str, socket.socket]) -> None:
    path, sock = listener
    notifier = Notifier.from_environment({"NOTIFY_SOCKET": path, "WATCHDOG_USEC": "30000000"})
    assert notifier.ping_seconds == 15.0
    assert notifier.ready() and notifier.ping() and notifier.stopping()
    assert sock.recv(256).split(b"\n")[0] == b"READY=1"
    assert sock.recv(256) == b"WATCHDOG=1"
    assert sock.recv(256) == b"STOPPING=1"


def test_an_abstract_socket_name_works() -> None:
    name = f"kiosk-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        sock.bind("\0" + name)
        sock.settimeout(5)
        assert Notifier.from_environment({"NOTIFY_SOCKET": "@" + name}).ping()
        assert sock.recv(256) == b"WATCHDOG=1"


def test_without_systemd_nothing_is_sent() -> None:
    notifier = Notifier.from_environment({})
    assert notifier.ping_seconds is None
    assert notifier.ready() is False and notifier.ping() is False


def test_watchdog_settings_from_the_environment() -> None:
    assert Notifier.from_environment({"NOTIFY_SOCKET": "/x"}).ping_seconds is None
    assert (
        Notifier.from_environment({"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "junk"}).ping_seconds
        is None
    )
    assert (
        Notifier.from_environment({"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "0"}).ping_seconds
        is None
    )
    mine = {"NOTIFY_SOCKET": "/x", "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": "42"}
    assert Notifier.from_environment(mine, pid=42).ping_seconds == 1.0
    assert Notifier.from_environment(mine, pid=43).ping_seconds is None  # meant for another


def test_a_vanished_socket_is_not_an_error(caplog: pytest.LogCaptureFixture) -> None:
    notifier = Notifier("/nonexistent/kiosk-notify")
    assert notifier.ping() is False
    assert notifier.ping() is False
    assert len([r for r in caplog.records if "cannot notify" in r.message]) == 1


async def test_the_app_says_ready_once_the_front_desk_is_up_and_pings(
    content: Content, store: Store, clock: FakeClock, listener: tuple[str, socket.socket]
) -> None:
    path, sock = listener
    sock.setblocking(False)
    app = KioskApp(content, store, clock, notifier=Notifier(path, watchdog_usec=20_000))
    received: list[bytes] = []
    async with app.run_test(size=(80, 24)):
        # each message awaited on the event loop the app runs on: it arrives as the kiosk
        # sends it (a generous limit), and the app goes on meanwhile
        loop = asyncio.get_running_loop()
        while len(received) < 3:
            received.append(await asyncio.wait_for(loop.sock_recv(sock, 256), LIMIT))
            if len(received) == 1:
                assert isinstance(app.screen, FrontDeskScreen)
    assert received[0].startswith(b"READY=1")
    assert received[1:3] == [b"WATCHDOG=1", b"WATCHDOG=1"]
