"""The model's invariants: states, transitions, constraints, numbers in URLs."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from eprok.appeals.models import (
    ANSWER_TRANSITIONS,
    CLOSED_STATUSES,
    OPEN_STATUSES,
    TRANSITIONS,
    Appeal,
    AppealStatus,
    AppealTopic,
    Channel,
    Sector,
)
from eprok.appeals.tests.factories import make_appeal

pytestmark = pytest.mark.django_db


def test_every_state_has_its_transitions_and_closed_ones_are_final():
    assert set(TRANSITIONS) == set(AppealStatus.values)
    assert all(not TRANSITIONS[status] for status in CLOSED_STATUSES)
    assert set(AppealStatus.values) == OPEN_STATUSES | CLOSED_STATUSES
    assert ANSWER_TRANSITIONS["delivered"] == frozenset()


def test_the_classifiers_are_loaded_with_three_languages():
    assert AppealTopic.objects.count() >= 25 and Sector.objects.count() >= 15
    for row in [*AppealTopic.objects.all(), *Sector.objects.all()]:
        assert row.name_az and row.name_en and row.name_ru
    assert set(AppealTopic.objects.exclude(escalation="").values_list("escalation", flat=True)) == {
        "torture",
        "corruption",
        "prosecutor_misconduct",
        "police_misconduct",
    }


def test_a_message_id_is_unique_per_channel(people):
    first = make_appeal(actor=None, unit=people.unit, channel=Channel.PORTAL, external_id="p-1")
    row: dict[str, Any] = dict(Appeal.objects.filter(pk=first.pk).values().get())
    row.pop("id")
    row.update(public_id=uuid.uuid4(), number="AP-X-2026-99999")
    with pytest.raises(IntegrityError), transaction.atomic():
        Appeal.objects.create(**row)
    row.update(public_id=uuid.uuid4(), channel=Channel.EGOV)
    assert Appeal.objects.create(**row).pk


def test_the_card_url_holds_the_number(people, appeal):
    assert appeal.get_absolute_url().endswith(f"/appeals/{appeal.number}/")
    assert str(appeal) == appeal.number and appeal.is_open
