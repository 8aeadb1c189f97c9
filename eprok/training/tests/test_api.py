"""The training API (/api/v1/training): events (list, one, enter with an Idempotency-Key, change, publish,
cancel), invitations, attendance with the QR check-in, and the video meeting; 404 for what the caller may
not see, the usual error bodies on bad input."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest

from eprok.core.testing.api import bearer, make_token
from eprok.training import checkin, services
from eprok.training.models import Attendance, Invitation, MeetingStatus, TrainingEvent
from eprok.training.tests.conftest import STARTS
from eprok.training.tests.meeting_fixtures import running_zoom
from simulators.zoom import ZoomSimulator

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom(settings) -> Iterator[ZoomSimulator]:
    """The Zoom simulator on a free port, eprok's settings pointing at it."""
    yield from running_zoom(settings)


BASE = "/api/v1/training"


def _headers(user: Any, **more: str) -> dict[str, str]:
    return {**bearer(make_token(user)), **more}


def post(client: Any, user: Any, path: str, data: Any = None, **headers: str) -> Any:
    return client.post(
        BASE + path,
        data=json.dumps(data if data is not None else {}),
        content_type="application/json",
        headers=_headers(user, **headers),
    )


def put(client: Any, user: Any, path: str, data: Any) -> Any:
    return client.put(
        BASE + path, data=json.dumps(data), content_type="application/json", headers=_headers(user)
    )


def get(client: Any, user: Any, path: str, **params: Any) -> Any:
    return client.get(BASE + path, params, headers=_headers(user))


def body(**fields: Any) -> dict[str, Any]:
    return {
        "title": "Korrupsiyaya qarşı mübarizə: yeni təcrübə",
        "kind": "seminar",
        "area": "criminal-procedure",
        "topic": "Beynəlxalq standartlar",
        "organiser": "training-centre",
        "starts_at": STARTS.isoformat(),
        "ends_at": (STARTS + dt.timedelta(hours=3)).isoformat(),
        "format": "online",
        "hours": "3",
        **fields,
    }


# --- events -------------------------------------------------------------------------------------------------


def test_an_administrator_enters_an_event_once_per_idempotency_key(client, people, clock):
    first = post(client, people.admin, "/events", body(), **{"Idempotency-Key": "te-1"})
    assert first.status_code == 201, first.content
    data = first.json()
    assert data["status"] == "draft" and data["format"] == "online" and data["hours"] == 3.0
    assert data["meeting"]["status"] == "none"
    again = post(client, people.admin, "/events", body(), **{"Idempotency-Key": "te-1"})
    assert again.status_code == 200 and again.json()["number"] == data["number"]
    assert TrainingEvent.objects.count() == 1
    reused = post(client, people.admin, "/events", body(title="Başqa"), **{"Idempotency-Key": "te-1"})
    assert reused.status_code == 409 and reused.json()["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": (STARTS - dt.timedelta(hours=1)).isoformat()}, "ends_at"),
        ({"area": "no-such-area"}, "area"),
        ({"organiser": "baku"}, "organiser"),
        ({"format": "in_person", "venue": ""}, "venue"),
    ],
)
def test_a_bad_event_is_refused_naming_the_field(client, people, clock, fields, field):
    response = post(client, people.admin, "/events", body(**fields))
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "validation_error"
    assert field in response.json()["details"]
    assert TrainingEvent.objects.count() == 0


def test_a_malformed_body_is_a_validation_error(client, people, clock):
    response = post(client, people.admin, "/events", body(kind="picnic", hours="-1"))
    assert response.status_code == 422
    assert {tuple(err["loc"][-1:]) for err in response.json()["details"]["errors"]} >= {("kind",), ("hours",)}


def test_only_administrators_enter_events(client, people, clock):
    response = post(client, people.trainer, "/events", body())
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_the_list_shows_what_the_caller_may_see(client, people, make_event, django_assert_max_num_queries):
    published = make_event()
    make_event(publish=False, staffed=False, title="Qaralama")
    admin = get(client, people.admin, "/events")
    assert admin.json()["count"] == 2
    listener = get(client, people.listener, "/events")
    assert [item["number"] for item in listener.json()["items"]] == [published.number]
    assert get(client, people.outsider, "/events").json()["count"] == 0
    assert get(client, people.admin, "/events", status="draft").json()["count"] == 1
    assert get(client, people.admin, "/events", area="nope").status_code == 422
    token = make_token(people.admin)
    with django_assert_max_num_queries(12):
        client.get(BASE + "/events", headers=bearer(token))


def test_an_event_the_caller_may_not_see_is_404(client, people, event):
    for user in (people.outsider, people.colleague):
        response = get(client, user, f"/events/{event.public_id}")
        assert response.status_code == 404 and response.json()["code"] == "not_found"
        assert get(client, user, f"/events/{event.public_id}/meeting").status_code == 404
        assert post(client, user, f"/events/{event.public_id}/publish").status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert get(client, people.admin, f"/events/{unknown}").status_code == 404


def test_change_publish_and_cancel(client, people, make_event):
    event = make_event(publish=False)
    changed = put(client, people.admin, f"/events/{event.public_id}", body(title="Yeni ad", format="online"))
    assert changed.status_code == 200, changed.content
    assert changed.json()["title"] == "Yeni ad"
    assert put(client, people.trainer, f"/events/{event.public_id}", body()).status_code == 403
    published = post(client, people.admin, f"/events/{event.public_id}/publish")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert post(client, people.admin, f"/events/{event.public_id}/publish").status_code == 409
    assert post(client, people.admin, f"/events/{event.public_id}/cancel", {"reason": ""}).status_code == 422
    cancelled = post(client, people.admin, f"/events/{event.public_id}/cancel", {"reason": "Təxirə salınıb"})
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


# --- invitations and attendance ----------------------------------------------------------------------------


def test_invite_a_circle_and_answer(client, people, event):
    invited = post(client, people.admin, f"/events/{event.public_id}/invitations", {"unit": "baku-xetai"})
    assert invited.status_code == 200 and invited.json() == {"invited": 1}  # colleague; listener already
    assert post(client, people.admin, f"/events/{event.public_id}/invitations", {}).status_code == 422
    assert (
        post(client, people.admin, f"/events/{event.public_id}/invitations", {"position": "nope"}).status_code
        == 422
    )
    assert (
        post(client, people.trainer, f"/events/{event.public_id}/invitations", {"unit": "baku"}).status_code
        == 403
    )
    mine = get(client, people.listener, "/invitations/mine").json()
    assert mine["count"] == 1 and mine["items"][0]["event"] == str(event.public_id)
    pk = mine["items"][0]["id"]
    answered = post(client, people.listener, f"/invitations/{pk}/answer", {"answer": "confirm"})
    assert answered.status_code == 200 and answered.json()["status"] == "confirmed"
    assert (
        post(client, people.colleague, f"/invitations/{pk}/answer", {"answer": "decline"}).status_code == 404
    )
    assert post(client, people.listener, f"/invitations/{pk}/answer", {"answer": "maybe"}).status_code == 422
    listed = get(client, people.trainer, f"/events/{event.public_id}/invitations").json()
    assert listed["count"] == 2
    assert get(client, people.listener, f"/events/{event.public_id}/invitations").status_code == 403


def test_attendance_marked_listed_and_checked_in(client, people, event, clock):
    marked = post(
        client,
        people.trainer,
        f"/events/{event.public_id}/attendance",
        {"employee": str(people.listener.public_id), "present": False},
    )
    assert marked.status_code == 200 and marked.json()["method"] == "manual"
    stranger = post(
        client,
        people.trainer,
        f"/events/{event.public_id}/attendance",
        {"employee": str(people.outsider.public_id)},
    )
    assert stranger.status_code == 422
    clock.set(event.starts_at)
    wrong = post(client, people.listener, f"/events/{event.public_id}/check-in", {"code": "000000"})
    assert wrong.status_code == 422
    code = checkin.current_code(event.public_id)
    checked = post(client, people.listener, f"/events/{event.public_id}/check-in", {"code": code})
    assert checked.status_code == 200 and checked.json()["method"] == "qr" and checked.json()["present"]
    rows = get(client, people.admin, f"/events/{event.public_id}/attendance").json()
    assert rows["count"] == 1 and rows["items"][0]["present"] is True
    assert get(client, people.listener, f"/events/{event.public_id}/attendance").status_code == 403


# --- the video meeting -------------------------------------------------------------------------------------


def test_meeting_created_through_the_api_and_its_link_shown_to_invitees_only(
    client, people, make_event, django_capture_on_commit_callbacks
):
    event = make_event(format="online", venue="")
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, people.admin, f"/events/{event.public_id}/meeting", {"provider": "jitsi"})
    assert created.status_code == 202, created.content
    event.refresh_from_db()
    assert event.meeting_status == MeetingStatus.CREATED
    listener = get(client, people.listener, f"/events/{event.public_id}/meeting").json()
    assert listener["join_url"] == event.meeting_url
    assert listener["error"] is None and listener["attempts"] is None
    assert listener["reports_participants"] is False
    assert (
        get(client, people.trainer, f"/events/{event.public_id}").json()["meeting"]["join_url"]
        == event.meeting_url
    )
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=False)
    assert get(client, people.listener, f"/events/{event.public_id}/meeting").json()["join_url"] is None
    again = post(client, people.admin, f"/events/{event.public_id}/meeting", {"provider": "jitsi"})
    assert again.status_code == 409 and again.json()["code"] == "meeting_exists"


def test_meeting_bad_requests(client, people, event, make_event, settings):
    # An in-person event, an unknown provider, a trainer, Zoom not configured.
    assert (
        post(client, people.admin, f"/events/{event.public_id}/meeting", {"provider": "jitsi"}).status_code
        == 422
    )
    later = STARTS + dt.timedelta(days=1)
    online = make_event(format="online", venue="", starts_at=later, ends_at=later + dt.timedelta(hours=2))
    assert (
        post(client, people.admin, f"/events/{online.public_id}/meeting", {"provider": "skype"}).status_code
        == 422
    )
    assert (
        post(client, people.trainer, f"/events/{online.public_id}/meeting", {"provider": "jitsi"}).status_code
        == 403
    )
    settings.EPROK_ZOOM_URL = ""
    refused = post(client, people.admin, f"/events/{online.public_id}/meeting", {"provider": "zoom"})
    assert refused.status_code == 422 and "provider" in refused.json()["details"]
    assert post(client, people.admin, f"/events/{online.public_id}/meeting/retry").status_code == 409


def test_zoom_down_then_retried_and_attendance_taken(
    client, people, make_event, zoom, clock, django_capture_on_commit_callbacks
):
    event = make_event(format="online", venue="")
    zoom.control(fail=1000)
    with django_capture_on_commit_callbacks(execute=True):
        created = post(client, people.admin, f"/events/{event.public_id}/meeting", {"provider": "zoom"})
    assert created.status_code == 202 and created.json()["status"] == "pending"
    status = get(client, people.admin, f"/events/{event.public_id}/meeting").json()
    assert status["status"] == "pending" and status["attempts"] == 1 and "HTTP 503" in status["error"]
    assert status["join_url"] is None
    zoom.control(fail=0)
    with django_capture_on_commit_callbacks(execute=True):
        retried = post(client, people.admin, f"/events/{event.public_id}/meeting/retry")
    assert retried.status_code == 202 and retried.json()["status"] == "pending"
    event.refresh_from_db()
    assert event.meeting_status == MeetingStatus.CREATED  # the task ran after the commit
    clock.set(event.ends_at + dt.timedelta(minutes=5))
    from eprok.training.tests.test_meetings import _join

    _join(zoom.url, event.meeting_id, {"name": "R", "user_email": people.listener.email, "duration": 60})
    zoom.control(fail=5)
    down = post(client, people.trainer, f"/events/{event.public_id}/meeting/attendance")
    assert down.status_code == 503 and down.json()["code"] == "meeting_provider_unavailable"
    zoom.control(fail=0)
    taken = post(client, people.trainer, f"/events/{event.public_id}/meeting/attendance")
    assert taken.status_code == 200 and taken.json() == {"marked": 1}
    assert Attendance.objects.get(event=event, employee=people.listener).method == "online"
    assert post(client, people.listener, f"/events/{event.public_id}/meeting/attendance").status_code == 403
    assert post(client, people.outsider, f"/events/{event.public_id}/meeting/attendance").status_code == 404


def test_attendance_from_a_jitsi_meeting_is_a_conflict(
    client, people, make_event, clock, django_capture_on_commit_callbacks
):
    event = make_event(format="online", venue="")
    with django_capture_on_commit_callbacks(execute=True):
        post(client, people.admin, f"/events/{event.public_id}/meeting", {"provider": "jitsi"})
    clock.set(event.ends_at + dt.timedelta(minutes=5))
    response = post(client, people.admin, f"/events/{event.public_id}/meeting/attendance")
    assert response.status_code == 409 and response.json()["code"] == "no_participants_report"


def test_a_read_only_token_cannot_write(client, people, event):
    token = make_token(people.admin, scopes=["read"])
    response = client.post(
        f"{BASE}/events/{event.public_id}/publish", content_type="application/json", headers=bearer(token)
    )
    assert response.status_code == 403 and response.json()["code"] == "insufficient_scope"
    assert client.get(f"{BASE}/events").status_code == 401
