"""The appeals demo: every state, channel and outcome appears, through the services, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.appeals.models import (
    Answer,
    AnswerStatus,
    Appeal,
    AppealStatus,
    Channel,
    Escalation,
    Outcome,
    ReceptionEntry,
    UnconsideredGround,
)
from eprok.appeals.seeding import seed_appeals
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.notifications.models import OutboundMessage
from eprok.org.seeding import seed

pytestmark = pytest.mark.django_db


def test_the_demo_holds_appeals_in_every_state_and_is_seeded_once(audit_events):
    # One test, because seeding the demo takes a while.
    seed(scale=1)
    report = seed_appeals()
    assert 280 <= report.created <= 330 and report.receptions == 20
    assert set(Appeal.objects.values_list("status", flat=True)) == set(AppealStatus.values)
    assert set(Appeal.objects.values_list("channel", flat=True)) == set(Channel.values)
    assert set(Appeal.objects.exclude(outcome="").values_list("outcome", flat=True)) == set(Outcome.values)
    assert set(Answer.objects.values_list("status", flat=True)) == set(AnswerStatus.values)
    assert set(Appeal.objects.exclude(escalation="").values_list("escalation", flat=True)) == set(
        Escalation.values
    )
    grounds = set(
        Appeal.objects.exclude(unconsidered_ground="").values_list("unconsidered_ground", flat=True)
    )
    assert grounds == {UnconsideredGround.ANONYMOUS, UnconsideredGround.REPEAT}
    assert Appeal.objects.filter(extensions__isnull=False).exists()
    assert Appeal.objects.filter(repeat_of__isnull=False).count() >= 3
    assert Appeal.objects.filter(unit__code="baku-xetai").count() >= 50
    today = timezone.localdate()
    assert Appeal.objects.filter(status__in=["registered", "in_work"], answer_due__lt=today).exists()
    # Rəşad's "My work": appeals of the Xətai office due this week.
    week = timezone.now() + dt.timedelta(days=7)
    due_soon = TrackedDeadline.objects.filter(
        owner_type="appeals.appeal",
        state=DeadlineState.OPEN,
        responsible__username="prokuror",
        ends_at__lte=week,
    )
    assert due_soon.count() >= 3
    # Written by the services, quietly: every appeal has its audit trail; no invented citizen is written to.
    assert len(audit_events("appeals.appeal.registered")) == Appeal.objects.count()
    assert not OutboundMessage.objects.exists()

    counts = (Appeal.objects.count(), ReceptionEntry.objects.count())
    again = seed_appeals()
    assert again.created == 0 and (Appeal.objects.count(), ReceptionEntry.objects.count()) == counts
