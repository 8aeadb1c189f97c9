"""Who sees calls and hotline reports, "why can they see it?", and what appears on "My work"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.contact import access, services
from eprok.contact.models import Call
from eprok.contact.tests.factories import hotline_report, open_call, registered_call
from eprok.core.access import explain
from eprok.core.mywork import work_items
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def sees_call(user, call) -> bool:
    return access.calls_visible_to(user).filter(pk=call.pk).exists()


def sees_report(user, report) -> bool:
    return access.hotline_visible_to(user).filter(pk=report.pk).exists()


def test_a_call_is_seen_by_the_operators_and_supervisors_of_its_unit(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    seen = {name: sees_call(getattr(people, name), call) for name in ("investigator", "peer", "superior")}
    hidden = {
        name: sees_call(getattr(people, name), call)
        for name in ("outsider", "colleague", "custodian", "admin")
    }
    assert all(seen.values()) and not any(hidden.values())


def test_a_hotline_report_is_seen_by_the_hotline_and_its_assignee(people):
    report = hotline_report(actor=people.peer, unit=people.unit)
    assert all(
        sees_report(getattr(people, n), report) for n in ("investigator", "peer", "superior", "custodian")
    )
    assert not any(sees_report(getattr(people, n), report) for n in ("outsider", "colleague", "admin"))
    investigator = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=investigator, role=Role.INVESTIGATE, unit=people.unit)
    assert not sees_report(investigator, report)
    report = services.hotline_report_assign(actor=people.peer, report=report, assignee=investigator)
    assert sees_report(investigator, report) and access.can_triage(investigator, report)
    assert not access.can_assign_hotline(investigator, report)


def test_who_may_act_on_a_call(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    assert access.can_register_call(people.investigator, call) and access.can_register_call(
        people.superior, call
    )
    assert not access.can_register_call(people.peer, call) and not access.can_take(people.peer, call)
    assert not access.can_hear_recording(people.investigator, call)  # nothing recorded yet
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example.az/r.wav")
    call.refresh_from_db()
    assert access.can_hear_recording(people.peer, call) and not access.can_hear_recording(
        people.custodian, call
    )


def _explain(user, target_type, key):
    result = explain(user, target_type, key)
    assert result is not None
    return result


def test_the_explainers_say_why(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    subject, answer = _explain(people.superior, "contact.call", str(call.public_id))
    assert subject == call and answer.visible and answer.actions["register"] and answer.reasons
    _subject, hidden = _explain(people.outsider, "contact.call", str(call.public_id))
    assert not hidden.visible and hidden.reasons
    assert explain(people.superior, "contact.call", "not-a-uuid") is None
    report = hotline_report(actor=people.peer, unit=people.unit, identity={"name": "X Y"})
    _subject, custodian = _explain(people.custodian, "contact.hotlinereport", report.number)
    assert custodian.visible and custodian.actions["reveal_identity"] and not custodian.actions["triage"]
    _subject, operator = _explain(people.peer, "contact.hotlinereport", report.number)
    assert operator.visible and not operator.actions["reveal_identity"]


def test_open_callbacks_and_copy_requests_are_on_my_work(people):
    call = registered_call(actor=people.investigator, unit=people.unit)
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example.az/r.wav")
    call.refresh_from_db()
    due = timezone.now() + dt.timedelta(hours=5)
    callback = services.callback_schedule(actor=people.investigator, call=call, due_at=due)
    copy = services.recording_copy_request(actor=people.investigator, call=call, requester="Məmmədov Elçin")
    urls = {item.url: item for item in work_items(people.investigator)}
    assert callback.get_absolute_url() in urls and copy.get_absolute_url() in urls
    assert urls[copy.get_absolute_url()].due == copy.due
    assert not {callback.get_absolute_url(), copy.get_absolute_url()} & {
        item.url for item in work_items(people.peer)
    }
    services.recording_copy_refuse(actor=people.investigator, request=copy, reason="Sorğu geri götürülüb.")
    assert copy.get_absolute_url() not in {item.url for item in work_items(people.investigator)}


def test_the_recomputer_re_tracks_open_copy_requests(people):
    from eprok.contact.work import recompute_copy_requests

    call = registered_call(actor=people.investigator, unit=people.unit)
    Call.objects.filter(pk=call.pk).update(recording_url="https://pbx.example.az/r.wav")
    call.refresh_from_db()
    services.recording_copy_request(actor=people.investigator, call=call, requester="X")
    assert recompute_copy_requests() == 1


def test_a_former_operator_no_longer_sees_the_calls(people):
    call = open_call(actor=people.investigator, unit=people.unit)
    from eprok.org.grants import forget_grants

    people.peer.role_assignments.update(ended_at="2026-01-01T00:00:00Z")
    forget_grants(people.peer)
    assert not sees_call(people.peer, call)
