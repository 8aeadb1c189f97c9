"""Who sees a training event and what they may do with it: administrators everything, trainers their
events, listeners the published events they are invited to — nobody else (404, audited)."""

from __future__ import annotations

import pytest

from eprok.core.errors import Forbidden, NotFound
from eprok.org.grants import forget_grants
from eprok.training import access, services
from eprok.training.models import TrainingEvent
from eprok.training.tests.conftest import NAMES

pytestmark = pytest.mark.django_db

SEES_PUBLISHED = {"anonymous": False, "outsider": False, "listener": True, "trainer": True, "admin": True}
SEES_DRAFT = {"anonymous": False, "outsider": False, "listener": False, "trainer": True, "admin": True}
assert set(SEES_PUBLISHED) == set(SEES_DRAFT) == set(NAMES)


def _sees(people, name: str, event: TrainingEvent) -> bool:
    user = people.by_name(name)
    if user is not None:
        forget_grants(user)
    return access.visible_to(user).filter(pk=event.pk).exists()


def test_the_visibility_matrix_of_a_published_event(people, event):
    assert {name: _sees(people, name, event) for name in NAMES} == SEES_PUBLISHED


def test_the_visibility_matrix_of_a_draft(people, make_event):
    draft = make_event(publish=False)
    assert {name: _sees(people, name, draft) for name in NAMES} == SEES_DRAFT


def test_a_trainer_does_not_see_events_they_do_not_teach(people, make_event):
    other = make_event(staffed=False)
    assert not _sees(people, "trainer", other)
    assert _sees(people, "admin", other)


def test_the_actions_by_role(people, event):
    assert access.can_manage(people.admin, event) and access.can_run(people.admin, event)
    assert not access.can_manage(people.trainer, event) and access.can_run(people.trainer, event)
    assert not access.can_manage(people.listener, event) and not access.can_run(people.listener, event)
    assert not access.can_run(people.other_trainer, event)  # holds the role, but does not teach this one


def test_get_event_for_answers_404_for_the_invisible_and_403_for_a_refused_action(
    people, event, audit_events
):
    with pytest.raises(NotFound):
        access.get_event_for(people.outsider, event.public_id)
    with pytest.raises(NotFound):
        access.get_event_for(people.admin, "not-a-uuid")
    with pytest.raises(Forbidden):
        access.get_event_for(people.listener, event.public_id, action="manage")
    with pytest.raises(Forbidden):
        access.get_event_for(people.listener, event.public_id, action="run")
    assert access.get_event_for(people.trainer, event.public_id, action="run") == event
    assert len(audit_events()) >= 3  # every refusal is audited


def test_the_base_is_for_administrators_and_trainers(people, event):
    assert access.uses_base(people.admin) and access.uses_base(people.trainer)
    assert not access.uses_base(people.listener) and not access.uses_base(None)
    assert list(access.organiser_units(people.admin)) == [people.centre]
    assert not access.organiser_units(people.trainer).exists()


def test_the_explainer_gives_reasons(people, event):
    from eprok.training.explain import explain_event

    def explanation_for(user):
        result = explain_event(user, event.number)
        assert result is not None
        return result[1]

    explanation = explanation_for(people.listener)
    assert explanation.visible and explanation.actions == {
        "view": True,
        "manage": False,
        "run": False,
        "protocol": False,
    }
    explanation = explanation_for(people.outsider)
    assert not explanation.visible and explanation.reasons
    services.event_cancel(actor=people.admin, event=event, reason="Ləğv edildi.")
    explanation = explanation_for(people.admin)
    assert explanation.actions["manage"]


def test_the_event_owns_its_session_materials(people, event):
    from eprok.documents.owners import owner_type

    kind = owner_type("training.trainingevent")
    assert kind.get_for(people.listener, str(event.public_id), "view") == event
    with pytest.raises(NotFound):
        kind.get_for(people.outsider, str(event.public_id), "view")
    assert kind.can_attach(people.trainer, event) and kind.can_attach(people.admin, event)
    assert not kind.can_attach(people.listener, event) and not kind.can_attach(people.other_trainer, event)
    assert kind.unit_of(event) == people.centre
    assert kind.url_of(event) == event.get_absolute_url()


def test_the_protocol_is_written_by_administrators_and_the_lead_trainer(people, event):
    from eprok.training.models import TrainerRole

    services.trainer_add(
        actor=people.admin, event=event, employee=people.other_trainer, role=TrainerRole.CO_TRAINER
    )
    assert access.can_write_protocol(people.admin, event) and access.can_write_protocol(people.trainer, event)
    assert not access.can_write_protocol(people.other_trainer, event)  # a co-trainer reads it, does not write
    assert access.can_read_protocol(people.other_trainer, event)
    assert not access.can_read_protocol(people.listener, event)


def test_plans_are_drawn_up_where_one_trains_or_heads(people):
    assert list(access.plan_units(people.admin)) == [people.centre]
    assert list(access.plan_units(people.trainer)) == [people.centre]
    assert not access.plan_units(people.listener).exists() and not access.uses_plans(people.listener)
    people.nesimi.head = people.outsider
    people.nesimi.save(update_fields=["head"])
    assert list(access.plan_units(people.outsider)) == [people.nesimi]
    assert access.uses_plans(people.outsider) and access.heads_a_unit(people.outsider)
    assert not access.uses_plans(None)
