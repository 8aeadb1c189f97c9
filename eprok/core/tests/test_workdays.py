"""The working calendar against the 2024-2026 calendars of holidays_az.md (holidays package 0.109)."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.utils import translation

from eprok.core.calendar import workdays
from eprok.core.calendar.workdays import ReasonKind as K
from eprok.core.models import CalendarDay, CalendarDayKind

D = dt.date

# Non-working weekdays and weekend holidays of holidays_az.md §5 (plain weekends left out).
EXPECTED_REST = {
    2024: [
        "01-01", "01-02", "01-03", "01-04", "01-05", "01-20", "02-07", "03-08", "03-20", "03-21", "03-22",
        "03-23", "03-24", "03-25", "03-26", "04-10", "04-11", "04-12", "05-09", "05-28", "06-15", "06-16",
        "06-17", "06-18", "06-19", "06-26", "11-08", "11-09", "11-11", "11-12", "11-13", "12-30", "12-31",
    ],
    2025: [
        "01-01", "01-02", "01-03", "01-20", "01-29", "03-08", "03-20", "03-21", "03-22", "03-23", "03-24",
        "03-25", "03-26", "03-27", "03-28", "03-30", "03-31", "05-09", "05-28", "06-06", "06-07", "06-09",
        "06-15", "06-16", "06-26", "06-27", "11-08", "11-09", "11-10", "11-11", "12-31",
    ],
    2026: [
        "01-01", "01-02", "01-20", "03-08", "03-09", "03-20", "03-21", "03-22", "03-23", "03-24", "03-25",
        "03-26", "03-27", "03-30", "05-09", "05-11", "05-27", "05-28", "05-29", "06-15", "06-26", "11-08",
        "11-09", "11-10", "12-31",
    ],
}  # fmt: skip


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.invalidate()
    yield
    workdays.invalidate()


def kinds(day: dt.date) -> list[str]:
    return [reason.kind for reason in workdays.day_info(day).reasons]


def test_the_package_is_the_version_the_calendar_was_verified_against():
    # Bumping `holidays` may add Cabinet swaps or move bayram estimates: re-check holidays_az.md, then this.
    assert holidays.__version__ == workdays.PACKAGE_VERSION_VERIFIED


@pytest.mark.django_db
@pytest.mark.parametrize("year", sorted(EXPECTED_REST))
def test_it_matches_the_reference_calendar_of_the_year(year):
    found = [day.strftime("%m-%d") for day in workdays.year_calendar(year).rest]
    assert found == EXPECTED_REST[year]


@pytest.mark.django_db
def test_novruz_2024_on_a_weekend_moves_two_rest_days_to_monday_and_tuesday():
    assert workdays.is_working_day(D(2024, 3, 19))
    assert [workdays.is_working_day(D(2024, 3, day)) for day in range(20, 28)] == [False] * 7 + [True]
    monday = workdays.day_info(D(2024, 3, 25)).reasons[0]
    assert (monday.kind, monday.origin, monday.name_az) == (K.TRANSFERRED, D(2024, 3, 23), "Novruz bayramı")
    assert workdays.day_info(D(2024, 3, 26)).reasons[0].origin == D(2024, 3, 24)
    assert kinds(D(2024, 3, 23)) == [K.WEEKEND, K.HOLIDAY]


@pytest.mark.django_db
def test_solidarity_day_on_sunday_31_december_2023_gives_a_rest_day_on_3_january_2024():
    reason = workdays.day_info(D(2024, 1, 3)).reasons[0]
    assert (reason.kind, reason.origin) == (K.TRANSFERRED, D(2023, 12, 31))
    assert workdays.next_working_day(D(2023, 12, 29)) == D(2023, 12, 30)  # a Saturday made working
    assert workdays.next_working_day(D(2023, 12, 30)) == D(2024, 1, 7)  # a Sunday made working


@pytest.mark.django_db
def test_the_mourning_day_on_a_saturday_is_not_transferred():
    assert kinds(D(2024, 1, 20)) == [K.WEEKEND, K.MOURNING]
    assert workdays.is_working_day(D(2024, 1, 22))


@pytest.mark.django_db
def test_cabinet_swaps_of_2025_make_a_saturday_working_and_a_bridge_day_free():
    saturday = workdays.day_info(D(2025, 6, 21))
    assert saturday.working
    assert saturday.reasons[0].kind == K.CABINET_WORKING and saturday.reasons[0].origin == D(2025, 6, 27)
    friday = workdays.day_info(D(2025, 6, 27))
    assert not friday.working and friday.reasons[0].kind == K.CABINET_SWAP
    assert friday.reasons[0].origin == D(2025, 6, 21)
    # Women's Day 2025 fell on a Saturday; its Monday rest day was swapped to 27 March.
    assert workdays.is_working_day(D(2025, 3, 10))
    assert not workdays.is_working_day(D(2025, 3, 27))


@pytest.mark.django_db
def test_a_cabinet_swap_across_the_year_end_makes_sunday_29_december_2024_working():
    assert workdays.is_working_day(D(2024, 12, 29))
    assert workdays.day_info(D(2024, 12, 29)).reasons[0].origin == D(2025, 1, 3)
    assert not workdays.is_working_day(D(2025, 1, 3))


@pytest.mark.django_db
def test_ramadan_2026_on_novruz_gets_its_rest_days_under_articles_105_5_and_105_6():
    assert kinds(D(2026, 3, 26)) == [K.TRANSFERRED]
    collision = workdays.day_info(D(2026, 3, 30)).reasons[0]
    assert (collision.kind, collision.origin) == (K.BAYRAM_COLLISION, D(2026, 3, 20))
    gurban = workdays.day_info(D(2026, 5, 29)).reasons[0]
    assert (gurban.kind, gurban.origin) == (K.BAYRAM_COLLISION, D(2026, 5, 28))
    assert workdays.next_working_day(D(2026, 3, 19)) == D(2026, 3, 31)


@pytest.mark.django_db
def test_add_working_days_does_not_count_the_start_day_and_skips_rest_days():
    assert workdays.add_working_days(D(2024, 3, 19), 1) == D(2024, 3, 27)
    assert workdays.add_working_days(D(2024, 3, 15), 0) == D(2024, 3, 15)
    assert workdays.add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 7)
    with pytest.raises(ValueError):
        workdays.add_working_days(D(2024, 3, 15), -1)


@pytest.mark.django_db
def test_non_working_days_lists_each_day_with_its_reasons():
    days = workdays.non_working_days(D(2024, 11, 8), D(2024, 11, 17))
    assert [info.date.day for info in days] == [8, 9, 10, 11, 12, 13, 17]  # the 16th is a working Saturday
    with translation.override("en"):
        assert days[0].describe() == "Victory Day (non-working holiday) — Labour Code, art. 105.1-105.2"
        assert "transferred from" in days[3].describe()


@pytest.mark.django_db
def test_an_administrators_override_wins_over_the_package(personas):
    CalendarDay.objects.create(
        date=D(2026, 3, 28),
        kind=CalendarDayKind.WORKING,
        name_az="İş günü",
        legal_source="Nazirlər Kabinetinin qərarı",
    )
    CalendarDay.objects.create(
        date=D(2026, 3, 31), kind=CalendarDayKind.NON_WORKING, name_az="Körpü günü", legal_source="NK qərarı"
    )
    CalendarDay.objects.create(
        date=D(2026, 5, 27), kind=CalendarDayKind.WORKING, name_az="Test", legal_source="NK qərarı"
    )
    workdays.invalidate(2026)
    assert workdays.is_working_day(D(2026, 3, 28))  # a Saturday
    assert not workdays.is_working_day(D(2026, 3, 31))
    assert workdays.is_working_day(D(2026, 5, 27))  # even a package holiday
    assert kinds(D(2026, 3, 31)) == [K.OVERRIDE_NON_WORKING]
    assert workdays.day_info(D(2026, 3, 31)).reasons[0].source == "NK qərarı"


@pytest.mark.django_db
def test_the_year_is_read_once_and_then_served_from_the_cache(django_assert_num_queries):
    with django_assert_num_queries(1):
        for day in range(1, 29):
            workdays.is_working_day(D(2025, 2, day))
        workdays.add_working_days(D(2025, 2, 3), 10)


@pytest.mark.django_db
def test_bayram_dates_after_the_confirmed_years_are_marked_estimated():
    estimated = [r for info in workdays.notable_days(2027) for r in info.reasons if r.estimated]
    assert estimated and all(r.name_az in {"Ramazan bayramı", "Qurban bayramı"} for r in estimated)
    assert not [r for info in workdays.notable_days(2026) for r in info.reasons if r.estimated]
