"""The only code that touches TinyDB and files under the data directory.

The names below load on first use: `kiosk run` paints the front desk before it opens the store,
so importing a small part of this package (the log, the lock) must not pull in TinyDB and the
whole store.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kiosk.store.lock import DataDirLocked
    from kiosk.store.storage import DamagedFile
    from kiosk.store.store import DuplicateMember, Store

__all__ = ["DamagedFile", "DataDirLocked", "DuplicateMember", "Store"]

_WHERE = {
    "DataDirLocked": "kiosk.store.lock",
    "DamagedFile": "kiosk.store.storage",
    "DuplicateMember": "kiosk.store.store",
    "Store": "kiosk.store.store",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
