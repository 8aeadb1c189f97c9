"""Every page and API operation of the cases register, for every persona: no leaks, no edits by outsiders.

Personas: the investigator leads the case's team; the prosecutor is its supervising prosecutor; the
superior holds "Supervise investigations" over the city office with its sub-units; the colleague works in
the same office without a role or a place on the team; the outsider investigates in another office.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from eprok.cases import services
from eprok.cases.models import MeasureKind, TeamMember, TeamRole
from eprok.cases.tests.factories import make_case, make_party, make_person
from eprok.cases.views import ACTIONS
from eprok.core.testing.access_matrix import assert_access_matrix
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

WRITTEN = (200, 201, 302, 409, 422)
REGISTER = {
    "anonymous": 302,
    "outsider": 200,
    "colleague": 403,
    "investigator": 200,
    "superior": 200,
    "prosecutor": 200,
}
CARD = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "superior": 200,
    "prosecutor": 200,
}
DASHBOARD = {
    "anonymous": 302,
    "outsider": 403,
    "colleague": 403,
    "investigator": 403,
    "superior": 200,
    "prosecutor": 200,
}
BY_ACCESS = {
    "edit": {"investigator": 200, "superior": 403, "prosecutor": 403},
    "acknowledge": {"investigator": 200, "superior": 403, "prosecutor": 403},
    "supervise": {"investigator": 403, "superior": 200, "prosecutor": 200},
    "end_measure": {"investigator": 200, "superior": 200, "prosecutor": 200},
}


@pytest.fixture
def world(personas):
    """A case with a suspect under detention, an instruction, a second team member, and a second case."""
    case = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    party = make_party(case, actor=personas.investigator)
    measure = services.measure_apply(
        actor=personas.investigator, case=case, party=party, kind=MeasureKind.DETENTION
    )
    instruction = services.instruction_give(
        actor=personas.prosecutor,
        case=case,
        text="Ekspertiza",
        due_date=timezone.localdate() + dt.timedelta(days=3),
    )
    mate = EmployeeFactory(username="mate", unit=personas.unit)
    RoleAssignmentFactory(employee=mate, role=Role.INVESTIGATE, unit=personas.unit)
    member = services.team_add(actor=personas.prosecutor, case=case, employee=mate)
    other = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    return {
        "case": case,
        "party": party,
        "measure": measure,
        "instruction": instruction,
        "member": member,
        "mate": mate,
        "other": other,
        "person": make_person(),
    }


def _expected(action: str, *, post: bool = False) -> dict[str, Any]:
    allowed = BY_ACCESS[ACTIONS[action].access]
    table: dict[str, Any] = {"anonymous": 302, "outsider": 404, "colleague": 404}
    for name, status in allowed.items():
        table[name] = WRITTEN if post and status == 200 else status
    return table


def _action_url(action: str, world: dict[str, Any]) -> str:
    sub = ACTIONS[action].sub
    kwargs: dict[str, Any] = {"number": world["case"].number}
    if sub:
        kwargs["pk"] = world[sub if sub != "member" else "member"].pk
    return reverse(f"cases:{action}", kwargs=kwargs)


@pytest.mark.parametrize(
    "url",
    [
        "/cases/",
        "/cases/?status=investigation&sort=due",
        "/cases/open/",
        "/cases/export/csv/",
        "/cases/export/xlsx/",
    ],
)
def test_the_register_opens_for_casework_roles(client, personas, world, url):
    assert_access_matrix(client, personas, url, REGISTER)


def test_the_dashboard_opens_for_supervisors(client, personas, world):
    assert_access_matrix(client, personas, "/cases/dashboard/", DASHBOARD)


def test_the_card_and_its_tabs_open_for_the_team_and_the_supervisors_only(client, personas, world):
    number = world["case"].number
    assert_access_matrix(client, personas, f"/cases/{number}/", CARD)
    assert_access_matrix(client, personas, f"/cases/{number}/term/", CARD)
    for tab in ("parties", "acts", "measures", "instructions", "term", "qualification", "history"):
        assert_access_matrix(client, personas, f"/cases/{number}/tabs/{tab}/", CARD)
        assert_access_matrix(client, personas, f"/cases/{number}/?tab={tab}", CARD)


def test_a_missing_case_is_not_found_for_everyone(client, personas, world):
    missing = {
        "anonymous": 302,
        "outsider": 404,
        "colleague": 404,
        "investigator": 404,
        "superior": 404,
        "prosecutor": 404,
    }
    assert_access_matrix(client, personas, "/cases/CI-NOWHERE-2026-00001/", missing)
    assert_access_matrix(
        client,
        personas,
        f"/cases/{world['case'].number}/tabs/nothing/",
        {**CARD, "investigator": 404, "superior": 404, "prosecutor": 404},
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_form_opens_only_for_those_who_may_do_it(client, personas, world, action):
    assert_access_matrix(client, personas, _action_url(action, world), _expected(action))


@pytest.mark.parametrize("action", list(ACTIONS))
def test_every_action_is_refused_on_post_to_those_who_may_not_do_it(client, personas, world, action):
    assert_access_matrix(
        client, personas, _action_url(action, world), _expected(action, post=True), method="post", data={}
    )


def test_a_team_member_taken_off_the_team_loses_the_case(client, personas, world):
    mate = world["mate"]
    personas.mate = mate
    assert_access_matrix(client, personas, f"/cases/{world['case'].number}/", {"mate": 200})
    services.team_remove(actor=personas.prosecutor, member=world["member"])
    assert_access_matrix(client, personas, f"/cases/{world['case'].number}/", {"mate": 404})


# --- the API ---------------------------------------------------------------------------------------------

API_CARD = {
    "anonymous": 401,
    "outsider": 404,
    "colleague": 404,
    "investigator": 200,
    "superior": 200,
    "prosecutor": 200,
}


def _api_expected(access: str) -> dict[str, Any]:
    allowed = BY_ACCESS[access]
    table: dict[str, Any] = {"anonymous": 401, "outsider": 404, "colleague": 404}
    for name, status in allowed.items():
        table[name] = WRITTEN if status == 200 else status
    return table


def _api_operations(world: dict[str, Any], personas) -> dict[str, tuple[str, str, dict[str, Any]]]:
    """Every write operation on a case: name -> (path under the case, who may, a valid body)."""
    today = timezone.localdate()
    return {
        "qualify": ("qualifications", "edit", {"reference": "178.1"}),
        "requalify": ("requalify", "edit", {"articles": ["177.1"], "reason": "Yenidən"}),
        "party_add": ("parties", "edit", {"person": str(world["person"].public_id), "role": "witness"}),
        "party_status": (f"parties/{world['party'].pk}/status", "edit", {"role": "accused"}),
        "party_remove": (f"parties/{world['party'].pk}/remove", "edit", {"reason": "X"}),
        "act_add": ("acts", "edit", {"kind": "protocol", "title": "Protokol"}),
        "measure_apply": ("measures", "edit", {"party": world["party"].pk, "kind": "undertaking"}),
        "measure_extend": (
            f"measures/{world['measure'].pk}/extend",
            "supervise",
            {"step": "148.7", "length": 1, "reason": "X", "decision_reference": "Y"},
        ),
        "measure_end": (f"measures/{world['measure'].pk}/end", "end_measure", {"reason": "Azad edildi"}),
        "extend": ("extend", "supervise", {"step": "218.6", "length": 1, "reason": "X"}),
        "suspend": ("suspend", "edit", {"ground": "53.1.1", "reason": "X"}),
        "resume": ("resume", "edit", {"reason": "X"}),
        "transfer": (
            "transfer",
            "supervise",
            {"to_unit": "baku-nesimi", "investigator": str(personas.outsider.public_id), "reason": "X"},
        ),
        "team_add": ("team", "supervise", {"employee": str(world["mate"].public_id)}),
        "team_remove": (f"team/{world['member'].pk}/remove", "supervise", {}),
        "join": ("join", "edit", {"into": world["other"].number, "reason": "X"}),
        "separate": ("separate", "edit", {"articles": ["178.1"], "summary": "X", "grounds": "Y"}),
        "instruction_give": (
            "instructions",
            "supervise",
            {"text": "X", "due_date": (today + dt.timedelta(days=3)).isoformat()},
        ),
        "instruction_acknowledge": (f"instructions/{world['instruction'].pk}/acknowledge", "acknowledge", {}),
        "instruction_report": (
            f"instructions/{world['instruction'].pk}/report",
            "acknowledge",
            {"report": "X"},
        ),
        "indictment_submit": ("indictment/submit", "edit", {"body": "X"}),
        "indictment_approve": ("indictment/approve", "supervise", {}),
        "indictment_return": ("indictment/return", "supervise", {"reason": "X"}),
        "terminate": ("terminate", "edit", {"ground": "39.1.1", "grounds": "X"}),
        "refer": ("refer", "edit", {"body": "DTX", "grounds": "X"}),
        "reopen": ("reopen", "supervise", {"reason": "X"}),
    }


API_OPERATIONS = [
    "qualify", "requalify", "party_add", "party_status", "party_remove", "act_add", "measure_apply",
    "measure_extend", "measure_end", "extend", "suspend", "resume", "transfer", "team_add", "team_remove",
    "join", "separate", "instruction_give", "instruction_acknowledge", "instruction_report",
    "indictment_submit", "indictment_approve", "indictment_return", "terminate", "refer", "reopen",
]  # fmt: skip


def test_the_api_list_and_card_follow_the_same_rules(client, personas, world):
    everyone = {
        "anonymous": 401,
        "outsider": 200,
        "colleague": 200,
        "investigator": 200,
        "superior": 200,
        "prosecutor": 200,
    }
    assert_access_matrix(client, personas, "/api/v1/cases", everyone)
    assert_access_matrix(client, personas, f"/api/v1/cases/{world['case'].number}", API_CARD)


def test_opening_through_the_api_needs_a_role_over_the_unit(client, personas, world):
    body = {
        "unit": "baku-xetai",
        "articles": ["177.1"],
        "summary": "Oğurluq",
        "opening_grounds": "Ərizə",
        "investigator": str(personas.investigator.public_id),
        "supervisor": str(personas.prosecutor.public_id),
    }
    expected = {
        "anonymous": 401,
        "outsider": 403,
        "colleague": 403,
        "investigator": 201,
        "superior": 201,
        "prosecutor": 201,
    }
    assert_access_matrix(
        client, personas, "/api/v1/cases", expected, method="post", data=body, content_type="application/json"
    )


@pytest.mark.parametrize("operation", API_OPERATIONS)
def test_every_api_write_is_refused_to_those_who_may_not_do_it(client, personas, world, operation):
    path, access, body = _api_operations(world, personas)[operation]
    assert_access_matrix(
        client,
        personas,
        f"/api/v1/cases/{world['case'].number}/{path}",
        _api_expected(access),
        method="post",
        data=body,
        content_type="application/json",
    )


def test_the_api_operations_cover_every_action_of_the_pages(world, personas):
    assert set(_api_operations(world, personas)) == set(ACTIONS)


def test_the_lead_is_an_active_team_member(world):
    assert (
        TeamMember.objects.filter(case=world["case"], role=TeamRole.LEAD, removed_at__isnull=True).count()
        == 1
    )
