"""Which session today: asked only when a member has packs of more than one kind left."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.types import CSSPathType
from textual.widgets import Button, Static

from kiosk.core.clock import Clock
from kiosk.core.members import PackKind
from kiosk.core.typeahead import Place
from kiosk.ui.screens.idle import IdleScreen

KIND_WORDS = {PackKind.EMS: "EMS", PackKind.PT: "Personal training", PackKind.PILATES: "Pilates"}


class SessionKindScreen(IdleScreen):
    """Dismisses with the chosen kind."""

    key_place = Place.STEP

    CSS_PATH: ClassVar[CSSPathType | None] = ["session.tcss", "../widgets/console.tcss"]
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(0)", show=False),
        Binding("2", "choose(1)", show=False),
        Binding("3", "choose(2)", show=False),
        Binding("escape", "leave", show=False),
    ]

    def __init__(
        self,
        first_name: str,
        kinds: Sequence[tuple[PackKind, int]],
        clock: Clock,
        idle_seconds: float,
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.first_name = first_name
        self.kinds = tuple(kinds)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form", id="session"):
            yield Static(f"Hello {self.first_name}", markup=False, id="hello")
            yield Static("Which session is it today?", markup=False, id="ask")
            with Horizontal(id="kinds"):
                for n, (kind, left) in enumerate(self.kinds):
                    yield Button(
                        f"{n + 1}  {KIND_WORDS[kind]}  ({left} left)",
                        id=f"kind-{n}",
                        variant="primary",
                    )
            yield Static("Press 1, 2 or 3, or tap a session.  Esc: back.", id="hint")

    def action_choose(self, n: int) -> None:
        if 0 <= n < len(self.kinds):
            self.dismiss(self.kinds[n][0])

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id and event.button.id.startswith("kind-"):
            self.action_choose(int(event.button.id.removeprefix("kind-")))
