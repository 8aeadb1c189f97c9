"""Tracked deadlines: the index that feeds "My work", alerts and the unit heads' overdue list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from eprok.core.calendar import access as calendar_access
from eprok.core.calendar import tracking
from eprok.core.calendar.deadlines import compute_deadline
from eprok.core.models import AlertLevel, DeadlineRule, DeadlineState, TrackedDeadline
from eprok.core.mywork import work_items
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.notifications.models import Notification
from eprok.org.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def _deadline(start: dt.datetime, code: str = "cpc.207.check"):
    return compute_deadline(DeadlineRule.objects.get(code=code), start)


def _track(personas, owner, *, start, key="check", responsible=None, unit=None, code="cpc.207.check"):
    return tracking.deadline_track(
        owner=owner,
        key=key,
        deadline=_deadline(start, code),
        unit=unit or personas.unit,
        responsible=responsible or personas.investigator,
        title=f"Record {owner.pk}",
        label="Preliminary check",
        url=f"/records/{owner.pk}/",
    )


def _ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def _soon(personas, owner):
    """A 48-hour detention clock started 47 hours ago: runs out in an hour, whatever the calendar."""
    return _track(personas, owner, start=timezone.now() - dt.timedelta(hours=47), code="cpc.148.detention")


def _far(personas, owner):
    return _track(personas, owner, start=timezone.now() + dt.timedelta(days=30))


def test_tracking_twice_updates_the_one_row_and_rearms_alerts(personas):
    row = _track(personas, personas.colleague, start=_ago(10))
    TrackedDeadline.objects.filter(pk=row.pk).update(alerted=AlertLevel.OVERDUE)
    again = _track(personas, personas.colleague, start=_ago(1))
    assert again.pk == row.pk
    assert again.alerted == AlertLevel.NONE
    assert again.ends_at > row.ends_at
    assert TrackedDeadline.objects.count() == 1


def test_closing_stops_the_term(personas):
    _track(personas, personas.colleague, start=_ago(1))
    _track(personas, personas.colleague, start=_ago(1), key="other")
    assert tracking.deadline_close(owner=personas.colleague, key="check") == 1
    assert TrackedDeadline.objects.filter(state=DeadlineState.OPEN).count() == 1
    assert tracking.deadline_close(owner=personas.colleague) == 1
    assert not TrackedDeadline.objects.filter(state=DeadlineState.OPEN).exists()


def test_my_work_lists_the_responsible_employees_running_terms(personas):
    _track(personas, personas.colleague, start=_ago(1))
    closed = _track(personas, personas.outsider, start=_ago(1))
    tracking.deadline_close(owner=personas.outsider)
    items = [item for item in work_items(personas.investigator) if item.url.startswith("/records/")]
    assert [item.url for item in items] == [f"/records/{personas.colleague.pk}/"]
    assert items[0].kind == "Preliminary check"
    assert items[0].due == tracking.due_day(TrackedDeadline.objects.exclude(pk=closed.pk).get())
    assert not [item for item in work_items(personas.colleague) if item.url.startswith("/records/")]


def test_alerts_are_sent_once_per_level(personas):
    _track(personas, personas.colleague, start=_ago(10))  # overdue
    _soon(personas, personas.outsider)
    _far(personas, personas.superior)
    sent = tracking.deadline_alerts()
    assert sent == {"approaching": 1, "overdue": 1}
    notes = Notification.objects.filter(recipient=personas.investigator)
    assert sorted(notes.values_list("url", flat=True)) == sorted(
        [f"/records/{personas.colleague.pk}/", f"/records/{personas.outsider.pk}/"]
    )
    assert all("Preliminary check" in note.title for note in notes)
    assert tracking.deadline_alerts() == {"approaching": 0, "overdue": 0}


def test_the_alert_command_reports_what_it_sent(personas, capsys):
    _track(personas, personas.colleague, start=_ago(10))
    call_command("deadline_alerts")
    assert "overdue: 1" in capsys.readouterr().out


def test_the_unit_list_shows_overdue_terms_in_the_users_units_only(personas, monkeypatch):
    # The records here are employees: their terms are read by supervisors, as the registers declare theirs.
    monkeypatch.setitem(calendar_access._UNIT_LIST_ROLES, "org.employee", frozenset({"supervise"}))
    RoleAssignmentFactory(
        employee=personas.superior, role="supervise", unit=personas.city, include_subunits=True
    )
    RoleAssignmentFactory(employee=personas.outsider, role="supervise", unit=personas.other_unit)
    _track(personas, personas.colleague, start=_ago(10))
    _soon(personas, personas.admin)
    _far(personas, personas.superior)
    assert [r.owner_id for r in tracking.unit_deadlines(user=personas.superior)] == [personas.colleague.pk]
    assert len(tracking.unit_deadlines(user=personas.superior, overdue_only=False)) == 2
    assert not tracking.unit_deadlines(user=personas.outsider).exists()
    assert not tracking.unit_deadlines(user=personas.investigator).exists()


def test_the_unit_list_page_is_for_unit_heads_and_supervisors(client, personas):
    RoleAssignmentFactory(
        employee=personas.superior, role="supervise", unit=personas.city, include_subunits=True
    )
    _track(personas, personas.colleague, start=_ago(10))
    assert_access_matrix(
        client,
        personas,
        "/deadlines/",
        {"anonymous": 302, "colleague": 404, "investigator": 404, "superior": 200},
    )


def test_the_unit_list_page_names_the_overdue_record(
    client, personas, signed_in, django_assert_max_num_queries, monkeypatch
):
    monkeypatch.setitem(calendar_access._UNIT_LIST_ROLES, "org.employee", frozenset({"supervise"}))
    RoleAssignmentFactory(
        employee=personas.superior, role="supervise", unit=personas.city, include_subunits=True
    )
    for owner in (personas.colleague, personas.outsider, personas.admin):
        _track(personas, owner, start=_ago(10))
    signed_in(personas.superior)
    with django_assert_max_num_queries(12):
        response = client.get("/deadlines/")
    assert response.status_code == 200
    assert f"/records/{personas.colleague.pk}/" in response.content.decode()


def test_recompute_runs_every_registered_recomputer(personas, capsys):
    calls: list[int] = []

    def recompute() -> int:
        calls.append(1)
        return 3

    tracking.register_recomputer("test.thing", recompute)
    try:
        call_command("recompute_deadlines")
    finally:
        tracking._RECOMPUTERS.pop("test.thing", None)
    assert calls == [1]
    assert "test.thing: 3 records" in capsys.readouterr().out


def test_a_label_is_shown_in_each_readers_language(personas):
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("az"):
        tracking.deadline_track(
            owner=personas.colleague,
            key="check",
            deadline=_deadline(_ago(1)),
            unit=personas.unit,
            responsible=personas.investigator,
            title="X",
            label=gettext_lazy("Overdue terms"),
            url="/records/x/",
        )
    assert TrackedDeadline.objects.get().label == "Overdue terms"
    for language, expected in (("az", "Vaxtı keçmiş müddətlər"), ("en", "Overdue terms")):
        with translation.override(language):
            kinds = [i.kind for i in tracking.my_work_items(personas.investigator)]
        assert kinds == [expected]


def test_the_unit_list_shows_each_record_type_to_the_roles_its_register_names(personas, monkeypatch):
    monkeypatch.setitem(calendar_access._UNIT_LIST_ROLES, "org.employee", frozenset({"answer_appeals"}))
    RoleAssignmentFactory(employee=personas.superior, role="supervise", unit=personas.unit)
    RoleAssignmentFactory(employee=personas.outsider, role="answer_appeals", unit=personas.unit)
    _track(personas, personas.colleague, start=_ago(10))
    assert not tracking.unit_deadlines(user=personas.superior).exists()
    assert [r.owner_id for r in tracking.unit_deadlines(user=personas.outsider)] == [personas.colleague.pk]
    assert calendar_access.can_see_unit_deadlines(personas.outsider)


def test_every_register_names_who_reads_its_unit_list():
    assert {"materials.material", "cases.case", "appeals.appeal", "contact.recordingcopyrequest"} <= set(
        calendar_access._UNIT_LIST_ROLES
    )
