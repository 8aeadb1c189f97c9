"""The casework demo: every state of a report and of a case appears, through the services, once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from eprok.cases.models import Case, CaseStatus, MeasureKind, PreventiveMeasure
from eprok.cases.seeding import seed_casework
from eprok.core.models import DeadlineState, TrackedDeadline
from eprok.materials.models import Material, MaterialStatus
from eprok.org.seeding import seed

pytestmark = pytest.mark.django_db


def test_the_demo_holds_reports_and_cases_in_every_state_and_is_seeded_once(audit_events):
    # One test, because seeding the demo takes a while.
    seed(scale=1)
    casework = seed_casework(people_count=60)
    assert casework.skipped == 0
    assert set(Material.objects.values_list("status", flat=True)) == set(MaterialStatus.values)
    statuses = set(Case.objects.values_list("status", flat=True))
    assert statuses >= {
        CaseStatus.INVESTIGATION,
        CaseStatus.SUSPENDED,
        CaseStatus.INDICTMENT,
        CaseStatus.SENT_TO_COURT,
        CaseStatus.TERMINATED,
    }
    assert Material.objects.filter(extensions__isnull=False).exists()
    assert Case.objects.filter(extensions__isnull=False).exists()
    assert PreventiveMeasure.objects.filter(kind=MeasureKind.DETENTION, ended_at__isnull=True).exists()
    assert PreventiveMeasure.objects.filter(kind=MeasureKind.ARREST).exists()
    # Running terms are indexed for "My work", and some have already run out.
    open_terms = TrackedDeadline.objects.filter(state=DeadlineState.OPEN)
    assert open_terms.filter(owner_type="materials.material").exists()
    assert open_terms.filter(owner_type="cases.case").exists()
    assert open_terms.filter(ends_at__lt=timezone.now()).exists()
    # Written by the services: every report and case has its audit trail.
    assert len(audit_events("materials.material.registered")) == Material.objects.count()
    assert len(audit_events("cases.case.opened")) == Case.objects.count()

    counts = (Material.objects.count(), Case.objects.count())
    again = seed_casework(people_count=60)
    assert again.opened == 0 and again.materials is None
    assert (Material.objects.count(), Case.objects.count()) == counts
