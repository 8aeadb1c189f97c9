"""Notification pages: only the recipient sees theirs; htmx marking; the polled unread count."""

from __future__ import annotations

import pytest
from django.urls import reverse

from eprok.core.testing.access_matrix import assert_access_matrix, login_as
from eprok.notifications.models import Notification
from eprok.notifications.services import notification_send

HTMX = {"HX-Request": "true"}


@pytest.fixture
def note(personas) -> Notification:
    return notification_send(
        recipient=personas.investigator, title="Yoxlama 5 bu gün bitir", url="/x/", actor=None
    )


def test_the_list_is_for_signed_in_users_and_shows_only_their_own(client, personas, note):
    notification_send(recipient=personas.colleague, title="Günayın bildirişi", actor=None)
    assert_access_matrix(
        client,
        personas,
        reverse("notifications:list"),
        {"anonymous": 302, "outsider": 200, "colleague": 200, "investigator": 200, "superior": 200},
    )

    login_as(client, personas.investigator)
    html = client.get(reverse("notifications:list")).content.decode()

    assert "Yoxlama 5 bu gün bitir" in html
    assert "Günayın bildirişi" not in html


def test_marking_read_is_for_the_recipient_only(client, personas, note, audit_events):
    url = reverse("notifications:mark_read", args=[note.public_id])

    assert_access_matrix(
        client,
        personas,
        url,
        {"anonymous": 302, "outsider": 404, "colleague": 404, "superior": 404},
        method="post",
    )
    note.refresh_from_db()
    assert note.read_at is None
    denied = audit_events("access.denied")
    assert len(denied) == 3
    assert {e.target_id for e in denied} == {str(note.public_id)}

    assert_access_matrix(client, personas, url, {"investigator": 302}, method="post")
    note.refresh_from_db()
    assert note.read_at is not None


def test_an_unknown_notification_is_not_found(signed_in, personas, db):
    client = signed_in(personas.investigator)

    response = client.post(reverse("notifications:mark_read", args=["0b6c6f5e-0000-4000-8000-000000000000"]))

    assert response.status_code == 404


def test_marking_read_needs_post(signed_in, personas, note):
    response = signed_in(personas.investigator).get(reverse("notifications:mark_read", args=[note.public_id]))

    assert response.status_code == 405


def test_htmx_marking_returns_the_row_and_tells_the_bell(client, signed_in, personas, note):
    client.cookies["eprok_language"] = "en"
    client = signed_in(personas.investigator)

    response = client.post(reverse("notifications:mark_read", args=[note.public_id]), headers=HTMX)

    assert response.status_code == 200
    assert response["HX-Trigger"] == "eprok:notifications-changed"
    html = response.content.decode()
    assert html.lstrip().startswith("<li")
    assert f'id="notification-{note.public_id}"' in html
    assert "data-focus-on-load" in html
    assert "Mark as read" not in html
    assert "<html" not in html


def test_mark_all_read_then_the_list_says_so(client, signed_in, personas, note):
    client.cookies["eprok_language"] = "en"
    client = signed_in(personas.investigator)

    response = client.post(reverse("notifications:mark_all_read"), follow=True)

    assert "All notifications are marked as read." in response.content.decode()
    note.refresh_from_db()
    assert note.read_at is not None
    assert (
        client.get(reverse("notifications:list") + "?filter=unread")
        .content.decode()
        .count("You have no unread notifications.")
        == 1
    )


def test_the_unread_count_fragment_counts_only_unread(client, signed_in, personas, note):
    client.cookies["eprok_language"] = "en"
    notification_send(recipient=personas.investigator, title="second", actor=None)
    client = signed_in(personas.investigator)

    html = client.get(reverse("notifications:unread_count"), headers=HTMX).content.decode()

    assert ">2</span>" in html
    assert "2 unread notifications" in html
    assert 'hx-trigger="every 30s' in html
    assert "<html" not in html


def test_the_unread_count_stops_polling_for_a_signed_out_browser(client, db):
    assert client.get(reverse("notifications:unread_count"), headers=HTMX).status_code == 286
    assert client.get(reverse("notifications:unread_count")).status_code == 302


def test_the_list_is_paginated_within_a_query_ceiling(
    client, signed_in, personas, django_assert_max_num_queries
):
    client.cookies["eprok_language"] = "en"
    for n in range(30):
        notification_send(recipient=personas.investigator, title=f"Bildiriş {n}", actor=None)
    client = signed_in(personas.investigator)
    client.get(reverse("notifications:list"))

    with django_assert_max_num_queries(8):
        response = client.get(reverse("notifications:list"))

    html = response.content.decode()
    assert html.count('class="usa-collection__item') == 25
    assert "Page 1 of 2" in html
    assert (
        client.get(reverse("notifications:list") + "?page=2")
        .content.decode()
        .count('class="usa-collection__item')
        == 5
    )
