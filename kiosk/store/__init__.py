"""The only code that touches TinyDB and files under the data directory."""

from kiosk.store.lock import DataDirLocked
from kiosk.store.storage import DamagedFile
from kiosk.store.store import DuplicateMember, Store

__all__ = ["DamagedFile", "DataDirLocked", "DuplicateMember", "Store"]
