"""The one-member export in words: every record the kiosk holds about them, readable."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.core.bookings import Booking, BookingStatus, Missed, MissedReason, Source
from kiosk.core.checkin import Attempt, Outcome
from kiosk.core.clock import FakeClock
from kiosk.core.content import Content
from kiosk.core.members import Member, Pack, PackKind, Screening, Visit, VisitFlag
from kiosk.core.screening import VERSION_1, take_screening
from kiosk.core.trainer_flags import FLAG_WORDS
from kiosk.store import Store
from kiosk.store.attempts import attempts_for
from kiosk.store.export_one import export_of, text_path, write_export
from kiosk.store.privacy import erase_member

from .conftest import CONTENT_DIR, LONDON

AT = datetime(2026, 11, 2, 9, 30, tzinfo=LONDON)
ZOE = Member(
    "FT-ZOE001",
    "Zoë",
    "[b]O'Neil[/b]",
    "+447700900444",
    "zoe@example.com",
    (
        Pack("p-ems", PackKind.EMS, 10, 6, date(2027, 5, 1), date(2026, 10, 1)),
        Pack("p-pt", PackKind.PT, 5, 0, None, date(2026, 9, 1)),
    ),
    see_trainer=True,
    see_trainer_note="set 02/11/2026: health screening answer\ncleared 03/11/2026: GP letter seen",
    joined=date(2026, 10, 1),
    terms_version="2026-11-1",
    terms_agreed_at=datetime(2026, 10, 1, 9, 0, tzinfo=LONDON),
)


def zoe_studio(store: Store, content: Content) -> None:
    store.add_member(ZOE)
    store.add_member(Member("FT-OTHER1", "Otto", "Other", "+447700900555"))
    store.add_visits(
        [
            Visit(f"v{i}", ZOE.code, AT + timedelta(days=i), PackKind.EMS, "p-ems", frozenset({f}))
            for i, f in enumerate(VisitFlag)
        ]
        + [Visit("x1", "FT-OTHER1", AT, PackKind.PT, note="Otto's note")]
    )
    answers = {q.id: q.id == "implant" for q in content.questions.screening}
    store.save_screening(
        take_screening(ZOE.code, answers, "bad knee", AT, content.questions, {"implant": "a stent"})
    )
    attempts_for(store).add(
        Attempt("a1", ZOE.code, AT, PackKind.EMS, Outcome.SEE_TRAINER, ("said yes: feverish",))
    )
    start = datetime(2026, 11, 20, 10, tzinfo=LONDON)
    own = Booking(
        "k1", start, start + timedelta(minutes=30), PackKind.EMS, "EMS Zoë", "Tom",
        member_code=ZOE.code, source=Source.KIOSK,
    )  # fmt: skip
    cancelled = Booking(
        "k2", start + timedelta(days=1), start + timedelta(days=1, minutes=30), PackKind.PT,
        member_code=ZOE.code, status=BookingStatus.CANCELLED, source=Source.KIOSK,
        cancelled_at=start,
    )  # fmt: skip
    store.bookings.add(own)
    store.bookings.add(cancelled)
    store.bookings.record_missed(
        [Missed("k0", ZOE.code, start - timedelta(days=7), PackKind.EMS, MissedReason.NO_SHOW)],
        date(2026, 11, 19),
    )


def test_the_summary_holds_every_record_in_words(
    store: Store, content: Content, clock: FakeClock
) -> None:
    zoe_studio(store, content)
    export = export_of(store, "ft-zoe001", content, clock.now())
    text = export.text
    flat = " ".join(text.split())  # lines are wrapped at 78 columns
    assert max(len(line) for line in text.splitlines()) <= 78
    for shown in (
        "Name: Zoë [b]O'Neil[/b]",  # as typed, never read as markup
        "Mobile: +447700900444",
        "E-mail: zoe@example.com",
        "Joined: 01/10/2026",
        "set 02/11/2026: health screening answer",
        "cleared 03/11/2026: GP letter seen",
        f"version 2026-11-1 of our terms and privacy notice on 01/10/2026 09:00. The current "
        f"version is {content.terms.version}",
        "EMS pack of 10 session(s): 6 left, bought 01/10/2026, expires 01/05/2027",
        "PT pack of 5 session(s): 0 left, bought 01/09/2026, no expiry date",
        f"Your visits ({len(VisitFlag)})",
        "20/11/2026 10:00-10:30 EMS with Tom: booked",
        "21/11/2026 10:00-10:30 PT: cancelled 20/11/2026 10:00",
        "13/11/2026 10:00 EMS: did not come",
        "EMS: not checked in - said yes: feverish",
        "you agreed to us keeping these answers on 02/11/2026 09:30",
        'you added: "a stent"',
        'Anything else you told us: "bad knee"',
        "Deleted after 24 months without a visit",
        "When 24 months have passed since your last visit",
    ):
        assert shown in flat, shown
    for words in FLAG_WORDS.values():
        assert f"noted: {words}" in flat, words
    for q in content.questions.screening:
        said = "Yes" if q.id == "implant" else "No"
        assert f"{said}: {q.text}" in flat, q.id
    assert "Otto" not in text and "FT-OTHER1" not in text  # nobody else
    record = json.loads(export.json_text)
    assert [b["key"] for b in record["bookings"]] == ["k1", "k2"]
    assert [m["key"] for m in record["missed"]] == ["k0"]
    assert len(record["visits"]) == len(VisitFlag)


def test_an_older_screening_is_told_in_the_words_of_the_questions(
    store: Store, content: Content, clock: FakeClock
) -> None:
    store.add_member(ZOE)
    answers = {"implant": True, "hernia": False, "gone_question": False}  # kept before v2
    store.save_screening(Screening(ZOE.code, date(2025, 1, 1), AT, answers))
    flat = " ".join(export_of(store, ZOE.code, content, clock.now()).text.split())
    hernia = next(q.text for q in content.questions.screening if q.id == "hernia")
    assert f"Yes: {VERSION_1['implant']}" in flat  # the words they saw then
    assert f"No: {hernia}" in flat  # words the kiosk never kept: the questions file's
    assert 'No: the question "gone_question" (its words are no longer held)' in flat


def test_erasure_takes_them_out_of_the_kiosks_bookings(
    store: Store, content: Content, clock: FakeClock
) -> None:
    zoe_studio(store, content)
    assert erase_member(store, ZOE.code)
    assert [b.member_code for b in store.bookings.all()] == []
    assert store.bookings.missed() == []
    text = "".join(p.read_text() for p in (store.directory / "bookings").glob("*.json"))
    assert "FT-ZOE001" not in text and "Zoë" not in text


def test_the_files_go_side_by_side(
    store: Store, content: Content, clock: FakeClock, tmp_path: Path
) -> None:
    zoe_studio(store, content)
    export = export_of(store, ZOE.code, content, clock.now())
    assert write_export(export, tmp_path / "zoe.json") == (
        tmp_path / "zoe.json",
        tmp_path / "zoe.txt",
    )
    assert (tmp_path / "zoe.txt").read_text() == export.text
    assert text_path(tmp_path / "zoe") == tmp_path / "zoe.txt"
    assert text_path(tmp_path / "zoe.JSON") == tmp_path / "zoe.txt"


def test_kiosk_members_export_one_writes_both(
    data_dir: Path, content: Content, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(data_dir) as store:
        zoe_studio(store, content)
    argv = ["--data", str(data_dir), "--content", str(CONTENT_DIR), "members", "export-one"]
    assert main([*argv, "FT-ZOE001", str(tmp_path / "zoe.json")]) == 0
    assert f"in words to {tmp_path / 'zoe.txt'}" in capsys.readouterr().out
    assert json.loads((tmp_path / "zoe.json").read_text())["member"]["first_name"] == "Zoë"
    assert "Your health screening" in (tmp_path / "zoe.txt").read_text()
    assert main([*argv, "FT-ZOE001", "--text"]) == 0
    assert capsys.readouterr().out.startswith("Everything Fast Track EMS & Fitness holds about")
