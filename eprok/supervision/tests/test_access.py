"""Who sees a supervised case of the Xətai office and what they may do with it: the supervisors of the
office and of the city office above it, the named supervisor always, the state prosecutor once the case is
in court; nobody else (404, audited). The indictment is decided by the named supervisor or from above."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from eprok.core.access import explain
from eprok.core.errors import Forbidden, NotFound
from eprok.org.grants import forget_grants
from eprok.org.models import RoleAssignment
from eprok.supervision import access, services
from eprok.supervision.models import SupervisedCase, SupervisedStatus
from eprok.supervision.tests.conftest import NAMES

pytestmark = pytest.mark.django_db

SEES = {
    "anonymous": False,
    "colleague": False,  # works in the Xətai office, holds no role
    "outsider": False,  # supervises the Nəsimi office, not Xətai
    "court": False,  # the state prosecutor reads a case only once it is in court
    "deputy": True,
    "prosecutor": True,
    "superior": True,
}
ACTS = {**SEES}
DECIDES = {**SEES, "deputy": False}  # supervises the office, but is not the one named on the case
assert set(SEES) == set(NAMES)


def _fresh(people, name):
    user = people.by_name(name)
    if user is not None:
        forget_grants(user)
    return user


def test_the_visibility_matrix(people, case):
    seen = {name: access.visible_to(_fresh(people, name)).filter(pk=case.pk).exists() for name in NAMES}
    assert seen == SEES
    # can_view decides the same for a loaded case.
    assert {name: access.can_view(_fresh(people, name), case) for name in NAMES} == SEES


def test_the_action_matrix(people, case):
    assert {name: access.can_act(_fresh(people, name), case) for name in NAMES} == ACTS
    assert {name: access.can_decide_indictment(_fresh(people, name), case) for name in NAMES} == DECIDES


def test_the_state_prosecutor_reads_a_case_sent_to_court_but_cannot_act(people, case):
    services.indictment_receive(actor=people.prosecutor, case=case)
    services.indictment_approve(actor=people.prosecutor, case=SupervisedCase.objects.get(pk=case.pk))
    case.refresh_from_db()
    assert case.status == SupervisedStatus.SENT_TO_COURT
    court = _fresh(people, "court")
    assert access.visible_to(court).filter(pk=case.pk).exists()
    assert access.get_case_for(court, case.public_id) == case
    with pytest.raises(Forbidden):
        access.get_case_for(court, case.public_id, action="act")
    assert not access.visible_to(_fresh(people, "outsider")).filter(pk=case.pk).exists()


def test_the_named_supervisor_sees_the_case_after_losing_the_role(people, case):
    RoleAssignment.objects.filter(employee=people.prosecutor).update(ended_at=timezone.now())
    prosecutor = _fresh(people, "prosecutor")
    assert access.visible_to(prosecutor).filter(pk=case.pk).exists()
    assert access.can_decide_indictment(prosecutor, case)


def test_a_role_out_of_force_gives_nothing(people, case):
    RoleAssignment.objects.filter(employee=people.superior).update(ended_at=timezone.now())
    assert not access.visible_to(_fresh(people, "superior")).filter(pk=case.pk).exists()


@pytest.mark.parametrize("name", ["anonymous", "colleague", "outsider", "court"])
def test_an_invisible_case_is_not_found_and_the_refusal_is_audited(people, case, audit_events, name):
    with pytest.raises(NotFound):
        access.get_case_for(_fresh(people, name), case.public_id)
    (event,) = audit_events("access.denied")
    assert event.target_type == access.TARGET_TYPE and event.target_id == str(case.public_id)
    assert json.loads(event.data) == {"attempted": "supervision.case.view", "outcome": "not_found"}


def test_a_refused_decision_is_forbidden_and_audited(people, case, audit_events):
    with pytest.raises(Forbidden):
        access.get_case_for(_fresh(people, "deputy"), case.public_id, action="decide")
    (event,) = audit_events("access.denied")
    assert json.loads(event.data) == {"attempted": "supervision.case.decide", "outcome": "forbidden"}


def test_keys_that_are_not_a_public_id_are_not_found(people, case):
    for key in ("", case.number, "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFound):
            access.get_case_for(people.prosecutor, key)


def test_the_explainer_says_why(people, case):
    found = explain(_fresh(people, "superior"), access.TARGET_TYPE, str(case.public_id))
    assert found is not None
    obj, explanation = found
    assert (
        obj == case
        and explanation.visible
        and explanation.actions == {"view": True, "act": True, "decide": True}
    )
    assert explanation.reasons
    refused_found = explain(_fresh(people, "court"), access.TARGET_TYPE, case.number)
    assert refused_found is not None
    _obj, refused = refused_found
    assert not refused.visible and refused.reasons and not refused.actions["view"]
    outsider_found = explain(_fresh(people, "outsider"), access.TARGET_TYPE, case.number)
    assert outsider_found is not None
    _obj, outsider = outsider_found
    assert not outsider.visible and outsider.reasons
    assert explain(people.prosecutor, access.TARGET_TYPE, "nope") is None
