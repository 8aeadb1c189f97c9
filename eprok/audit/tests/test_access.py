"""Who sees which events: holders of READ_AUDIT for their units; system events from the root only."""

from __future__ import annotations

import pytest

from eprok.audit import access
from eprok.audit.services import audit_record
from eprok.core.errors import NotFound
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(auditors):
    p = auditors
    return {
        "unit": audit_record(actor=p.colleague, action="test.unit.done"),
        "other": audit_record(actor=p.outsider, action="test.other.done"),
        "city": audit_record(actor=p.superior, action="test.city.done"),
        "root": audit_record(actor=p.admin, action="test.root.done"),
        "system": audit_record(actor=None, action="test.system.done"),
    }


def _seen(user, events) -> set[str]:
    ids = set(
        access.visible_to(user).filter(pk__in=[e.pk for e in events.values()]).values_list("pk", flat=True)
    )
    return {name for name, event in events.items() if event.pk in ids}


def test_a_holder_sees_the_events_of_their_own_unit_only(auditors, events):
    assert _seen(auditors.investigator, events) == {"unit"}
    assert _seen(auditors.outsider, events) == {"other"}


def test_a_holder_with_sub_units_sees_the_whole_subtree_but_not_system_events(auditors, events):
    assert _seen(auditors.superior, events) == {"unit", "other", "city"}


def test_a_holder_over_the_whole_service_sees_everything_including_system_events(auditors, events):
    assert _seen(auditors.admin, events) == {"unit", "other", "city", "root", "system"}


def test_a_holder_over_the_root_unit_alone_sees_its_events_and_system_events(auditors, events):
    root_auditor = EmployeeFactory(unit=auditors.root)
    RoleAssignmentFactory(employee=root_auditor, role=Role.READ_AUDIT, unit=auditors.root)
    assert _seen(root_auditor, events) == {"root", "system"}


def test_an_employee_without_the_role_sees_nothing(auditors, events):
    assert _seen(auditors.colleague, events) == set()
    assert not access.can_read_audit(auditors.colleague)


def test_fetching_an_invisible_event_is_refused_as_not_found_and_audited(auditors, events, audit_events):
    with pytest.raises(NotFound):
        access.get_event_for(auditors.outsider, events["unit"].pk)
    [denied] = audit_events("access.denied")
    assert denied.actor_id == auditors.outsider.pk
    assert (denied.target_type, denied.target_id) == ("audit.auditevent", str(events["unit"].pk))


def test_fetching_an_event_id_beyond_the_database_range_is_not_found(auditors):
    with pytest.raises(NotFound):
        access.get_event_for(auditors.admin, 2**70)
