"""The quarterly thematic plans: an office draws one up, sends it to the Centre, the Centre approves or
returns it; refused moves write nothing; an approved plan is frozen and events carry out its items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from eprok.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.notifications.models import Notification
from eprok.org.roles import Role
from eprok.org.tests.factories import EmployeeFactory, RoleAssignmentFactory
from eprok.training import access, selectors, services, services_plans
from eprok.training.models import EventKind, PlanItem, PlanStatus, ThematicPlan, TrainingEvent
from eprok.training.tests.conftest import GRANTED, STARTS

pytestmark = pytest.mark.django_db


def _english(message: Any) -> str:
    with translation.override("en"):
        return str(message)


@pytest.fixture
def office(people, clock):
    """`planner` conducts training in the Xətai office; `colleague` heads it."""
    planner = EmployeeFactory(username="planner", unit=people.xetai, last_name="Rzayeva", first_name="Nərmin")
    RoleAssignmentFactory(employee=planner, role=Role.TEACH_TRAINING, unit=people.xetai, valid_from=GRANTED)
    people.xetai.head = people.colleague
    people.xetai.save(update_fields=["head"])
    people.planner = planner
    return people


def _item(people: Any, **fields: Any) -> services_plans.ItemInput:
    values: dict[str, Any] = {
        "area": people.area,
        "topic": "Sübutların toplanması və qiymətləndirilməsi",
        "kind": EventKind.SEMINAR,
        "month": 8,
        "hours": Decimal("4"),
        "audience": "Xətai rayon prokurorluğunun müstəntiqləri",
        "trainer": "Elm-Tədris Mərkəzi",
        **fields,
    }
    return services_plans.ItemInput(**values)


@pytest.fixture
def plan(office):
    """A draft for the third quarter of 2026 with one item (August)."""
    plan = services_plans.plan_create(actor=office.planner, unit=office.xetai, year=2026, quarter=3)
    services_plans.plan_item_add(actor=office.planner, plan=plan, data=_item(office))
    return plan


# --- the workflow ---------------------------------------------------------------------------------------


def test_the_office_draws_up_and_sends_a_plan_and_the_centre_is_notified(
    audit_events, office, plan, django_capture_on_commit_callbacks
):
    assert plan.status == PlanStatus.DRAFT and plan.created_by == office.planner
    assert [a.target_id for a in audit_events("training.plan.created")] == [str(plan.public_id)]
    assert len(audit_events("training.plan.item_added")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services_plans.plan_submit(actor=office.planner, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.submitted_at == timezone.now()
    assert len(audit_events("training.plan.submitted")) == 1
    [note] = Notification.objects.filter(recipient=office.admin)
    assert note.url == plan.get_absolute_url()
    assert not Notification.objects.filter(recipient=office.planner).exists()


def test_the_head_of_the_unit_draws_up_plans_too(office):
    assert access.can_draw_up(office.colleague, office.xetai)
    assert not access.can_draw_up(office.colleague, office.nesimi)
    assert not access.can_draw_up(office.listener, office.xetai)


def test_a_month_outside_the_quarter_is_refused(office, plan):
    with pytest.raises(ValidationFailed) as refused:
        services_plans.plan_item_add(actor=office.planner, plan=plan, data=_item(office, month=4))
    assert "month" in refused.value.details
    assert "7" in _english(refused.value.message) and "9" in _english(refused.value.message)
    assert plan.items.count() == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"topic": " "}, "topic"),
        ({"hours": "0"}, "hours"),
        ({"kind": "party"}, "kind"),
        ({"area": None}, "area"),
    ],
)
def test_an_item_without_what_it_needs_is_refused(office, plan, fields, field):
    with pytest.raises(ValidationFailed) as refused:
        services_plans.plan_item_add(actor=office.planner, plan=plan, data=_item(office, **fields))
    assert field in refused.value.details
    assert plan.items.count() == 1


def test_one_plan_per_office_and_quarter_and_only_for_ones_own_office(office, plan):
    with pytest.raises(ValidationFailed) as refused:
        services_plans.plan_create(actor=office.planner, unit=office.xetai, year=2026, quarter=3)
    assert "quarter" in refused.value.details
    with pytest.raises(ValidationFailed):
        services_plans.plan_create(actor=office.outsider, unit=office.xetai, year=2026, quarter=4)
    with pytest.raises(ValidationFailed):
        services_plans.plan_create(actor=office.planner, unit=office.xetai, year=2026, quarter=5)
    assert ThematicPlan.objects.count() == 1


def test_an_empty_plan_is_not_sent(office):
    plan = services_plans.plan_create(actor=office.planner, unit=office.xetai, year=2026, quarter=4)
    with pytest.raises(Conflict):
        services_plans.plan_submit(actor=office.planner, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


def test_the_centre_returns_with_a_comment_the_office_changes_and_resends_and_the_centre_approves(
    office, plan, audit_events, django_capture_on_commit_callbacks
):
    services_plans.plan_submit(actor=office.planner, plan=plan)
    with pytest.raises(ValidationFailed) as refused:
        services_plans.plan_decide(actor=office.admin, plan=plan, approve=False, comment="")
    assert "comment" in refused.value.details
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        services_plans.plan_decide(actor=office.admin, plan=plan, approve=False, comment="Saatları artırın.")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RETURNED and plan.decided_by == office.admin
    assert {n.recipient for n in Notification.objects.filter(level="warning")} == {
        office.planner,
        office.colleague,
    }
    item = plan.items.get()
    services_plans.plan_item_update(actor=office.planner, item=item, data=_item(office, hours=Decimal("8")))
    services_plans.plan_submit(actor=office.planner, plan=plan)
    services_plans.plan_decide(actor=office.admin, plan=plan, approve=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED and plan.items.get().hours == Decimal("8")
    assert (
        len(audit_events("training.plan.returned")) == 1 and len(audit_events("training.plan.approved")) == 1
    )


def test_an_approved_plan_is_frozen(office, plan):
    services_plans.plan_submit(actor=office.planner, plan=plan)
    services_plans.plan_decide(actor=office.admin, plan=plan, approve=True)
    with pytest.raises(Conflict):
        services_plans.plan_item_add(actor=office.planner, plan=plan, data=_item(office))
    with pytest.raises(Conflict):
        services_plans.plan_item_remove(actor=office.planner, item=plan.items.get())
    with pytest.raises(Conflict):
        services_plans.plan_submit(actor=office.planner, plan=plan)
    with pytest.raises(Conflict):
        services_plans.plan_decide(actor=office.admin, plan=plan, approve=False, comment="Geri.")
    assert plan.items.count() == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


def test_refused_moves_write_nothing(office, plan, audit_events):
    with pytest.raises(Conflict):  # a draft is not decided
        services_plans.plan_decide(actor=office.admin, plan=plan, approve=True)
    services_plans.plan_submit(actor=office.planner, plan=plan)
    with pytest.raises(Forbidden):  # the office does not decide on its own plan
        services_plans.plan_decide(actor=office.planner, plan=plan, approve=True)
    with pytest.raises(Conflict):  # a sent plan is not changed
        services_plans.plan_item_add(actor=office.planner, plan=plan, data=_item(office))
    with pytest.raises(Forbidden):
        services_plans.plan_submit(actor=office.outsider, plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED and plan.items.count() == 1
    assert not audit_events("training.plan.approved")


# --- who sees what --------------------------------------------------------------------------------------


def test_the_visibility_of_plans(office, plan):
    assert access.plans_visible_to(office.admin).filter(pk=plan.pk).exists()
    assert access.plans_visible_to(office.planner).filter(pk=plan.pk).exists()
    assert access.plans_visible_to(office.colleague).filter(pk=plan.pk).exists()  # the head
    assert not access.plans_visible_to(office.outsider).exists()
    assert not access.plans_visible_to(office.listener).exists()
    with pytest.raises(NotFound):
        access.get_plan_for(office.outsider, plan.public_id)
    with pytest.raises(Forbidden):
        access.get_plan_for(office.planner, plan.public_id, action="decide")


def test_the_plan_pages(client, office, plan):
    assert_access_matrix(
        client,
        office,
        reverse("training:plan", args=[plan.public_id]),
        {"anonymous": 302, "outsider": 404, "listener": 404, "trainer": 404, "admin": 200},
    )
    assert_access_matrix(
        client,
        office,
        reverse("training:plans"),
        {"anonymous": 302, "outsider": 404, "listener": 404, "trainer": 200, "admin": 200},
    )
    login_as(client, office.planner)
    assert client.get(reverse("training:plan", args=[plan.public_id])).status_code == 200
    response = client.get(reverse("training:plans"), {"year": "2026", "quarter": "3", "status": "draft"})
    assert [row.pk for row in response.context["page"].object_list] == [plan.pk]
    response = client.get(reverse("training:plans"), {"status": "approved"})
    assert list(response.context["page"].object_list) == []


def test_the_office_works_through_the_pages(client, office):
    login_as(client, office.planner)
    response = client.post(
        reverse("training:plan_new"), {"unit": office.xetai.pk, "year": "2026", "quarter": "3", "note": ""}
    )
    assert response.status_code == 302
    plan = ThematicPlan.objects.get()
    item = {
        "area": office.area.pk,
        "topic": "Korrupsiya cinayətləri",
        "kind": "seminar",
        "month": "3",  # outside the third quarter: not offered
        "hours": "4",
        "audience": "",
        "trainer": "",
    }
    response = client.post(plan.get_absolute_url(), item)
    assert response.status_code == 422 and not PlanItem.objects.exists()
    response = client.post(plan.get_absolute_url(), {**item, "month": "9"})
    assert response.status_code == 302 and PlanItem.objects.get().month == 9
    response = client.post(reverse("training:plan_submit", args=[plan.public_id]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED
    response = client.post(reverse("training:plan_decide", args=[plan.public_id]), {"decision": "approve"})
    assert response.status_code == 403
    login_as(client, office.admin)
    client.post(reverse("training:plan_decide", args=[plan.public_id]), {"decision": "return", "comment": ""})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.SUBMITTED  # a return needs a comment
    client.post(reverse("training:plan_decide", args=[plan.public_id]), {"decision": "approve"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED


# --- carrying out an item -------------------------------------------------------------------------------


def test_an_event_is_entered_from_an_approved_item_and_the_plan_shows_it_carried_out(
    client, office, plan, clock
):
    item = plan.items.get()
    login_as(client, office.admin)
    new = reverse("training:new") + f"?plan_item={item.pk}"
    assert client.get(new).status_code == 404  # the plan is not approved yet
    services_plans.plan_submit(actor=office.planner, plan=plan)
    services_plans.plan_decide(actor=office.admin, plan=plan, approve=True)
    response = client.get(new)
    assert response.status_code == 200
    assert response.context["form"].initial["title"] == item.topic
    local = timezone.localtime(STARTS)
    data = {
        "title": item.topic,
        "kind": item.kind,
        "area": office.area.pk,
        "topic": "",
        "organiser": office.centre.pk,
        "starts_at": local.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (local + dt.timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "format": "in_person",
        "venue": "Elm-Tədris Mərkəzi",
        "video_link": "",
        "hours": "4",
        "capacity": "",
        "follow_up_course": "",
    }
    assert client.post(new, data).status_code == 302
    event = TrainingEvent.objects.get()
    assert event.plan_item == item
    [row] = selectors.plan_items(plan=plan)
    assert row.live == [event] and not row.carried_out
    services.event_publish(actor=office.admin, event=event)
    clock.set(STARTS + dt.timedelta(hours=5))
    services.event_mark_held(actor=office.admin, event=event)
    [row] = selectors.plan_items(plan=plan)
    assert row.carried_out


def test_an_item_of_a_plan_not_approved_cannot_be_carried_out_by_the_service(office, plan):
    from eprok.training.tests.conftest import event_input

    with pytest.raises(ValidationFailed) as refused:
        services.event_create(actor=office.admin, data=event_input(office, plan_item=plan.items.get()))
    assert "plan_item" in refused.value.details
    assert not TrainingEvent.objects.exists()


# --- the thematic areas ---------------------------------------------------------------------------------


def test_administrators_keep_the_thematic_areas(client, people, audit_events):
    area = services_plans.area_create(
        actor=people.admin,
        data=services_plans.AreaInput(
            code="cyber", name_az="Kibercinayətkarlıq", name_en="Cybercrime", is_mandatory=True, sort_order=5
        ),
    )
    assert area.is_mandatory and area.name_en == "Cybercrime"
    assert len(audit_events("training.area.created")) == 1
    with pytest.raises(ValidationFailed):
        services_plans.area_create(
            actor=people.admin, data=services_plans.AreaInput(code="cyber", name_az="X")
        )
    with pytest.raises(Forbidden):
        services_plans.area_create(actor=people.trainer, data=services_plans.AreaInput(code="y", name_az="Y"))
    services_plans.area_update(
        actor=people.admin,
        area=area,
        data=services_plans.AreaInput(code="cyber", name_az="Kibercinayətlər", is_active=False),
    )
    area.refresh_from_db()
    assert area.name_az == "Kibercinayətlər" and not area.is_active and not area.is_mandatory
    assert_access_matrix(
        client,
        people,
        reverse("training:areas"),
        {"anonymous": 302, "outsider": 404, "listener": 404, "trainer": 404, "admin": 200},
    )
    login_as(client, people.admin)
    response = client.post(
        reverse("training:area_edit", args=[area.pk]),
        {
            "code": "cyber",
            "name_az": "Kiber",
            "name_en": "",
            "name_ru": "Киберпреступность",
            "is_active": "on",
            "is_mandatory": "on",
            "sort_order": "3",
        },
    )
    assert response.status_code == 302
    area.refresh_from_db()
    assert area.is_active and area.is_mandatory and area.name_ru == "Киберпреступность"


def test_the_forms_open(client, office, plan):
    login_as(client, office.planner)
    assert client.get(reverse("training:plan_new")).status_code == 200
    item = plan.items.get()
    response = client.get(reverse("training:plan_item", args=[plan.public_id, item.pk]))
    assert response.status_code == 200
    assert [value for value, _label in response.context["form"].fields["month"].choices] == [7, 8, 9]
    response = client.post(
        reverse("training:plan_item", args=[plan.public_id, item.pk]),
        {"area": office.area.pk, "topic": "Yeni mövzu", "kind": "seminar", "month": "9", "hours": "2"},
    )
    assert response.status_code == 302 and plan.items.get().topic == "Yeni mövzu"
    client.post(reverse("training:plan_item_remove", args=[plan.public_id, item.pk]))
    assert not plan.items.exists()
    login_as(client, office.admin)
    assert client.get(reverse("training:area_new")).status_code == 200
    assert client.get(reverse("training:area_edit", args=[office.area.pk])).status_code == 200
    assert client.get(reverse("training:plan_item", args=[plan.public_id, item.pk])).status_code == 403


def test_the_explainer_says_why_a_plan_is_seen(office, plan):
    from eprok.training.explain import explain_plan

    found = explain_plan(office.planner, str(plan.public_id))
    assert found is not None
    assert found[1].visible and found[1].actions == {"view": True, "edit": True, "decide": False}
    found = explain_plan(office.outsider, str(plan.public_id))
    assert found is not None and not found[1].visible and found[1].reasons
    assert explain_plan(office.admin, "not-a-plan") is None
