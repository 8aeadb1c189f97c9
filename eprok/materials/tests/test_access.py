"""Who sees and acts on a report, "why can they see it?", and the report in "My work"."""

from __future__ import annotations

import pytest

from eprok.core.access import explain
from eprok.core.mywork import work_items
from eprok.materials import access, services, terms
from eprok.materials.tests.factories import make_material
from eprok.org.grants import forget_grants
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def visible(user, material) -> bool:
    return access.visible_to(user).filter(pk=material.pk).exists()


def test_the_assignee_the_registrar_and_the_supervisor_see_a_report(people, material):
    assert [visible(getattr(people, name), material) for name in ("investigator", "clerk", "superior")] == [
        True,
        True,
        True,
    ]


def test_a_colleague_an_outsider_and_an_administrator_do_not(people, material):
    assert not any(visible(getattr(people, name), material) for name in ("colleague", "outsider", "admin"))


def test_reassignment_moves_the_report_away_from_the_former_assignee(people, material):
    services.material_assign(actor=people.clerk, material=material, assignee=people.colleague)
    assert visible(people.colleague, material) and not visible(people.investigator, material)


def test_a_registrar_with_sub_units_sees_the_reports_below(people, material):
    head = EmployeeFactory(unit=people.city)
    RoleAssignmentFactory(
        employee=head, role=Role.REGISTER_MATERIALS, unit=people.city, include_subunits=True
    )
    narrow = EmployeeFactory(unit=people.city)
    RoleAssignmentFactory(employee=narrow, role=Role.REGISTER_MATERIALS, unit=people.city)
    assert visible(head, material) and not visible(narrow, material)


def test_who_may_do_what(people, material):
    rule = terms.check_rule()
    assert access.can_work(people.investigator, material)
    assert not access.can_work(people.superior, material)
    assert access.can_assign(people.clerk, material) and access.can_assign(people.superior, material)
    assert not access.can_assign(people.investigator, material)
    assert access.can_extend(people.superior, material, rule)
    assert not access.can_extend(people.investigator, material, rule)
    assert access.can_open_case(people.investigator, material) and access.can_open_case(
        people.superior, material
    )
    assert not access.can_open_case(people.clerk, material)


def test_an_assignee_who_lost_the_role_can_no_longer_work(people, material):
    people.investigator.role_assignments.update(ended_at="2026-01-01T00:00:00Z")
    forget_grants(people.investigator)
    assert visible(people.investigator, material)  # still assigned: sees it, but cannot act
    assert not access.can_work(people.investigator, material)


def why(user, key):
    answer = explain(user, "materials.material", key)
    assert answer is not None
    return answer


def test_the_explainer_says_why(people, material):
    subject, answer = why(people.superior, material.number)
    assert subject == material and answer.visible and answer.actions["extend"] and not answer.actions["work"]
    assert any("Supervise" in reason or "İstintaqa" in reason for reason in answer.reasons)
    _subject, hidden = why(people.outsider, material.number)
    assert not hidden.visible and hidden.reasons
    _subject, assignee = why(people.investigator, material.number)
    assert assignee.visible and assignee.actions["work"]
    assert explain(people.superior, "materials.material", "CM-NONE") is None


def test_open_checks_appear_in_my_work_through_the_tracked_term(people, material):
    items = [item for item in work_items(people.investigator) if item.title == material.number]
    assert len(items) == 1 and items[0].due == material.check_due
    services.material_refuse(
        actor=people.investigator, material=material, refusal_ground="39.1.1", grounds="x"
    )
    assert not [item for item in work_items(people.investigator) if item.title == material.number]


def test_a_report_registered_elsewhere_is_not_mine(people):
    registrar = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=registrar, role=Role.REGISTER_MATERIALS, unit=people.other_unit)
    material = make_material(actor=registrar, unit=people.other_unit, assignee=people.outsider)
    assert visible(people.outsider, material) and not visible(people.clerk, material)
