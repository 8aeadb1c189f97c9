"""The supervision demo: a dozen cases in every state through the services, seeded once."""

from __future__ import annotations

import pytest

from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.org.seeding import seed
from eprok.supervision.models import SupervisedCase, SupervisedStatus, SupervisoryAct, Violation
from eprok.supervision.seeding import CASES, seed_supervision

pytestmark = pytest.mark.django_db


def test_the_demo_holds_cases_in_every_state_and_is_seeded_once(audit_events):
    seed(scale=1)
    report = seed_supervision()
    assert report.cases == len(CASES) == SupervisedCase.objects.count()
    assert set(SupervisedCase.objects.values_list("status", flat=True)) == set(SupervisedStatus.values)
    assert set(SupervisedCase.objects.values_list("supervisor__username", flat=True)) == {
        "prokuror",
        "nezaretci",
    }
    assert SupervisoryAct.objects.filter(answered_at__isnull=False).exists()
    assert (
        Violation.objects.filter(automatic=True).exists()
        and Violation.objects.filter(automatic=False).exists()
    )
    assert report.violations == Violation.objects.count()
    assert TrackedDeadline.objects.filter(
        owner_type="supervision.supervisedcase", state=DeadlineState.OPEN, responsible__username="prokuror"
    ).exists()
    assert len(audit_events("supervision.case.created")) == len(CASES)
    assert seed_supervision().cases == 0
    assert SupervisedCase.objects.count() == len(CASES)
