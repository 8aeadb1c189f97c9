"""The training record: who opens an employee's record (themself, administrators of training, the head of
their unit or of a unit above it — nobody else, 404), what it counts, and the unit head's page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.training import access, record, services
from eprok.training.models import ThematicArea
from eprok.training.tests.conftest import STARTS

pytestmark = pytest.mark.django_db

WHO = {
    "anonymous": 302,
    "outsider": 404,  # heads the Nəsimi office: another unit
    "trainer": 404,
    "listener": 200,  # the employee themself
    "colleague": 200,  # heads the Xətai office, the listener's unit
    "head_listener": 200,  # heads the Baku city office, above it
    "admin": 200,
}


@pytest.fixture
def heads(people):
    for unit, head in (
        (people.xetai, people.colleague),
        (people.baku, people.head_listener),
        (people.nesimi, people.outsider),
    ):
        unit.head = head
        unit.save(update_fields=["head"])
    return people


@pytest.fixture
def attended(heads, clock, event):
    """The listener attended the held 4-hour seminar on criminal procedure (a mandatory area, as is
    anti-corruption)."""
    ThematicArea.objects.filter(code__in=["criminal-procedure", "anti-corruption"]).update(is_mandatory=True)
    services.attendance_mark(actor=heads.trainer, event=event, employee=heads.listener, present=True)
    clock.set(STARTS + dt.timedelta(hours=5))
    services.event_mark_held(actor=heads.admin, event=event)
    return event


def test_the_access_rule(heads):
    got = {name: access.can_see_record(heads.by_name(name), heads.listener) for name in WHO}
    assert got == {name: code == 200 for name, code in WHO.items()}
    assert not access.can_see_record(heads.colleague, heads.head_listener)  # a head sees down, not up


def test_the_record_page_access_matrix(client, heads):
    assert_access_matrix(client, heads, reverse("training:record", args=[heads.listener.public_id]), WHO)


def test_reading_someone_elses_record_is_audited_and_ones_own_is_not(client, heads, audit_events):
    login_as(client, heads.listener)
    assert client.get(reverse("training:my_record")).status_code == 200
    assert client.get(reverse("training:record", args=[heads.listener.public_id])).status_code == 200
    assert not audit_events("training.record.read")
    login_as(client, heads.head_listener)
    assert client.get(reverse("training:record", args=[heads.listener.public_id])).status_code == 200
    [audit] = audit_events("training.record.read")
    assert audit.target_id == str(heads.listener.public_id) and audit.actor_id == heads.head_listener.pk


def test_the_record_counts_hours_evaluations_and_uncovered_mandatory_areas(heads, attended):
    services.evaluation_submit(
        actor=heads.listener,
        event=attended,
        marks=services.Marks(content_score=5, trainer_score=5, organisation_score=5, usefulness_score=5),
    )
    data = record.employee_record(employee=heads.listener, year=2026)
    assert [row.event for row in data.attended] == [attended]
    assert data.hours_year == Decimal("4") and data.hours_total == Decimal("4")
    assert [evaluation.event for evaluation in data.evaluations] == [attended]
    assert [area.code for area in data.missing_areas] == ["anti-corruption"]
    assert record.employee_record(employee=heads.listener, year=2025).hours_year == 0


def test_an_absent_listener_has_no_hours(heads, attended):
    services.attendance_mark(actor=heads.admin, event=attended, employee=heads.listener, present=False)
    data = record.employee_record(employee=heads.listener, year=2026)
    assert data.attended == [] and data.hours_year == 0
    assert {area.code for area in data.missing_areas} == {"criminal-procedure", "anti-corruption"}


def test_a_completed_course_with_its_certificate_counts_in_the_record(heads, attended):
    from eprok.learning.models import Certificate, Course, Enrollment, EnrollmentSource, EnrollmentStatus

    course = Course.objects.create(
        code="anti-corruption-basics",
        title="Korrupsiyaya qarşı mübarizənin əsasları",
        area=ThematicArea.objects.get(code="anti-corruption"),
        hours=Decimal("6"),
        status="published",
        created_by=heads.admin,
    )
    enrollment = Enrollment.objects.create(
        course=course,
        employee=heads.listener,
        source=EnrollmentSource.SELF,
        status=EnrollmentStatus.COMPLETED,
        progress=100,
        completed_at=timezone.now(),
    )
    Certificate.objects.create(
        number="SRT-2026-00001",
        enrollment=enrollment,
        employee=heads.listener,
        course=course,
        issued_at=timezone.now(),
    )
    data = record.employee_record(employee=heads.listener, year=2026)
    assert [row.course for row in data.courses] == [course]
    assert data.courses[0].certificate.number == "SRT-2026-00001"
    assert data.missing_areas == []
    [row] = [r for r in record.unit_rows(employees=[heads.listener], year=2026)]
    assert row.missing == [] and row.hours == Decimal("4") and row.events == 1


def test_the_unit_page_lists_the_tree_of_the_head(client, heads, attended, audit_events):
    url = reverse("training:unit_record")
    assert_access_matrix(
        client,
        heads,
        url,
        {
            "anonymous": 302,
            "listener": 404,
            "trainer": 404,
            "colleague": 200,
            "head_listener": 200,
            "admin": 200,
        },
    )
    login_as(client, heads.head_listener)
    response = client.get(url)
    assert response.context["unit"] == heads.baku
    rows = {row.employee: row for row in response.context["rows"]}
    assert heads.listener in rows and heads.outsider in rows and heads.trainer not in rows
    assert rows[heads.listener].hours == Decimal("4")
    assert [area.code for area in rows[heads.listener].missing] == ["anti-corruption"]
    assert audit_events("training.record.unit_read")
    login_as(client, heads.outsider)
    response = client.get(url)
    assert {row.employee for row in response.context["rows"]} == {heads.outsider}
    assert client.get(url, {"unit": heads.xetai.code}).status_code == 404  # not their tree
    login_as(client, heads.admin)
    assert client.get(url, {"unit": heads.xetai.code}).context["unit"] == heads.xetai


def test_the_unit_page_has_a_query_ceiling(client, heads, attended, django_assert_max_num_queries):
    login_as(client, heads.head_listener)
    client.get("/")
    # 16 on SQLite; PostgreSQL's audit insert takes one more statement (the hash chain's advisory lock).
    with django_assert_max_num_queries(17):
        response = client.get(reverse("training:unit_record"))
    assert response.status_code == 200


def test_the_menu_shows_the_unit_record_to_heads_only(client, heads):
    url = reverse("training:unit_record")
    login_as(client, heads.colleague)
    assert f'href="{url}"' in client.get(reverse("training:my")).content.decode()
    assert f'href="{url}"' in client.get("/").content.decode()  # the menu
    login_as(client, heads.listener)
    assert f'href="{url}"' not in client.get(reverse("training:my")).content.decode()
    assert f'href="{url}"' not in client.get("/").content.decode()
    heads.xetai.head = None  # saving the unit empties the menu's cached set of heads
    heads.xetai.save(update_fields=["head"])
    login_as(client, heads.colleague)
    assert f'href="{url}"' not in client.get("/").content.decode()
