"""Lossless CSV (issue 14): export, import into an empty data directory, export again gives the
same bytes, and the same members, packs and visits in the store, field by field."""

from __future__ import annotations

import csv
import dataclasses
import io
import subprocess
import sys
import tempfile
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.core.csvcells import guard, unguard
from kiosk.core.csvio import members_csv, read_members_csv, read_visits_csv, visits_csv
from kiosk.core.member_details import tidy_name
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.phone import phone_for_excel
from kiosk.core.registration import name_problem
from kiosk.store import Store
from kiosk.store.documents import member_doc, visit_doc
from kiosk.store.transfer import export_members, export_visits, import_members, import_visits

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)
ROOT = Path(__file__).resolve().parent.parent
WINTER = datetime(2024, 11, 20, 9, 30, 5, 123456, tzinfo=LONDON)
SUMMER = datetime(2024, 7, 1, 18, 0, tzinfo=LONDON)

ANN = Member(
    "FT-ANN001", "-Ann", "=HYPERLINK(\"x\")", "+447700900121", "ann@example.com",
    packs=(
        Pack("P-0a1b2c3d4e5f", PackKind.EMS, 10, 7, date(2027, 1, 31), date(2024, 10, 1)),
        Pack("P-ffffeeee0000", PackKind.PILATES, 5, 0, None, None),
    ),
    see_trainer=True,
    see_trainer_note="set 01/11/2024: pacemaker\ncleared 02/11/2024: GP letter seen\r\n  @x",
    joined=date(2024, 10, 1),
    terms_version="2024-09 \"v2\"",
    terms_agreed_at=datetime(2024, 10, 1, 9, 30, 12, 345, tzinfo=UTC),
)  # fmt: skip
ZOE = Member(
    "FT-ZOE002", "Zoë 🙂", "[b]x[/b] [red]", "+33612345678",
    packs=(Pack("P-123456789abc", PackKind.PT, 3, 3),),
    terms_version="2026-01",
    terms_agreed_at=datetime(2024, 7, 1, 18, 0, tzinfo=LONDON),
)  # fmt: skip
MARYAM = Member("FT-MAR003", "مريم", "'=already quoted", "+447700900123", joined=None)
EXAMPLE_MEMBERS = (ANN, ZOE, MARYAM)
EXAMPLE_VISITS = (
    Visit(
        "20241120T093005-ab12cd34", ANN.code, WINTER, PackKind.EMS, "P-0a1b2c3d4e5f",
        frozenset({VisitFlag.FIRST_EMS, VisitFlag.SEE_TRAINER, VisitFlag.LATE}),
    ),
    Visit(
        "20240701T180000-ns0123456789", ANN.code, SUMMER, None, "P-0a1b2c3d4e5f",
        frozenset({VisitFlag.NO_SHOW}), "no-show: EMS session booked for 18:00",
    ),
    Visit("20240702T100000-00ff00ff", "", SUMMER + timedelta(hours=16), PackKind.PT),
    Visit(
        "20240703T100000-11ee11ee", ZOE.code, SUMMER + timedelta(days=2), PackKind.PT,
        flags=frozenset({VisitFlag.IMPORTED}), note="=1+1, \"quoted\"\n\ttab",
    ),
)  # fmt: skip


def run(*argv: str) -> int:
    return main(list(argv))


def doc(member: Member) -> dict[str, object]:
    """Every field as the store keeps it, times as text: equal means equal to the microsecond
    and the UTC offset (a datetime's == compares only the instant)."""
    return member_doc(member, {})


def stored_members(store: Store) -> list[dict[str, object]]:
    return sorted((doc(m) for m in store.members()), key=lambda d: str(d["code"]))


def stored_visits(store: Store) -> list[dict[str, object]]:
    return [visit_doc(v) for v in store.all_visits()]


def test_every_field_of_a_member_pack_and_visit_is_a_column() -> None:
    """A field added to the model without a column fails here (and in the round trips)."""
    member_columns = set(read_members_csv(members_csv([]), TODAY).missing_columns)
    assert member_columns == set()  # an export has every column
    written = next(csv.reader(io.StringIO(members_csv([ANN]))))
    covered = {
        "code": "member_code", "first_name": "first_name", "last_name": "last_name",
        "phone": "phone", "email": "email", "packs": "pack_kind",
        "see_trainer": "see_trainer", "see_trainer_note": "see_trainer_note",
        "joined": "joined", "terms_version": "terms_version",
        "terms_agreed_at": "terms_agreed_at",
    }  # fmt: skip
    assert {f.name for f in dataclasses.fields(Member)} == set(covered)
    pack_columns = {
        "id": "pack_id", "kind": "pack_kind", "sessions_bought": "pack_sessions_bought",
        "sessions_left": "pack_sessions", "expires": "pack_expires", "bought": "pack_bought",
    }  # fmt: skip
    assert {f.name for f in dataclasses.fields(Pack)} == set(pack_columns)
    assert set(covered.values()) | set(pack_columns.values()) <= set(written)
    visit_columns = next(csv.reader(io.StringIO(visits_csv([]))))
    covered_visit = {
        "id": "id", "member_code": "member_code", "at": "utc_offset", "kind": "kind",
        "pack_id": "pack_id", "flags": "flags", "note": "note",
    }  # fmt: skip
    assert {f.name for f in dataclasses.fields(Visit)} == set(covered_visit)
    assert set(covered_visit.values()) <= set(visit_columns)


def test_the_guard_is_undone_exactly() -> None:
    for text in ("-Ann", "=1", "+44", "@x", "\tx", "\rx", "'=x", "''-x", "'Ann", "'", "", "x"):
        assert unguard(guard(text)) == text
    assert guard("-Ann") == "'-Ann" and guard("'=x") == "''=x" and guard("'Ann") == "'Ann"
    assert unguard("'-Ann") == "-Ann"  # as an older export wrote it


def fill(directory: Path) -> None:
    with Store.open(directory) as store:
        store.add_members(EXAMPLE_MEMBERS)
        store.add_visits(EXAMPLE_VISITS)


@pytest.mark.parametrize("excel", [False, True], ids=["plain", "excel"])
def test_cli_round_trip_is_byte_identical_and_keeps_every_field(
    tmp_path: Path, excel: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    fill(first)
    flag = ["--excel"] if excel else []
    for what in ("members", "visits"):  # members first: visits name their codes
        one, two = tmp_path / f"{what}-1.csv", tmp_path / f"{what}-2.csv"
        assert run("--data", str(first), what, "export", *flag, str(one)) == 0
        assert run("--data", str(second), what, "import", str(one)) == 0
        out = capsys.readouterr().out
        assert "imported" in out and "defaults" not in out  # nothing missing, nothing said
        assert run("--data", str(second), what, "export", *flag, str(two)) == 0
        assert one.read_bytes() == two.read_bytes()
        assert one.read_bytes().startswith(b"\xef\xbb\xbf") == excel
    with Store.open(first) as a, Store.open(second) as b:
        assert stored_members(a) == stored_members(b)
        assert stored_visits(a) == stored_visits(b)
        assert len(stored_visits(b)) == len(EXAMPLE_VISITS)
    members = (tmp_path / "members-1.csv").read_text(encoding="utf-8-sig")
    assert "-Ann" in members and "'-Ann" in members  # guarded in the file, not in the store
    if excel:
        assert "07700 900121" in members and "+33 6 12 34 56 78" in members
        assert "+447700900121" not in members
    else:
        assert "+447700900121" in members and "+33612345678" in members


def test_an_excel_export_imports_to_the_same_plain_export(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    fill(first)
    with Store.open(first) as a, Store.open(second) as b:
        assert import_members(b, export_members(a, excel=True), TODAY, skip_bad=False).imported
        excel_visits = export_visits(a, None, excel=True)
        assert import_visits(b, excel_visits, LONDON, TODAY, skip_bad=False).imported == 4
        assert export_members(a) == export_members(b)
        assert export_visits(a, None) == export_visits(b, None)


def test_phones_for_excel() -> None:
    assert phone_for_excel("+447700900123") == "07700 900123"  # drama range: still UK
    assert phone_for_excel("+442079460000") == "020 7946 0000"
    assert phone_for_excel("+33612345678") == "+33 6 12 34 56 78"
    assert phone_for_excel("+14155550123").startswith("+1 ")


def test_an_older_export_imports_with_defaults_reported(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_members = (
        "first_name,last_name,phone,email,member_code,pack_kind,pack_sessions,pack_expires,"
        "pack_sessions_bought\n"
        "'-Ann,Lee,+447700900121,,FT-ANN001,EMS,7,2027-01-31,10\n"
    )
    old_visits = "member_code,date,time,kind,flags\nFT-ANN001,2024-11-20,09:30:05,EMS,first_ems\n"
    (tmp_path / "m.csv").write_text(old_members)
    (tmp_path / "v.csv").write_text(old_visits)
    assert run("--data", str(data_dir), "members", "import", str(tmp_path / "m.csv")) == 0
    out = capsys.readouterr().out
    assert "imported 1 member(s)" in out
    assert (
        "column(s) not in the file, so set to their defaults: pack_id (new ids), pack_bought "
        "(not known), see_trainer (no), see_trainer_note (empty), joined (today), "
        "terms_version (none), terms_agreed_at (not agreed)" in out
    )
    assert run("--data", str(data_dir), "visits", "import", str(tmp_path / "v.csv")) == 0
    out = capsys.readouterr().out
    assert "utc_offset (this kiosk's time zone), id (new ids), pack_id (none), note" in out
    with Store.open(data_dir) as store:
        [ann] = store.members()
        assert ann.first_name == "-Ann" and not ann.see_trainer and ann.joined is not None
        assert ann.packs[0].sessions_bought == 10 and ann.packs[0].id.startswith("P-")
        [visit] = store.all_visits()
        assert visit.flags == {VisitFlag.FIRST_EMS} and visit.kind is PackKind.EMS


def test_the_made_up_studio_file_round_trips(tmp_path: Path) -> None:
    """tests/data/make_members.py's file (the old columns): after one import, export, import
    and export again give the same bytes."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "data" / "make_members.py"), "300"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    exports: list[str] = []
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        with Store.open(tmp_path / name) as store:
            report = import_members(store, exports[-1] if exports else made, TODAY, skip_bad=False)
            assert report.imported == 300 and not report.problems
            assert bool(report.defaulted) == (not exports)
            exports.append(export_members(store))
    assert exports[0] == exports[1]


# -- any text the kiosk can hold ------------------------------------------------------------

SPECIAL = [
    "-Ann", "=HYPERLINK(\"http://x\")", "+44", "@SUM(A1)", "'=x", "''-y", "'Ann",
    "[b]x[/b]", "[red]Zoë[/]", "مريم", "שָׁלוֹם", "Zoë 🙂", "👩‍👩‍👧", "O'Neil", "\"Q\", R",
]  # fmt: skip
CHARS = st.characters(exclude_categories=("Cc", "Cf", "Cs", "Co"))
NAMES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(CHARS, min_size=1, max_size=30).map(tidy_name),
).filter(lambda n: not name_problem(n, "first"))
NOTES = st.one_of(st.sampled_from(["", *SPECIAL, "a\r\nb\rc\n", " x ", "\t=1"]), st.text())
DAYS = st.dates(date(2000, 1, 1), date(2030, 12, 31))
ZONES = st.sampled_from([UTC, LONDON, timezone(timedelta(hours=-5, minutes=-30))])
MOMENTS = st.datetimes(datetime(2000, 1, 1), datetime(2026, 11, 22, 23, 59), timezones=ZONES)
HEX = st.text("0123456789abcdef", min_size=12, max_size=12)
PACK = st.builds(
    lambda pid, kind, bought, left, expires, sold: Pack(
        f"P-{pid}", kind, bought, min(left, bought), expires, sold
    ),
    HEX, st.sampled_from(PackKind), st.integers(0, 999), st.integers(0, 999),
    st.none() | DAYS, st.none() | DAYS,
)  # fmt: skip
CODES = st.text("0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=6, max_size=6)
EMAILS = st.sampled_from(["", "ann@example.com", "zoe.o'neil+1@studio.co.uk", "x@y.z"])


@st.composite
def members(draw: st.DrawFn) -> list[Member]:
    count = draw(st.integers(1, 4))
    codes = draw(st.lists(CODES, min_size=count, max_size=count, unique=True))
    phones = draw(st.lists(st.integers(0, 999), min_size=count, max_size=count, unique=True))
    out = []
    for code, digits in zip(codes, phones, strict=True):
        packs = draw(st.lists(PACK, max_size=3, unique_by=lambda p: p.id))
        out.append(
            Member(
                code=f"FT-{code}",
                first_name=draw(NAMES),
                last_name=draw(NAMES),
                phone=f"+447700900{digits:03d}" if digits % 4 else f"+3361234{digits:04d}",
                email=draw(EMAILS),
                packs=tuple(packs),
                see_trainer=draw(st.booleans()),
                see_trainer_note=draw(NOTES),
                joined=draw(st.none() | DAYS),
                terms_version=draw(NOTES),
                terms_agreed_at=draw(st.none() | MOMENTS),
            )
        )
    return out


@st.composite
def visits(draw: st.DrawFn, codes: list[str]) -> list[Visit]:
    out: list[Visit] = []
    for n in range(draw(st.integers(0, 5))):
        at = draw(MOMENTS)
        flags = frozenset(draw(st.sets(st.sampled_from(VisitFlag), max_size=3)))
        missed = bool(flags & {VisitFlag.NO_SHOW, VisitFlag.LATE_CANCEL})
        kind = None if missed else draw(st.sampled_from(PackKind))  # as the kiosk records them
        code = draw(st.sampled_from(["", *codes]))
        pack_id = draw(st.none() | HEX.map(lambda h: f"P-{h}"))
        visit_id = f"{at:%Y%m%dT%H%M%S}-{n:08x}"
        if code and any(v.member_code == code and v.at == at for v in out):
            continue  # one member at one moment is one visit: the import refuses a second
        out.append(Visit(visit_id, code, at, kind, pack_id, flags, draw(NOTES)))
    return out


def same(a: list[Member], b: list[Member]) -> None:
    assert [doc(m) for m in a] == [doc(m) for m in b]


@settings(max_examples=60, deadline=None, derandomize=True)
@given(members())
def test_any_members_round_trip_through_the_csv(people: list[Member]) -> None:
    for excel in (False, True):
        text = members_csv(people, excel=excel)
        parsed = read_members_csv(text, TODAY)
        assert parsed.problems == [] and parsed.defaulted == ""
        same(parsed.members, people)
        assert members_csv(parsed.members, excel=excel) == text


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.data())
def test_any_visits_round_trip_through_the_csv(data: st.DataObject) -> None:
    people = ["FT-AAA111", "FT-BBB222"]
    made = data.draw(visits(people))
    text = visits_csv(made)
    parsed = read_visits_csv(text, LONDON, TODAY, set(people))
    assert parsed.problems == [] and parsed.defaulted == ""
    assert [visit_doc(v) for v in parsed.visits] == [visit_doc(v) for v in made]
    assert visits_csv(parsed.visits) == text


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.data())
def test_any_members_and_visits_round_trip_through_the_store(data: st.DataObject) -> None:
    people = data.draw(members())
    made = data.draw(visits([m.code for m in people]))
    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        with Store.open(Path(a)) as first:
            first.add_members(people)
            first.add_visits(made)
            member_text, visit_text = export_members(first), export_visits(first, None)
            expected_members, expected_visits = stored_members(first), stored_visits(first)
        with Store.open(Path(b)) as second:
            assert not import_members(second, member_text, TODAY, skip_bad=False).problems
            assert not import_visits(second, visit_text, LONDON, TODAY, skip_bad=False).problems
            assert export_members(second) == member_text
            assert export_visits(second, None) == visit_text
        with Store.open(Path(b)) as reopened:  # as read back from disk, not from memory
            assert stored_members(reopened) == expected_members
            assert stored_visits(reopened) == expected_visits
