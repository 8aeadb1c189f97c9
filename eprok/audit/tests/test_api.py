"""The audit log over the API: the scope, the same access rules and filters as the viewer, keyset paging."""

from __future__ import annotations

import json

import pytest

from eprok.audit.services import audit_record
from eprok.core.testing.api import bearer, make_token

pytestmark = pytest.mark.django_db

EVENTS = "/api/v1/audit/events"


@pytest.fixture
def unit_events(auditors):
    return [
        audit_record(
            actor=auditors.colleague, action="org.employee.updated", data={"n": n}, purpose="yoxlama"
        )
        for n in range(5)
    ]


def _get(client, user, url, scopes=("audit:read",), **params):
    return client.get(url, params, headers=bearer(make_token(user, scopes=scopes)))


def test_a_holder_lists_the_events_of_their_units_newest_first_by_pages(client, auditors, unit_events):
    page = _get(client, auditors.investigator, EVENTS, action="org.employee", limit=3)
    assert page.status_code == 200
    body = page.json()
    assert [item["id"] for item in body["items"]] == [e.pk for e in reversed(unit_events[2:])]
    assert body["items"][0]["action_label"]
    assert body["next_before_id"] == unit_events[2].pk
    rest = _get(
        client, auditors.investigator, EVENTS, action="org.employee", limit=3, before_id=unit_events[2].pk
    )
    assert [item["id"] for item in rest.json()["items"]] == [unit_events[1].pk, unit_events[0].pk]
    assert rest.json()["next_before_id"] is None


def test_the_list_applies_the_viewers_filters(client, auditors, unit_events):
    audit_record(actor=None, action="audit.chain.verified")
    body = _get(client, auditors.admin, EVENTS, purpose="yoxla", source="system").json()
    assert {item["id"] for item in body["items"]} == {e.pk for e in unit_events}


def test_a_holder_elsewhere_sees_none_of_these_events(client, auditors, unit_events):
    body = _get(client, auditors.outsider, EVENTS).json()
    assert {item["id"] for item in body["items"]} & {e.pk for e in unit_events} == set()


def test_an_employee_without_the_role_gets_404(client, auditors, unit_events):
    response = _get(client, auditors.colleague, EVENTS)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    detail = _get(client, auditors.colleague, f"{EVENTS}/{unit_events[0].pk}")
    assert detail.status_code == 404


def test_a_token_without_the_audit_scope_is_refused(client, auditors, unit_events):
    response = _get(client, auditors.admin, EVENTS, scopes=("read",))
    assert response.status_code == 403
    assert response.json()["code"] == "insufficient_scope"


def test_one_event_carries_its_changes_data_and_hashes(client, auditors, unit_events, audit_events):
    event = unit_events[0]
    response = _get(client, auditors.superior, f"{EVENTS}/{event.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"n": 0}
    assert (body["hash"], body["prev_hash"]) == (event.hash, event.prev_hash)
    assert _get(client, auditors.outsider, f"{EVENTS}/{event.pk}").status_code == 404
    assert [e.target_id for e in audit_events("audit.event.read")] == [str(event.pk)]


def test_reading_through_the_api_is_audited_with_source_api(client, auditors, unit_events, audit_events):
    _get(client, auditors.investigator, EVENTS, action="org")
    [read] = audit_events("audit.log.read")
    assert read.source == "api"
    assert json.loads(read.data)["filters"] == {"action": "org"}


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"before_id": 0},
        {"before_id": 2**64},
        {"actor": "a\x00b"},
        {"source": "x"},
    ],
)
def test_bad_parameters_are_a_validation_error(client, auditors, params):
    response = _get(client, auditors.admin, EVENTS, **params)
    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_the_list_stays_within_its_query_ceiling(
    client, auditors, unit_events, django_assert_max_num_queries
):
    headers = bearer(make_token(auditors.superior, scopes=["audit:read"]))
    client.get(EVENTS, headers=headers)  # the first use stamps the token
    # The token with its owner, grants, one page, and the audited read (advisory lock on PostgreSQL,
    # last hash, insert).
    with django_assert_max_num_queries(6):
        response = client.get(EVENTS, headers=headers)
    assert response.status_code == 200
