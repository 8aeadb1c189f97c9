"""Maintaining the classifiers, linking a reception visit to its appeal, the extension's notice flag."""

from __future__ import annotations

import pytest
from django.utils import timezone

from eprok.appeals import access, selectors, services
from eprok.appeals.models import AppealTopic, Escalation, Sector
from eprok.appeals.tests.factories import make_appeal, topic
from eprok.core.errors import Conflict, Forbidden, ValidationFailed

pytestmark = pytest.mark.django_db


def test_only_an_administrator_of_the_whole_service_maintains_the_classifiers(people):
    assert access.can_manage_classifiers(people.admin)
    assert not access.can_manage_classifiers(people.approver) and not access.can_manage_classifiers(None)
    with pytest.raises(Forbidden):
        services.sector_create(actor=people.approver, code="ecology", name_az="Ekologiya")


def test_a_topic_is_added_changed_and_no_longer_offered(people, audit_events):
    created = services.topic_create(
        actor=people.admin,
        code="migrant-rights",
        name_az="Miqrantların hüquqları",
        name_en="Rights of migrants",
        parent=topic("criminal-proceedings"),
        escalation=Escalation.TORTURE,
        escalate_to=people.departments["gpo-legal-support"],
    )
    assert created.parent is not None and created.parent.code == "criminal-proceedings"
    services.topic_update(actor=people.admin, topic=created, name_az="Miqrantların hüquqları", sort_order=5)
    services.topic_set_active(actor=people.admin, topic=created, active=False)
    assert created not in selectors.topic_choices() and created in selectors.topic_choices(active_only=False)
    actions = [e.action for e in audit_events() if e.action.startswith("appeals.topic.")]
    assert actions == ["appeals.topic.created", "appeals.topic.updated", "appeals.topic.deactivated"]


def test_a_topic_refuses_a_taken_code_a_loop_and_an_escalation_without_its_kind(people):
    parent = topic("criminal-proceedings")
    with pytest.raises(ValidationFailed) as caught:
        services.topic_create(
            actor=people.admin, code="housing", name_az="", escalate_to=people.departments["acgd"]
        )
    assert {"code", "name_az", "escalation"} <= set(caught.value.details)
    child = topic("investigation-actions")
    with pytest.raises(ValidationFailed) as loop:
        services.topic_update(actor=people.admin, topic=parent, name_az=parent.name_az, parent=child)
    assert "parent" in loop.value.details


def test_a_sector_is_added_and_changed(people, audit_events):
    sector = services.sector_create(
        actor=people.admin, code="ecology", name_az="Ekologiya", name_ru="Экология"
    )
    services.sector_update(actor=people.admin, sector=sector, name_az="Ekologiya və təbii sərvətlər")
    services.sector_set_active(actor=people.admin, sector=sector, active=False)
    assert Sector.objects.get(code="ecology").name_az == "Ekologiya və təbii sərvətlər"
    assert [e.action for e in audit_events() if e.action.startswith("appeals.sector.")] == [
        "appeals.sector.created",
        "appeals.sector.updated",
        "appeals.sector.deactivated",
    ]


def test_an_inactive_topic_is_no_longer_chosen_for_new_appeals(people):
    housing = AppealTopic.objects.get(code="housing")
    services.topic_set_active(actor=people.admin, topic=housing, active=False)
    housing.refresh_from_db()
    with pytest.raises(ValidationFailed):
        make_appeal(actor=people.clerk, unit=people.unit, topic=housing)


def test_a_visit_is_linked_once_to_the_appeal_registered_from_it(people, appeal, audit_events):
    entry = services.reception_entry_create(
        actor=people.clerk,
        unit=people.unit,
        received_at=timezone.now(),
        official=people.approver,
        visitor_name="Rəhimov Anar",
        subject="Şikayət",
    )
    linked = services.reception_entry_link_appeal(actor=people.clerk, entry=entry, appeal=appeal)
    assert linked.appeal_number == appeal.number and audit_events("appeals.reception_entry.linked")
    with pytest.raises(Conflict):
        services.reception_entry_link_appeal(actor=people.clerk, entry=entry, appeal=appeal)
    with pytest.raises(Forbidden):
        services.reception_entry_link_appeal(actor=people.outsider, entry=entry, appeal=appeal)


def test_an_applicant_told_by_post_is_recorded_as_informed(people, appeal):
    extension = services.appeal_extend(
        actor=people.approver, appeal=appeal, reason="Sorğu göndərilib.", applicant_informed=True
    )
    assert extension.applicant_informed and not appeal.notify_email


def test_the_dashboard_has_the_five_counts_per_channel_and_topic(people):
    make_appeal(actor=people.clerk, unit=people.unit, topic=topic())
    board = selectors.appeal_dashboard(user=people.clerk)
    (row,) = board.channel_rows
    assert (row.code, row.received, row.in_work, row.answered) == ("letter", 1, 0, 0)
    assert board.topic_rows[0].code == "housing" and board.by_topic[0][2] == 1
