"""Members for staff: find one (full details here, this is the staff side), add and edit them,
their packs, the "see trainer" flag, a check-in staff let through, and UK GDPR export/erase.

The rules are kiosk/core's: the check-in decision (checkin.py, the same as at the front desk),
packs (packs.py), tidying details (member_details.py), what a field may hold (registration.py).
Every member change goes through `change_members`, which rebuilds the look-up index in a thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from kiosk.core.checkin import Outcome, decide_check_in, expired, latest_note, with_pack
from kiosk.core.csvio import parse_day
from kiosk.core.lookup import fold
from kiosk.core.member_details import with_details
from kiosk.core.members import Member, Pack, PackKind, Screening
from kiosk.core.packs import SESSIONS_MAX, new_pack, pack_problem, sessions_of
from kiosk.core.phone import digits_of, normalise_phone
from kiosk.core.registration import field_problem
from kiosk.core.screening import DueAgain, due_again
from kiosk.core.trainer_flags import history, screening_lines, set_or_clear
from kiosk.ui.screens.staff import (
    StaffScreen,
    change_members,
    confirm,
    keys_line,
    plain,
    status_line,
    title_bar,
)
from kiosk.ui.screens.staff_visits import visit_line

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

MAX_FOUND = 20
MIN_SEARCH = 2
RECENT_VISITS = 5


def member_line(m: Member) -> str:
    flag = "  [see trainer]" if m.see_trainer else ""
    return f"{m.first_name} {m.last_name}  {m.code}  {m.phone}{flag}"


def pack_line(p: Pack, today: date) -> str:
    ends = f"expires {p.expires:%d/%m/%Y}" if p.expires else "no expiry"
    state = "  EXPIRED" if expired(p, today) else ("  USED UP" if p.sessions_left <= 0 else "")
    return f"{p.kind}: {p.sessions_left} of {p.sessions_bought} left, {ends}{state}"


def find_members(app: KioskApp, text: str) -> list[Member]:
    """Members by name, phone digits, code or email: the look-up's best matches first, then
    every other member whose details contain what was typed."""
    text = text.strip()[:60]
    if len(text) < MIN_SEARCH:
        return []
    store = app.store
    found: dict[str, Member] = {}
    for match in store.member_index().search(text):
        m = store.member(match.code)
        if m is not None:
            found[m.code] = m
    needle = fold(text)
    digits = digits_of(text)
    for m in sorted(store.members(), key=lambda m: (fold(m.last_name), fold(m.first_name))):
        if len(found) >= MAX_FOUND:
            break
        hay = fold(f"{m.first_name} {m.last_name} {m.code} {m.email}")
        if needle in hay or (len(digits) >= 4 and digits in digits_of(m.phone)):
            found.setdefault(m.code, m)
    return list(found.values())[:MAX_FOUND]


def due_for(app: KioskApp, member: Member, screening: Screening | None) -> DueAgain:
    """What this member is asked again at their next check-in (the same rule as the kiosk's)."""
    content = app.content
    return due_again(
        member,
        screening,
        terms_version=content.terms.version if content.terms.usable else "",
        questions=content.questions,
        today=app.clock.now().date(),
        valid_months=content.studio.staff.screening_valid_months,
    )


def members_due(app: KioskApp) -> list[Member]:
    """Members who have not yet agreed to the changed terms or answered the questions again."""
    screenings = {s.member_code: s for s in app.store.screenings()}
    found = [m for m in app.store.members() if due_for(app, m, screenings.get(m.code)).any]
    return sorted(found, key=lambda m: (fold(m.last_name), fold(m.first_name)))


def open_member(app: KioskApp, code: str) -> None:
    app.push_screen(MemberScreen(app, code))


class FindMemberScreen(StaffScreen):
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("down", "to_list", show=False),
    ]

    def __init__(self, app: KioskApp) -> None:
        super().__init__(app)
        self.found: list[Member] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Find a member")
            yield Input(id="query", placeholder="Name, phone, member code or email")
            yield OptionList(id="found", classes="staff-list")
            yield status_line()
            yield keys_line("Type 2+ characters   Down: to the list   Enter: open   Esc: back")

    def on_screen_resume(self) -> None:
        self._search(self.query_one("#query", Input).value)  # an edit may have renamed someone

    @on(Input.Changed, "#query")
    def _changed(self, event: Input.Changed) -> None:
        self._search(event.value)

    def _search(self, text: str) -> None:
        due = len(text.strip()) < MIN_SEARCH
        # nothing typed: those still to agree to changed terms or answer the questions again
        self.found = members_due(self.kiosk) if due else find_members(self.kiosk, text)
        listing = self.query_one("#found", OptionList)
        listing.clear_options()
        listing.add_options(Option(plain(member_line(m)), id=m.code) for m in self.found)
        if self.found:
            listing.highlighted = 0
        if due:
            n = len(self.found)
            self.say(
                f"{n} member{' has' if n == 1 else 's have'} not yet agreed to the new terms or "
                "answered the health questions again (asked at their next check-in)."
                if n
                else ""
            )
        elif not self.found:
            self.say("Nobody found.")
        else:
            self.say(
                f"{len(self.found)} found" + (" (the first 20)" if len(self.found) >= 20 else "")
            )

    @on(Input.Submitted, "#query")
    def _submitted(self) -> None:
        listing = self.query_one("#found", OptionList)
        n = listing.highlighted
        if n is not None and 0 <= n < len(self.found):
            open_member(self.kiosk, self.found[n].code)

    def action_to_list(self) -> None:
        if self.found:
            self.query_one("#found", OptionList).focus()

    @on(OptionList.OptionSelected, "#found")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            open_member(self.kiosk, event.option.id)


class MemberScreen(StaffScreen):
    """Everything about one member, and what staff can do with them."""

    AUTO_FOCUS = "#packs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("e", "edit", show=False),
        Binding("p", "new_pack", show=False),
        Binding("t", "trainer", show=False),
        Binding("c", "check_in", show=False),
        Binding("x", "export_record", show=False),
        Binding("d", "erase", show=False),
    ]

    def __init__(self, app: KioskApp, code: str) -> None:
        super().__init__(app)
        self.code = code

    @property
    def member(self) -> Member | None:
        return self.kiosk.store.member(self.code)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Member")
            with VerticalScroll(id="member-details"):
                yield Static("", id="details")
                yield Static("Packs (Enter to adjust):", classes="section")
                yield OptionList(id="packs", classes="staff-list")
                yield Static("", id="recent")
            with Horizontal(classes="staff-actions"):
                yield Button("E Edit", id="edit")
                yield Button("P New pack", id="new_pack")
                yield Button("T Trainer flag", id="trainer")
                yield Button("C Check in", id="check_in")
                yield Button("X Export", id="export_record")
                yield Button("D Erase", id="erase", variant="error")
            yield status_line()
            yield keys_line(
                "E edit  P pack  T trainer flag  C check in  X export  D erase  Esc: back"
            )

    def on_mount(self) -> None:
        self.show()

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        m = self.member
        if m is None:
            self.query_one("#details", Static).update("This member is no longer in the records.")
            self.query_one("#packs", OptionList).clear_options()
            self.query_one("#recent", Static).update("")
            return
        today = self.clock.now().date()
        screening = self.kiosk.store.screening(m.code)
        lines = [
            f"{m.first_name} {m.last_name}   code {m.code}",
            f"Phone {m.phone}   Email {m.email or '-'}",
            f"Joined {m.joined:%d/%m/%Y}" if m.joined else "Joined: not recorded",
            f"Terms agreed: {m.terms_version} on {m.terms_agreed_at:%d/%m/%Y}"
            if m.terms_version and m.terms_agreed_at
            else "Terms agreed: not recorded",
            "SEE TRAINER before EMS" if m.see_trainer else "Trainer flag: clear",
            *(f"  {line}" for line in history(m)),
            *(screening_lines(screening) if screening else ["Health screening: none kept"]),
        ]
        due = due_for(self.kiosk, m, screening)
        if due.any:
            lines.append("Asked again at their next check-in: " + "; ".join(due.why))
        self.query_one("#details", Static).update(Content("\n".join(lines)))
        packs = self.query_one("#packs", OptionList)
        highlighted = packs.highlighted
        packs.clear_options()
        packs.add_options(Option(plain(pack_line(p, today)), id=p.id) for p in m.packs)
        if m.packs:
            packs.highlighted = min(highlighted or 0, len(m.packs) - 1)
        else:
            packs.add_option(Option("No packs yet: P adds one.", disabled=True))
        every = self.kiosk.store.visits_of(m.code)
        visits = every[-RECENT_VISITS:]
        recent = [f"Last visits ({len(every)} in all):"] + [
            f"  {v.at:%d/%m/%Y} " + visit_line(v, m) for v in reversed(visits)
        ]
        self.query_one("#recent", Static).update(
            Content("\n".join(recent) if visits else "No visits yet.")
        )

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id:
            self.call_later(self.run_action, event.button.id)

    @on(OptionList.OptionSelected, "#packs")
    def _pack_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.app.push_screen(PackFormScreen(self.kiosk, self.code, event.option.id))

    def _gone(self) -> bool:
        if self.member is None:
            self.say("This member is no longer in the records.", problem=True)
            return True
        return False

    def action_edit(self) -> None:
        if not self._gone():
            self.app.push_screen(MemberFormScreen(self.kiosk, self.code))

    def action_new_pack(self) -> None:
        if not self._gone():
            self.app.push_screen(PackFormScreen(self.kiosk, self.code, None))

    def action_trainer(self) -> None:
        if not self._gone():
            self.app.push_screen(TrainerFlagScreen(self.kiosk, self.code))

    def action_check_in(self) -> None:
        if self._gone():
            return

        def chosen(kind: PackKind | None) -> None:
            if kind is not None:
                self._check_in(kind)

        self.app.push_screen(KindScreen(self.kiosk), chosen)

    def _check_in(self, kind: PackKind, *, override: bool = False) -> None:
        member = self.member
        if member is None:
            return
        store = self.kiosk.store
        now = self.clock.now()
        result = decide_check_in(
            member, kind, now, last=store.last_visit(member.code, kind), override=override
        )
        blocked = {
            Outcome.PACK_USED_UP: f"Their {kind} pack is used up.",
            Outcome.PACK_EXPIRED: f"Their {kind} pack has expired.",
            Outcome.NO_PACK: f"They have no {kind} pack.",
        }
        if result.outcome is Outcome.ALREADY_TODAY:
            self.say(f"Already checked in today for {kind}: nothing recorded.", problem=True)
            return
        if not result.recorded:
            why = blocked.get(result.outcome, "The check-in is blocked.")
            confirm(
                self,
                f"{why} Check them in anyway?",
                "Override and check in",
                lambda: self._check_in(kind, override=True),
                ["The visit is recorded and flagged override."],
            )
            return
        try:
            store.record_check_in(result)
        except OSError as e:
            self.say(f"Could not save the check-in: {e.strerror or e}", problem=True)
            return
        self.show()
        extra = " (override)" if result.override else ""
        trainer = " Flagged: see trainer." if result.outcome is Outcome.SEE_TRAINER else ""
        self.say(f"Checked in for {kind}{extra}.{trainer}")

    def action_export_record(self) -> None:
        if self._gone():
            return
        from kiosk.ui.screens.staff_files import export_member_record

        export_member_record(self, self.code)

    def action_erase(self) -> None:
        m = self.member
        if m is None:
            self._gone()
            return
        from kiosk.ui.screens.staff_files import erase_member

        erase_member(self, m, self.show)


class KindScreen(StaffScreen):
    """Which kind of session to check in; dismisses with the kind."""

    AUTO_FOCUS = "#kinds"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("1", "kind(0)", show=False),
        Binding("2", "kind(1)", show=False),
        Binding("3", "kind(2)", show=False),
    ]
    KINDS = tuple(PackKind)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar("Check in: which session?")
            yield OptionList(
                *(Option(f"{n + 1}  {k}", id=str(k)) for n, k in enumerate(self.KINDS)),
                id="kinds",
            )
            yield status_line()
            yield keys_line("1-3 or Enter: choose   Esc: back")

    def action_kind(self, n: int) -> None:
        self.dismiss(self.KINDS[n])

    @on(OptionList.OptionSelected, "#kinds")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(PackKind(str(event.option.id)))


class FormScreen(StaffScreen):
    """A staff form: Enter on a field moves to the next; on the last, or Save (F10), saves."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("f10", "save", "Save", show=False),
    ]

    def field(self, name: str, label: str, value: str, placeholder: str = "") -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Static(label, classes="label")
            yield Input(value, id=name, placeholder=placeholder, classes="field")
        problem = Static("", id=f"{name}-problem", classes="problem")
        problem.display = False
        yield problem

    def buttons(self) -> ComposeResult:
        with Horizontal(classes="staff-actions"):
            yield Button("F10  Save", id="save", variant="primary")
            yield Button("Esc  Cancel", id="cancel")

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_back()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        fields = list(self.query(".field").results(Input))
        if event.input in fields and event.input is not fields[-1]:
            fields[fields.index(event.input) + 1].focus()
        else:
            self.action_save()

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value

    def problem(self, name: str, text: str) -> None:
        shown = self.query_one(f"#{name}-problem", Static)
        shown.update(Content(text))
        shown.display = bool(text)

    def action_save(self) -> None:
        raise NotImplementedError

    def save(self, member: Member, then: Callable[[], object]) -> None:
        """Save the member (the index is rebuilt after), then `then()`; why not on screen."""
        if self.busy:
            return  # a save is already waiting its turn

        def failed(error: Exception) -> bool:
            if not isinstance(error, OSError):
                return False
            self.say(f"Could not save: {error.strerror or error}", problem=True)
            return True

        store = self.kiosk.store
        change_members(self, lambda: store.save_member(member), lambda _: then(), failed)


class MemberFormScreen(FormScreen):
    """Add a member (code None) or edit one; dismisses with the member's code once saved."""

    AUTO_FOCUS = "#first_name"

    def __init__(self, app: KioskApp, code: str | None) -> None:
        super().__init__(app)
        self.code = code

    def compose(self) -> ComposeResult:
        m = self.kiosk.store.member(self.code) if self.code else None
        with VerticalScroll(classes="kiosk-form staff-body"):
            yield title_bar(f"Edit {m.code}" if m else "Add a member")
            yield from self.field("first_name", "First name", m.first_name if m else "")
            yield from self.field("last_name", "Last name", m.last_name if m else "")
            yield from self.field("phone", "Mobile", m.phone if m else "", "07700 900123")
            yield from self.field("email", "Email (optional)", m.email if m else "")
            yield from self.buttons()
            yield status_line()
            yield keys_line("Enter: next field   F10: save   Esc: cancel")

    def action_save(self) -> None:
        store = self.kiosk.store
        values = {n: self.value(n) for n in ("first_name", "last_name", "phone", "email")}
        problems = {n: field_problem(n, v) for n, v in values.items()}
        phone = normalise_phone(values["phone"])
        if phone is not None:
            others = [m for m in store.members_with_phone(phone) if m.code != self.code]
            if others:
                problems["phone"] = f"{others[0].first_name} {others[0].last_name} " + (
                    f"({others[0].code}) already has this number."
                )
        for name, text in problems.items():
            self.problem(name, text)
        if any(problems.values()) or phone is None:
            self.say("Please fix what is marked above.", problem=True)
            return
        current = store.member(self.code) if self.code else None
        if self.code and current is None:
            self.say("This member is no longer in the records.", problem=True)
            return
        if current is None:
            today = self.clock.now().date()
            current = Member(store.new_member_code(), "", "", "", joined=today)
        member = with_details(
            current,
            first_name=values["first_name"],
            last_name=values["last_name"],
            phone=phone,
            email=values["email"],
        )
        self.save(member, lambda: self.dismiss(member.code))


class PackFormScreen(FormScreen):
    """Add a pack (pack_id None) or adjust one: sessions bought and left, expiry."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", show=False),
        Binding("f10", "save", "Save", show=False),
        # digits typed into a field stay in the field: these only act on the kind list
        Binding("1", "kind(0)", show=False),
        Binding("2", "kind(1)", show=False),
        Binding("3", "kind(2)", show=False),
    ]

    def __init__(self, app: KioskApp, code: str, pack_id: str | None) -> None:
        super().__init__(app)
        self.code = code
        self.pack_id = pack_id
        self.kind = PackKind.EMS

    def _pack(self) -> Pack | None:
        m = self.kiosk.store.member(self.code)
        return next((p for p in m.packs if p.id == self.pack_id), None) if m else None

    def compose(self) -> ComposeResult:
        p = self._pack()
        with VerticalScroll(classes="kiosk-form staff-body"):
            if p is None:
                yield title_bar(f"New pack for {self.code}")
                yield Static("Kind (1 EMS, 2 PT, 3 Pilates):", classes="label")
                yield OptionList(
                    *(Option(f"{n + 1}  {k}", id=str(k)) for n, k in enumerate(PackKind)),
                    id="kind",
                )
            else:
                yield title_bar(f"Adjust {p.kind} pack of {self.code}")
            yield from self.field("bought", "Sessions bought", str(p.sessions_bought) if p else "")
            if p is not None:
                yield from self.field("left", "Sessions left", str(p.sessions_left))
            expires = f"{p.expires:%d/%m/%Y}" if p and p.expires else ""
            yield from self.field("expires", "Expires", expires, "dd/mm/yyyy, or empty: never")
            yield from self.buttons()
            yield status_line()
            yield keys_line("Enter: next field   F10: save   Esc: cancel")

    def on_mount(self) -> None:
        if self.pack_id is None:
            kinds = self.query_one("#kind", OptionList)
            kinds.highlighted = 0
            kinds.focus()
        else:
            self.query_one("#bought", Input).focus()

    def action_kind(self, n: int) -> None:
        if self.pack_id is None:
            self.query_one("#kind", OptionList).highlighted = n
            self.query_one("#bought", Input).focus()

    @on(OptionList.OptionHighlighted, "#kind")
    def _kind(self, event: OptionList.OptionHighlighted) -> None:
        self.kind = PackKind(str(event.option.id))

    @on(OptionList.OptionSelected, "#kind")
    def _kind_chosen(self, event: OptionList.OptionSelected) -> None:
        self.kind = PackKind(str(event.option.id))
        self.query_one("#bought", Input).focus()

    def _count(self, name: str) -> int | None:
        sessions = sessions_of(self.value(name))
        self.problem(
            name, "" if sessions is not None else f"A whole number from 0 to {SESSIONS_MAX}."
        )
        return sessions

    def action_save(self) -> None:
        store = self.kiosk.store
        member = store.member(self.code)
        if member is None:
            self.say("This member is no longer in the records.", problem=True)
            return
        old = self._pack()
        bought = self._count("bought")
        left = self._count("left") if old is not None else bought
        expires: date | None = None
        text = self.value("expires").strip()
        try:
            expires = parse_day(text) if text else None
            self.problem("expires", "")
        except ValueError:
            self.problem("expires", "Not a date: use 31/12/2026, or leave it empty.")
            return
        if bought is None or left is None:
            self.say("Please fix what is marked above.", problem=True)
            return
        problem = pack_problem(bought, left, new=old is None)
        if problem:
            self.problem("bought" if old is None else "left", problem)
            return
        if old is None:
            pack = new_pack(self.kind, bought, expires, self.clock.now().date())
            updated = replace(member, packs=(*member.packs, pack))
        else:
            pack = replace(old, sessions_bought=bought, sessions_left=left, expires=expires)
            updated = with_pack(member, pack)
        self.save(updated, lambda: self.dismiss(pack.id))


class TrainerFlagScreen(FormScreen):
    """The "see trainer" flag: read it, set it, or clear it, always with a note."""

    AUTO_FOCUS = "#note"

    def __init__(self, app: KioskApp, code: str) -> None:
        super().__init__(app)
        self.code = code

    def compose(self) -> ComposeResult:
        m = self.kiosk.store.member(self.code)
        flagged = bool(m and m.see_trainer)
        with Vertical(classes="kiosk-form staff-body"):
            yield title_bar(f"See trainer flag · {self.code}")
            yield Static(
                Content(
                    ("Flag is SET" if flagged else "Flag is clear")
                    + (
                        f". Latest: {latest_note(m.see_trainer_note)}"
                        if m and m.see_trainer_note
                        else "."
                    )
                ),
                id="flag-state",
            )
            yield from self.field("note", "Note", "", "why: e.g. GP letter seen, OK for EMS")
            with Horizontal(classes="staff-actions"):
                if flagged:
                    yield Button("F10  Clear the flag", id="save", variant="success")
                else:
                    yield Button("F10  Set the flag", id="save", variant="warning")
                yield Button("Esc  Cancel", id="cancel")
            yield status_line()
            yield keys_line("Type a note   Enter or F10: save   Esc: cancel")

    def action_save(self) -> None:
        store = self.kiosk.store
        m = store.member(self.code)
        if m is None:
            self.say("This member is no longer in the records.", problem=True)
            return
        note = " ".join(self.value("note").split())
        if not note:
            self.problem("note", "Please write a short note for the trainer.")
            return
        if len(note) > 200:
            self.problem("note", "At most 200 characters, please.")
            return
        if any(not c.isprintable() for c in note):
            self.problem("note", "The note has a character that cannot be stored.")
            return
        # every setting and clearing is kept, one line each (kiosk/core/trainer_flags.py)
        self.save(set_or_clear(m, note, self.clock.now()), lambda: self.dismiss(True))
