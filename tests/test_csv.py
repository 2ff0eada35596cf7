"""CSV import and export of members and visits: round trips, every bad line, all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.cli import main
from kiosk.core.checkin import decide_check_in
from kiosk.core.csvio import members_csv, read_members_csv, read_visits_csv, visits_csv
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.store import Store
from kiosk.store.transfer import import_members, import_visits

LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 11, 23)
HEADER = "first_name,last_name,phone,email,member_code,pack_kind,pack_sessions,pack_expires\n"
GOOD = (
    HEADER
    + "Sarah,Kent,07700 900121,sarah@example.com,FT-7K3Q9M,EMS,5,2027-06-30\n"
    + "Zoë,Adams,+44 7700 900222,,,Pilates,10,\n"
    + "Sarah,Kent,07700 900121,sarah@example.com,FT-7K3Q9M,PT,3,31/12/2026\n"
    + "Jean,Dupont,+33 6 12 34 56 78,,,,,\n"
)


def test_members_file_is_read_with_packs_and_codes() -> None:
    parsed = read_members_csv(GOOD, TODAY)
    assert parsed.problems == [] and parsed.rows == 4
    sarah, zoe, jean = parsed.members
    assert sarah.code == "FT-7K3Q9M" and sarah.phone == "+447700900121"
    assert [(p.kind, p.sessions_left, p.expires) for p in sarah.packs] == [
        (PackKind.EMS, 5, date(2027, 6, 30)),
        (PackKind.PT, 3, date(2026, 12, 31)),
    ]
    assert zoe.first_name == "Zoë" and zoe.code.startswith("FT-")
    assert zoe.packs[0].expires is None and zoe.packs[0].sessions_bought == 10
    assert jean.packs == () and jean.phone == "+33612345678"
    assert len({p.id for m in parsed.members for p in m.packs}) == 3


def test_every_bad_line_is_reported_with_its_number_and_reason() -> None:
    text = (
        HEADER
        + "Ann,Lee,07700 800001,,,EMS,5,2027-01-01\n"  # 2 good
        + ",Lee,07700 800002,,,EMS,5,\n"  # 3 no first name
        + "Bob,Ray,12,,,EMS,5,\n"  # 4 bad phone
        + "Cat,Sun,07700 800003,bad@,,EMS,5,\n"  # 5 bad email
        + "Dan,Oak,07700 800004,,,Yoga,5,\n"  # 6 bad kind
        + "Eve,Ash,07700 800005,,,EMS,x,\n"  # 7 bad sessions
        + "Fay,Elm,07700 800001,,,EMS,5,\n"  # 8 phone of line 2
        + "Gus,Fir,07700 800006,,FT-AAAA,PT,3,\n"  # 9 good
        + "Hal,Yew,07700 800007,,ft-aaaa,PT,3,\n"  # 10 code of line 9, different person
        + "Ida,Ivy,07700 800008,,,EMS,5,2027-02-30\n"  # 11 no such date
        + "Jo,Jay,07700 800009,,,,5,\n"  # 12 sessions without a kind
        + "Kit,Kay,07700 800010\n"  # 13 too few values
        + "Lou,Law,07700 800011,,bad code!,,,\n"  # 14 bad code
    )
    parsed = read_members_csv(text, TODAY)
    lines = [p.line for p in parsed.problems]
    assert lines == [3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14]
    words = {p.line: p.message for p in parsed.problems}
    assert words[3].startswith("first_name:")
    assert words[4].startswith("phone:")
    assert words[5].startswith("email:")
    assert words[6].startswith("pack_kind:")
    assert words[7].startswith("pack_sessions:")
    assert "line 2" in words[8]
    assert "line 9" in words[10] and "different person" in words[10]
    assert words[11].startswith("pack_expires:")
    assert "values" in words[13]
    assert str(parsed.problems[0]) == "line 3: first_name: Please enter your first name."
    assert [m.first_name for m in parsed.members] == ["Ann", "Gus"]


def test_a_line_with_several_problems_names_them_all() -> None:
    parsed = read_members_csv(HEADER + ",Lee,12,zoe@,,Yoga,x,31/02/2027\n", TODAY)
    [problem] = parsed.problems
    assert problem.line == 2
    for column in ("first_name:", "phone:", "email:", "pack_kind:"):
        assert column in problem.message


def test_header_problems() -> None:
    assert str(read_members_csv("", TODAY).problems[0]).startswith("the file is empty")
    bad = read_members_csv("first_name,surname,phone\nA,B,07700900121\n", TODAY)
    assert [p.line for p in bad.problems] == [1, 1]
    assert "surname" in bad.problems[0].message and "last_name" in bad.problems[1].message
    assert bad.members == []


def test_blank_lines_and_a_bom_are_fine() -> None:
    parsed = read_members_csv("\ufeff" + HEADER + "\nAnn,Lee,07700 800001,,,,,\n\n", TODAY)
    assert parsed.problems == [] and len(parsed.members) == 1


def test_members_round_trip_through_export(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        report = import_members(store, GOOD, TODAY, skip_bad=False)
        assert report.imported == 3 and report.problems == []
        first = sorted(store.members(), key=lambda m: m.code)
        exported = members_csv(first)
    again = read_members_csv(exported, TODAY)
    assert again.problems == []

    def same(m: Member) -> tuple[object, ...]:
        packs = tuple((p.kind, p.sessions_bought, p.sessions_left, p.expires) for p in m.packs)
        return (m.code, m.first_name, m.last_name, m.phone, m.email, packs)

    assert sorted(map(same, again.members)) == sorted(map(same, first))


def test_export_defuses_spreadsheet_formulas() -> None:
    text = members_csv([Member("FT-1", "=HYPERLINK(1)", "@x", "+447700900121")])
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] != "first_name")
    assert row[0] == "'=HYPERLINK(1)" and row[1] == "'@x" and row[2] == "+447700900121"


def test_import_is_all_or_nothing_unless_skip_bad(data_dir: Path) -> None:
    text = HEADER + "Ann,Lee,07700 800001,,,,,\nBob,Ray,12,,,,,\n"
    with Store.open(data_dir) as store:
        refused = import_members(store, text, TODAY, skip_bad=False)
        assert refused.imported == 0 and refused.refused and store.members() == []
        kept = import_members(store, text, TODAY, skip_bad=True)
        assert kept.imported == 1 and kept.skipped_lines == [3]
        assert [m.first_name for m in store.members()] == ["Ann"]
        again = import_members(store, text, TODAY, skip_bad=True)
        assert again.imported == 0  # Ann's phone is now in the store
        assert "already belongs to a member in the store" in again.problems[0].message


def test_visits_import_checks_codes_dates_and_doubles(data_dir: Path) -> None:
    text = (
        "member_code,date,time\n"
        "FT-7K3Q9M,2026-11-20,09:30\n"  # 2
        "ft-7k3q9m,20/11/2026,\n"  # 3 noon
        "FT-7K3Q9M,2026-11-20,09:30\n"  # 4 same as 2
        "NOPE,2026-11-20,\n"  # 5
        "FT-7K3Q9M,2026-11-24,\n"  # 6 future
        "FT-7K3Q9M,2026-13-01,\n"  # 7
        "FT-7K3Q9M,2026-07-01,25:00\n"  # 8
        "FT-7K3Q9M,2026-07-01,18:00\n"  # 9 summer: +01:00
    )
    parsed = read_visits_csv(text, LONDON, TODAY, {"FT-7K3Q9M"})
    assert [p.line for p in parsed.problems] == [4, 5, 6, 7, 8]
    assert "line 2" in parsed.problems[0].message
    assert [v.at for v in parsed.visits] == [
        datetime(2026, 11, 20, 9, 30, tzinfo=LONDON),
        datetime(2026, 11, 20, 12, 0, tzinfo=LONDON),
        datetime(2026, 7, 1, 18, 0, tzinfo=LONDON),
    ]
    assert parsed.visits[2].at.utcoffset().total_seconds() == 3600  # type: ignore[union-attr]
    assert all(v.flags == {VisitFlag.IMPORTED} and v.pack_id is None for v in parsed.visits)


def test_visits_round_trip_and_refuse_a_second_import(data_dir: Path) -> None:
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121"))
        text = (
            "member_code,date,time,kind\nFT-7K3Q9M,2026-10-01,10:00,EMS\nFT-7K3Q9M,2026-11-02,,\n"
        )
        assert import_visits(store, text, LONDON, TODAY, skip_bad=False).imported == 2
        exported = visits_csv(store.all_visits())
        assert [row[:6] for row in csv.reader(io.StringIO(exported))][1:] == [
            ["FT-7K3Q9M", "2026-10-01", "10:00:00", "EMS", "imported", "UTC+01:00"],
            ["FT-7K3Q9M", "2026-11-02", "12:00:00", "EMS", "imported", "UTC+00:00"],  # EMS
        ]
        second = import_visits(store, exported, LONDON, TODAY, skip_bad=False)
        assert second.imported == 0 and len(second.problems) == 2
        assert "already in the store" in second.problems[0].message
        assert store.last_visit("FT-7K3Q9M", PackKind.EMS) is not None


def test_visits_export_of_erased_members_has_no_code() -> None:
    v = Visit("a", "", datetime(2026, 11, 1, 9, tzinfo=LONDON), PackKind.EMS, "p", frozenset())
    assert visits_csv([v]).splitlines()[1] == ",2026-11-01,09:00:00,EMS,,UTC+00:00,a,p,"


# -- the command line, as a studio owner would use it ------------------------------------------


def run(*argv: str) -> int:
    return main(list(argv))


def test_cli_members_import_export(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "members.csv"
    source.write_text(GOOD, encoding="utf-8")
    assert run("--data", str(data_dir), "members", "import", str(source)) == 0
    assert "imported 3 member(s)" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert run("--data", str(data_dir), "members", "export", str(out)) == 0
    assert len(out.read_text().splitlines()) == 5  # header + 4 packs/members
    assert run("--data", str(data_dir), "members", "export") == 0
    assert "FT-7K3Q9M" in capsys.readouterr().out


def test_cli_reports_bad_lines_and_imports_nothing(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "members.csv"
    source.write_text(HEADER + "Ann,Lee,07700 800001,,,,,\nBob,Ray,12,,,,,\n")
    assert run("--data", str(data_dir), "members", "import", str(source)) == 1
    err = capsys.readouterr().err
    assert "line 3: phone:" in err and "nothing imported" in err and "--skip-bad" in err
    assert "Traceback" not in err
    assert run("--data", str(data_dir), "members", "import", "--skip-bad", str(source)) == 0
    captured = capsys.readouterr()
    assert "skipped 1 bad row(s): line(s) 3" in captured.err
    assert "imported 1 member(s)" in captured.out
    source.write_text(HEADER + "Cat,Sun,12,,,,,\n")
    assert run("--data", str(data_dir), "members", "import", "--skip-bad", str(source)) == 1
    err = capsys.readouterr().err
    assert "line 2: phone:" in err and "every one of the 1 row(s) has a problem" in err


def test_cli_unreadable_files_get_one_plain_message(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("--data", str(data_dir), "members", "import", str(tmp_path / "nope.csv")) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "bin.csv").write_bytes(b"\x81\x8d\x8f\x90\x9d" * 10)
    assert run("--data", str(data_dir), "visits", "import", str(tmp_path / "bin.csv")) == 2
    assert "not a text file" in capsys.readouterr().err


def test_cli_visits_import_and_export_since(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(data_dir) as store:
        store.add_member(Member("FT-7K3Q9M", "Sarah", "Kent", "+447700900121"))
        store.add_member(
            Member(
                "FT-ZZ4AA2", "Zoë", "Adams", "+447700900222", packs=(Pack("p", PackKind.EMS, 5, 5),)
            )
        )
    source = tmp_path / "visits.csv"
    source.write_text("member_code,date\nFT-7K3Q9M,2020-01-05\nFT-ZZ4AA2,2021-03-04\n")
    assert run("--data", str(data_dir), "visits", "import", str(source)) == 0
    assert "imported 2 visit(s)" in capsys.readouterr().out
    assert run("--data", str(data_dir), "visits", "export", "--since", "2021-01-01") == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0] == "member_code,date,time,kind,flags,utc_offset,id,pack_id,note"
    assert [r.split(",")[0] for r in rows[1:]] == ["FT-ZZ4AA2"]


@settings(max_examples=80, deadline=None)
@given(st.text(max_size=600))
def test_any_text_as_a_csv_gives_problems_not_a_crash(text: str) -> None:
    members = read_members_csv(HEADER + text, TODAY)
    visits = read_visits_csv("member_code,date,time\n" + text, LONDON, TODAY, {"FT-7K3Q9M"})
    for problem in [*members.problems, *visits.problems]:
        assert str(problem).startswith("line ") or problem.line == 0


@settings(max_examples=40, deadline=None)
@given(st.text(min_size=1, max_size=60).filter(lambda t: any(c.isalpha() for c in t)))
def test_hostile_names_survive_export_and_import(name: str) -> None:
    member = Member("FT-7K3Q9M", name, "Kent", "+447700900121")
    parsed = read_members_csv(members_csv([member]), TODAY)
    if parsed.problems:  # control characters are refused, with the line named
        assert parsed.problems[0].line == 2
    else:
        assert parsed.members[0].first_name == " ".join(name.split())  # the guard undone


def test_visits_import_kind_is_ems_unless_given(data_dir: Path) -> None:
    text = (
        "member_code,date,time,kind\n"
        "FT-7K3Q9M,2026-11-02,09:00,PT\n"
        "FT-7K3Q9M,2026-11-03,09:00,pilates\n"
        "FT-7K3Q9M,2026-11-04,09:00,\n"  # empty: EMS
        "FT-7K3Q9M,2026-11-05,09:00,Yoga\n"
    )
    parsed = read_visits_csv(text, LONDON, TODAY, {"FT-7K3Q9M"})
    assert [v.kind for v in parsed.visits] == [PackKind.PT, PackKind.PILATES, PackKind.EMS]
    assert [p.line for p in parsed.problems] == [5] and "kind:" in parsed.problems[0].message
    without = read_visits_csv(
        "member_code,date\nFT-7K3Q9M,2026-11-02\n", LONDON, TODAY, {"FT-7K3Q9M"}
    )
    assert [v.kind for v in without.visits] == [PackKind.EMS]  # no kind column at all


@pytest.mark.parametrize("reopen", [False, True], ids=["same store", "after a restart"])
def test_imported_ems_visits_count_for_first_ems_and_the_4_day_rule(
    data_dir: Path, reopen: bool
) -> None:
    sarah = Member(
        "FT-7K3Q9M", "Sarah", "Kent", "+447700900121",
        packs=(Pack("p1", PackKind.EMS, 10, 10, date(2027, 6, 30)),),
    )  # fmt: skip
    now = datetime(2026, 11, 23, 10, 0, tzinfo=LONDON)
    with Store.open(data_dir) as store:
        store.add_member(sarah)
        text = "member_code,date\nFT-7K3Q9M,2026-10-01\nFT-7K3Q9M,2026-11-21\n"
        assert import_visits(store, text, LONDON, TODAY, skip_bad=False).imported == 2
        if not reopen:
            result = decide_check_in(
                sarah, PackKind.EMS, now, last=store.last_visit(sarah.code, PackKind.EMS)
            )
    if reopen:
        with Store.open(data_dir) as store:
            result = decide_check_in(
                sarah, PackKind.EMS, now, last=store.last_visit(sarah.code, PackKind.EMS)
            )
    assert result.visit is not None and VisitFlag.FIRST_EMS not in result.visit.flags
    assert not result.first_ems
    assert result.days_since_last_ems == 2 and result.short_gap
    assert "2 days since the last EMS session" in result.reasons
    # history of another kind only: still their first EMS session
    pt_only = replace(sarah, code="FT-PT0001", phone="+447700900122")
    with Store.open(data_dir) as store:
        store.add_member(pt_only)
        text = "member_code,date,time,kind\nFT-PT0001,2026-11-21,09:00,PT\n"
        assert import_visits(store, text, LONDON, TODAY, skip_bad=False).imported == 1
        first = decide_check_in(
            pt_only, PackKind.EMS, now, last=store.last_visit(pt_only.code, PackKind.EMS)
        )
    assert first.first_ems


def test_bad_values_in_the_newer_columns_are_named() -> None:
    full = (
        "first_name,last_name,phone,member_code,pack_kind,pack_sessions,pack_id,see_trainer,"
        "joined,terms_agreed_at\n"
    )
    text = (
        full
        + "Ann,Lee,07700 800001,FT-A1,EMS,5,P-1,maybe,,\n"  # 2
        + "Bob,Ray,07700 800002,FT-B2,EMS,5,P 1!,no,,\n"  # 3
        + "Cat,Sun,07700 800003,FT-C3,EMS,5,P-3,yes,2026-02-30,\n"  # 4
        + "Dan,Oak,07700 800004,FT-D4,EMS,5,P-4,,,2026-11-23T10:00:00\n"  # 5 no offset
        + "Eve,Ash,07700 800005,FT-E5,EMS,5,P-5,Y,23/11/2026,2026-11-23T10:00:00+00:00\n"  # 6
        + "Eve,Ash,07700 800005,FT-E5,PT,5,P-5,Y,23/11/2026,\n"  # 7 the same pack id again
        + "Fay,Elm,07700 800006,FT-F6,,,P-6,,,\n"  # 8 a pack id without a pack
    )
    parsed = read_members_csv(text, TODAY)
    words = {p.line: p.message for p in parsed.problems}
    assert sorted(words) == [2, 3, 4, 5, 7, 8]
    assert words[2].startswith("see_trainer:") and words[3].startswith("pack_id:")
    assert words[4].startswith("joined:") and words[5].startswith("terms_agreed_at:")
    assert "line 6" in words[7] and words[8].startswith("pack_kind: missing")
    [eve] = parsed.members
    assert eve.see_trainer and eve.joined == date(2026, 11, 23) and len(eve.packs) == 1
    assert parsed.defaulted.startswith("column(s) not in the file")
    assert "email (none)" in parsed.defaulted and "joined" not in parsed.defaulted


def test_bad_values_in_the_newer_visit_columns_are_named() -> None:
    text = (
        "member_code,date,time,kind,flags,utc_offset,id\n"
        "FT-7K3Q9M,2026-11-20,09:30:00.5,EMS,first_ems,UTC+00:00,20261120T093000-a\n"  # 2
        "FT-7K3Q9M,2026-11-20,10:30,EMS,wobbly,,\n"  # 3 unknown flag
        "FT-7K3Q9M,2026-11-20,11:30,EMS,,UTC+25:00,\n"  # 4 bad offset
        ",2026-11-20,12:30,EMS,,,\n"  # 5 no code and no id
        ",2026-11-20,13:30,,no_show,-05:00,20261120T093000-a\n"  # 6 id of line 2
        ",2026-11-20,14:30,,late_cancel,+01:00,20261120T143000-b\n"  # 7 erased member's
        "FT-7K3Q9M,2026-11-20,15:30,,,,bad id!\n"  # 8
    )
    parsed = read_visits_csv(text, LONDON, TODAY, {"FT-7K3Q9M"}, taken_ids={"x"})
    words = {p.line: p.message for p in parsed.problems}
    assert sorted(words) == [3, 4, 5, 6, 8]
    assert words[3].startswith("flags:") and words[4].startswith("utc_offset:")
    assert words[5] == "member_code: missing" and "line 2" in words[6]
    assert words[8].startswith("id:")
    first, erased = parsed.visits
    assert first.at.microsecond == 500000 and first.flags == {VisitFlag.FIRST_EMS}
    assert erased.member_code == "" and erased.kind is None  # a missed booking has no kind
    assert erased.at.utcoffset() == timedelta(hours=1)
    again = read_visits_csv(text, LONDON, TODAY, {"FT-7K3Q9M"}, taken_ids={first.id})
    assert "already in the store" in again.problems[0].message


def test_excel_files_import_with_their_bom_and_uk_phones(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    people = [
        Member("FT-1", "Zoë", "Adams", "+447700900121"),
        Member("FT-2", "Jean", "Dupont", "+33612345678"),
    ]
    text = members_csv(people, excel=True)
    assert text.startswith("\ufeff") and "07700 900121" in text and "+33 6 12 34 56 78" in text
    assert not members_csv(people).startswith("\ufeff")
    parsed = read_members_csv(text, TODAY)
    assert [m.phone for m in parsed.members] == ["+447700900121", "+33612345678"]
    source = tmp_path / "excel.csv"
    source.write_bytes(text.encode("utf-8"))
    assert source.read_bytes().startswith(b"\xef\xbb\xbf")
    assert run("--data", str(data_dir), "members", "import", str(source)) == 0
    assert "imported 2 member(s)" in capsys.readouterr().out
    out = tmp_path / "out.csv"
    assert run("--data", str(data_dir), "members", "export", "--excel", str(out)) == 0
    assert out.read_bytes() == source.read_bytes()
