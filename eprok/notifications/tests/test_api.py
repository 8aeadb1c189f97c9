"""Notifications API: the caller's own list and marking one read."""

from __future__ import annotations

from eprok.core.testing.api import bearer, make_token
from eprok.notifications.services import notification_send


def test_it_lists_only_the_callers_notifications(client, personas, django_assert_max_num_queries):
    for n in range(3):
        notification_send(recipient=personas.investigator, title=f"n{n}", actor=None)
    notification_send(recipient=personas.colleague, title="other", actor=None)
    token = make_token(personas.investigator, scopes=["read"])

    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/notifications", headers=bearer(token))

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == 3
    assert [item["title"] for item in body["items"]] == ["n2", "n1", "n0"]
    assert set(body["items"][0]) == {"id", "title", "body", "url", "level", "created_at", "read_at"}


def test_it_filters_unread(client, personas):
    first = notification_send(recipient=personas.investigator, title="read one", actor=None)
    notification_send(recipient=personas.investigator, title="unread one", actor=None)
    token = make_token(personas.investigator, scopes=["read", "write"])
    client.post(f"/api/v1/notifications/{first.public_id}/read", headers=bearer(token))

    body = client.get("/api/v1/notifications?unread=true", headers=bearer(token)).json()

    assert [item["title"] for item in body["items"]] == ["unread one"]


def test_it_marks_one_read_for_its_recipient_only(client, personas, audit_events):
    note = notification_send(recipient=personas.investigator, title="x", actor=None)
    url = f"/api/v1/notifications/{note.public_id}/read"

    other = client.post(url, headers=bearer(make_token(personas.colleague, scopes=["read", "write"])))
    assert other.status_code == 404
    assert other.json()["code"] == "not_found"

    read_only = client.post(url, headers=bearer(make_token(personas.investigator, scopes=["read"])))
    assert read_only.status_code == 403

    response = client.post(url, headers=bearer(make_token(personas.investigator, scopes=["read", "write"])))
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert len(audit_events("notifications.notification.read")) == 1


def test_it_refuses_an_anonymous_caller(client, db):
    assert client.get("/api/v1/notifications").status_code == 401
