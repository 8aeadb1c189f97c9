"""Calendar pages, the override services and who may use them."""

from __future__ import annotations

import datetime as dt

import pytest

from eprok.core.calendar import services, workdays
from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.models import CalendarDay, CalendarDayKind
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.org.roles import Role
from eprok.org.tests.factories import RoleAssignmentFactory

D = dt.date
pytestmark = pytest.mark.django_db

EVERYONE_SIGNED_IN = {
    "anonymous": 302,
    "outsider": 200,
    "colleague": 200,
    "investigator": 200,
    "superior": 200,
}


@pytest.fixture(autouse=True)
def fresh_calendar():
    workdays.invalidate()
    yield
    workdays.invalidate()


BRIDGE_DAY = D(2026, 3, 31)


def make_override(personas, day=BRIDGE_DAY, kind=CalendarDayKind.NON_WORKING):
    return services.calendar_day_create(
        actor=personas.admin, date=day, kind=kind, name_az="Körpü günü", legal_source="NK-nin qərarı № 1"
    )


# --- services -----------------------------------------------------------------------------------------


def test_creating_an_override_changes_the_calendar_at_once_and_is_audited(personas, audit_events):
    assert workdays.is_working_day(D(2026, 3, 31))
    day = make_override(personas)
    assert not workdays.is_working_day(D(2026, 3, 31))
    assert day.created_by == personas.admin
    (event,) = audit_events("core.calendar_day.created")
    assert event.actor_id == personas.admin.pk
    assert '"date":"2026-03-31"' in event.changes and '"kind":"non_working"' in event.changes


def test_removing_an_override_restores_the_package_calendar_and_is_audited(personas, audit_events):
    day = make_override(personas, D(2026, 3, 28), CalendarDayKind.WORKING)
    assert workdays.is_working_day(D(2026, 3, 28))
    services.calendar_day_delete(actor=personas.admin, day=day)
    assert not workdays.is_working_day(D(2026, 3, 28))
    assert not CalendarDay.objects.exists()
    (event,) = audit_events("core.calendar_day.deleted")
    assert '"before"' in event.changes


def test_it_refuses_a_second_override_for_the_same_date(personas, audit_events):
    make_override(personas)
    with pytest.raises(Conflict):
        make_override(personas)
    assert len(audit_events("core.calendar_day.created")) == 1


def test_it_refuses_an_override_without_a_legal_source_or_name(personas, audit_events):
    with pytest.raises(ValidationFailed) as caught:
        services.calendar_day_create(
            actor=personas.admin, date=D(2026, 4, 1), kind="holiday", name_az=" ", legal_source=""
        )
    assert set(caught.value.details) == {"kind", "name_az", "legal_source"}
    assert not CalendarDay.objects.exists() and not audit_events()


# --- pages ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/calendar/?year=2025", "/calendar/rules/", "/calendar/calculator/"])
def test_every_signed_in_employee_reads_the_calendar_pages(client, personas, url):
    assert_access_matrix(client, personas, url, {**EVERYONE_SIGNED_IN, "admin": 200})


def test_only_a_calendar_manager_may_add_an_override(client, personas, audit_events):
    data = {"date": "2026-04-01", "kind": "non_working", "name_az": "Körpü günü", "legal_source": "NK qərarı"}
    assert_access_matrix(
        client,
        personas,
        "/calendar/days/new/",
        {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 404, "superior": 404},
        method="post",
        data=data,
    )
    assert not CalendarDay.objects.exists()
    assert len(audit_events("access.denied")) == 4  # anonymous is sent to sign in first
    assert_access_matrix(client, personas, "/calendar/days/new/", {"admin": 302}, method="post", data=data)
    assert CalendarDay.objects.get().date == D(2026, 4, 1)


def test_an_administrator_of_a_lower_unit_is_not_a_calendar_manager(client, personas, signed_in):
    RoleAssignmentFactory(employee=personas.superior, role=Role.ADMINISTER_USERS, unit=personas.city)
    response = signed_in(personas.superior).post(
        "/calendar/days/new/",
        {"date": "2026-04-01", "kind": "working", "name_az": "x", "legal_source": "y"},
    )
    assert response.status_code == 404
    assert (
        "Add a correction"
        not in signed_in(personas.superior).get("/calendar/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


def test_only_a_calendar_manager_may_remove_an_override(client, personas):
    day = make_override(personas)
    url = f"/calendar/days/{day.pk}/delete/"
    assert_access_matrix(
        client,
        personas,
        url,
        {"anonymous": 302, "outsider": 404, "colleague": 404, "investigator": 404, "superior": 404},
        method="post",
    )
    assert CalendarDay.objects.exists()
    assert_access_matrix(client, personas, url, {"admin": 302}, method="post")
    assert not CalendarDay.objects.exists()
    assert_access_matrix(client, personas, url, {"admin": 404}, method="post")


def test_the_add_form_shows_the_services_refusal(personas, signed_in):
    make_override(personas)
    response = signed_in(personas.admin).post(
        "/calendar/days/new/",
        {"date": "2026-03-31", "kind": "working", "name_az": "x", "legal_source": "y"},
    )
    assert response.status_code == 422
    assert CalendarDay.objects.count() == 1


def test_the_year_page_lists_holidays_with_reasons_and_overrides(
    personas, signed_in, django_assert_max_num_queries
):
    day = make_override(personas, D(2026, 3, 31))
    make_override(personas, D(2026, 4, 1))
    client = signed_in(personas.admin)
    client.get("/calendar/?year=2026")  # warm the session and the calendar cache
    with django_assert_max_num_queries(8):
        response = client.get("/calendar/?year=2026", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    body = response.content.decode()
    assert "NK-nin qərarı № 1" in body and "2026-03-30" in body
    assert f'action="/calendar/days/{day.pk}/delete/"' in body


def test_the_rule_list_shows_every_rule_with_its_source(personas, signed_in, django_assert_max_num_queries):
    client = signed_in(personas.investigator)
    client.get("/calendar/rules/")
    with django_assert_max_num_queries(6):
        response = client.get("/calendar/rules/")
    body = response.content.decode()
    assert "cpc.207.check" in body and "CPC art. 207.1.2" in body and "appeals.7.10.forward" in body


def test_the_calculator_shows_the_due_date_and_its_explanation(personas, signed_in):
    client = signed_in(personas.investigator)
    response = client.get(
        "/calendar/calculator/",
        {
            "rule": "appeals.10.answer",
            "start_date": "2024-03-12",
            "extension_step": "10.2",
            "extension_length": "10",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="deadline-due"' in body and "<li>" in body
    assert "<html" not in body  # the fragment only


def test_the_calculator_explains_a_refused_extension(personas, signed_in):
    response = signed_in(personas.investigator).get(
        "/calendar/calculator/",
        {
            "rule": "cpc.158.arrest.cat1",
            "start_date": "2025-01-10",
            "extension_step": "159.1",
            "extension_length": "5",
        },
    )
    assert response.status_code == 200
    assert "usa-alert--error" in response.content.decode()
