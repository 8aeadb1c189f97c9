"""The training analysis: figures on a small hand-built history checked against sums done by hand, a unit
head's view limited to their subtree, 404 for everyone else, the exports (XLSX opened with openpyxl, CSV
parsed, each audited), and a number of queries per page that does not grow with the events."""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.org.models import Employee, Unit
from eprok.training import analysis
from eprok.training.models import (
    Attendance,
    AttendanceMethod,
    Evaluation,
    EventKind,
    EventStatus,
    EventTrainer,
    Invitation,
    ThematicArea,
    TrainingEvent,
)

pytestmark = pytest.mark.django_db

PERIOD = {"date_from": "2026-01-01", "date_to": "2026-06-30"}
_numbers = itertools.count(1)


def at(year: int, month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 10, 0))


def make(
    people: Any,
    *,
    area: ThematicArea,
    starts: dt.datetime,
    hours: str,
    status: str = EventStatus.HELD,
    organiser: Unit | None = None,
    present: tuple[Employee, ...] = (),
    absent: tuple[Employee, ...] = (),
    trainers: tuple[Employee | str, ...] = (),
    scores: dict[Employee, tuple[int, int, int, int]] | None = None,
) -> TrainingEvent:
    """An event written straight to the tables, with its attendance, trainers and evaluations."""
    event = TrainingEvent.objects.create(
        number=f"TT-{next(_numbers):05d}",
        title="Təlim",
        kind=EventKind.SEMINAR,
        area=area,
        organiser=organiser or people.centre,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=4),
        hours=Decimal(hours),
        status=status,
        created_by=people.admin,
    )
    for employee, mark in [*((e, True) for e in present), *((e, False) for e in absent)]:
        Invitation.objects.create(event=event, employee=employee, invited_by=people.admin)
        Attendance.objects.create(
            event=event,
            employee=employee,
            present=mark,
            method=AttendanceMethod.MANUAL,
            recorded_at=starts,
            recorded_by=people.admin,
        )
    for trainer in trainers:
        if isinstance(trainer, str):
            name, organisation = trainer.split("|")
            EventTrainer.objects.create(event=event, external_name=name, external_organisation=organisation)
        else:
            EventTrainer.objects.create(event=event, employee=trainer)
    for employee, (content, trainer_score, organisation_score, usefulness) in (scores or {}).items():
        Evaluation.objects.create(
            event=event,
            employee=employee,
            content_score=content,
            trainer_score=trainer_score,
            organisation_score=organisation_score,
            usefulness_score=usefulness,
        )
    return event


@dataclass
class History:
    mandatory: ThematicArea
    other: ThematicArea
    e1: TrainingEvent
    e3: TrainingEvent


EXTERNAL = "Nigar Əhmədova|ADA Universiteti"


@pytest.fixture
def history(people) -> History:
    """Six events around the first half of 2026 (see each line for what counts)."""
    ThematicArea.objects.update(is_mandatory=False)
    mandatory = ThematicArea.objects.create(
        code="t-anticorruption", name_az="Korrupsiyaya qarşı mübarizə", is_mandatory=True, sort_order=1
    )
    other = ThematicArea.objects.create(code="t-ethics", name_az="Etika", sort_order=2)
    p = people
    e1 = make(
        p,
        area=mandatory,
        starts=at(2026, 3, 10),
        hours="4",
        present=(p.listener, p.colleague, p.retired),
        absent=(p.outsider,),
        trainers=(p.trainer, EXTERNAL),
        scores={p.listener: (5, 4, 3, 4), p.colleague: (3, 4, 5, 4)},
    )
    make(
        p,
        area=mandatory,
        starts=at(2026, 4, 5),
        hours="2",
        status=EventStatus.PUBLISHED,
        present=(p.listener, p.head_listener),
        trainers=(p.trainer,),
    )
    e3 = make(
        p,
        area=other,
        starts=at(2026, 5, 1),
        hours="3",
        organiser=p.xetai,
        present=(p.outsider, p.listener),
        trainers=(p.other_trainer,),
        scores={p.outsider: (2, 2, 2, 2)},
    )
    # Not counted: cancelled, before the period, a draft.
    make(
        p,
        area=mandatory,
        starts=at(2026, 2, 1),
        hours="6",
        status=EventStatus.CANCELLED,
        present=(p.listener,),
        trainers=(p.trainer,),
        scores={p.listener: (1, 1, 1, 1)},
    )
    make(p, area=mandatory, starts=at(2025, 12, 20), hours="5", present=(p.listener,), trainers=(p.trainer,))
    make(
        p,
        area=other,
        starts=at(2026, 6, 1),
        hours="8",
        status=EventStatus.DRAFT,
        present=(p.colleague,),
        trainers=(p.other_trainer,),
    )
    return History(mandatory=mandatory, other=other, e1=e1, e3=e3)


def filters(**fields: Any) -> analysis.AnalysisFilters:
    return analysis.AnalysisFilters(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30), **fields)


EVERYTHING = analysis.Scope(units=None)


# --- the figures ------------------------------------------------------------------------------------------


def test_it_sums_the_hours_each_active_employee_attended(people, history):
    rows: Any = analysis.hours_per_employee(scope=EVERYTHING, filters=filters())
    got = [(r.employee.username, r.events, r.hours) for r in rows]
    assert got[:4] == [
        ("listener", 3, Decimal("9")),
        ("colleague", 1, Decimal("4")),
        ("outsider", 1, Decimal("3")),
        ("head_listener", 1, Decimal("2")),
    ]
    assert {name: hours for name, _events, hours in got[4:]} == {
        "admin": 0,
        "trainer": 0,
        "other_trainer": 0,
    }
    assert "retired" not in {name for name, _e, _h in got}


def test_it_narrows_the_hours_to_a_unit_and_an_area(people, history):
    xetai_only: Any = analysis.hours_per_employee(scope=EVERYTHING, filters=filters(unit=people.xetai))
    assert {(r.employee.username, r.hours) for r in xetai_only} == {
        ("listener", Decimal("9")),
        ("colleague", Decimal("4")),
    }
    baku_alone: Any = analysis.hours_per_employee(
        scope=EVERYTHING, filters=filters(unit=people.baku, include_subunits=False)
    )
    assert [(r.employee.username, r.hours) for r in baku_alone] == [("head_listener", Decimal("2"))]
    ethics: Any = analysis.hours_per_employee(scope=EVERYTHING, filters=filters(area=history.other))
    assert {(r.employee.username, r.hours) for r in ethics if r.hours} == {
        ("listener", Decimal("3")),
        ("outsider", Decimal("3")),
    }


def test_it_sums_the_hours_per_unit_with_the_average_per_employee(people, history):
    rows = {row.unit.code: row for row in analysis.hours_per_unit(scope=EVERYTHING, filters=filters())}
    assert set(rows) == {"training-centre", "baku", "baku-xetai", "baku-nesimi"}  # gpo has nobody
    figures = {code: (r.staff, r.trained, r.hours, r.average) for code, r in rows.items()}
    assert figures == {
        "training-centre": (3, 0, Decimal("0"), Decimal("0")),
        "baku": (1, 1, Decimal("2"), Decimal("2.0")),
        "baku-xetai": (2, 2, Decimal("13"), Decimal("6.5")),
        "baku-nesimi": (1, 1, Decimal("3"), Decimal("3.0")),
    }


def test_it_sums_the_hours_by_month_over_the_whole_period(people, history):
    months = analysis.hours_by_month(scope=EVERYTHING, filters=filters())
    assert [(m.month, h) for m, h in months] == [
        (1, 0),
        (2, 0),  # the cancelled event does not count
        (3, Decimal("8")),
        (4, Decimal("4")),
        (5, Decimal("6")),
        (6, 0),  # a draft does not count
    ]


def test_it_measures_the_coverage_of_the_mandatory_areas(people, history):
    data = analysis.coverage(scope=EVERYTHING, filters=filters())
    assert [area.code for area in data.areas] == ["t-anticorruption"]
    cells = {
        row.unit.code: (row.cells[0].covered, row.cells[0].staff, row.cells[0].percent)  # type: ignore[union-attr]
        for row in data.rows
    }
    assert cells == {
        "training-centre": (0, 3, 0),
        "baku": (1, 1, 100),
        "baku-xetai": (2, 2, 100),  # the retired listener does not count
        "baku-nesimi": (0, 1, 0),  # absent from the mandatory event; the other area does not count
    }
    assert (data.total.staff, data.total.cells[0].covered, data.total.cells[0].percent) == (7, 3, 43)


def test_it_counts_each_trainers_events_and_hours(people, history):
    rows = analysis.trainer_load(scope=EVERYTHING, filters=filters())
    assert [(r.name, r.internal, r.events, r.hours) for r in rows] == [
        (people.trainer.full_name, True, 2, Decimal("6")),
        ("Nigar Əhmədova (ADA Universiteti)", False, 1, Decimal("4")),
        (people.other_trainer.full_name, True, 1, Decimal("3")),
    ]


def test_it_averages_the_evaluations_per_area_trainer_and_event(people, history):
    per_area = analysis.scores_per_area(scope=EVERYTHING, filters=filters())
    assert [
        (s.label, s.count, s.content, s.trainer, s.organisation, s.usefulness, s.overall) for s in per_area
    ] == [
        ("Korrupsiyaya qarşı mübarizə", 2, 4.0, 4.0, 4.0, 4.0, 4.0),
        ("Etika", 1, 2.0, 2.0, 2.0, 2.0, 2.0),
    ]
    per_trainer = analysis.scores_per_trainer(scope=EVERYTHING, filters=filters())
    assert {(s.label, s.count, s.overall) for s in per_trainer} == {
        (people.trainer.full_name, 2, 4.0),
        ("Nigar Əhmədova (ADA Universiteti)", 2, 4.0),
        (people.other_trainer.full_name, 1, 2.0),
    }
    per_event = analysis.event_scores(analysis.scores_per_event(scope=EVERYTHING, filters=filters()))
    assert [(s.key["event__number"], s.count, s.content, s.organisation) for s in per_event] == [
        (history.e3.number, 1, 2.0, 2.0),
        (history.e1.number, 2, 4.0, 4.0),
    ]


# --- who sees what ----------------------------------------------------------------------------------------

PAGES = ("analysis", "analysis_employees", "analysis_coverage", "analysis_trainers", "analysis_scores")


def test_only_administrators_and_unit_heads_open_the_analysis(client, people, history):
    people.nesimi.head = people.outsider
    people.nesimi.save()
    for name in PAGES:
        assert_access_matrix(
            client,
            people,
            reverse(f"training:{name}"),
            {"anonymous": 302, "listener": 404, "trainer": 404, "outsider": 200, "admin": 200},
        )


def test_a_unit_head_sees_only_their_subtree(client, people, history):
    people.baku.head = people.head_listener
    people.baku.save()
    scope = analysis.scope_for(people.head_listener)
    assert scope is not None and scope.units is not None
    units = {row.unit.code for row in analysis.hours_per_unit(scope=scope, filters=filters())}
    assert units == {"baku", "baku-xetai", "baku-nesimi"}
    ranked: Any = analysis.hours_per_employee(scope=scope, filters=filters())
    employees = {r.employee.username for r in ranked}
    assert employees == {"listener", "colleague", "outsider", "head_listener"}
    # Trainers and marks by the organiser: only the event Xətai organised.
    assert [r.name for r in analysis.trainer_load(scope=scope, filters=filters())] == [
        people.other_trainer.full_name
    ]
    assert [s.count for s in analysis.scores_per_area(scope=scope, filters=filters())] == [1]

    login_as(client, people.head_listener)
    page = client.get(reverse("training:analysis"), PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Xətai rayon prokurorluğu" in html and "Elm-Tədris Mərkəzi" not in html
    # A unit outside the subtree cannot be chosen: the form refuses it, and the default (the subtree) applies.
    outside = client.get(reverse("training:analysis_employees"), {**PERIOD, "unit": people.centre.pk})
    assert outside.status_code == 200
    assert "Kərimova" not in outside.content.decode()


def test_the_pages_show_the_figures_and_a_chart(client, people, history):
    login_as(client, people.admin)
    units = client.get(reverse("training:analysis"), PERIOD).content.decode()
    assert "<svg" in units and "eprok-chart__bar" in units and "eprok-chart__column" in units
    assert "6.5" in units or "6,5" in units
    coverage = client.get(reverse("training:analysis_coverage"), PERIOD).content.decode()
    assert "43%" in coverage and "Korrupsiyaya qarşı mübarizə" in coverage
    trainers = client.get(reverse("training:analysis_trainers"), PERIOD).content.decode()
    assert "Nigar Əhmədova (ADA Universiteti)" in trainers
    scores = client.get(reverse("training:analysis_scores"), PERIOD).content.decode()
    assert history.e1.number in scores and "4.00" in scores.replace(",", ".")
    assert 'style="' not in units + coverage + trainers + scores


# --- exports ----------------------------------------------------------------------------------------------


def _csv(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_it_exports_the_hours_per_employee_to_xlsx(client, people, history, audit_events):
    from openpyxl import load_workbook

    login_as(client, people.admin)
    response = client.get(reverse("training:analysis_employees_export", args=["xlsx"]), PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 7
    assert rows[1][0] == people.listener.full_name and rows[1][3] == 3 and Decimal(str(rows[1][4])) == 9
    (event,) = audit_events("training.hours_per_employee.exported")
    assert event.actor_id == people.admin.pk and '"xlsx"' in str(event.data).replace("'", '"')


@pytest.mark.parametrize(
    "name,args,first",
    [
        ("analysis_units_export", [], ["Elm-Tədris Mərkəzi", "3", "0", "0", "0.0"]),
        ("analysis_coverage_export", [], None),
        ("analysis_trainers_export", [], None),
        (
            "analysis_scores_exp",
            ["area"],
            ["Korrupsiyaya qarşı mübarizə", "2", "4.0", "4.0", "4.0", "4.0", "4.0"],
        ),
        ("analysis_scores_exp", ["trainer"], None),
        ("analysis_scores_exp", ["event"], None),
    ],
)
def test_it_exports_each_table_to_csv(client, people, history, audit_events, name, args, first):
    login_as(client, people.admin)
    response = client.get(reverse(f"training:{name}", args=[*args, "csv"]), PERIOD)
    assert response.status_code == 200
    rows = _csv(response)
    assert len(rows) >= 2
    if first is not None:
        assert rows[1][: len(first)] == first
    assert len(audit_events()) == 1 and audit_events()[0].action.endswith(".exported")


def test_the_coverage_export_has_the_total_row(client, people, history):
    login_as(client, people.admin)
    rows = _csv(client.get(reverse("training:analysis_coverage_export", args=["csv"]), PERIOD))
    assert rows[-1][1:] == ["7", "3", "43"]


def test_an_unknown_export_format_or_table_is_404(client, people, history):
    login_as(client, people.admin)
    assert client.get(reverse("training:analysis_units_export", args=["pdf"])).status_code == 404
    assert client.get(reverse("training:analysis_scores_exp", args=["unit", "csv"])).status_code == 404


def test_others_cannot_export(client, people, history):
    login_as(client, people.listener)
    assert client.get(reverse("training:analysis_employees_export", args=["csv"])).status_code == 404


# --- queries per page -------------------------------------------------------------------------------------


def _more_events(people: Any, area: ThematicArea, count: int) -> None:
    for n in range(count):
        make(
            people,
            area=area,
            starts=at(2026, 1 + n % 6, 2 + n),
            hours="2",
            present=(people.listener, people.colleague, people.outsider),
            trainers=(people.trainer, f"Ekspert {n}|X"),
            scores={people.listener: (4, 4, 4, 4)},
        )


def _queries(client: Any, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, PERIOD)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", [*PAGES, "list"])
def test_the_queries_per_page_do_not_grow_with_the_events(client, people, name):
    ThematicArea.objects.update(is_mandatory=False)
    area = ThematicArea.objects.create(code="t-mandatory", name_az="Məcburi", is_mandatory=True)
    login_as(client, people.admin)
    url = reverse(f"training:{name}")
    _more_events(people, area, 2)
    client.get(url, PERIOD)  # warm the per-process caches
    few = _queries(client, url)
    _more_events(people, area, 8)
    many = _queries(client, url)
    assert few == many
    assert many <= 14
