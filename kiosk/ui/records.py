"""What the check-in screens need from the store: the Store interface agreed in the team brief.

The screens reach the store only through `records(app)`, so the list of what they rely on is
here in one place (and a test store only has to provide these).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, cast

from kiosk.core.members import Member, Screening, Visit

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp


class MemberRecords(Protocol):
    def members(self) -> list[Member]: ...
    def member(self, code: str) -> Member | None: ...
    def new_member_code(self) -> str: ...
    def add_member(self, member: Member) -> None: ...
    def save_member(self, member: Member) -> None: ...
    def add_visit(self, visit: Visit) -> None: ...
    def visits_of(self, code: str) -> list[Visit]: ...
    def save_screening(self, screening: Screening) -> None: ...
    def delete_screening(self, code: str) -> None: ...


def records(app: KioskApp) -> MemberRecords:
    # The store is typed as kiosk.store.Store, which grows these methods in issue 4's store work.
    return cast(MemberRecords, app.store)
