"""The one outbound client (eprok.gateway.client.call) against the registers' simulator as a real process:
answers, retries, timeouts, refusals, bad answers and the circuit breaker, each attempt in the message log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from eprok.gateway import circuit, protocol
from eprok.gateway.client import (
    GatewayBadAnswer,
    GatewayRefused,
    GatewayUnavailable,
    UnknownService,
    call,
    close_connections,
)
from eprok.gateway.log import verify
from eprok.gateway.models import CircuitState, Direction, Message, Outcome, RemoteService
from eprok.gateway.testing import XRoadSim

pytestmark = pytest.mark.django_db

PERSON = "population.person"
PURPOSE = "checking the suspect's identity"


@pytest.fixture(autouse=True)
def _fresh_connections() -> Any:
    # A kept-alive connection of an earlier test may point at a simulator port of that test's settings.
    close_connections()
    yield
    close_connections()


def _service(**changes: Any) -> RemoteService:
    service = RemoteService.objects.get(code=PERSON)
    if changes:
        RemoteService.objects.filter(pk=service.pk).update(**changes)
        service.refresh_from_db()
    return service


def _calls(sim: XRoadSim) -> int:
    return int(sim.stats()["calls"].get("person-v1", 0))


def test_a_found_person_is_answered_and_logged(xroad_registers: XRoadSim, personas: Any) -> None:
    reply = call(
        PERSON,
        path="/persons/5ABC123",
        actor=personas.investigator,
        purpose=PURPOSE,
        issue="CM-BAKU-2026-00042",
    )
    assert reply.status == 200 and reply.found
    assert reply.data["fin"] == "5ABC123"
    message = reply.message
    assert message.direction == Direction.OUT
    assert (message.outcome, message.status_code, message.attempt) == (Outcome.OK, 200, 1)
    assert message.xroad_id == reply.xroad_id
    assert message.path == "/r1/AZ/GOV/1600000011/population/person-v1/persons/5ABC123"
    assert message.request_hash == protocol.request_hash("GET", message.path, reply.xroad_id, b"")
    assert (message.purpose, message.issue, message.actor_id) == (
        PURPOSE,
        "CM-BAKU-2026-00042",
        personas.investigator.pk,
    )
    assert message.user_id.startswith("AZ")
    assert '"5ABC123"' in message.response_body


def test_an_unknown_person_is_a_normal_not_found(xroad_registers: XRoadSim) -> None:
    reply = call(PERSON, path="/persons/9ZZZ999", purpose=PURPOSE)
    assert reply.status == 404 and not reply.found
    assert reply.message.outcome == Outcome.NOT_FOUND
    assert Message.objects.filter(xroad_id=reply.xroad_id).count() == 1


def test_a_503_is_retried_under_the_same_message_id(xroad_registers: XRoadSim) -> None:
    _service(retries=2)
    xroad_registers.control(fail=2, status=503, xroad_error="", service="person-v1")
    reply = call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert reply.status == 200
    attempts = list(
        Message.objects.filter(xroad_id=reply.xroad_id)
        .order_by("id")
        .values_list("attempt", "outcome", "status_code")
    )
    assert attempts == [(1, Outcome.ERROR, 503), (2, Outcome.ERROR, 503), (3, Outcome.OK, 200)]
    assert _calls(xroad_registers) == 3
    # A success resets the failures counted on the way.
    assert CircuitState.objects.get(service__code=PERSON).failures == 0


def test_503_after_the_retries_is_unavailable(xroad_registers: XRoadSim) -> None:
    _service(retries=1, failure_threshold=50)
    xroad_registers.control(fail=5, status=503, service="person-v1")
    with pytest.raises(GatewayUnavailable) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert caught.value.outcome == Outcome.ERROR
    assert caught.value.log is not None and caught.value.log.attempt == 2
    assert str(caught.value.message)


def test_no_answer_in_time_is_a_timeout(xroad_registers: XRoadSim) -> None:
    _service(timeout=0.3, retries=0)
    xroad_registers.control(delay=1, service="person-v1")
    with pytest.raises(GatewayUnavailable) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert caught.value.outcome == Outcome.TIMEOUT
    assert caught.value.log is not None and caught.value.log.outcome == Outcome.TIMEOUT
    assert caught.value.log.status_code is None


def test_an_xroad_error_is_a_refusal_and_not_retried(xroad_registers: XRoadSim) -> None:
    _service(retries=2)
    xroad_registers.control(
        fail=1, status=403, xroad_error="Server.ClientProxy.AccessDenied", service="person-v1"
    )
    with pytest.raises(GatewayRefused) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert "Server.ClientProxy.AccessDenied" in caught.value.error
    assert caught.value.log is not None and caught.value.log.outcome == Outcome.REFUSED
    assert Message.objects.filter(xroad_id=caught.value.log.xroad_id).count() == 1


def test_an_answer_that_is_not_json_is_a_bad_answer(xroad_registers: XRoadSim) -> None:
    xroad_registers.control(garbage=1, service="person-v1")
    with pytest.raises(GatewayBadAnswer) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert caught.value.outcome == Outcome.BAD_ANSWER
    assert "Gateway Timeout" in caught.value.log.response_body  # type: ignore[union-attr]


def test_an_answer_to_another_request_is_discarded(xroad_registers: XRoadSim) -> None:
    xroad_registers.control(wrong_hash=1, service="person-v1")
    with pytest.raises(GatewayBadAnswer) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert caught.value.outcome == Outcome.HASH_MISMATCH
    assert caught.value.log is not None and caught.value.log.outcome == Outcome.HASH_MISMATCH


def test_an_unconfigured_service_is_refused_without_a_call(xroad_registers: XRoadSim) -> None:
    with pytest.raises(UnknownService):
        call("no.such.service", path="/x")
    _service(is_active=False)
    with pytest.raises(UnknownService):
        call(PERSON, path="/persons/5ABC123")
    assert _calls(xroad_registers) == 0


def test_the_circuit_opens_after_the_failures_and_closes_after_the_cooldown(
    xroad_registers: XRoadSim,
) -> None:
    service = _service(retries=0, failure_threshold=2, cooldown=60)
    xroad_registers.control(fail=100, status=503, service="person-v1")
    for _ in range(2):
        with pytest.raises(GatewayUnavailable):
            call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert circuit.is_open(service)
    assert _calls(xroad_registers) == 2

    with pytest.raises(GatewayUnavailable) as caught:
        call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert caught.value.outcome == Outcome.CIRCUIT_OPEN
    assert caught.value.log is not None and caught.value.log.outcome == Outcome.CIRCUIT_OPEN
    assert _calls(xroad_registers) == 2  # no HTTP call while open

    # The cooldown has passed (moved in the database, no sleeping); the provider is back.
    CircuitState.objects.filter(service=service).update(opened_until=timezone.now() - dt.timedelta(seconds=1))
    xroad_registers.reset()
    reply = call(PERSON, path="/persons/5ABC123", purpose=PURPOSE)
    assert reply.status == 200
    state = CircuitState.objects.get(service=service)
    assert (state.failures, state.opened_until) == (0, None)


def test_a_failed_trial_call_opens_the_circuit_again(xroad_registers: XRoadSim) -> None:
    service = _service(retries=0, failure_threshold=1, cooldown=60)
    xroad_registers.control(fail=100, status=503, service="person-v1")
    with pytest.raises(GatewayUnavailable):
        call(PERSON, path="/persons/5ABC123")
    later = timezone.now() + dt.timedelta(seconds=61)
    assert not circuit.is_open(service, now=later)
    assert circuit.allow(service, now=later)  # this caller won the one trial call
    assert not circuit.allow(service, now=later)  # nobody else meanwhile
    circuit.record_failure(service, now=later)
    assert circuit.is_open(service, now=later)


def test_every_attempt_is_in_an_intact_chain(xroad_registers: XRoadSim) -> None:
    _service(retries=1)
    xroad_registers.control(fail=1, status=503, service="person-v1")
    call(PERSON, path="/persons/5ABC123")
    call(PERSON, path="/persons/9ZZZ999")
    result = verify()
    assert result.ok and result.checked == 3
