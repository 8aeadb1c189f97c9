"""The collegium report: every cell of the summary, the bodies, the gravity categories and the units for a
hand-built set of statistical cards, last year's column and the change, the solve rate formula, the
"as of" moment and corrections, the scope (a grant without sub-units, a unit outside it, no role)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

import pytest
from django.utils import timezone

from eprok.core.errors import NotFound
from eprok.core.testing.personas import Personas
from eprok.org.models import Employee, Unit
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.stats.models import Card, SubjectType
from eprok.stats.reports import build
from eprok.stats.reports.collegium import ParamsError, build_collegium, year_before
from eprok.stats.tables import Report

pytestmark = pytest.mark.django_db

START, END = dt.date(2026, 1, 1), dt.date(2026, 3, 31)
PERIOD = {"start": START.isoformat(), "end": END.isoformat()}
_ids = itertools.count(1)


def make_card(
    unit: Unit,
    kind: str,
    *,
    on: dt.date = dt.date(2026, 2, 10),
    body: str = "prosecution",
    category: int | None = None,
    ground: str = "",
    recorded_at: dt.datetime | None = None,
) -> Card:
    """One +1 card of a record of its own."""
    subject = next(_ids)
    return Card.objects.create(
        subject_type=SubjectType.CASE,
        subject_id=subject,
        subject_number=f"T-{subject}",
        kind=kind,
        fact_key=kind,
        occurred_on=on,
        recorded_at=recorded_at or timezone.now() - dt.timedelta(days=10),
        body=body,
        unit=unit,
        unit_path=unit.path,
        category=category,
        ground=ground,
    )


def cancel(card: Card, recorded_at: dt.datetime) -> Card:
    """The -1 card cancelling `card`."""
    return Card.objects.create(
        subject_type=card.subject_type,
        subject_id=card.subject_id,
        subject_number=card.subject_number,
        kind=card.kind,
        fact_key=card.fact_key,
        sign=-1,
        corrects=card,
        occurred_on=card.occurred_on,
        recorded_at=recorded_at,
        body=card.body,
        unit=card.unit,
        unit_path=card.unit_path,
        category=card.category,
        ground=card.ground,
        reason="test",
    )


def many(n: int, unit: Unit, kind: str, **fields: Any) -> list[Card]:
    return [make_card(unit, kind, **fields) for _ in range(n)]


@dataclass
class Scenario:
    personas: Personas
    analyst: Employee  # View statistics over the Baku city office with sub-units
    mid: dt.datetime  # after the first cards, before the correction and the late card


def analyst_at(unit: Unit, *, subunits: bool = True, username: str = "analyst") -> Employee:
    employee = cast(Employee, EmployeeFactory(username=username, unit=unit))
    RoleAssignmentFactory(employee=employee, role=Role.VIEW_STATISTICS, unit=unit, include_subunits=subunits)
    return employee


def build_scenario(personas: Personas) -> Scenario:
    """The cards of the Baku city office (period 2026 Q1; last year 2025 Q1):

    Xətai (prosecution): opened 3 (category 3; one cancelled later) + 1 late (category 1), solved 2,
    suspended 53.1.1 1, sent to court 1, referred 1 (category 4), crime reports registered 4, refused 1,
    convicted 1. Nəsimi (police, category 2): opened 2, solved 1, suspended on another ground 1,
    terminated 1, returned by the court 1. The city office itself (police, not qualified): opened 1.
    Outside: the GPO opened 1 (not the city's), Xətai opened 1 on 1 April (outside the period).
    2025 Q1 in Xətai: opened 2, solved 1, suspended 53.1.1 1, sent to court 2, registered 5, convicted 1.
    """
    p = personas
    xetai, nesimi, city = p.unit, p.other_unit, p.city
    now = timezone.now()
    early, mid, late = now - dt.timedelta(days=10), now - dt.timedelta(days=5), now - dt.timedelta(days=1)
    opened = many(3, xetai, "opened", category=3, recorded_at=early)
    cancel(opened[2], late)
    make_card(xetai, "opened", category=1, recorded_at=late)
    many(2, xetai, "solved", category=3)
    make_card(xetai, "suspended", category=3, ground="53.1.1")
    make_card(xetai, "sent_to_court", category=3)
    make_card(xetai, "referred", category=4)
    many(4, xetai, "registered")
    make_card(xetai, "refused")
    make_card(xetai, "convicted", category=3)
    police: dict[str, Any] = {"body": "police", "category": 2}
    many(2, nesimi, "opened", **police)
    make_card(nesimi, "solved", **police)
    make_card(nesimi, "suspended", ground="53.1.2", **police)
    make_card(nesimi, "terminated", **police)
    make_card(nesimi, "returned", **police)
    make_card(city, "opened", body="police")
    make_card(p.root, "opened", category=3)
    make_card(xetai, "opened", category=3, on=dt.date(2026, 4, 1))
    last: dict[str, Any] = {"on": dt.date(2025, 2, 10), "category": 3}
    many(2, xetai, "opened", **last)
    make_card(xetai, "solved", **last)
    make_card(xetai, "suspended", ground="53.1.1", **last)
    many(2, xetai, "sent_to_court", **last)
    many(5, xetai, "registered", on=dt.date(2025, 3, 1))
    make_card(xetai, "convicted", **last)
    return Scenario(personas=p, analyst=analyst_at(city), mid=mid)


@pytest.fixture
def scenario(personas: Personas) -> Scenario:
    return build_scenario(personas)


def cells(report: Report, key: str) -> list[list[Any]]:
    return report.table(key).values()


D = Decimal


def test_summary_every_cell(scenario: Scenario) -> None:
    from django.utils import translation

    with translation.override("en"):
        report = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
    assert report.unit_name == scenario.personas.city.name_en
    assert report.period == (START, END)
    assert [column.key for column in report.table("summary").columns] == [
        "indicator",
        "current",
        "previous",
        "change",
    ]
    assert cells(report, "summary") == [
        # indicator, this period, same period last year, change %
        ["Crimes registered", 6, 2, D("200.0")],
        ["Crimes solved", 3, 1, D("200.0")],
        ["Solve rate, %", D("75.0"), D("50.0"), D("25.0")],  # 3/(3+1); 1/(1+1); the difference in points
        ["Investigations completed", 3, 2, D("50.0")],  # 1 sent + 1 terminated + 1 referred
        ["Cases sent to court", 1, 2, D("-50.0")],
        ["Cases terminated", 1, 0, None],
        ["Crime reports registered", 4, 5, D("-20.0")],
        ["Refusals to open a criminal case", 1, 0, None],
        ["Court: convictions", 1, 1, D("0.0")],
        ["Court: acquittals", 0, 0, None],
        ["Court: returned for additional investigation", 1, 0, None],
    ]


def test_bodies_every_cell(scenario: Scenario) -> None:
    report = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
    got = cells(report, "bodies")
    assert [row[1:] for row in got] == [
        [3, 2, D("66.7"), 2, 1],  # prosecution: 2/(2+1); sent + referred
        [3, 1, D("100.0"), 1, 0],  # police: Nəsimi 2 + the city office 1; ground 53.1.2 is not "unsolved"
        [0, 0, None, 0, 0],  # investigative
        [0, 0, None, 0, 0],  # security
        [0, 0, None, 0, 0],  # customs
        [0, 0, None, 0, 0],  # border
        [0, 0, None, 0, 0],  # other
        [6, 3, D("75.0"), 3, 1],  # total
    ]
    assert report.table("bodies").rows[-1].total


def test_categories_every_cell(scenario: Scenario) -> None:
    report = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
    assert [row[1:] for row in cells(report, "categories")] == [
        [1, 0, None, 0, 0],  # 1: the late card
        [2, 1, D("100.0"), 1, 0],  # 2: Nəsimi
        [2, 2, D("66.7"), 1, 1],  # 3: Xətai (one of three cancelled)
        [0, 0, None, 1, 0],  # 4: the referred case
        [1, 0, None, 0, 0],  # not qualified: the city office's own
        [6, 3, D("75.0"), 3, 1],
    ]


def test_units_every_cell_and_links(scenario: Scenario) -> None:
    p = scenario.personas
    report = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
    table = report.table("units")
    assert [row[1:] for row in table.values()] == [
        [3, 2, D("66.7"), 2, 1],  # Xətai
        [2, 1, D("100.0"), 1, 0],  # Nəsimi
        [1, 0, None, 0, 0],  # the city office's own cards
        [6, 3, D("75.0"), 3, 1],
    ]
    assert table.rows[0].cells["unit"] == p.unit.name
    assert table.rows[1].cells["unit"] == p.other_unit.name
    assert table.rows[0].link == "/stats/reports/collegium/?unit=baku-xetai&start=2026-01-01&end=2026-03-31"
    assert table.rows[2].link == ""
    assert table.rows[3].total


def test_drill_into_child_unit(scenario: Scenario) -> None:
    report = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku-xetai"})
    assert [row[1:] for row in cells(report, "summary")][:3] == [
        [3, 2, D("50.0")],
        [2, 1, D("100.0")],
        [D("66.7"), D("50.0"), D("16.7")],
    ]
    # No children: only its own row and the total.
    assert [row[1:] for row in cells(report, "units")] == [[3, 2, D("66.7"), 2, 1], [3, 2, D("66.7"), 2, 1]]


def test_as_of_counts_only_cards_recorded_by_then(scenario: Scenario) -> None:
    params = {**PERIOD, "unit": "baku", "as_of": scenario.mid.isoformat()}
    before = build_collegium(scenario.analyst, params)
    # As of `mid` the cancelled card still counts and the late card is not there yet.
    assert [row[1] for row in cells(before, "categories")] == [0, 2, 3, 0, 1, 6]
    assert before.as_of == scenario.mid
    today = build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
    assert [row[1] for row in cells(today, "categories")] == [1, 2, 2, 0, 1, 6]
    assert before.sha256() != today.sha256()
    # The same parameters give the same checksum.
    assert build_collegium(scenario.analyst, params).sha256() == before.sha256()


def test_correction_changes_today_not_the_past(scenario: Scenario) -> None:
    p = scenario.personas
    params = {**PERIOD, "unit": "baku-nesimi"}
    moment = timezone.now() - dt.timedelta(minutes=2)
    card = Card.objects.get(unit=p.other_unit, kind="terminated")
    first = build_collegium(scenario.analyst, {**params, "as_of": moment.isoformat()})
    cancel(card, moment + dt.timedelta(minutes=1))
    past = build_collegium(scenario.analyst, {**params, "as_of": moment.isoformat()})
    now = build_collegium(scenario.analyst, params)
    assert first.sha256() == past.sha256()
    assert past.table("summary").rows[5].cells["current"] == 1  # terminated, as it was
    assert now.table("summary").rows[5].cells["current"] == 0


def test_grant_without_subunits_sees_only_its_unit(scenario: Scenario) -> None:
    p = scenario.personas
    local = analyst_at(p.unit, subunits=False, username="local")
    report = build_collegium(local, PERIOD)
    assert report.params["unit"] == "baku-xetai"
    assert cells(report, "summary")[0][1:] == [3, 2, D("50.0")]
    with pytest.raises(NotFound):
        build_collegium(local, {**PERIOD, "unit": "baku"})
    with pytest.raises(NotFound):
        build_collegium(local, {**PERIOD, "unit": "baku-nesimi"})


def test_city_grant_without_subunits_lists_no_children(scenario: Scenario) -> None:
    p = scenario.personas
    head = analyst_at(p.city, subunits=False, username="head")
    report = build_collegium(head, PERIOD)
    # Only the city office's own card is in the scope; the districts are not listed.
    assert [row[1:] for row in cells(report, "units")] == [[1, 0, None, 0, 0], [1, 0, None, 0, 0]]
    assert cells(report, "summary")[0][1] == 1


def test_no_role_is_404(scenario: Scenario, audit_events: Any) -> None:
    with pytest.raises(NotFound):
        build_collegium(scenario.personas.colleague, PERIOD)
    assert audit_events()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "before its start"),
        ({"start": "2026-02-30"}, "not a date"),
        ({"as_of": "yesterday"}, "not a date"),
    ],
)
def test_bad_period(scenario: Scenario, params: dict[str, str], message: str) -> None:
    from django.utils import translation

    with translation.override("en"), pytest.raises(ParamsError, match=message):
        build_collegium(scenario.analyst, params)


def test_default_period_and_unit(scenario: Scenario) -> None:
    report = build("collegium", scenario.analyst, {})
    today = timezone.localdate()
    assert report.period == (today.replace(month=1, day=1), today)
    assert report.params["unit"] == "baku"


def test_year_before_leap_day() -> None:
    assert year_before(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert year_before(dt.date(2026, 3, 31)) == dt.date(2025, 3, 31)


def test_constant_queries(scenario: Scenario, django_assert_max_num_queries: Any) -> None:
    build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})  # warm the grants
    with django_assert_max_num_queries(12):
        build_collegium(scenario.analyst, {**PERIOD, "unit": "baku"})
