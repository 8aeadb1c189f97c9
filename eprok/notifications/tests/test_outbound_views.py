"""The staff pages of outbound messages: central administrators only, addresses masked until opened."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.core.testing.queries import audited
from eprok.notifications.models import OutboundMessage, OutboundStatus
from eprok.notifications.outbound import citizen_message_send
from eprok.org.tests.factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

EVERYONE_BUT_THE_ADMIN = {
    "anonymous": 302,
    "outsider": 404,
    "colleague": 404,
    "investigator": 404,
    "superior": 404,
}


@pytest.fixture
def message() -> OutboundMessage:
    return citizen_message_send(
        channel="email",
        to="aysel.mammadova@example.az",
        template="appeal_received",
        context={"number": "AP-GPO-2025-00017", "received_at": datetime.date(2025, 3, 4)},
        language="az",
        related="appeals.appeal:AP-GPO-2025-00017",
    )


@pytest.fixture
def sms() -> OutboundMessage:
    return citizen_message_send(
        channel="sms", to="+994501234567", template="hotline_reply", context={}, language="ru", related="x"
    )


def test_the_list_is_for_central_administrators_only(client, personas, message):
    url = reverse("notifications:outbound_list")

    assert_access_matrix(client, personas, url, {**EVERYONE_BUT_THE_ADMIN, "admin": 200})


def test_a_district_administrator_does_not_see_the_service_wide_list(client, personas, message):
    RoleAssignmentFactory(employee=personas.colleague, role="administer_users", unit=personas.unit)
    login_as(client, personas.colleague)

    assert client.get(reverse("notifications:outbound_list")).status_code == 404


def test_the_list_masks_addresses_and_filters(client, personas, message, sms, django_assert_max_num_queries):
    OutboundMessage.objects.filter(pk=sms.pk).update(status=OutboundStatus.FAILED, error="boom")
    login_as(client, personas.admin)
    url = reverse("notifications:outbound_list")

    with django_assert_max_num_queries(9):
        html = client.get(url).content.decode()
    assert "a***@e***.az" in html and "+99450*****67" in html
    assert "aysel.mammadova" not in html and "501234567" not in html

    failed = client.get(url, {"status": "failed"}).content.decode()
    assert "+99450*****67" in failed and "a***@e***.az" not in failed
    by_appeal = client.get(url, {"related": "AP-GPO-2025-00017", "channel": "email"}).content.decode()
    assert "a***@e***.az" in by_appeal and "+99450*****67" not in by_appeal
    # A stale or forged filter value is ignored, not an error.
    assert client.get(url, {"status": "bogus", "template": "nope"}).status_code == 200


def test_opening_a_message_is_audited_and_keeps_the_address_masked(
    client, personas, message, audit_events, django_assert_max_num_queries
):
    login_as(client, personas.admin)
    url = reverse("notifications:outbound_detail", args=[message.public_id])

    with django_assert_max_num_queries(audited(12)):
        html = client.get(url).content.decode()

    assert "a***@e***.az" in html and "aysel.mammadova" not in html
    assert message.subject in html
    [event] = audit_events("notifications.outboundmessage.viewed")
    assert event.actor_id == personas.admin.pk and event.target_id == str(message.public_id)


def test_showing_the_address_is_audited_without_the_address(client, personas, message, audit_events):
    url = reverse("notifications:outbound_recipient", args=[message.public_id])
    assert_access_matrix(client, personas, url, {**EVERYONE_BUT_THE_ADMIN}, method="post")
    login_as(client, personas.admin)

    html = client.post(url).content.decode()

    assert "aysel.mammadova@example.az" in html
    [event] = audit_events("notifications.outboundmessage.recipient_viewed")
    assert event.actor_id == personas.admin.pk
    assert "aysel" not in (event.data or "") and "aysel" not in event.target_repr
    denied = audit_events("access.denied")
    assert len(denied) == 4  # outsider, colleague, investigator, superior


def test_the_detail_of_a_message_is_invisible_to_others(client, personas, message):
    url = reverse("notifications:outbound_detail", args=[message.public_id])

    assert_access_matrix(client, personas, url, {**EVERYONE_BUT_THE_ADMIN, "admin": 200})


def test_the_templates_page_previews_each_template_in_the_chosen_language(client, personas):
    url = reverse("notifications:outbound_templates")
    assert_access_matrix(client, personas, url, {**EVERYONE_BUT_THE_ADMIN, "admin": 200})
    login_as(client, personas.admin)

    az = client.get(url, {"language": "az"}).content.decode()
    ru = client.get(url, {"language": "ru"}).content.decode()

    assert "appeal_received" in az and "recording_copy_ready" in az
    assert "Müraciətiniz" in az
    assert "обращение" in ru.lower()


def test_the_list_query_count_does_not_grow_with_messages(client, personas, django_assert_max_num_queries):
    for index in range(30):
        citizen_message_send(
            channel="sms", to=f"+99450123{index:04d}", template="hotline_reply", context={}, language="az"
        )
    login_as(client, personas.admin)

    with django_assert_max_num_queries(9):
        response = client.get(reverse("notifications:outbound_list"))

    assert response.status_code == 200
