"""The training demo: a year of events, evaluations and protocols, three plans, unit heads — once."""

from __future__ import annotations

import pytest

from eprok.org.models import Unit
from eprok.org.seeding import seed
from eprok.training.models import Evaluation, EventStatus, ThematicArea, ThematicPlan, TrainingEvent
from eprok.training.seeding import seed_training

pytestmark = pytest.mark.django_db


def test_the_demo_base_is_seeded_once():
    seed(scale=1)
    report = seed_training()
    assert report.events == 12 and report.plans == 3 and report.heads == 3
    assert TrainingEvent.objects.filter(status=EventStatus.HELD).count() == 8
    assert TrainingEvent.objects.filter(status=EventStatus.PUBLISHED).count() == 3
    assert not TrainingEvent.objects.filter(status=EventStatus.HELD, protocol="").exists()
    assert Evaluation.objects.count() == report.evaluations > 0
    assert set(ThematicPlan.objects.values_list("status", flat=True)) == {"approved", "submitted", "returned"}
    assert TrainingEvent.objects.filter(plan_item__isnull=False, status=EventStatus.HELD).count() == 1
    assert Unit.objects.filter(code="baku-xetai", head__username="prokuror").exists()
    assert set(ThematicArea.objects.filter(is_mandatory=True).values_list("code", flat=True)) == {
        "anti-corruption",
        "ethics",
    }
    again = seed_training()
    assert (again.events, again.plans, again.heads) == (0, 0, 0)
    assert TrainingEvent.objects.count() == 12
