"""The check term (rule cpc.207.check) on real calendar edge cases, through the register's services.

CPC art. 202: the starting day is not counted and a term whose last day is not a working day ends on
the next working day. The expected dates follow the 2025-2026 calendar (holidays_az.md).
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from eprok.core.calendar import workdays
from eprok.core.models import CalendarDay, TrackedDeadline
from eprok.materials import selectors, services, terms
from eprok.materials.tests.factories import make_material
from eprok.materials.work import recompute_check_terms

pytestmark = pytest.mark.django_db

BAKU = ZoneInfo("Asia/Baku")
D = dt.date


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=BAKU)


def register(people, when: dt.datetime):
    return make_material(
        actor=people.clerk, unit=people.unit, registered_at=when, assignee=people.investigator
    )


def explained(material) -> str:
    with translation.override("en"):
        return " ".join(terms.check_deadline(material).explain_lines())


def test_a_check_started_just_before_novruz_2026_ends_after_the_holidays(people):
    # Thursday 19 March: the 3 days end on Sunday 22 March, inside Novruz (20-24 March) and the Ramadan
    # bayram; the rest days moved from the weekend (25-27 and 30 March) follow, so the term ends on
    # Tuesday 31 March.
    material = register(people, at(2026, 3, 19, 10, 0))
    assert material.check_due == D(2026, 3, 31)
    text = explained(material)
    assert "Novruz" in text and "art. 105.5" in text and "March 31, 2026" in text


def test_a_check_whose_last_day_is_the_first_day_of_novruz_ends_after_it_too(people):
    material = register(people, at(2026, 3, 17, 16, 45))
    assert material.check_due == D(2026, 3, 31)


def test_a_check_across_a_holiday_moved_from_the_weekend(people):
    # Thursday 5 March 2026: the last day is Sunday 8 March, Women's Day, whose rest day moves to Monday
    # 9 March (Labour Code art. 105.5); the term ends on Tuesday 10 March.
    material = register(people, at(2026, 3, 5, 10, 0))
    assert material.check_due == D(2026, 3, 10)
    assert "rest day transferred from March 8, 2026" in explained(material)


def test_a_check_ending_on_new_years_eve_runs_into_the_new_year(people):
    # Sunday 28 December 2025: the last day is 31 December (Solidarity Day), then 1-2 January and the
    # weekend; the term ends on Monday 5 January 2026.
    material = register(people, at(2025, 12, 28, 9, 0))
    assert material.check_due == D(2026, 1, 5)


def test_an_extension_across_the_year_end(people):
    material = register(people, at(2025, 12, 24, 11, 0))
    assert material.check_due == D(2025, 12, 29)  # Saturday 27 December -> Monday 29 December
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-10", reason="x")
    material.refresh_from_db()
    assert material.check_due == D(2026, 1, 5)  # 10 days: Saturday 3 January 2026 -> Monday 5 January
    services.material_extend_check(actor=people.superior, material=material, step="207.1.2-30", reason="y")
    material.refresh_from_db()
    assert material.check_due == D(2026, 1, 23)  # 30 days, a Friday
    tracked = TrackedDeadline.objects.get(owner_type="materials.material", owner_id=material.pk, key="check")
    assert tracked.ends_at == at(2026, 1, 24, 0, 0)
    text = explained(material)
    assert "Extension by 7 calendar days" in text and "Total term with extensions: 30 calendar days" in text


def test_the_deadline_shown_is_the_one_stored(people):
    material = register(people, at(2026, 3, 19, 10, 0))
    material = selectors.material_get(user=people.investigator, number=material.number)
    deadline = selectors.material_check_deadline(material)
    assert deadline is not None and deadline.due == material.check_due


def test_a_calendar_correction_moves_open_checks_when_recomputed(people):
    material = register(people, at(2026, 2, 2, 10, 0))
    assert material.check_due == D(2026, 2, 5)
    CalendarDay.objects.create(
        date=D(2026, 2, 5),
        kind="non_working",
        legal_source="Nazirlər Kabinetinin qərarı",
        name_az="İstirahət günü",
    )
    workdays.invalidate()
    assert recompute_check_terms() == 1
    material.refresh_from_db()
    assert material.check_due == D(2026, 2, 6)
    tracked = TrackedDeadline.objects.get(owner_type="materials.material", owner_id=material.pk, key="check")
    assert tracked.ends_at == at(2026, 2, 7, 0, 0)


def test_the_recomputer_skips_decided_reports(people):
    material = register(people, at(2026, 2, 2, 10, 0))
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.1", grounds="x"
    )
    assert recompute_check_terms() == 0


def test_the_recomputer_is_registered():
    from eprok.core.calendar.tracking import recomputers

    assert dict(recomputers())["materials.material"] is recompute_check_terms
