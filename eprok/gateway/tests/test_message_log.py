"""The gateway's message log: hash-chained, append-only in the database, and a tampered row is detected."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from eprok.gateway import log
from eprok.gateway.models import Direction, Message, Outcome

pytestmark = pytest.mark.django_db


def _append(n: int, **changes: Any) -> Message:
    values: dict[str, Any] = {
        "direction": Direction.OUT,
        "xroad_id": f"id-{n}",
        "client": "AZ/GOV/1500000061/eprok",
        "service": "AZ/GOV/1600000011/population/person-v1",
        "service_code": "population.person",
        "method": "GET",
        "path": f"/r1/AZ/GOV/1600000011/population/person-v1/persons/5ABC12{n}",
        "user_id": "AZ5ABC123",
        "purpose": "identity check",
        "outcome": Outcome.OK,
        "status_code": 200,
        "response_body": '{"fin": "5ABC123", "last_name": "Məmmədov"}',
        **changes,
    }
    return log.append(**values)


def test_rows_are_chained_and_verify() -> None:
    first = _append(1)
    second = _append(2)
    assert first.prev_hash == log.GENESIS_HASH
    assert second.prev_hash == first.hash
    result = log.verify()
    assert result.ok and result.checked == 2


def test_the_database_refuses_update_and_delete() -> None:
    message = _append(1)
    with pytest.raises(DatabaseError), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(outcome=Outcome.ERROR)
    with pytest.raises(DatabaseError), transaction.atomic():
        Message.objects.filter(pk=message.pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE gateway_message SET response_body = %s WHERE id = %s", ["{}", message.pk])
    message.refresh_from_db()
    assert message.outcome == Outcome.OK
    assert log.verify().ok


def test_a_forged_row_is_detected() -> None:
    _append(1)
    last = _append(2)
    # A row slipped in past the application: linked to the last hash, but its own hash is not its content's.
    forged = Message(
        occurred_at=last.occurred_at,
        direction=Direction.OUT,
        xroad_id="forged",
        client=last.client,
        service=last.service,
        service_code=last.service_code,
        method="GET",
        path=last.path,
        outcome=Outcome.OK,
        status_code=200,
        response_body='{"wanted": false}',
        prev_hash=last.hash,
        hash="f" * 64,
    )
    Message.objects.bulk_create([forged])
    forged_pk = Message.objects.get(xroad_id="forged").pk
    result = log.verify()
    assert not result.ok
    assert result.problems == [(forged_pk, "hash_mismatch")]


def test_a_row_that_is_not_linked_breaks_the_chain() -> None:
    _append(1)
    values = {
        "direction": Direction.IN,
        "xroad_id": "x",
        "client": "a",
        "service": "b",
        "method": "POST",
        "path": "/r1/x",
        "outcome": Outcome.OK,
        "attempt": 1,
        "duration_ms": 0,
    }
    # Its hash is right for its content, but it claims a predecessor that is not the last row.
    values["occurred_at"] = Message.objects.get().occurred_at
    prev = "1" * 64
    Message.objects.bulk_create([Message(**values, prev_hash=prev, hash=log.message_hash(prev, values))])
    result = log.verify()
    assert [problem for _pk, problem in result.problems] == ["chain_break"]


def test_the_verify_command_fails_on_a_broken_chain() -> None:
    _append(1)
    out = io.StringIO()
    call_command("gateway_verify", stdout=out)
    assert "intact" in out.getvalue()
    last = Message.objects.get()
    Message.objects.bulk_create(
        [
            Message(
                occurred_at=last.occurred_at,
                direction=Direction.OUT,
                xroad_id="y",
                client="c",
                service="s",
                method="GET",
                path="/p",
                outcome=Outcome.OK,
                prev_hash=last.hash,
                hash="e" * 64,
            )
        ]
    )
    with pytest.raises(CommandError):
        call_command("gateway_verify", stdout=io.StringIO())


def test_long_fields_are_cut_to_what_is_stored_and_still_verify() -> None:
    _append(1, error="x" * 2000, purpose="p" * 900, issue="i" * 300)
    assert log.verify().ok
