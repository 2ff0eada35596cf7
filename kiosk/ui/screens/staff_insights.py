"""Insights: who to call this week and why, and the studio's figures as charts.

The figures come from kiosk/core/insights.py over the last 26 weeks; reading months of visits
and drawing the charts runs in a thread worker while the screen says "Working..." and how many
months it has read (Esc still goes back). The lists (the week's calls, lapsed members, packs,
first EMS clients not back) are chosen with 1-4 and exported as CSV to phone from with E.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.types import CSSPathType
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.insight_charts import KEY, active_chart, hours_chart, visits_chart
from kiosk.core.insights import Call, Insights, calls_csv, figure_lines, insights, reading_from
from kiosk.ui.screens.staff import StaffScreen, keys_line, plain, status_line, title_bar

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

INSIGHTS_CSS: CSSPathType = ["staff.tcss", "../widgets/console.tcss", "staff_insights.tcss"]
WORKING = "Working..."
EXPORTING = "Exporting..."
LISTS: tuple[tuple[str, str], ...] = (
    ("call-this-week", "Call this week"),
    ("lapsed", "Lapsed"),
    ("packs", "Packs"),
    ("first-ems-not-back", "First EMS not back"),
)
CHART_ROWS = 12
ROWS_SHOWN = 50  # the most urgent; a longer list is for the CSV (and each row costs a redraw)


@dataclass(frozen=True)
class Figures:
    insights: Insights
    lists: dict[str, Sequence[Call]]  # made once: the week's calls are merged from the others
    charts: tuple[str, ...]
    damaged: tuple[str, ...]


class InsightsScreen(StaffScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = INSIGHTS_CSS
    AUTO_FOCUS = "#calls"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        *(Binding(str(n), f"show_list({n - 1})", show=False) for n in range(1, len(LISTS) + 1)),
        Binding("e", "export", show=False),
        Binding("m", "member", show=False),
    ]

    class Read(Message):
        """A month of visits read (from the worker's thread)."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.figures: Figures | None = None
        self.shown = 0  # which of LISTS
        self.calls: Sequence[Call] = ()

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Insights: who to call, and how the studio is doing")
            yield Static(Content(WORKING), id="summary")
            yield Static("", id="lists")
            yield OptionList(id="calls", classes="staff-list")
            yield Static("", id="say")
            with VerticalScroll(id="charts"):
                # one widget for all of it: each one more is laid out again at every change
                yield Static("", id="figures")
            with Horizontal(classes="staff-actions"):
                yield Button("E  Export lists (CSV)", id="export")
                yield Button("M  Member", id="member")
                yield Button("Esc  Back", id="back")
            yield status_line()
            yield keys_line(
                "1-4: list   Up/Down: client   Tab: charts (PgUp/PgDn)   E: export   "
                "M: member   Esc: back"
            )

    def on_mount(self) -> None:
        store = self.kiosk.store
        today = self.clock.now().date()
        width = max(40, self.size.width - 6)

        def job() -> Figures:

            # thousands of new records and no cycles among them: as Store.open does, the
            # cyclic collector waits, instead of walking Textual's heap again and again
            collecting = gc.isenabled()
            gc.disable()
            try:
                return figures()
            finally:
                if collecting:
                    gc.enable()

        def figures() -> Figures:
            from kiosk.store.insights import records_from_store

            read = records_from_store(
                store, reading_from(today), today, lambda n, t: self.post_message(self.Read(n, t))
            )
            found = insights(read.members, read.visits, today, last_seen=read.last_seen)
            lists = found.lists()
            # the words of the rows shown (a phone number each) made here; the rest when read
            lists["call-this-week"][:ROWS_SHOWN]
            charts = (
                visits_chart(found, width, CHART_ROWS),
                active_chart(found, width, CHART_ROWS - 2),
                hours_chart(found, width, CHART_ROWS - 2),
            )
            return Figures(found, lists, charts, tuple(read.damaged))

        async def load() -> None:
            # a thread, so the keyboard is answered meanwhile; not run_slow, whose disabling
            # and enabling every widget again costs as much as drawing the figures
            try:
                figures = await asyncio.to_thread(job)
            except OSError as error:
                self.query_one("#summary", Static).update(
                    Content(f"Could not read the visits: {error.strerror or error}.")
                )
                self.say("Nothing to show: try again, or restore from a backup.", problem=True)
                return
            self._show(figures)

        self.say(WORKING)
        # started once "Working..." is drawn: a thread computing beside the first layout makes
        # both wait on each other for Python's lock (the GIL), more so on a busy machine
        self.call_after_refresh(lambda: self.run_worker(load(), name=WORKING, group="insights"))

    @property
    def working(self) -> bool:
        return self.figures is None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if self.working and action in ("show_list", "export", "member"):
            return False
        return super().check_action(action, parameters)

    def on_key(self, event: events.Key) -> None:
        if self.working and event.is_printable:
            self.say(f"{WORKING} One moment, please.")  # the key is seen, and ignored
            return
        super().on_key(event)

    def on_insights_screen_read(self, message: Read) -> None:
        if self.figures is None:
            text = f"{WORKING} read {message.done} of {message.total} months of visits."
            self.query_one("#summary", Static).update(Content(text), layout=False)

    def _show(self, figures: Figures) -> None:
        with self.app.batch_update():  # one update of the screen for all of it
            self._show_figures(figures)

    def _show_figures(self, figures: Figures) -> None:
        self.figures = figures
        visits, *others = figures.charts
        words = "\n".join(figure_lines(figures.insights))
        text = "\n\n".join([visits, KEY, *others, words])
        self.query_one("#figures", Static).update(Content(text))
        self.show_list(self.shown)
        if figures.damaged:
            self.say(
                "Left out, damaged: " + "; ".join(figures.damaged) + ". Restore from a backup.",
                problem=True,
            )
        else:
            self.say("Up to date.")

    def show_list(self, n: int) -> None:
        figures = self.figures
        if figures is None:
            return
        self.shown = n
        lists = figures.lists
        self.calls = lists[LISTS[n][0]]
        # the list shown is in brackets, not only in another colour
        self.query_one("#lists", Static).update(
            Content(
                "  ".join(
                    f"[{k + 1} {title}: {len(lists[key])}]"
                    if k == n
                    else f" {k + 1} {title}: {len(lists[key])} "
                    for k, (key, title) in enumerate(LISTS)
                )
            ),
            layout=False,
        )
        week = lists["call-this-week"]
        self.query_one("#summary", Static).update(
            Content(
                f"{len(week)} client{'' if len(week) == 1 else 's'} to call this week. "
                f"{figures.insights.visits} visit{'' if figures.insights.visits == 1 else 's'}"
                " in the last 26 weeks."
            ),
            layout=False,
        )
        rows = [
            Option(plain(f"{c.name}  {c.phone}  {c.why}"), id=f"{k}")
            for k, c in enumerate(self.calls[:ROWS_SHOWN])
        ]
        if not self.calls:
            rows.append(Option("Nobody on this list.", disabled=True))
        if len(self.calls) > ROWS_SHOWN:
            more = len(self.calls) - ROWS_SHOWN
            rows.append(Option(f"... and {more} more: E exports them all.", disabled=True))
        listing = self.query_one("#calls", OptionList)
        listing.set_options(rows)  # all at once: each change is measured and drawn again
        if self.calls:
            listing.highlighted = 0
        self._show_say()

    def action_show_list(self, n: int) -> None:
        self.show_list(n)

    def _chosen(self) -> Call | None:
        n = self.query_one("#calls", OptionList).highlighted
        return self.calls[n] if n is not None and 0 <= n < len(self.calls) else None

    @on(OptionList.OptionHighlighted, "#calls")
    def _show_say(self) -> None:
        call = self._chosen()
        text = f"Why: {call.why}.\nSay: {call.say}" if call else ""
        self.query_one("#say", Static).update(Content(text), layout=False)

    @on(OptionList.OptionSelected, "#calls")
    @on(Button.Pressed, "#member")
    def action_member(self) -> None:
        call = self._chosen()
        if call is None or self.kiosk.store.member(call.code) is None:
            self.say("No member chosen.", problem=True)
            return
        from kiosk.ui.screens.staff_members import MemberScreen

        self.app.push_screen(MemberScreen(self.kiosk, call.code))

    @on(Button.Pressed, "#back")
    def _back_pressed(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        figures = self.figures
        if figures is None:
            return
        from kiosk.ui.screens.staff_files import choose_folder

        lists = figures.lists
        stamp = f"{self.clock.now():%Y-%m-%d}"

        def write(folder: Path) -> None:
            from kiosk.store.files import write_text_atomic

            def job() -> list[str]:
                names = []
                for key, calls in lists.items():
                    target = folder / f"{key}-{stamp}.csv"
                    write_text_atomic(target, calls_csv(calls))
                    names.append(target.name)
                return names

            def done(names: list[str]) -> None:
                self.say(f"Wrote {', '.join(names)} to {folder}.")

            def failed(error: Exception) -> bool:
                if not isinstance(error, OSError):
                    return False
                self.say(f"Could not write to {folder}: {error.strerror or error}", problem=True)
                return True

            self.run_slow(EXPORTING, job, done, failed)

        choose_folder(self, "Export the lists to phone from (CSV)", write)
