"""Yes/no questions, one at a time, with big buttons and the Y and N keys.

Used for the EMS readiness check before each EMS visit and for the health screening at
registration. It dismisses with the answers (question id -> yes), or None when the client
leaves (Esc), so nothing half-answered is ever used. A question with a follow-up prompt (the
screening's, never the check-in's) asks it after a yes; what is typed is in `details`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.types import CSSPathType
from textual.widgets import Button, Input, Static

from kiosk.core.clock import Clock
from kiosk.core.typeahead import Place
from kiosk.ui.screens.idle import IdleScreen
from kiosk.ui.widgets.band import SHORT_SCREEN
from kiosk.ui.widgets.banner import block_lines

PLAIN_ANSWERS = {"yes": "YES  (Y)", "no": "NO  (N)"}
ANSWER_KEYS = {"yes": "Y", "no": "N"}
FORM_WIDTH = 72  # the form at its widest, centred: a readable measure for the question
BUTTON_MARGIN = 2  # columns between the two answers


def answer_label(answer: str, width: int, height: int) -> str:
    """The answer in block letters with its key under them, or plain when they do not fit."""
    if height < SHORT_SCREEN:
        return PLAIN_ANSWERS[answer]
    blocks = block_lines(answer.upper(), width - 2, height // 4)
    if blocks is None:
        return PLAIN_ANSWERS[answer]
    return "\n".join((*blocks, "", f"({ANSWER_KEYS[answer]})"))


class QuestionsScreen(IdleScreen):
    CSS_PATH: ClassVar[CSSPathType | None] = ["questions.tcss", "../widgets/console.tcss"]
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n", "answer(False)", "No", show=False),
        Binding("backspace,left", "previous", "Back", show=False),
        Binding("escape", "leave", "Leave", show=False),
    ]

    def __init__(
        self,
        title: str,
        questions: Sequence[tuple[str, str]],
        clock: Clock,
        idle_seconds: float,
        intro: str = "",
        key_place: Place = Place.ELSEWHERE,
        follow_ups: Mapping[str, str] | None = None,
        detail_max: int = 200,
    ) -> None:
        super().__init__(clock, idle_seconds)
        self.key_place = key_place  # Place.STEP in a check-in: a scanned code still checks in
        if not questions:
            raise ValueError("no questions to ask")
        self.title_text = title
        self.intro = intro
        self.questions = tuple(questions)
        self.answers: dict[str, bool] = {}
        self.follow_ups = dict(follow_ups or {})
        self.details: dict[str, str] = {}  # question id -> what they typed after a yes
        self.detail_max = detail_max
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form", id="questions"):
            yield Static(self.title_text, markup=False, id="title")
            if self.intro:
                yield Static(self.intro, markup=False, id="intro")
            yield Static("", markup=False, id="progress")
            yield Static("", markup=False, id="question")
            with Horizontal(id="answers"):
                yield Button("YES  (Y)", id="yes", variant="warning")
                yield Button("NO  (N)", id="no", variant="primary")
            with Vertical(id="follow-up"):
                yield Static("", markup=False, id="detail-prompt")
                yield Input(id="detail", max_length=self.detail_max)
                yield Static("Enter: next question (you can leave it empty).", markup=False)
            yield Static("Backspace: previous question.  Esc: leave.", id="hint", markup=False)

    def on_mount(self) -> None:
        self._show()

    def on_resize(self, event: events.Resize) -> None:
        # the answers in block letters where they fit: read from 2 metres, tapped with a hand
        width, height = event.size
        button = (min(width, FORM_WIDTH) - 4 - BUTTON_MARGIN) // 2  # the form's padding
        for answer in ("yes", "no"):
            label = answer_label(answer, button, height)
            widget = self.query_one(f"#{answer}", Button)
            widget.label = label
            widget.styles.height = max(5, label.count("\n") + 3)

    @property
    def asking_more(self) -> bool:
        return bool(self.query_one("#follow-up").display)

    def _show(self) -> None:
        self.query_one("#follow-up").display = False
        self.query_one("#answers").display = True
        _, text = self.questions[self.index]
        self.query_one("#progress", Static).update(
            f"Question {self.index + 1} of {len(self.questions)}"
        )
        self.query_one("#question", Static).update(text)

    def action_answer(self, yes: bool) -> None:
        if self.asking_more:
            return
        qid, _ = self.questions[self.index]
        self.answers[qid] = yes
        self.details.pop(qid, None)
        if yes and self.follow_ups.get(qid):
            self._ask_more(qid)
            return
        self._next()

    def _ask_more(self, qid: str) -> None:
        self.query_one("#answers").display = False
        self.query_one("#follow-up").display = True
        self.query_one("#detail-prompt", Static).update(self.follow_ups[qid])
        box = self.query_one("#detail", Input)
        box.value = ""
        box.focus()

    @on(Input.Submitted, "#detail")
    def _detail_given(self, event: Input.Submitted) -> None:
        qid, _ = self.questions[self.index]
        text = " ".join(event.value.split())
        if text:
            self.details[qid] = text
        self.set_focus(None)
        self._next()

    def _next(self) -> None:
        if self.index + 1 < len(self.questions):
            self.index += 1
            self._show()
        else:
            self.dismiss(dict(self.answers))

    def action_previous(self) -> None:
        if self.asking_more:  # back to the question itself
            self.set_focus(None)
            self._show()
            return
        if self.index > 0:
            self.index -= 1
            self._show()

    def action_leave(self) -> None:
        self.kiosk.back_to_front_desk()

    @on(Button.Pressed, "#yes")
    def _yes(self) -> None:
        self.action_answer(True)

    @on(Button.Pressed, "#no")
    def _no(self) -> None:
        self.action_answer(False)
