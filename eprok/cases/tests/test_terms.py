"""The case's running terms in the cross-module index, their recomputation, and "why can they see it?"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from eprok.cases import services, terms
from eprok.cases.models import Case, MeasureKind
from eprok.cases.tests.factories import make_case, make_party
from eprok.core.access import explain, explainable_types
from eprok.core.calendar import tracking
from eprok.core.models import DeadlineState, TrackedDeadline

pytestmark = pytest.mark.django_db


def rows(case: Case) -> dict[str, TrackedDeadline]:
    return {row.key: row for row in TrackedDeadline.objects.filter(owner_type="cases.case", owner_id=case.pk)}


def test_every_running_term_is_indexed_under_its_key_and_closed_when_it_stops(case, personas):
    suspect = make_party(case, actor=personas.investigator)
    measure = services.measure_apply(
        actor=personas.investigator, case=case, party=suspect, kind=MeasureKind.DETENTION
    )
    instruction = services.instruction_give(
        actor=personas.superior, case=case, text="X", due_date=timezone.localdate() + dt.timedelta(days=4)
    )
    tracked = rows(case)
    assert set(tracked) == {"investigation", f"measure-{measure.pk}", f"instruction-{instruction.pk}"}
    assert tracked[f"measure-{measure.pk}"].due_is_moment is True
    assert tracked["investigation"].responsible == personas.investigator
    assert tracked["investigation"].url == case.get_absolute_url()
    case.refresh_from_db()
    assert case.next_due_key == f"measure-{measure.pk}"
    assert case.next_due_at == measure.due_at
    services.measure_end(actor=personas.investigator, measure=measure, reason="Azad edildi")
    services.instruction_report(actor=personas.investigator, instruction=instruction, report="Edildi")
    tracked = rows(case)
    assert tracked[f"measure-{measure.pk}"].state == DeadlineState.CLOSED
    assert tracked[f"instruction-{instruction.pk}"].state == DeadlineState.CLOSED
    assert tracked["investigation"].state == DeadlineState.OPEN
    case.refresh_from_db()
    assert case.next_due_key == "investigation"


def test_the_terms_appear_on_my_work(case, personas):
    items = tracking.my_work_items(personas.investigator)
    assert [(item.title, item.due) for item in items] == [(case.number, case.investigation_due)]


def test_the_recomputer_is_registered_and_rebuilds_the_index(case, personas):
    assert dict(tracking.recomputers())["cases.case"] is terms.recompute
    TrackedDeadline.objects.filter(owner_type="cases.case").delete()
    finished = make_case(actor=personas.investigator, unit=personas.unit, supervisor=personas.prosecutor)
    services.case_refer(actor=personas.investigator, case=finished, body="DTX", grounds="Aidiyyət")
    # a row left open by mistake for a case that no longer runs anything
    TrackedDeadline.objects.filter(owner_type="cases.case", owner_id=finished.pk).update(
        state=DeadlineState.OPEN
    )
    assert terms.recompute() == 1
    assert set(rows(case)) == {"investigation"}
    assert rows(finished)["investigation"].state == DeadlineState.CLOSED


def explained(user, number):
    answer = explain(user, "cases.case", number)
    assert answer is not None
    return answer


def test_the_explainer_says_why_each_persona_sees_the_case(case, personas):
    assert "cases.case" in [label for label, _name in explainable_types()]
    _case, lead = explained(personas.investigator, case.number)
    assert lead.visible and lead.actions == {"view": True, "edit": True, "supervise": False}
    _case, superior = explained(personas.superior, case.number)
    assert superior.visible and superior.actions["supervise"] and not superior.actions["edit"]
    _case, colleague = explained(personas.colleague, case.number)
    assert not colleague.visible and colleague.reasons
    assert explain(personas.colleague, "cases.case", "CI-NONE") is None
