"""Who sees and acts on an appeal, "why can I see this?", and the appeals in "My work"."""

from __future__ import annotations

import pytest
from django.utils import translation

from eprok.appeals import access, services
from eprok.appeals.tests.factories import make_appeal, topic
from eprok.core.access import explain
from eprok.core.errors import Forbidden, NotFound
from eprok.core.mywork import work_items
from eprok.org.grants import forget_grants
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db


def visible(user, appeal) -> bool:
    return access.visible_to(user).filter(pk=appeal.pk).exists()


def test_the_unit_s_registrar_and_answerers_see_its_appeals(people, appeal):
    assert {
        name: visible(getattr(people, name), appeal)
        for name in ("clerk", "investigator", "approver", "superior")
    } == {
        "clerk": True,
        "investigator": True,
        "approver": True,
        "superior": True,
    }


def test_a_colleague_an_outsider_an_administrator_and_nobody_do_not(people, appeal):
    assert not any(visible(getattr(people, name), appeal) for name in ("colleague", "outsider", "admin"))
    assert not visible(None, appeal)


def test_the_executor_and_the_executor_unit_see_it_once_routed(people, appeal):
    services.appeal_route(
        actor=people.approver,
        appeal=appeal,
        executor_unit=people.other_unit,
        executor=people.outsider,
        instruction="x",
    )
    assert visible(people.outsider, appeal)
    nesimi = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=nesimi, role=Role.ANSWER_APPEALS, unit=people.other_unit)
    assert visible(nesimi, appeal)
    registrar = EmployeeFactory(unit=people.other_unit)
    RoleAssignmentFactory(employee=registrar, role=Role.REGISTER_APPEALS, unit=people.other_unit)
    assert not visible(registrar, appeal)  # the executor unit's registrar does not read other units' appeals


def test_the_escalation_department_sees_only_what_was_escalated_to_it(people, appeal):
    escalated = make_appeal(actor=people.clerk, unit=people.unit, topic=topic("corruption"))
    assert visible(people.acgd_officer, escalated) and not visible(people.acgd_officer, appeal)
    assert access.can_route(people.acgd_officer, escalated)


def test_who_may_do_what(people, appeal):
    assert access.can_register(people.clerk, people.unit) and not access.can_register(
        people.investigator, people.unit
    )
    assert access.can_route(people.approver, appeal) and not access.can_route(people.clerk, appeal)
    assert access.can_forward(people.clerk, appeal)  # the registrar, while nobody has routed it
    assert access.can_extend(people.approver, appeal) and not access.can_extend(people.clerk, appeal)
    assert access.can_answer(people.superior, appeal) and not access.can_answer(people.outsider, appeal)
    services.appeal_route(actor=people.approver, appeal=appeal, executor_unit=people.unit, instruction="x")
    appeal.refresh_from_db()
    assert not access.can_forward(people.clerk, appeal)


def test_get_appeal_for_answers_404_for_the_unseen_and_403_for_the_forbidden(people, appeal, audit_events):
    with pytest.raises(NotFound):
        access.get_appeal_for(people.outsider, appeal.number)
    with pytest.raises(Forbidden):
        access.get_appeal_for(people.clerk, appeal.number, action="route")
    assert access.get_appeal_for(people.approver, appeal.number, action="route") == appeal
    denied = audit_events()
    assert [e.action for e in denied if "denied" in e.action or e.action.endswith((".view", ".route"))]


def test_an_executor_who_lost_the_role_can_no_longer_answer(people, appeal):
    services.appeal_route(
        actor=people.approver,
        appeal=appeal,
        executor_unit=people.unit,
        executor=people.investigator,
        instruction="x",
    )
    appeal.refresh_from_db()
    people.investigator.role_assignments.update(ended_at="2026-01-01T00:00:00Z")
    forget_grants(people.investigator)
    assert visible(people.investigator, appeal)  # still the executor: sees it, but cannot act
    assert not access.can_answer(people.investigator, appeal)


def why(user, key):
    answer = explain(user, "appeals.appeal", key)
    assert answer is not None
    return answer


def test_the_explainer_says_why(people, appeal):
    subject, answer = why(people.approver, appeal.number)
    assert subject == appeal and answer.visible and answer.actions["route"] and answer.actions["extend"]
    _subject, hidden = why(people.outsider, appeal.number)
    assert not hidden.visible and hidden.reasons
    assert explain(people.approver, "appeals.appeal", "AP-NONE") is None


@translation.override("en")
def test_my_work_lists_appeals_to_resolve_answers_to_approve_and_the_answer_term(people, appeal):
    kinds = {str(item.kind) for item in work_items(people.approver) if item.title == appeal.number}
    assert "Appeal awaiting a resolution" in kinds
    services.appeal_route(
        actor=people.approver,
        appeal=appeal,
        executor_unit=people.unit,
        executor=people.investigator,
        instruction="x",
    )
    services.appeal_answer_draft(actor=people.investigator, appeal=appeal, text="x", outcome="explained")
    mine = {str(item.kind) for item in work_items(people.investigator) if item.title == appeal.number}
    assert "Answer to an appeal" in mine
    theirs = {str(item.kind) for item in work_items(people.approver) if item.title == appeal.number}
    assert "Answer awaiting approval" in theirs and "Appeal awaiting a resolution" not in theirs
