"""Tell systemd the kiosk is up (READY=1) and still alive (WATCHDOG=1), through NOTIFY_SOCKET.

The sd_notify protocol is one datagram per message on an AF_UNIX socket; an address starting
with "@" is in the abstract namespace. Without NOTIFY_SOCKET (not run by systemd) nothing is sent.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("kiosk.watchdog")


class Notifier:
    def __init__(self, address: str | None, watchdog_usec: int | None = None) -> None:
        self.address = address or None
        self.watchdog_usec = watchdog_usec if watchdog_usec and watchdog_usec > 0 else None
        self._failed = False

    @classmethod
    def from_environment(
        cls, environ: Mapping[str, str] | None = None, pid: int | None = None
    ) -> Notifier:
        env = os.environ if environ is None else environ
        usec: int | None
        try:
            usec = int(env.get("WATCHDOG_USEC", ""))
        except ValueError:
            usec = None
        # systemd names the process it watches; a child that inherited the variable stays quiet
        watched = env.get("WATCHDOG_PID", "")
        if watched and watched != str(os.getpid() if pid is None else pid):
            usec = None
        return cls(env.get("NOTIFY_SOCKET"), usec)

    @property
    def ping_seconds(self) -> float | None:
        """How often to send WATCHDOG=1: half the watchdog timeout, as systemd advises."""
        if self.address is None or self.watchdog_usec is None:
            return None
        return self.watchdog_usec / 2_000_000

    def send(self, state: str) -> bool:
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(target)
                sock.sendall(state.encode())
        except OSError as e:
            if not self._failed:  # once: a missing socket would otherwise fill the log
                log.warning("cannot notify systemd at %s: %s", self.address, e)
            self._failed = True
            return False
        return True

    def ready(self) -> bool:
        return self.send("READY=1\nSTATUS=Front desk showing")

    def ping(self) -> bool:
        return self.send("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")
