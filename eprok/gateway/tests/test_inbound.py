"""eprok as an X-Road provider: the inbound endpoint's checks, idempotency, the log, and the two services of
eprok.gateway.inbound_handlers (the e-Government portal's appeals, the investigating bodies' cases)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from eprok.gateway import inbound, protocol
from eprok.gateway.log import verify
from eprok.gateway.models import Direction, InboundPermission, Message, Outcome
from eprok.gateway.testing import xroad_hash

pytestmark = pytest.mark.django_db

EPROK = "AZ/GOV/1500000061/eprok"
CALLER = "AZ/GOV/1900000051/ecourt"
EGOV = "AZ/GOV/1200000071/egov"
TEST_SERVICE = "test-effects-v1"
EFFECT_SERVICE = "effect-marker"


def _effects() -> int:
    """The test service's effect: an allow-list row per processed message (a table of our own app)."""
    return InboundPermission.objects.filter(service=EFFECT_SERVICE).count()


def _handler(request: inbound.InboundRequest) -> dict[str, Any]:
    payload = request.payload or {}
    if payload.get("case") == "unknown":
        raise inbound.InboundError(404, protocol.SERVICE_FAILED, "There is no such case.")
    InboundPermission.objects.create(client=f"AZ/GOV/1/effect-{uuid.uuid4().hex[:8]}", service=EFFECT_SERVICE)
    if payload.get("explode"):
        raise RuntimeError("the handler broke after its write")
    return {"status": "accepted", "echo": payload.get("value"), "path": request.path, "user": request.user_id}


@pytest.fixture
def test_service(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setitem(
        inbound._SERVICES, TEST_SERVICE, inbound.InboundService(code=TEST_SERVICE, handler=_handler)
    )
    InboundPermission.objects.create(client=CALLER, service=TEST_SERVICE)
    yield TEST_SERVICE


def _post(
    client: Client,
    service: str,
    path: str,
    body: Any,
    *,
    caller: str | None = CALLER,
    xroad_id: str | None = None,
    raw: bytes | None = None,
    provider: str = EPROK,
    headers: dict[str, str] | None = None,
) -> Any:
    data = raw if raw is not None else json.dumps(body).encode()
    all_headers = {"X-Road-UserId": "AZ5ABC123", **(headers or {})}
    if caller is not None:
        all_headers["X-Road-Client"] = caller
    if xroad_id is None:
        xroad_id = uuid.uuid4().hex
    if xroad_id:
        all_headers["X-Road-Id"] = xroad_id
    response = client.post(
        f"/xroad/r1/{provider}/{service}{path}",
        data=data,
        content_type="application/json",
        headers=all_headers,
    )
    response.sent = (f"/r1/{provider}/{service}{path}", xroad_id, data)  # type: ignore[attr-defined]
    return response


def _error(response: Any) -> str:
    return response.headers.get("X-Road-Error", "")


# --- the checks ---------------------------------------------------------------------------------------------


def test_it_answers_with_the_xroad_headers_and_the_hash_of_the_request(
    client: Client, test_service: str
) -> None:
    response = _post(client, test_service, "/things", {"value": "ə"}, xroad_id="id-1")
    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "echo": "ə", "path": "/things", "user": "AZ5ABC123"}
    path, xroad_id, data = response.sent
    assert response.headers["X-Road-Request-Hash"] == xroad_hash("POST", path, xroad_id, data)
    assert response.headers["X-Road-Request-Hash"] == protocol.request_hash("POST", path, xroad_id, data)
    assert response.headers["X-Road-Id"] == "id-1"
    assert response.headers["X-Road-Client"] == CALLER
    assert response.headers["X-Road-Service"] == f"{EPROK}/{test_service}"
    message = Message.objects.get(direction=Direction.IN, xroad_id="id-1")
    assert (message.outcome, message.status_code, message.client) == (Outcome.OK, 200, CALLER)
    assert message.request_hash == response.headers["X-Road-Request-Hash"]
    assert json.loads(message.response_body)["echo"] == "ə"
    assert _effects() == 1


def test_the_hash_covers_the_query_string(client: Client, test_service: str) -> None:
    response = client.post(
        f"/xroad/r1/{EPROK}/{test_service}/things?a=1&b=x",
        data=b"{}",
        content_type="application/json",
        headers={"X-Road-Client": CALLER, "X-Road-Id": "q-1"},
    )
    assert response.status_code == 200
    expected = xroad_hash("POST", f"/r1/{EPROK}/{test_service}/things?a=1&b=x", "q-1", b"{}")
    assert response.headers["X-Road-Request-Hash"] == expected


def test_a_client_not_on_the_allow_list_is_refused_logged_and_audited(
    client: Client, test_service: str, audit_events: Any
) -> None:
    response = _post(client, test_service, "/things", {"value": 1}, caller="AZ/GOV/1600000011/police-xetai")
    assert response.status_code == 403
    assert _error(response) == protocol.ACCESS_DENIED
    assert response.json()["type"] == protocol.ACCESS_DENIED
    assert response.headers["X-Road-Request-Hash"]
    assert _effects() == 0
    message = Message.objects.get(direction=Direction.IN)
    assert (message.outcome, message.status_code) == (Outcome.REFUSED, 403)
    [event] = audit_events("gateway.inbound.refused")
    assert event.target_id == test_service


def test_a_withdrawn_permission_refuses_too(client: Client, test_service: str) -> None:
    InboundPermission.objects.filter(client=CALLER, service=test_service).update(is_active=False)
    assert _post(client, test_service, "/things", {}).status_code == 403
    assert _effects() == 0


@pytest.mark.parametrize("missing", ["client", "id"])
def test_the_xroad_headers_are_required(client: Client, test_service: str, missing: str) -> None:
    response = _post(
        client,
        test_service,
        "/things",
        {},
        caller=None if missing == "client" else CALLER,
        xroad_id="" if missing == "id" else None,
    )
    assert response.status_code == 400
    assert _error(response) == protocol.INVALID_REQUEST
    assert _effects() == 0


def test_an_unknown_service_is_404(client: Client, test_service: str) -> None:
    response = _post(client, "no-such-service-v1", "/x", {})
    assert response.status_code == 404
    assert _error(response) == protocol.UNKNOWN_SERVICE


def test_another_provider_is_not_served_here(client: Client, test_service: str) -> None:
    response = _post(client, test_service, "/things", {}, provider="AZ/GOV/1600000011/population")
    assert response.status_code == 404
    assert _error(response) == protocol.UNKNOWN_SERVICE
    assert _effects() == 0


def test_a_body_that_is_not_json_is_refused(client: Client, test_service: str) -> None:
    response = _post(client, test_service, "/things", None, raw=b"{not json")
    assert response.status_code == 400
    assert _error(response) == protocol.INVALID_REQUEST
    assert Message.objects.get(direction=Direction.IN).outcome == Outcome.REFUSED
    assert _effects() == 0


def test_a_body_over_5_mb_is_refused_before_it_is_read(client: Client, test_service: str) -> None:
    response = _post(client, test_service, "/things", None, raw=b"x" * (inbound.MAX_BODY + 1))
    assert response.status_code == 400
    assert _effects() == 0


def test_the_security_servers_token_is_checked_when_configured(
    client: Client, test_service: str, settings: Any
) -> None:
    settings.EPROK_XROAD_INBOUND_TOKEN = "s3cret-of-the-security-server"
    assert _post(client, test_service, "/things", {}).status_code == 403
    wrong = {"Authorization": "Bearer nope"}
    assert _post(client, test_service, "/things", {}, headers=wrong).status_code == 403
    right = {"Authorization": "Bearer s3cret-of-the-security-server"}
    assert _post(client, test_service, "/things", {}, headers=right).status_code == 200
    assert _effects() == 1


def test_a_get_to_a_post_service_is_refused(client: Client, test_service: str) -> None:
    response = client.get(
        f"/xroad/r1/{EPROK}/{test_service}/things", headers={"X-Road-Client": CALLER, "X-Road-Id": "g-1"}
    )
    assert response.status_code == 405
    assert _effects() == 0


# --- idempotency and failures -------------------------------------------------------------------------------


def test_a_repeated_message_gets_the_first_answer_and_has_no_second_effect(
    client: Client, test_service: str
) -> None:
    first = _post(client, test_service, "/things", {"value": 7}, xroad_id="rep-1")
    again = _post(client, test_service, "/things", {"value": 7}, xroad_id="rep-1")
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert _effects() == 1
    outcomes = list(
        Message.objects.filter(direction=Direction.IN, xroad_id="rep-1")
        .order_by("id")
        .values_list("outcome", flat=True)
    )
    assert outcomes == [Outcome.OK, Outcome.DUPLICATE]


def test_the_same_id_from_another_client_is_another_message(client: Client, test_service: str) -> None:
    InboundPermission.objects.create(client=EGOV, service=test_service)
    _post(client, test_service, "/things", {"value": 1}, xroad_id="shared-id")
    _post(client, test_service, "/things", {"value": 1}, xroad_id="shared-id", caller=EGOV)
    assert _effects() == 2


def test_two_deliveries_racing_take_effect_once(
    client: Client, test_service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second delivery checked before the first committed: the unique constraint makes it a repeat."""
    _post(client, test_service, "/things", {"value": 1}, xroad_id="race-1")
    real_first = inbound._first
    calls = {"n": 0}

    def blind_first(exchange: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_first(exchange)

    monkeypatch.setattr(inbound, "_first", blind_first)
    again = _post(client, test_service, "/things", {"value": 1}, xroad_id="race-1")
    assert again.status_code == 200
    assert again.json()["echo"] == 1
    assert _effects() == 1
    assert Message.objects.filter(xroad_id="race-1", outcome=Outcome.DUPLICATE).count() == 1


def test_a_handlers_refusal_is_answered_and_logged(client: Client, test_service: str) -> None:
    response = _post(client, test_service, "/things", {"case": "unknown"})
    assert response.status_code == 404
    assert _error(response) == protocol.SERVICE_FAILED
    assert Message.objects.get(direction=Direction.IN).outcome == Outcome.NOT_FOUND


def test_a_handler_that_fails_leaves_no_partial_write_and_no_traceback(
    client: Client, test_service: str
) -> None:
    response = _post(client, test_service, "/things", {"explode": True}, xroad_id="boom-1")
    assert response.status_code == 500
    assert _error(response) == protocol.SERVICE_FAILED
    body = response.json()
    assert body["type"] == protocol.SERVICE_FAILED
    assert body["detail"]  # the request id, to find the server's log line
    assert "Traceback" not in response.content.decode()
    assert _effects() == 0  # the handler's write was rolled back
    message = Message.objects.get(direction=Direction.IN, xroad_id="boom-1")
    assert (message.outcome, message.status_code) == (Outcome.ERROR, 500)
    # A failed message may be sent again and is then processed.
    assert _post(client, test_service, "/things", {"value": 2}, xroad_id="boom-1").status_code == 200
    assert _effects() == 1


def test_the_inbound_messages_keep_the_chain_intact(client: Client, test_service: str) -> None:
    for n in range(3):
        _post(client, test_service, "/things", {"value": n})
    _post(client, test_service, "/things", {}, caller="AZ/GOV/9/stranger")
    result = verify()
    assert result.ok and result.checked == 4


# --- the e-Government portal's appeals ----------------------------------------------------------------------


@pytest.fixture
def portal_unit(personas: Any, settings: Any) -> Any:
    from eprok.org.models import UnitKind
    from eprok.org.tests.factories import UnitFactory

    unit = UnitFactory(code="gpo-documents", kind=UnitKind.DEPARTMENT, parent=personas.root)
    settings.EPROK_PORTAL_APPEALS_UNIT = "gpo-documents"
    return unit


APPEAL: dict[str, Any] = {
    "kind": "complaint",
    "text": "Rayon polis şöbəsinin əməkdaşının hərəkətlərindən şikayət edirəm.",
    "applicant": {
        "last_name": "Əliyeva",
        "first_name": "Səbinə",
        "patronymic": "Rauf qızı",
        "fin": "5ABC123",
        "address": "Bakı, Nərimanov rayonu, Təbriz küçəsi 5",
        "email": "sebine@example.az",
    },
    "language": "az",
}


def test_the_portal_submits_an_appeal_once_per_message(client: Client, portal_unit: Any) -> None:
    from eprok.appeals.models import Appeal
    from eprok.appeals.selectors import appeal_for_applicant

    first = _post(client, "portal-appeals-v1", "/appeals", APPEAL, caller=EGOV, xroad_id="egov-1")
    assert first.status_code == 200, first.content
    answer = first.json()
    assert answer["status"] == "accepted"
    appeal = Appeal.objects.get(number=answer["number"])
    assert appeal.applicant_fin == "5ABC123"
    assert answer["receipt"]
    # The access code is for the citizen, not for the log.
    logged = Message.objects.get(direction=Direction.IN, xroad_id="egov-1", outcome=Outcome.OK)
    assert answer["receipt"] not in logged.response_body
    assert json.loads(logged.response_body)["receipt"] == inbound.MASK

    issued = Appeal.objects.get().access_code_hash
    again = _post(client, "portal-appeals-v1", "/appeals", APPEAL, caller=EGOV, xroad_id="egov-1")
    assert again.status_code == 200
    # The repeat neither reveals the code again nor issues a new one: the first caller's code still works.
    assert again.json() == {
        "status": "accepted",
        "number": answer["number"],
        "receipt": None,
        "repeated": True,
    }
    assert Appeal.objects.count() == 1
    assert Appeal.objects.get().access_code_hash == issued
    assert appeal_for_applicant(number=answer["number"], code=answer["receipt"]) is not None
    duplicate = Message.objects.get(xroad_id="egov-1", outcome=Outcome.DUPLICATE)
    assert answer["receipt"] not in duplicate.response_body


def test_a_portal_appeal_racing_itself_issues_one_code(
    client: Client, portal_unit: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The second delivery checked before the first committed: answered from the log, no second code."""
    from eprok.appeals.models import Appeal

    first = _post(client, "portal-appeals-v1", "/appeals", APPEAL, caller=EGOV, xroad_id="egov-race")
    issued = Appeal.objects.get().access_code_hash
    real_first = inbound._first
    calls = {"n": 0}

    def blind_first(exchange: Any) -> Any:
        calls["n"] += 1
        return None if calls["n"] == 1 else real_first(exchange)

    monkeypatch.setattr(inbound, "_first", blind_first)
    again = _post(client, "portal-appeals-v1", "/appeals", APPEAL, caller=EGOV, xroad_id="egov-race")
    assert again.status_code == 200
    assert again.json() == {
        "status": "accepted",
        "number": first.json()["number"],
        "receipt": None,
        "repeated": True,
    }
    assert Appeal.objects.get().access_code_hash == issued
    assert Message.objects.filter(xroad_id="egov-race", outcome=Outcome.DUPLICATE).count() == 1


def test_a_repeat_of_a_service_with_secret_fields_does_not_run_the_handler(
    client: Client, test_service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(
        inbound._SERVICES,
        TEST_SERVICE,
        inbound.InboundService(code=TEST_SERVICE, handler=_handler, secret=("echo",)),
    )
    first = _post(client, test_service, "/things", {"value": 7}, xroad_id="sec-1")
    assert first.json()["echo"] == 7
    again = _post(client, test_service, "/things", {"value": 7}, xroad_id="sec-1")
    assert again.status_code == 200
    assert again.json() == {**first.json(), "echo": None, "repeated": True}
    assert _effects() == 1


def test_the_portals_invalid_appeal_is_refused_with_the_fields(client: Client, portal_unit: Any) -> None:
    from eprok.appeals.models import Appeal

    bad = {**APPEAL, "applicant": {**APPEAL["applicant"], "email": "not-an-address"}, "text": ""}
    response = _post(client, "portal-appeals-v1", "/appeals", bad, caller=EGOV)
    assert response.status_code == 400
    assert _error(response) == protocol.INVALID_REQUEST
    detail = response.json()["detail"]
    assert set(detail) >= {"email", "text"}
    assert Appeal.objects.count() == 0


def test_only_the_allowed_portal_may_submit_appeals(client: Client, portal_unit: Any) -> None:
    response = _post(client, "portal-appeals-v1", "/appeals", APPEAL, caller=CALLER)
    assert response.status_code == 403


# --- the investigating bodies' cases ------------------------------------------------------------------------


def _case_payload(unit_code: str) -> dict[str, Any]:
    return {
        "external_id": "DIN-2026-000123",
        "number": "261234567",
        "investigator_name": "Polis leytenantı Quliyev R.",
        "opened_on": "2026-05-04",
        "summary": "Mənzildən oğurluq.",
        "articles": "177.2.3",
        "unit": unit_code,
    }


def test_an_investigating_body_sends_a_case_under_supervision(client: Client, personas: Any) -> None:
    from eprok.supervision.models import InvestigatingBody, SupervisedCase

    body = InvestigatingBody.objects.exclude(xroad_member="").filter(is_active=True).first()
    assert body is not None
    # The data migration put every body with a gateway member on the allow-list.
    assert InboundPermission.objects.filter(client=body.xroad_member, service="supervised-cases-v1").exists()
    payload = _case_payload(personas.unit.code)
    response = _post(
        client, "supervised-cases-v1", "/cases", payload, caller=body.xroad_member, xroad_id="c-1"
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] is True
    again = _post(client, "supervised-cases-v1", "/cases", payload, caller=body.xroad_member, xroad_id="c-1")
    assert again.json() == response.json()
    assert SupervisedCase.objects.filter(body=body).count() == 1


def test_a_member_that_is_no_active_body_may_not_send_cases(client: Client, personas: Any) -> None:
    InboundPermission.objects.create(client="AZ/GOV/1600000011/not-a-body", service="supervised-cases-v1")
    response = _post(
        client,
        "supervised-cases-v1",
        "/cases",
        _case_payload(personas.unit.code),
        caller="AZ/GOV/1600000011/not-a-body",
    )
    assert response.status_code == 403
    assert _error(response) == protocol.ACCESS_DENIED
