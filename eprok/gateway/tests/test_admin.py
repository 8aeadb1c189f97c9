"""The gateway's administration: pages and API only for its administrators, validated and audited edits, the
message log's filters and audited reads, the chain's verification."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.api import bearer, make_token
from eprok.core.testing.queries import audited
from eprok.gateway import log
from eprok.gateway.models import CircuitState, Direction, InboundPermission, Message, Outcome, RemoteService
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory

pytestmark = pytest.mark.django_db

NOBODY_ELSE = {"anonymous": 302, "outsider": 404, "investigator": 404, "superior": 404, "admin": 404}


@pytest.fixture
def people(personas: Any) -> Any:
    """The shared personas and `gateway`, who administers the e-Government gateway."""
    gateway = EmployeeFactory(username="gateway-admin", unit=personas.root, fin="6GWA123")
    RoleAssignmentFactory(employee=gateway, role="administer_gateway", unit=personas.root)
    personas.gateway = gateway
    return personas


def _message(n: int, **changes: Any) -> Message:
    values: dict[str, Any] = {
        "direction": Direction.OUT,
        "xroad_id": f"msg-{n}",
        "client": "AZ/GOV/1500000061/eprok",
        "service": "AZ/GOV/1600000011/population/person-v1",
        "service_code": "population.person",
        "method": "GET",
        "path": f"/r1/AZ/GOV/1600000011/population/person-v1/persons/5ABC12{n}",
        "user_id": "AZ5ABC123",
        "issue": "CM-BAKU-2026-00042",
        "purpose": "identity check",
        "outcome": Outcome.OK,
        "status_code": 200,
        "response_body": '{"fin":"5ABC123","last_name":"Məmmədov"}',
        **changes,
    }
    return log.append(**values)


def _person_service() -> RemoteService:
    return RemoteService.objects.get(code="population.person")


# --- who may ------------------------------------------------------------------------------------------------


def test_only_the_gateways_administrators_open_its_pages(client: Client, people: Any) -> None:
    message = _message(1)
    service = _person_service()
    permission = InboundPermission.objects.first()
    assert permission is not None
    for url in (
        "/gateway/admin/",
        f"/gateway/admin/services/{service.pk}/",
        "/gateway/admin/allow-list/",
        "/gateway/admin/messages/",
        f"/gateway/admin/messages/{message.pk}/",
        "/gateway/admin/verify/",
    ):
        assert_access_matrix(client, people, url, {**NOBODY_ELSE, "gateway": 200})
    for url in (
        f"/gateway/admin/services/{service.pk}/reset/",
        f"/gateway/admin/allow-list/{permission.pk}/active/",
        "/gateway/admin/verify/",
    ):
        assert_access_matrix(client, people, url, {**NOBODY_ELSE, "gateway": (200, 302)}, method="post")
    assert_access_matrix(client, people, "/gateway/admin/messages/999999/", {"gateway": 404, "outsider": 404})


def test_the_api_is_only_for_the_gateways_administrators(client: Client, people: Any) -> None:
    message = _message(1)
    service = _person_service()
    for name in ("outsider", "investigator", "admin"):
        headers = bearer(make_token(getattr(people, name)))
        assert client.get("/api/v1/gateway/services", headers=headers).status_code == 404
        assert client.get(f"/api/v1/gateway/messages/{message.pk}", headers=headers).status_code == 404
        assert client.post("/api/v1/gateway/verify", headers=headers).status_code == 404
    assert client.get("/api/v1/gateway/services").status_code == 401
    headers = bearer(make_token(people.gateway))
    services = client.get("/api/v1/gateway/services", headers=headers).json()
    assert {row["code"] for row in services} >= {"population.person", "ecourt.indictments"}
    listed = client.get("/api/v1/gateway/messages?direction=out", headers=headers).json()
    assert listed["count"] == 1 and "response_body" not in listed["items"][0]
    detail = client.get(f"/api/v1/gateway/messages/{message.pk}", headers=headers).json()
    assert detail["response_body"] == message.response_body
    assert client.post("/api/v1/gateway/verify", headers=headers).json() == {
        "ok": True,
        "checked": 1,
        "problems": [],
    }
    CircuitState.objects.create(
        service=service, failures=9, opened_until=timezone.now() + dt.timedelta(minutes=5)
    )
    reset = client.post(f"/api/v1/gateway/services/{service.pk}/circuit/reset", headers=headers).json()
    assert (reset["circuit_open"], reset["circuit_failures"]) == (False, 0)
    read_only = bearer(make_token(people.gateway, scopes=["read"]))
    assert (
        client.post(f"/api/v1/gateway/services/{service.pk}/circuit/reset", headers=read_only).status_code
        == 403
    )


def test_the_menu_shows_the_gateway_to_its_administrators(client: Client, people: Any) -> None:
    login_as(client, people.gateway)
    assert 'href="/gateway/admin/"' in client.get("/").content.decode()
    login_as(client, people.admin)
    assert 'href="/gateway/admin/"' not in client.get("/").content.decode()


# --- services and circuits ----------------------------------------------------------------------------------


def test_the_services_page_shows_the_circuits_and_the_last_call(client: Client, people: Any) -> None:
    service = _person_service()
    CircuitState.objects.create(
        service=service, failures=5, opened_until=timezone.now() + dt.timedelta(minutes=1)
    )
    _message(1, outcome=Outcome.TIMEOUT, status_code=None)
    login_as(client, people.gateway)
    response = client.get("/gateway/admin/")
    rows = {row.service.code: row for row in response.context["rows"]}
    assert rows["population.person"].is_open and rows["population.person"].failures == 5
    assert rows["population.person"].last_outcome == Outcome.TIMEOUT
    assert not rows["tax.taxpayer"].is_open and rows["tax.taxpayer"].last_at is None
    assert response.context["help_page"] == "gateway"


def test_an_edit_is_validated_and_audited(client: Client, people: Any, audit_events: Any) -> None:
    service = _person_service()
    login_as(client, people.gateway)
    url = f"/gateway/admin/services/{service.pk}/"
    bad = {
        "timeout": "0.3",
        "retries": "6",
        "failure_threshold": "0",
        "cooldown": "4000",
        "roles": ["nonsense"],
    }
    response = client.post(url, bad)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "timeout",
        "retries",
        "failure_threshold",
        "cooldown",
        "roles",
    }
    assert RemoteService.objects.get(pk=service.pk).timeout == service.timeout
    assert audit_events("gateway.service.updated") == []

    good = {
        "timeout": "2.5",
        "retries": "1",
        "failure_threshold": "3",
        "cooldown": "30",
        "roles": ["investigate", "supervise"],
        "is_active": "on",
    }
    assert client.post(url, good).status_code == 302
    service.refresh_from_db()
    assert (service.timeout, service.retries, service.failure_threshold, service.cooldown) == (2.5, 1, 3, 30)
    assert service.roles == ["investigate", "supervise"]
    [event] = audit_events("gateway.service.updated")
    assert event.actor_id == people.gateway.pk
    assert "timeout" in event.changes


def test_resetting_a_circuit_closes_it_and_is_audited(client: Client, people: Any, audit_events: Any) -> None:
    service = _person_service()
    CircuitState.objects.create(
        service=service, failures=5, opened_until=timezone.now() + dt.timedelta(minutes=1)
    )
    login_as(client, people.gateway)
    assert client.post(f"/gateway/admin/services/{service.pk}/reset/").status_code == 302
    state = CircuitState.objects.get(service=service)
    assert (state.failures, state.opened_until) == (0, None)
    assert len(audit_events("gateway.circuit.reset")) == 1


# --- the allow-list -----------------------------------------------------------------------------------------


def test_a_member_is_allowed_and_withdrawn_with_the_format_checked(
    client: Client, people: Any, audit_events: Any
) -> None:
    login_as(client, people.gateway)
    url = "/gateway/admin/allow-list/"
    bad = client.post(url, {"client": "police xetai", "service": "court-hearings-v1"})
    assert bad.status_code == 422
    assert "client" in bad.context["form"].errors
    member = "AZ/GOV/1600000011/police-xetai"
    assert (
        client.post(url, {"client": member, "service": "court-hearings-v1", "note": "test"}).status_code
        == 302
    )
    permission = InboundPermission.objects.get(client=member, service="court-hearings-v1")
    assert permission.is_active
    [created] = audit_events("gateway.permission.created")
    assert created.target_id == str(permission.pk)
    again = client.post(url, {"client": member, "service": "court-hearings-v1"})
    assert again.status_code == 422
    assert client.post(f"{url}{permission.pk}/active/", {"active": "0"}).status_code == 302
    permission.refresh_from_db()
    assert not permission.is_active
    assert len(audit_events("gateway.permission.deactivated")) == 1
    assert client.post(url, {"client": member, "service": "court-hearings-v1"}).status_code == 302
    permission.refresh_from_db()
    assert permission.is_active
    assert len(audit_events("gateway.permission.activated")) == 1


# --- the message log ----------------------------------------------------------------------------------------


def test_the_log_is_filtered_newest_first_with_a_query_ceiling(
    client: Client, people: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(5):
        _message(n)
    _message(
        10,
        direction=Direction.IN,
        client="AZ/GOV/1900000051/ecourt",
        service_code="court-hearings-v1",
        outcome=Outcome.REFUSED,
        status_code=403,
        user_id="",
        issue="",
    )
    _message(11, outcome=Outcome.NOT_FOUND, status_code=404, user_id="AZ7KLM456", issue="CM-OTHER")
    login_as(client, people.gateway)
    with django_assert_max_num_queries(audited(14)):
        response = client.get("/gateway/admin/messages/")
    ids = [m.xroad_id for m in response.context["page"].object_list]
    assert ids[0] == "msg-11" and len(ids) == 7

    def listed(**query: str) -> list[str]:
        page = client.get("/gateway/admin/messages/", query).context["page"]
        return [m.xroad_id for m in page.object_list]

    assert listed(direction="in") == ["msg-10"]
    assert listed(outcome="not_found") == ["msg-11"]
    assert listed(user="7KLM456") == ["msg-11"]
    assert listed(issue="CM-OTHER") == ["msg-11"]
    assert listed(xroad_id="msg-3") == ["msg-3"]
    assert listed(service="court-hearings-v1") == ["msg-10"]
    today = timezone.localdate().isoformat()
    assert len(listed(date_from=today, date_to=today)) == 7
    assert listed(date_to="2000-01-01") == []
    assert len(listed(direction="sideways")) == 7  # an unknown value is dropped


def test_reading_a_message_is_audited_with_its_purpose(
    client: Client, people: Any, audit_events: Any
) -> None:
    message = _message(1)
    login_as(client, people.gateway)
    response = client.get(f"/gateway/admin/messages/{message.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert message.request_hash in page or message.hash in page
    assert "Məmmədov" in page and '"last_name": "Məmmədov"' in response.context["response_body"]
    [event] = audit_events("gateway.message.read")
    assert (event.target_id, event.purpose) == (str(message.pk), "gateway administration")
    assert event.actor_id == people.gateway.pk


def test_a_refused_read_is_audited_as_denied(client: Client, people: Any, audit_events: Any) -> None:
    message = _message(1)
    login_as(client, people.investigator)
    assert client.get(f"/gateway/admin/messages/{message.pk}/").status_code == 404
    assert audit_events("gateway.message.read") == []
    assert len(audit_events("access.denied")) == 1


def test_verifying_the_chain_shows_the_result_and_is_audited(
    client: Client, people: Any, audit_events: Any
) -> None:
    _message(1)
    _message(2)
    login_as(client, people.gateway)
    response = client.post("/gateway/admin/verify/")
    assert response.context["result"].ok and response.context["result"].checked == 2
    last = Message.objects.order_by("-id").first()
    assert last is not None
    Message.objects.bulk_create(
        [
            Message(
                occurred_at=last.occurred_at,
                direction=Direction.OUT,
                xroad_id="forged",
                client="c",
                service="s",
                method="GET",
                path="/p",
                outcome=Outcome.OK,
                prev_hash=last.hash,
                hash="d" * 64,
            )
        ]
    )
    response = client.post("/gateway/admin/verify/")
    result = response.context["result"]
    assert not result.ok and result.problems[0][1] == "hash_mismatch"
    events = audit_events("gateway.log.verified")
    assert [json.loads(event.data)["ok"] for event in events] == [True, False]
