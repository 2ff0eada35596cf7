"""The only code that touches TinyDB and files under the data directory."""

from kiosk.store.lock import DataDirLocked
from kiosk.store.store import Store

__all__ = ["DataDirLocked", "Store"]
