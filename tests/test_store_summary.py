"""The visits summary: opening reads only the newest month, and the summary is never trusted
blindly (a month file changed, restored or removed behind the kiosk's back is noticed; a damaged
summary is rebuilt), so a store opened with it always equals one rebuilt from every month file."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kiosk.store.store as store_module
import kiosk.store.summary as summary_module
from kiosk.core.checkin import decide_check_in
from kiosk.core.members import Member, Pack, PackKind, Visit
from kiosk.core.screening import Readiness
from kiosk.store import Store
from kiosk.store.documents import _member_checked, _visit_checked, member_of, visit_of
from kiosk.store.storage import DamagedFile
from kiosk.store.summary import SUMMARY_FILE, VERSION

from .conftest import LONDON

CODES = ["FT-AAAAA2", "FT-BBBBB3", "FT-CCCCC4"]
MONTHS = ["2026-06", "2026-07", "2026-08", "2026-09", "2026-10", "2026-11"]
KINDS = [PackKind.EMS, PackKind.PT, None]


def member(code: str) -> Member:
    pack = Pack(f"{code}-ems", PackKind.EMS, 40, 40, date(2027, 12, 31))
    return Member(code, "Test", code[-2:], "+4477009001" + code[-2:], packs=(pack,))


def at(month: str, day: int, hour: int = 10) -> datetime:
    year, mon = (int(x) for x in month.split("-"))
    return datetime(year, mon, day, hour, 0, tzinfo=LONDON)


def state(store: Store) -> tuple[Any, ...]:
    return (
        store.visit_count(),
        {(c, k): store.last_visit(c, k) for c in CODES for k in (None, *PackKind)},
        {c: [v.id for v in store.visits_of(c)] for c in CODES},
        [v.id for v in store.all_visits()],
        sorted((m.code, m.packs) for m in store.members()),
    )


def rebuilt_state(data_dir: Path, tmp: Path) -> tuple[Any, ...]:
    """The same data directory opened with no summary at all: every month file read."""
    copy = tmp / "rebuilt"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(data_dir, copy)
    (copy / SUMMARY_FILE).unlink(missing_ok=True)
    with Store.open(copy) as store:
        return state(store)


def month_file(data_dir: Path, month: str) -> Path:
    return data_dir / "visits" / f"{month}.json"


def history(data_dir: Path) -> None:
    """Three members, visits of every kind in six months."""
    with Store.open(data_dir) as store:
        store.add_members([member(c) for c in CODES])
        n = 0
        for m, month in enumerate(MONTHS):
            for c, code in enumerate(CODES):
                for day in (3, 10 + c, 20 + m):
                    n += 1
                    kind = KINDS[(n + c) % 3]
                    store.add_visit(Visit(f"v{n:03d}", code, at(month, day, 9 + c), kind))


@pytest.fixture
def trust_stat(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep fingerprints of files written a moment ago (tests write and open at once)."""
    monkeypatch.setattr(summary_module, "RACY_NS", 0)


def test_opening_reads_only_the_newest_month(
    data_dir: Path, trust_stat: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    history(data_dir)
    Store.open(data_dir).close()  # builds the summary
    read: list[str] = []
    hashed: list[int] = []
    scan = summary_module.scan_month

    def spy_scan(path: Path, month: str) -> Any:
        read.append(month)
        return scan(path, month)

    monkeypatch.setattr(summary_module, "scan_month", spy_scan)
    monkeypatch.setattr(store_module, "scan_month", spy_scan)
    sha = summary_module.sha256

    def counted_sha(raw: bytes) -> str:
        hashed.append(1)
        return sha(raw)

    monkeypatch.setattr(summary_module, "sha256", counted_sha)
    with Store.open(data_dir) as store:
        assert read == [MONTHS[-1]] and len(hashed) == 1  # the newest month's own scan
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)


def test_a_month_changed_behind_the_kiosks_back_keeping_size_and_time(
    data_dir: Path, trust_stat: None
) -> None:
    """Even an edit of the same length with the old modification time put back is noticed."""
    history(data_dir)
    Store.open(data_dir).close()
    path = month_file(data_dir, "2026-08")
    before = path.stat()
    raw = path.read_bytes()
    edited = raw.replace(b'"FT-CCCCC4"', b'"FT-AAAAA2"', 1)  # one visit now someone else's
    assert len(edited) == len(raw) and edited != raw
    path.write_bytes(edited)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    with Store.open(data_dir) as store:
        assert store.visit_count() == 3 * 3 * len(MONTHS)  # nothing counted twice, nothing lost
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)


def test_a_month_restored_from_an_older_copy_or_removed(data_dir: Path, trust_stat: None) -> None:
    history(data_dir)
    path = month_file(data_dir, "2026-10")
    older = path.read_bytes()
    with Store.open(data_dir) as store:  # a Pilates session in October: their only one
        store.add_visit(Visit("late", CODES[0], at("2026-10", 30, 20), PackKind.PILATES))
    with Store.open(data_dir) as store:  # the summary now has it
        assert store.last_visit(CODES[0], PackKind.PILATES).id == "late"  # type: ignore[union-attr]
    path.write_bytes(older)  # October put back as it was (e.g. by hand from a backup)
    with Store.open(data_dir) as store:
        assert store.last_visit(CODES[0], PackKind.PILATES) is None
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)
    path.unlink()  # and then left out altogether
    with Store.open(data_dir) as store:
        assert store.visit_count() == 3 * 3 * (len(MONTHS) - 1)
        assert all(v.at.month != 10 for v in store.all_visits())
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)


@pytest.mark.parametrize(
    "damage",
    ["empty", "cut short", "one byte changed", "not JSON", "older version", "no members part"],
)
def test_a_damaged_summary_is_rebuilt_not_trusted(data_dir: Path, damage: str) -> None:
    history(data_dir)
    Store.open(data_dir).close()
    summary = data_dir / SUMMARY_FILE
    raw = summary.read_bytes()
    where = raw.rindex(b"T09:00")  # a member's latest visit, an hour earlier: still JSON
    summary.write_bytes(
        {
            "empty": b"",
            "cut short": raw[: len(raw) // 2],
            "one byte changed": raw[:where] + b"T08:00" + raw[where + 6 :],
            "not JSON": b"\x00\xff",
            "older version": raw.replace(b'"version":%d' % VERSION, b'"version":2', 1),
            "no members part": raw[: raw.index(b'\n"members"')],
        }[damage]
    )
    with Store.open(data_dir) as store:
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)
    assert json.loads(summary.read_bytes())["summary"]["version"] == VERSION  # written again


def test_a_fingerprint_of_a_file_just_written_is_not_kept(data_dir: Path) -> None:
    """A change within the same clock tick could leave size and times as they were: the hash
    decides for a file changed less than RACY_NS before the summary was written."""
    history(data_dir)
    Store.open(data_dir).close()
    header = json.loads(data_dir.joinpath(SUMMARY_FILE).read_bytes())["summary"]
    assert all(len(entry) == 2 for entry in header["months"].values())  # sha256 and count only


def test_a_members_file_from_a_backup_takes_the_sessions_it_lacks(data_dir: Path) -> None:
    """Check-ins in months the summary covers still take their sessions from an older members
    file, once each, without reading those months again."""
    with Store.open(data_dir) as store:
        store.add_members([member(c) for c in CODES])
    older = (data_dir / "members.json").read_bytes()  # 40 sessions each
    for month in MONTHS:
        with Store.open(data_dir) as store:
            m = store.member(CODES[1])
            assert m is not None
            result = decide_check_in(
                m, PackKind.EMS, at(month, 5), last=None, readiness=Readiness()
            )
            store.record_check_in(result)
    with Store.open(data_dir) as store:
        assert store.member(CODES[1]).packs[0].sessions_left == 34  # type: ignore[union-attr]
    (data_dir / "members.json").write_bytes(older)
    for _ in range(2):  # taken once, and not again at the next open
        with Store.open(data_dir) as store:
            assert store.member(CODES[1]).packs[0].sessions_left == 34  # type: ignore[union-attr]


def test_a_bad_visit_in_a_month_read_for_the_summary_names_that_month(data_dir: Path) -> None:
    """Only the visits kept as someone's latest are parsed in full when a month is summarised
    (the rest when a screen reads that month), as before the summary."""
    history(data_dir)
    with Store.open(data_dir) as store:  # their only Pilates session: kept as a latest visit
        store.add_visit(Visit("pilates", CODES[2], at("2026-07", 15), PackKind.PILATES))
    path = month_file(data_dir, "2026-07")
    data = json.loads(path.read_bytes())
    (bad,) = [d for d in data["_default"].values() if d["id"] == "pilates"]
    bad["flags"] = ["no such flag"]
    path.write_text(json.dumps(data))
    with pytest.raises(DamagedFile) as e:
        Store.open(data_dir)
    assert e.value.path == path


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("add"),
            st.integers(0, 2),
            st.integers(0, len(MONTHS) - 1),
            st.integers(1, 28),
            st.integers(0, 2),
        ),
        st.tuples(st.just("check in"), st.integers(0, 2), st.integers(0, len(MONTHS) - 1)),
        st.tuples(st.just("remove"), st.integers(0, 200)),
        st.tuples(st.just("erase visits"), st.integers(0, 2)),
        st.tuples(st.just("edit behind"), st.integers(0, len(MONTHS) - 1)),
        st.tuples(st.just("drop behind"), st.integers(0, len(MONTHS) - 1)),
        st.tuples(st.just("old members")),
        st.tuples(st.just("reopen")),
    ),
    max_size=14,
)


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(OPS)
def test_with_the_summary_a_store_equals_one_rebuilt_from_every_month(
    tmp_path_factory: pytest.TempPathFactory, trust_stat: None, ops: list[tuple[Any, ...]]
) -> None:
    data_dir = tmp_path_factory.mktemp("summary") / "data"
    history(data_dir)
    first_members = (data_dir / "members.json").read_bytes()
    store = Store.open(data_dir)
    try:
        for n, op in enumerate(ops):
            name = op[0]
            if name == "add":
                _, c, m, day, k = op
                store.add_visit(Visit(f"x{n}", CODES[c], at(MONTHS[m], day, 8), KINDS[k]))
            elif name == "check in":
                _, c, m = op
                mem = store.member(CODES[c])
                assert mem is not None
                when = at(MONTHS[m], 27, 21)
                last = store.last_visit(CODES[c], PackKind.EMS)
                store.record_check_in(
                    decide_check_in(mem, PackKind.EMS, when, last=last, readiness=Readiness())
                )
            elif name == "remove":
                ids = [v.id for v in store.all_visits()]
                if ids:
                    store.remove_visit(ids[op[1] % len(ids)], give_back=op[1] % 2 == 0)
            elif name == "erase visits":
                store.anonymise_visits(CODES[op[1]])
            else:
                store.close()
                path = month_file(data_dir, MONTHS[op[1]]) if len(op) > 1 else None
                if name == "edit behind" and path is not None and path.exists():
                    data = json.loads(path.read_bytes())
                    docs = data["_default"]
                    if docs:
                        del docs[sorted(docs)[0]]
                    path.write_text(json.dumps(data))
                elif name == "drop behind" and path is not None:
                    path.unlink(missing_ok=True)
                elif name == "old members":
                    (data_dir / "members.json").write_bytes(first_members)
                expected = rebuilt_state(data_dir, data_dir.parent)
                store = Store.open(data_dir)
                assert state(store) == expected
    finally:
        store.close()
    expected = rebuilt_state(data_dir, data_dir.parent)
    with Store.open(data_dir) as again:
        assert state(again) == expected


TEXT = st.one_of(st.text(max_size=5), st.none(), st.integers(), st.booleans())
DAY = st.one_of(st.none(), st.just("2027-06-30"), st.just("2027-13-01"), st.integers())
TIME = st.one_of(
    st.none(), st.just("2026-11-23T10:00:00+00:00"), st.just("2026-11-23T10:00:00"), TEXT
)


ANY = st.one_of(TEXT, DAY, TIME, st.lists(st.integers(), max_size=1), st.floats())
MEMBER_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "code": TEXT,
    "first_name": TEXT,
    "last_name": TEXT,
    "phone": TEXT,
    "email": TEXT,
    "see_trainer": TEXT,
    "see_trainer_note": TEXT,
    "joined": DAY,
    "terms_version": TEXT,
    "terms_agreed_at": TIME,
    "packs": st.sampled_from(["packs", [1], None, [[]]]),
}
PACK_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "id": TEXT,
    "kind": st.sampled_from(["EMS", "PT", "Pilates", "ems", None, 3]),
    "sessions_bought": TEXT,
    "sessions_left": TEXT,
    "charged": TEXT,
    "expires": DAY,
    "bought": DAY,
}
VISIT_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "id": TEXT,
    "member_code": TEXT,
    "at": TIME,
    "kind": st.sampled_from(["EMS", "PT", "Pilates", "ems", None, 3]),
    "pack_id": TEXT,
    "flags": st.sampled_from([["first_ems"], ["nope"], "first_ems", [[]], None]),
    "note": TEXT,
}


def alter(draw: st.DrawFn, doc: dict[str, Any], fields: dict[str, Any]) -> None:
    """Nothing, or one thing not as the kiosk writes it: a field changed, added or left out."""
    how = draw(st.sampled_from(["as written", "as written", "change", "leave out", "add"]))
    if how == "change":
        key = draw(st.sampled_from(sorted(fields)))
        doc[key] = draw(fields[key])
    elif how == "leave out" and doc:
        del doc[draw(st.sampled_from(sorted(doc)))]
    elif how == "add":
        doc[draw(st.sampled_from(["extra", "charge", "charged"]))] = draw(ANY)


@st.composite
def member_docs(draw: st.DrawFn) -> Any:
    doc = member_of_doc()
    doc["first_name"] = draw(st.text(max_size=8))
    doc["joined"] = draw(st.sampled_from([None, "2026-01-31"]))
    doc["terms_agreed_at"] = draw(st.sampled_from([None, "2026-01-31T09:30:00+00:00"]))
    doc["see_trainer"] = draw(st.booleans())
    packs = []
    for n in range(draw(st.integers(0, 2))):
        pack: dict[str, object] = {
            "id": f"p{n}",
            "kind": draw(st.sampled_from(["EMS", "PT", "Pilates"])),
        }
        pack |= {"sessions_bought": 10, "sessions_left": draw(st.integers(-2, 10))}
        pack |= {"expires": draw(st.sampled_from([None, "2027-06-30"])), "bought": None}
        if draw(st.booleans()):
            pack["charged"] = draw(st.integers(0, 9))
        alter(draw, pack, PACK_FIELDS)
        packs.append(pack)
    doc["packs"] = packs
    alter(draw, doc, MEMBER_FIELDS)
    return doc


def member_of_doc() -> dict[str, Any]:
    return {
        "code": "FT-SARAH2",
        "first_name": "Sarah",
        "last_name": "Kent",
        "phone": "+447700900121",
        "email": "",
        "packs": [],
        "see_trainer": False,
        "see_trainer_note": "",
        "joined": None,
        "terms_version": "",
        "terms_agreed_at": None,
    }


@st.composite
def visit_docs(draw: st.DrawFn) -> Any:
    doc: dict[str, Any] = {
        "id": draw(st.text(max_size=8)),
        "member_code": "FT-SARAH2",
        "at": draw(st.sampled_from(["2026-11-23T10:00:00+00:00", "2026-03-29T01:30:00+01:00"])),
        "kind": draw(st.sampled_from(["EMS", "PT", "Pilates", None])),
        "pack_id": draw(st.sampled_from([None, "p1"])),
        "flags": draw(st.lists(st.sampled_from(["first_ems", "short_gap", "override"]))),
        "note": draw(st.text(max_size=8)),
    }
    if draw(st.booleans()):
        doc["charge"] = draw(st.integers(1, 9))
    alter(draw, doc, VISIT_FIELDS)
    return doc


def outcome(parse: Any, doc: Any) -> Any:
    try:
        found = parse(doc)
    except Exception as e:  # the same kind of error and message, whichever way it was parsed
        return type(e), str(e)
    value = found[0] if isinstance(found, tuple) else found
    return found, hash(value), repr(value)  # built field by field: the same object in every way


@settings(max_examples=300, deadline=None)
@given(member_docs())
def test_the_quick_member_reading_agrees_with_the_careful_one(doc: Any) -> None:
    assert outcome(member_of, doc) == outcome(_member_checked, doc)


@settings(max_examples=300, deadline=None)
@given(visit_docs())
def test_the_quick_visit_reading_agrees_with_the_careful_one(doc: Any) -> None:
    assert outcome(visit_of, doc) == outcome(_visit_checked, doc)


def test_the_summary_file_is_plain_json(data_dir: Path) -> None:
    history(data_dir)
    with Store.open(data_dir) as store:
        store.add_visit(Visit("odd", 'FT-"Q\\\t', at("2026-09", 9), None))  # a code to escape
    Store.open(data_dir).close()
    whole = json.loads((data_dir / SUMMARY_FILE).read_bytes())
    assert set(whole) == {"summary", "charges", "members"}
    assert 'FT-"Q\\\t' in whole["members"]
    with Store.open(data_dir) as store:
        assert store.last_visit('FT-"Q\\\t').id == "odd"  # type: ignore[union-attr]
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)


def test_an_erased_member_leaves_the_summary_at_once(data_dir: Path, trust_stat: None) -> None:
    history(data_dir)
    Store.open(data_dir).close()
    summary = data_dir / SUMMARY_FILE
    assert CODES[1].encode() in summary.read_bytes()
    with Store.open(data_dir) as store:
        assert store.anonymise_visits(CODES[1]) == 3 * len(MONTHS)
        assert CODES[1].encode() not in summary.read_bytes()  # not even until the next open
    with Store.open(data_dir) as store:
        assert store.visit_count() == 3 * 3 * len(MONTHS)
        assert store.visits_of(CODES[1]) == [] and store.last_visit(CODES[1]) is None
        assert state(store) == rebuilt_state(data_dir, data_dir.parent)
    assert CODES[1].encode() not in summary.read_bytes()


def test_packs_of_deleted_members_do_not_make_every_open_read_the_charges(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(data_dir) as store:
        store.add_members([member(c) for c in CODES])
    for month in MONTHS:
        with Store.open(data_dir) as store:
            m = store.member(CODES[0])
            assert m is not None
            store.record_check_in(
                decide_check_in(m, PackKind.EMS, at(month, 5), last=None, readiness=Readiness())
            )
    with Store.open(data_dir) as store:
        assert store.delete_member(CODES[0])
    Store.open(data_dir).close()
    decoded: list[int] = []
    charges = summary_module.Summary._charges_all

    def counted(summary: summary_module.Summary) -> object:
        decoded.append(1)
        return charges(summary)

    monkeypatch.setattr(summary_module.Summary, "_charges_all", counted)
    Store.open(data_dir).close()
    assert not decoded
