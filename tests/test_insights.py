"""The owner's figures (kiosk/core/insights.py) on a frozen day, and the charts' characters."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest

from kiosk.core.insight_charts import (
    CONSOLE_SAFE,
    KEY,
    active_chart,
    hours_chart,
    visits_chart,
)
from kiosk.core.insights import (
    CSV_COLUMNS,
    Insights,
    calls_csv,
    default_since,
    insights,
    reading_from,
)
from kiosk.core.members import Member, Pack, PackKind, Visit, VisitFlag
from kiosk.core.phone import phone_for_excel
from tests.conftest import LONDON

TODAY = date(2026, 11, 23)  # a Monday, as the fake clock's
FAR = date(2027, 6, 30)


def at(days_ago: int, hour: int = 10) -> datetime:
    day = TODAY - timedelta(days=days_ago)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=LONDON)


def member(code: str, *packs: Pack, joined: date | None = None) -> Member:
    return Member(code, code.title(), "Client", "+447700900123", packs=packs, joined=joined)


def ems(left: int, expires: date | None = FAR, pid: str = "") -> Pack:
    return Pack(pid or f"P-{left}-{expires}", PackKind.EMS, 10, left, expires)


_n = 0


def visit(
    code: str,
    days_ago: int,
    kind: PackKind | None = PackKind.EMS,
    *,
    hour: int = 10,
    flags: frozenset[VisitFlag] = frozenset(),
    pack_id: str | None = None,
) -> Visit:
    global _n
    _n += 1
    return Visit(f"v{_n}", code, at(days_ago, hour), kind, pack_id, flags)


def run(members: list[Member], visits: list[Visit], **kw: object) -> Insights:
    return insights(members, visits, TODAY, **kw)  # type: ignore[arg-type]


def test_26_weeks_by_kind_ending_with_this_week() -> None:
    found = run(
        [],
        [
            visit("a", 0),
            visit("b", 1, PackKind.PT),  # last Sunday: last week
            visit("c", 7, PackKind.PILATES),
            visit("d", 7, None),
            visit("e", 7 * 25),  # the first of the 26 weeks
            visit("f", 7 * 26),  # before it: not counted
        ],
    )
    assert len(found.weeks) == 26
    assert found.weeks[0].start == default_since(TODAY) == date(2026, 6, 1)
    assert found.weeks[-1].start == TODAY
    assert dict(found.weeks[-1].by_kind) == {"EMS": 1, "PT": 0, "Pilates": 0, "Other": 0}
    assert dict(found.weeks[-2].by_kind) == {"EMS": 0, "PT": 1, "Pilates": 1, "Other": 1}
    assert found.weeks[0].total == 1
    assert found.visits == 5


def test_no_shows_are_not_visits() -> None:
    no_show = visit("a", 2, None, flags=frozenset({VisitFlag.NO_SHOW}))
    late = visit("a", 3, None, flags=frozenset({VisitFlag.LATE_CANCEL}))
    found = run([member("a", ems(5))], [visit("a", 40), no_show, late])
    assert found.visits == 1
    assert [c.code for c in found.lapsed] == ["a"]  # the no-show is no sign of life


def test_since_moves_the_first_week() -> None:
    found = run([], [visit("a", 20), visit("a", 10)], since=TODAY - timedelta(days=14))
    assert found.since == date(2026, 11, 9)
    assert [w.start for w in found.weeks] == [date(2026, 11, 9), date(2026, 11, 16), TODAY]
    assert found.visits == 1


def test_reading_from_covers_the_first_weeks_30_days_and_90_day_lapses() -> None:
    assert reading_from(TODAY) == default_since(TODAY) - timedelta(days=29)
    assert reading_from(TODAY, TODAY) == TODAY - timedelta(days=90)


def test_active_members_each_week_count_visits_in_the_30_days_before() -> None:
    found = run(
        [],
        [
            visit("a", 0),
            visit("a", 1),  # twice: one member
            visit("b", 29),  # 30 days up to today, counting today
            visit("c", 30),  # 31 days ago: not active now, active at last week's end
            visit("", 0),  # anonymised: nobody to count
        ],
    )
    ends = [end for end, _ in found.active]
    assert ends[-1] == TODAY and ends[-2] == date(2026, 11, 22)
    assert found.active[-1][1] == 2
    assert found.active[-2][1] == 3  # a (yesterday), b and c
    assert found.active[0][1] == 0


def test_active_members_of_the_first_week_look_back_before_it() -> None:
    first = default_since(TODAY)
    before = (TODAY - (first - timedelta(days=10))).days
    found = run([], [visit("a", before)])
    assert found.visits == 0  # before the weeks counted
    assert found.active[0][1] == 1


def test_lapsed_members_with_sessions_left_by_30_60_90_days() -> None:
    members = [
        member("recent", ems(5)),
        member("thirty", ems(5)),
        member("sixty", ems(5)),
        member("ninety", ems(5)),
        member("used-up", ems(0)),  # nothing left to come for
        member("expired", ems(5, TODAY - timedelta(days=1))),
        member("never", ems(3), joined=TODAY - timedelta(days=45)),
        member("new", ems(3), joined=TODAY - timedelta(days=3)),
        member("older", ems(2)),  # their last visit is before the visits read
    ]
    visits = [
        visit("recent", 29),
        visit("thirty", 30),
        visit("sixty", 75),
        visit("ninety", 100),
        visit("used-up", 50),
        visit("expired", 50),
    ]
    found = run(members, visits, last_seen={"older": at(400)})
    by_code = {c.code: c for c in found.lapsed}
    assert list(by_code) == ["thirty", "never", "sixty", "ninety", "older"]
    assert by_code["thirty"].why.startswith("no visit for 30 days (30+), 5 EMS sessions left")
    assert "(60+)" in by_code["sixty"].why and "(90+)" in by_code["ninety"].why
    assert "since joining on Fri 9 Oct" in by_code["never"].say
    assert by_code["older"].why.startswith("no visit for 400 days (90+)")
    assert by_code["thirty"].say == (
        "We have not seen you since Sat 24 Oct. You have 5 EMS sessions left "
        "(until Wed 30 Jun): shall we book your next one?"
    )
    assert by_code["thirty"].phone == "07700 900123"


def test_lapsed_without_any_visit_or_joining_date() -> None:
    ghost = member("ghost", ems(4, None))
    found = run([ghost], [], last_seen={})  # every visit given: they never came
    assert [c.why for c in found.lapsed] == ["no visit on record (90+), 4 EMS sessions left"]
    found = run([ghost], [])  # visits before those given unknown (the kiosk's Insights)
    assert [c.why for c in found.lapsed] == [
        "no visit for over 204 days (90+), 4 EMS sessions left"
    ]
    assert found.lapsed[0].say.startswith("We have not seen you for a while.")


def test_packs_running_low_ending_soon_or_used_up() -> None:
    soon = TODAY + timedelta(days=14)
    members = [
        member("low", ems(2)),
        member("plenty", ems(3)),
        member("ending", ems(6, soon)),
        member("later", ems(6, soon + timedelta(days=1))),
        member("used", ems(0, pid="P-used")),
        member("old-zero", ems(0, pid="P-old")),  # used up long ago: not in the period
        member("renewed", ems(1, pid="P-a"), ems(10, pid="P-b")),  # already has the next one
        member("expired", ems(1, TODAY - timedelta(days=1))),
    ]
    visits = [visit("used", 3, pack_id="P-used"), visit("old-zero", 400, pack_id="P-old")]
    found = run(members, visits)
    assert [(c.code, c.why) for c in found.packs] == [
        ("ending", "EMS pack ends Mon 7 Dec with 6 sessions left"),
        ("used", "EMS pack used up (last session Fri 20 Nov)"),
        ("low", "2 sessions left on EMS pack"),
    ]


def test_first_ems_clients_who_never_came_back() -> None:
    first = frozenset({VisitFlag.FIRST_EMS})
    members = [member(c, ems(9)) for c in ("gone", "back", "fresh", "old")]
    visits = [
        visit("gone", 10, flags=first),
        visit("back", 12, flags=first),
        visit("back", 5),
        visit("fresh", 6, flags=first),  # under a week ago: not yet
        visit("old", 190, flags=first),  # before the weeks counted
    ]
    found = run(members, visits)
    assert [(c.code, c.why) for c in found.first_ems] == [
        ("gone", "first EMS on Fri 13 Nov, not back since (10 days)")
    ]
    assert found.first_ems[0].say.startswith("How did you feel after your first EMS session")


def test_busiest_hours() -> None:
    visits = [visit("a", 1, hour=18) for _ in range(3)] + [
        visit("b", 2, hour=7),
        visit("b", 2, hour=7),
        visit("c", 3, hour=12),
        visit("d", 3, hour=9),
    ]
    found = run([], visits)
    assert found.hours[18] == 3 and found.hours[7] == 2 and sum(found.hours) == 7
    assert found.busiest_hours() == [(18, 3), (7, 2), (9, 1)]  # a tie: the earlier hour


def test_calls_this_week_one_line_a_member_most_urgent_first() -> None:
    first = frozenset({VisitFlag.FIRST_EMS})
    members = [
        member("newbie", ems(1)),  # first EMS not back, and a pack running low
        member("ending", ems(6, TODAY + timedelta(days=5))),
        member("thirty", ems(5)),
        member("long-gone", ems(5)),  # lapsed 90+: on the lapsed list only
    ]
    visits = [
        visit("newbie", 10, flags=first),
        visit("ending", 2),
        visit("thirty", 35),
        visit("long-gone", 120),
    ]
    found = run(members, visits)
    week = found.calls_this_week()
    assert [c.code for c in week] == ["newbie", "ending", "thirty"]
    assert week[0].why == (
        "first EMS on Fri 13 Nov, not back since (10 days); 1 session left on EMS pack"
    )
    assert [c.code for c in found.lapsed] == ["thirty", "long-gone"]
    assert list(found.lists()) == ["call-this-week", "lapsed", "packs", "first-ems-not-back"]


def test_calls_this_week_in_order_of_urgency_over_a_long_period() -> None:
    # since years back, a first EMS client's rank (days since) falls among the lapsed ones'
    members = [member("newbie"), member("thirty-five", ems(5)), member("fifty", ems(5))]
    visits = [
        visit("newbie", 1040, flags=frozenset({VisitFlag.FIRST_EMS})),
        visit("thirty-five", 35),
        visit("fifty", 50),
    ]
    found = run(members, visits, since=TODAY - timedelta(days=1200))
    week = found.calls_this_week()
    assert [c.code for c in week] == ["thirty-five", "newbie", "fifty"]
    assert len(week) == 3 and list(week[1:]) == [week[1], week[2]] and week[-1].code == "fifty"
    assert week[1].why == "first EMS on Thu 18 Jan, not back since (1040 days)"


def test_calls_csv_has_name_phone_and_what_to_say_and_runs_no_formula() -> None:
    found = run([Member("M1", "=cmd()", "Smith", "+33612345678", packs=(ems(1),))], [])
    rows = list(csv.reader(io.StringIO(calls_csv(found.packs))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert rows[1] == [
        "'=cmd() Smith",
        "'+33 6 12 34 56 78",
        "M1",
        "1 session left on EMS pack",
        "You have 1 session left on your EMS pack: would you like to renew it?",
    ]


def test_the_call_list_gives_uk_numbers_the_uk_way() -> None:
    # one rule with the spreadsheet export (kiosk/core/phone.py phone_for_excel)
    assert phone_for_excel("+447700900123") == "07700 900123"
    assert phone_for_excel("+33612345678") == "+33 6 12 34 56 78"


def test_charts_use_only_console_characters_and_no_colour() -> None:
    visits = [
        visit(f"m{n % 7}", n % 150, list(PackKind)[n % 3], hour=7 + n % 12) for n in range(500)
    ]
    visits += [visit("x", 3, None) for _ in range(40)]
    found = run([], visits)
    for chart in (visits_chart(found, 100, 14), active_chart(found, 100, 10), KEY):
        assert set(chart) - {"\n"} <= CONSOLE_SAFE, set(chart) - CONSOLE_SAFE
        assert "\x1b" not in chart
    text = visits_chart(found, 100, 14)
    for fill in "█▒░+":  # each kind is a fill of its own, not a colour
        assert fill in text
    assert "1 Jun" in text and "Visits per week" in text
    hours = hours_chart(found, 80, 10)
    assert "07" in hours and "18" in hours and set(hours) - {"\n"} <= CONSOLE_SAFE


def test_charts_of_an_empty_studio() -> None:
    found = run([], [])
    assert found.visits == 0 and found.busiest_hours() == []
    for chart in (
        visits_chart(found, 60, 10),
        active_chart(found, 60, 8),
        hours_chart(found, 60, 8),
    ):
        assert chart.strip() and set(chart) - {"\n"} <= CONSOLE_SAFE


def test_active_members_match_the_definition_on_random_visits() -> None:
    import random

    rng = random.Random(14)
    visits = [visit(f"m{rng.randrange(60)}", rng.randrange(0, 220)) for _ in range(900)]
    found = run([], visits)
    for end, count in found.active:
        first = end - timedelta(days=29)
        expected = {v.member_code for v in visits if first <= v.at.date() <= end}
        assert count == len(expected), end


def test_the_lapsed_list_reads_as_a_list() -> None:
    members = [member(f"m{n}", ems(5)) for n in range(5)]
    found = run(members, [visit(f"m{n}", 30 + 10 * n) for n in range(5)])
    whole = list(found.lapsed)
    assert len(found.lapsed) == 5 and [c.code for c in whole] == [f"m{n}" for n in range(5)]
    assert found.lapsed[-1] == whole[-1] and list(found.lapsed[1:3]) == whole[1:3]
    assert [c.code for c in found.lapsed.lapsed_under(60)] == ["m0", "m1", "m2"]
    with pytest.raises(IndexError):
        found.lapsed[5]
