"""Writes to the organisation: each service does its job, refuses what it must, and is audited."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.utils import timezone
from django.utils.translation import override

from eprok.core.context import WorkContext, work_context
from eprok.core.errors import Conflict, ValidationFailed
from eprok.org import services
from eprok.org.grants import forget_grants, has_role
from eprok.org.models import Employee, RoleAssignment, Unit, UnitKind
from eprok.org.roles import Clearance, Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def _changes(event):
    return json.loads(event.changes) if isinstance(event.changes, str) else event.changes


def test_it_creates_a_unit_in_the_tree_and_audits_it(personas, audit_events):
    unit = services.unit_create(
        actor=personas.admin,
        code="baku-yasamal",
        kind=UnitKind.DISTRICT_OFFICE,
        name_az="Yasamal rayon prokurorluğu",
        parent=personas.city,
    )
    assert unit.path == f"{personas.city.path}{unit.pk}/"
    assert unit.depth == personas.city.depth + 1
    [event] = audit_events("org.unit.created")
    assert event.actor_id == personas.admin.pk
    assert _changes(event)["after"]["parent"] == "baku"


def test_it_refuses_a_duplicate_unit_code(personas, audit_events):
    with pytest.raises(Conflict):
        services.unit_create(
            actor=None, code="baku-xetai", kind=UnitKind.DISTRICT_OFFICE, name_az="X", parent=personas.city
        )
    assert audit_events("org.unit.created") == []


def test_it_renames_a_unit_with_a_before_after_diff(personas, audit_events):
    services.unit_update(actor=personas.admin, unit=personas.unit, name_az="Xətai rayon prokurorluğu (yeni)")
    [event] = audit_events("org.unit.updated")
    assert _changes(event) == {
        "before": {"name_az": "Xətai rayon prokurorluğu"},
        "after": {"name_az": "Xətai rayon prokurorluğu (yeni)"},
    }


def test_moving_a_unit_recomputes_the_paths_of_its_whole_subtree(personas, audit_events):
    child = services.unit_create(
        actor=None, code="xetai-sobe", kind=UnitKind.DIVISION, name_az="Şöbə", parent=personas.unit
    )
    grandchild = services.unit_create(
        actor=None, code="xetai-sektor", kind=UnitKind.DIVISION, name_az="Sektor", parent=child
    )
    services.unit_update(actor=personas.admin, unit=personas.unit, parent=personas.root)
    unit, child, grandchild = (Unit.objects.get(pk=u.pk) for u in (personas.unit, child, grandchild))
    assert unit.path == f"{personas.root.path}{unit.pk}/" and unit.depth == 1
    assert child.path == f"{unit.path}{child.pk}/" and child.depth == 2
    assert grandchild.path == f"{child.path}{grandchild.pk}/" and grandchild.depth == 3
    [event] = audit_events("org.unit.moved")
    assert _changes(event) == {"before": {"parent": "baku"}, "after": {"parent": "gpo"}}
    assert json.loads(event.data)["subtree_size"] == 3


def test_it_refuses_to_move_a_unit_under_its_own_descendant(personas, audit_events):
    with pytest.raises(ValidationFailed) as caught:
        services.unit_update(actor=personas.admin, unit=personas.city, parent=personas.unit)
    assert caught.value.code == "move_under_descendant"
    assert Unit.objects.get(pk=personas.city.pk).parent_id == personas.root.pk
    with pytest.raises(ValidationFailed):
        services.unit_update(actor=personas.admin, unit=personas.city, parent=personas.city)
    assert audit_events("org.unit.moved") == []


def test_it_deactivates_an_empty_unit_and_refuses_one_with_people(personas, audit_events):
    with pytest.raises(Conflict):
        services.unit_deactivate(actor=personas.admin, unit=personas.unit)
    empty = services.unit_create(
        actor=None, code="empty", kind=UnitKind.DIVISION, name_az="Boş", parent=personas.city
    )
    services.unit_deactivate(actor=personas.admin, unit=empty)
    assert not Unit.objects.get(pk=empty.pk).is_active
    [event] = audit_events("org.unit.deactivated")
    assert _changes(event)["after"] == {"is_active": False}


def test_it_creates_an_employee_with_an_upper_cased_fin(personas, audit_events):
    employee = services.employee_create(
        actor=personas.admin,
        username="new",
        last_name="Məmmədov",
        first_name="Əli",
        fin="5abc12d",
        unit=personas.unit,
    )
    assert employee.fin == "5ABC12D"
    assert not employee.has_usable_password()
    [event] = audit_events("org.employee.created")
    assert _changes(event)["after"]["fin"] == "5ABC12D"
    assert event.target_id == str(employee.public_id)


@pytest.mark.parametrize("fin", ["12345", "12345678", "ABCDEFI", "ABCDEFO", "ABC-123", "ƏBC1234"])
def test_it_refuses_a_malformed_fin_with_a_translated_message(personas, fin):
    with pytest.raises(ValidationFailed) as caught:
        services.employee_create(
            actor=None, username="x", last_name="A", first_name="B", fin=fin, unit=personas.unit
        )
    assert caught.value.code == "invalid_fin"
    with override("az"):
        assert "I və O" in str(caught.value.message)
    with override("ru"):
        assert "I и O" in str(caught.value.message)


def test_it_refuses_a_duplicate_fin(personas):
    services.employee_create(
        actor=None, username="a1", last_name="A", first_name="B", fin="1234567", unit=personas.unit
    )
    with pytest.raises(Conflict):
        services.employee_create(
            actor=None, username="a2", last_name="A", first_name="B", fin="1234567", unit=personas.unit
        )


def test_it_updates_an_employee_with_a_diff_of_what_changed(personas, audit_events):
    services.employee_update(
        actor=personas.admin,
        employee=personas.colleague,
        last_name="Həsənli",
        unit=personas.other_unit,
        fin="7zz7zz7",
    )
    colleague = Employee.objects.get(pk=personas.colleague.pk)
    assert colleague.unit == personas.other_unit and colleague.fin == "7ZZ7ZZ7"
    assert colleague.name_key.startswith("həsənli")
    [event] = audit_events("org.employee.updated")
    changes = _changes(event)
    assert changes["before"]["last_name"] == "Həsənova" and changes["after"]["last_name"] == "Həsənli"
    assert changes["after"]["unit"] == "baku-nesimi"
    assert "first_name" not in changes["after"]


def test_an_update_refuses_a_bad_fin_and_changes_nothing(personas, audit_events):
    with pytest.raises(ValidationFailed):
        services.employee_update(actor=personas.admin, employee=personas.colleague, fin="I000000")
    assert audit_events("org.employee.updated") == []


def test_a_clearance_change_is_its_own_audited_action(personas, audit_events):
    services.employee_set_clearance(actor=None, employee=personas.colleague, clearance=Clearance.SECRET)
    assert Employee.objects.get(pk=personas.colleague.pk).clearance == Clearance.SECRET
    [event] = audit_events("org.employee.clearance_changed")
    assert _changes(event) == {"before": {"clearance": 1}, "after": {"clearance": 2}}


def test_nobody_grants_a_clearance_above_their_own(personas, audit_events):
    with pytest.raises(ValidationFailed):
        services.employee_set_clearance(
            actor=personas.admin, employee=personas.colleague, clearance=Clearance.TOP_SECRET
        )
    assert audit_events("org.employee.clearance_changed") == []


def test_deactivating_an_employee_ends_their_roles(personas, audit_events):
    services.employee_deactivate(actor=personas.admin, employee=personas.investigator)
    investigator = Employee.objects.get(pk=personas.investigator.pk)
    assert not investigator.is_active
    assert not RoleAssignment.objects.filter(employee=investigator, ended_at__isnull=True).exists()
    [event] = audit_events("org.employee.deactivated")
    assert len(json.loads(event.data)["ended_assignments"]) == 1


def test_nobody_deactivates_their_own_account(personas):
    with pytest.raises(Conflict):
        services.employee_deactivate(actor=personas.admin, employee=personas.admin)


def test_it_grants_a_role_and_refuses_an_identical_active_one(personas, audit_events):
    assignment = services.role_assignment_grant(
        actor=personas.admin, employee=personas.colleague, role=Role.SUPERVISE, unit=personas.unit
    )
    assert assignment.granted_by == personas.admin
    forget_grants(personas.colleague)
    assert has_role(personas.colleague, Role.SUPERVISE, personas.unit)
    [event] = audit_events("org.role_assignment.granted")
    assert _changes(event)["after"]["role"] == "supervise"
    assert event.related_id == str(personas.colleague.public_id)
    with pytest.raises(Conflict):
        services.role_assignment_grant(
            actor=personas.admin, employee=personas.colleague, role=Role.SUPERVISE, unit=personas.unit
        )


def test_it_refuses_a_role_period_that_ends_before_it_starts(personas):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as caught:
        services.role_assignment_grant(
            actor=None,
            employee=personas.colleague,
            role=Role.SUPERVISE,
            unit=personas.unit,
            valid_from=today,
            valid_to=today - dt.timedelta(days=1),
        )
    assert caught.value.code == "period_reversed"


def test_ending_a_role_takes_effect_at_once(personas, audit_events):
    assignment = RoleAssignment.objects.get(employee=personas.investigator)
    services.role_assignment_end(actor=personas.admin, assignment=assignment)
    assignment.refresh_from_db()
    assert assignment.valid_to == timezone.localdate() and assignment.ended_at is not None
    investigator = Employee.objects.get(pk=personas.investigator.pk)
    assert not has_role(investigator, "investigate")
    [event] = audit_events("org.role_assignment.ended")
    assert _changes(event)["after"]["ended"] is True
    with pytest.raises(Conflict):
        services.role_assignment_end(actor=personas.admin, assignment=assignment)


def test_ending_a_role_at_a_future_date_keeps_it_until_then(personas, audit_events):
    assignment: Any = RoleAssignmentFactory(employee=personas.colleague, role="supervise", unit=personas.unit)
    later = timezone.localdate() + dt.timedelta(days=10)
    services.role_assignment_end(actor=None, assignment=assignment, valid_to=later)
    colleague = Employee.objects.get(pk=personas.colleague.pk)
    assert has_role(colleague, "supervise", personas.unit)
    assert RoleAssignment.objects.get(pk=assignment.pk).valid_to == later
    assert len(audit_events("org.role_assignment.ended")) == 1


def test_work_done_from_the_cli_is_audited_as_such(personas, audit_events):
    with work_context(WorkContext(source="cli")):
        services.employee_set_clearance(actor=None, employee=personas.colleague, clearance=Clearance.PUBLIC)
    [event] = audit_events("org.employee.clearance_changed")
    assert event.source == "cli" and event.actor_id is None


def test_the_search_key_folds_letter_case_the_azerbaijani_way():
    employee: Any = EmployeeFactory(last_name="İSMAYILOVA", first_name="Aynur", patronymic="")
    assert employee.name_key == "ismayilova aynur"
