"""Idempotency keys: one record per key, a different body under the same key is refused."""

from __future__ import annotations

import pytest

from eprok.core.errors import Conflict, ValidationFailed
from eprok.core.idempotency import run_once
from eprok.core.models import IdempotencyRecord
from eprok.org.models import Unit
from eprok.org.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def _create(personas, key, payload, made):
    def create():
        unit = UnitFactory(code=f"u-{len(made)}")
        made.append(unit)
        return unit

    return run_once(
        client=personas.investigator,
        operation="test.create",
        key=key,
        payload=payload,
        create=create,
        result_key=lambda unit: unit.code,
        load=lambda code: Unit.objects.get(code=code),
    )


def test_a_retried_request_returns_the_first_result(personas):
    made: list = []
    first, created = _create(personas, "k-1", {"a": 1}, made)
    again, created_again = _create(personas, "k-1", {"a": 1}, made)
    assert created and not created_again
    assert again.pk == first.pk
    assert len(made) == 1
    assert IdempotencyRecord.objects.count() == 1


def test_the_same_key_with_another_body_is_refused(personas):
    made: list = []
    _create(personas, "k-1", {"a": 1}, made)
    with pytest.raises(Conflict):
        _create(personas, "k-1", {"a": 2}, made)
    assert len(made) == 1


def test_without_a_key_every_request_creates(personas):
    made: list = []
    _create(personas, None, {"a": 1}, made)
    _create(personas, "", {"a": 1}, made)
    assert len(made) == 2
    assert IdempotencyRecord.objects.count() == 0


def test_keys_belong_to_their_client(personas):
    made: list = []
    _create(personas, "k-1", {"a": 1}, made)
    other = run_once(
        client=personas.outsider,
        operation="test.create",
        key="k-1",
        payload={"a": 1},
        create=lambda: Unit.objects.create(code="other", name_az="Başqa bölmə", path="/x/"),
        result_key=lambda unit: unit.code,
        load=lambda code: Unit.objects.get(code=code),
    )
    assert other[1] is True


def test_a_malformed_key_is_refused(personas):
    with pytest.raises(ValidationFailed):
        _create(personas, "x" * 101, {}, [])
    with pytest.raises(ValidationFailed):
        _create(personas, "bad\nkey", {}, [])
