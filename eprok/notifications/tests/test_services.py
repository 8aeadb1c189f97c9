"""Notification services: send, mark read, mark all read; each audited."""

from __future__ import annotations

import json

import pytest

from eprok.core.errors import Forbidden, ValidationFailed
from eprok.notifications.models import Notification
from eprok.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
    notification_send_many,
)


def test_it_sends_a_notification_and_audits_it(personas, audit_events):
    notification = notification_send(
        recipient=personas.investigator,
        title="Yoxlama müddəti bu gün bitir",
        body="Material 12/2025",
        url="/materials/12/",
        level="warning",
        actor=personas.superior,
    )

    assert notification.recipient == personas.investigator
    assert notification.read_at is None
    [event] = audit_events("notifications.notification.sent")
    assert event.actor_id == personas.superior.pk
    assert event.target_id == str(notification.public_id)
    assert event.related_id == str(personas.investigator.public_id)


def test_a_system_notification_has_no_actor(personas, audit_events):
    notification_send(recipient=personas.investigator, title="Sistem", actor=None)

    [event] = audit_events("notifications.notification.sent")
    assert event.actor_id is None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil"]
)
def test_it_refuses_a_link_outside_the_system(personas, url, audit_events):
    with pytest.raises(ValidationFailed):
        notification_send(recipient=personas.investigator, title="x", url=url, actor=None)

    assert not Notification.objects.exists()
    assert audit_events() == []


def test_it_refuses_an_empty_title_or_an_unknown_level(personas):
    with pytest.raises(ValidationFailed):
        notification_send(recipient=personas.investigator, title="  ", actor=None)
    with pytest.raises(ValidationFailed):
        notification_send(recipient=personas.investigator, title="x", level="shouting", actor=None)


def test_it_marks_one_read_once(personas, audit_events):
    notification = notification_send(recipient=personas.investigator, title="x", actor=None)

    notification_mark_read(notification=notification, actor=personas.investigator)
    first = Notification.objects.get(pk=notification.pk).read_at
    notification_mark_read(notification=notification, actor=personas.investigator)

    assert first is not None
    assert Notification.objects.get(pk=notification.pk).read_at == first
    [event] = audit_events("notifications.notification.read")
    assert event.actor_id == personas.investigator.pk
    assert event.target_id == str(notification.public_id)


def test_only_the_recipient_may_mark_it_read(personas, audit_events):
    notification = notification_send(recipient=personas.investigator, title="x", actor=None)

    with pytest.raises(Forbidden):
        notification_mark_read(notification=notification, actor=personas.colleague)

    assert Notification.objects.get(pk=notification.pk).read_at is None
    assert audit_events("notifications.notification.read") == []


def test_it_marks_all_of_the_recipients_notifications_read(personas, audit_events):
    for n in range(3):
        notification_send(recipient=personas.investigator, title=f"n{n}", actor=None)
    other = notification_send(recipient=personas.colleague, title="other", actor=None)

    count = notification_mark_all_read(recipient=personas.investigator, actor=personas.investigator)

    assert count == 3
    assert not Notification.objects.filter(recipient=personas.investigator, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=other.pk).read_at is None
    [event] = audit_events("notifications.notification.all_read")
    assert event.target_id == str(personas.investigator.public_id)
    assert json.loads(event.data) == {"count": 3}


def test_marking_all_read_with_nothing_unread_writes_nothing(personas, audit_events):
    assert notification_mark_all_read(recipient=personas.investigator, actor=personas.investigator) == 0
    assert audit_events("notifications.notification.all_read") == []


def test_nobody_marks_anothers_notifications_read(personas):
    with pytest.raises(Forbidden):
        notification_mark_all_read(recipient=personas.investigator, actor=personas.superior)


def test_a_fan_out_is_one_insert_and_one_audit_event(personas, audit_events):
    sent = notification_send_many(
        messages=[(personas.investigator, "Xüsusi məlumat"), (personas.superior, "Специальное сообщение")],
        url="/special/",
        level="warning",
        actor=None,
    )
    assert [n.recipient for n in sent] == [personas.investigator, personas.superior]
    assert Notification.objects.get(recipient=personas.superior).title == "Специальное сообщение"
    (event,) = audit_events("notifications.notification.sent")
    data = json.loads(event.data)
    assert data["count"] == 2 and data["recipients"] == [personas.investigator.pk, personas.superior.pk]


def test_a_fan_out_with_an_empty_title_writes_nothing(personas, audit_events):
    with pytest.raises(ValidationFailed):
        notification_send_many(
            messages=[(personas.investigator, "Bir"), (personas.superior, " ")], actor=None
        )
    assert not Notification.objects.exists() and audit_events() == []
    assert notification_send_many(messages=[], actor=None) == []
