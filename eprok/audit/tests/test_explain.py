"""Administrators can ask why an employee can or cannot read an audit event."""

from __future__ import annotations

from eprok.audit.services import audit_record
from eprok.core.access import explain
from eprok.org.tests.factories import RoleAssignmentFactory


def test_it_names_the_grant_that_opens_an_event(personas):
    RoleAssignmentFactory(
        employee=personas.superior, role="read_audit", unit=personas.city, include_subunits=True
    )
    event = audit_record(
        actor=personas.investigator, action="org.employee.updated", target=personas.colleague
    )

    found = explain(personas.superior, "audit.auditevent", str(event.pk))
    assert found is not None
    _obj, explanation = found

    assert explanation.visible is True
    assert any("Bakı şəhər prokurorluğu" in reason for reason in explanation.reasons)


def test_it_says_why_an_employee_without_the_role_sees_nothing(personas):
    event = audit_record(
        actor=personas.investigator, action="org.employee.updated", target=personas.colleague
    )

    found = explain(personas.outsider, "audit.auditevent", str(event.pk))
    assert found is not None
    _obj, explanation = found

    assert explanation.visible is False
    assert explanation.actions == {"read": False}
    assert len(explanation.reasons) == 1


def test_an_event_outside_the_readers_units_is_explained_as_hidden(personas):
    RoleAssignmentFactory(employee=personas.outsider, role="read_audit", unit=personas.other_unit)
    event = audit_record(
        actor=personas.investigator, action="org.employee.updated", target=personas.colleague
    )

    found = explain(personas.outsider, "audit.auditevent", str(event.pk))
    assert found is not None
    _obj, explanation = found

    assert explanation.visible is False
    assert "Xətai" in explanation.reasons[0]


def test_an_unknown_event_number_has_no_explanation(personas):
    assert explain(personas.admin, "audit.auditevent", "999999") is None
    assert explain(personas.admin, "audit.auditevent", "abc") is None
