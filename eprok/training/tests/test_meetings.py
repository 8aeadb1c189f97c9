"""Video meetings of training events: creation in the background, the provider down (the event kept, the
meeting retried with back-off until it fails, then retried by an administrator), the sweep, attendance
from the Zoom participants report (invitees only, once), and who sees the join link on the card."""

from __future__ import annotations

import datetime as dt
import json
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from eprok.core.errors import Conflict, Forbidden, ValidationFailed
from eprok.core.testing.access_matrix import login_as
from eprok.training import services, services_meetings
from eprok.training.models import (
    Attendance,
    AttendanceMethod,
    Invitation,
    MeetingStatus,
    TrainingEvent,
)
from eprok.training.services_meetings import MAX_ATTEMPTS, backoff, meeting_create, meetings_sweep
from eprok.training.tests.meeting_fixtures import running_zoom
from simulators.zoom import ZoomSimulator

# The pages and messages in English: the tests read the source strings (the catalogs are tested elsewhere).
pytestmark = [pytest.mark.usefixtures("english"), pytest.mark.django_db]


@pytest.fixture
def zoom(settings) -> Iterator[ZoomSimulator]:
    """The Zoom simulator on a free port, eprok's settings pointing at it."""
    yield from running_zoom(settings)


@pytest.fixture
def online(make_event) -> TrainingEvent:
    """A published online seminar taught by `trainer`, `listener` invited."""
    return make_event(format="online", venue="")


def _create(captured: Any, people: Any, event: TrainingEvent, provider: str) -> TrainingEvent:
    with captured(execute=True):
        meeting_create(actor=people.admin, event=event, provider=provider)
    event.refresh_from_db()
    return event


def _join(zoom_url: str, meeting_id: str, *people: dict[str, Any]) -> None:
    request = urllib.request.Request(  # noqa: S310 - the local simulator
        f"{zoom_url}/_control/meetings/{meeting_id}/participants",
        data=json.dumps({"participants": list(people)}).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5):  # noqa: S310
        pass


def _login(client: Any, user: Any) -> None:
    login_as(client, user)


# --- creation ----------------------------------------------------------------------------------------------


def test_jitsi_link_is_made_right_after_the_commit(
    people, online, settings, django_capture_on_commit_callbacks, audit_events
):
    settings.EPROK_JITSI_BASE_URL = "https://meet.example.az"
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    assert event.meeting_status == MeetingStatus.CREATED
    assert event.meeting_url.startswith(f"https://meet.example.az/{event.number.lower()}-")
    assert event.meeting_attempts == 1 and event.meeting_error == "" and event.meeting_retry_at is None
    assert [e.action for e in audit_events() if e.action.startswith("training.meeting")] == [
        "training.meeting.requested",
        "training.meeting.created",
    ]
    assert event.video_link == ""  # the manual link is a field of its own


def test_zoom_meeting_is_created_through_the_api(people, online, zoom, django_capture_on_commit_callbacks):
    event = _create(django_capture_on_commit_callbacks, people, online, "zoom")
    assert event.meeting_status == MeetingStatus.CREATED
    assert int(event.meeting_id) in zoom.service.meetings
    assert event.meeting_url == zoom.service.meetings[int(event.meeting_id)]["join_url"]


def test_an_in_person_event_has_no_meeting(people, event):
    with pytest.raises(ValidationFailed) as caught:
        meeting_create(actor=people.admin, event=event, provider="jitsi")
    assert "provider" in caught.value.details
    event.refresh_from_db()
    assert event.meeting_status == MeetingStatus.NONE


def test_only_administrators_create_meetings(people, online):
    with pytest.raises(Forbidden):
        meeting_create(actor=people.trainer, event=online, provider="jitsi")


def test_zoom_is_refused_while_it_is_not_configured(people, online, settings):
    settings.EPROK_ZOOM_URL = ""
    with pytest.raises(ValidationFailed, match="not configured"):
        meeting_create(actor=people.admin, event=online, provider="zoom")


def test_a_second_meeting_is_refused(people, online, django_capture_on_commit_callbacks):
    _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    with pytest.raises(Conflict) as caught:
        meeting_create(actor=people.admin, event=online, provider="jitsi")
    assert caught.value.code == "meeting_exists"


# --- the provider down -------------------------------------------------------------------------------------


def test_when_zoom_is_down_the_event_stays_and_the_meeting_is_retried_until_it_fails(
    people, online, zoom, clock, django_capture_on_commit_callbacks, audit_events
):
    zoom.control(fail=1000)
    event = _create(django_capture_on_commit_callbacks, people, online, "zoom")
    assert TrainingEvent.objects.filter(pk=online.pk).exists()
    assert event.meeting_status == MeetingStatus.PENDING
    assert event.meeting_attempts == 1
    assert "HTTP 503" in event.meeting_error
    assert event.meeting_retry_at == clock.now + backoff(1)
    # Not due yet: the sweep leaves it.
    assert meetings_sweep().attempted == 0
    waits = []
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.set(event.meeting_retry_at)
        assert meetings_sweep().attempted == 1
        event.refresh_from_db()
        assert event.meeting_attempts == attempt
        if event.meeting_retry_at:
            waits.append(int((event.meeting_retry_at - clock.now).total_seconds() // 60))
    assert waits == [2, 4, 8, 16]  # then the sixth attempt failed for good
    assert event.meeting_status == MeetingStatus.FAILED
    assert event.meeting_retry_at is None and "HTTP 503" in event.meeting_error
    assert len(audit_events("training.meeting.failed")) == 1
    clock.advance(hours=2)
    assert meetings_sweep().attempted == 0  # failed: only an administrator retries


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() // 60 for n in (1, 2, 3, 4, 7, 8, 20)] == [1, 2, 4, 8, 60, 60, 60]


def test_retry_succeeds_once_the_provider_recovers(
    people, online, zoom, clock, django_capture_on_commit_callbacks, audit_events
):
    zoom.control(fail=2)  # the token and ... the first attempt's token call fails, then the next
    event = _create(django_capture_on_commit_callbacks, people, online, "zoom")
    assert event.meeting_status == MeetingStatus.PENDING
    zoom.control(fail=0)
    clock.advance(minutes=1)
    result = meetings_sweep()
    assert (result.attempted, result.created) == (1, 1)
    event.refresh_from_db()
    assert event.meeting_status == MeetingStatus.CREATED and event.meeting_error == ""
    assert event.meeting_url.startswith(zoom.url)


def test_an_administrator_retries_a_failed_meeting(
    people, online, zoom, django_capture_on_commit_callbacks, audit_events
):
    zoom.control(fail=1)
    event = _create(django_capture_on_commit_callbacks, people, online, "zoom")
    TrainingEvent.objects.filter(pk=event.pk).update(
        meeting_status=MeetingStatus.FAILED, meeting_retry_at=None
    )
    with pytest.raises(Forbidden):
        services_meetings.meeting_retry(actor=people.trainer, event=event)
    with django_capture_on_commit_callbacks(execute=True):
        services_meetings.meeting_retry(actor=people.admin, event=event)
    event.refresh_from_db()
    assert event.meeting_status == MeetingStatus.CREATED and event.meeting_attempts == 1
    assert len(audit_events("training.meeting.retried")) == 1


def test_when_the_worker_is_down_the_sweep_makes_the_first_attempt(people, online, zoom, clock):
    meeting_create(actor=people.admin, event=online, provider="zoom")  # the task is never run
    online.refresh_from_db()
    assert (online.meeting_status, online.meeting_attempts) == (MeetingStatus.PENDING, 0)
    assert meetings_sweep().attempted == 0
    clock.advance(minutes=1)
    assert meetings_sweep().created == 1
    online.refresh_from_db()
    assert online.meeting_status == MeetingStatus.CREATED
    assert len(zoom.service.meetings) == 1
    # The task coming late finds it created and does nothing.
    assert services_meetings.meeting_attempt(event_pk=online.pk, first=True) == "skipped"
    assert len(zoom.service.meetings) == 1


def test_a_cancelled_event_is_not_retried(people, online, zoom, clock, django_capture_on_commit_callbacks):
    zoom.control(fail=1000)
    _create(django_capture_on_commit_callbacks, people, online, "zoom")
    services.event_cancel(actor=people.admin, event=online, reason="Təxirə salındı")
    clock.advance(minutes=5)
    assert meetings_sweep().attempted == 0


# --- attendance from the meeting ---------------------------------------------------------------------------


@pytest.fixture
def zoom_event(people, online, zoom, django_capture_on_commit_callbacks) -> TrainingEvent:
    """The online seminar with its Zoom meeting; `listener`, `colleague` and `head_listener` invited."""
    services.invite(
        actor=people.admin,
        event=online,
        circle=services.Circle(employees=(people.colleague, people.head_listener)),
    )
    return _create(django_capture_on_commit_callbacks, people, online, "zoom")


def test_attendance_is_taken_once_after_the_end_for_invitees_only(
    people, zoom_event, zoom, clock, audit_events
):
    event = zoom_event
    head = Invitation.objects.get(event=event, employee=people.head_listener)
    services.invitation_respond(actor=people.head_listener, invitation=head, confirm=False)
    services.attendance_mark(actor=people.trainer, event=event, employee=people.colleague, present=False)
    _join(
        zoom.url,
        event.meeting_id,
        {"name": "Rəşad Quliyev", "user_email": people.listener.email.upper(), "duration": 3000},
        {"name": "Rəşad Quliyev", "user_email": people.listener.email, "duration": 600},  # rejoined
        {"name": "Elvin Əliyev", "user_email": people.colleague.email, "duration": 100},
        {"name": "Kamran Cəfərov", "user_email": people.head_listener.email, "duration": 3600},
        {"name": "Orxan Məmmədov", "user_email": people.outsider.email, "duration": 3600},
        {"name": "Qonaq", "user_email": "", "duration": 3600},
    )
    with pytest.raises(Conflict):  # the event has not ended
        services_meetings.attendance_from_meeting(event=event, actor=people.trainer)
    assert meetings_sweep().attendance_events == 0
    clock.set(event.ends_at + dt.timedelta(minutes=1))
    result = meetings_sweep()
    assert (result.attendance_events, result.attendance_marked) == (1, 2)
    rows = {row.employee_id: row for row in Attendance.objects.filter(event=event)}
    assert set(rows) == {people.listener.pk, people.colleague.pk, people.head_listener.pk}
    assert rows[people.listener.pk].method == AttendanceMethod.ONLINE and rows[people.listener.pk].present
    # A declined invitee who took part is recorded as present: it is a fact.
    assert rows[people.head_listener.pk].method == AttendanceMethod.ONLINE
    # The organiser's own mark stays.
    assert (
        rows[people.colleague.pk].method == AttendanceMethod.MANUAL and not rows[people.colleague.pk].present
    )
    assert not Attendance.objects.filter(employee=people.outsider).exists()
    event.refresh_from_db()
    assert event.attendance_fetched_at == clock.now
    (audited,) = audit_events("training.attendance.from_meeting")
    data = json.loads(audited.data)
    assert data["marked"] == 2 and data["participants"] == 6
    # Once only from the sweep; again by hand adds nothing.
    clock.advance(minutes=1)
    assert meetings_sweep().attendance_events == 0
    assert services_meetings.attendance_from_meeting(event=event, actor=people.trainer) == 0
    assert Attendance.objects.filter(event=event).count() == 3


def test_attendance_is_tried_again_while_the_report_cannot_be_read(people, zoom_event, zoom, clock):
    _join(zoom.url, zoom_event.meeting_id, {"name": "R", "user_email": people.listener.email, "duration": 60})
    clock.set(zoom_event.ends_at + dt.timedelta(minutes=1))
    zoom.control(fail=2)
    assert meetings_sweep().attendance_errors == 1
    zoom_event.refresh_from_db()
    assert zoom_event.attendance_fetched_at is None
    zoom.control(fail=0)
    clock.advance(minutes=1)
    assert meetings_sweep().attendance_marked == 1


def test_jitsi_reports_no_participants(people, online, clock, django_capture_on_commit_callbacks):
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    clock.set(event.ends_at + dt.timedelta(minutes=1))
    with pytest.raises(Conflict) as caught:
        services_meetings.attendance_from_meeting(event=event, actor=people.trainer)
    assert caught.value.code == "no_participants_report"
    assert meetings_sweep().attendance_events == 0


def test_the_sweep_command_says_what_it_did(people, online, clock, capsys):
    meeting_create(actor=people.admin, event=online, provider="jitsi")
    clock.advance(minutes=1)
    call_command("training_sweep")
    assert "attempted 1, created 1, failed 0" in capsys.readouterr().out


# --- the card ----------------------------------------------------------------------------------------------


def _card(client: Any, user: Any, event: TrainingEvent) -> Any:
    _login(client, user)
    return client.get(event.get_absolute_url())


@pytest.mark.parametrize("name", ["admin", "trainer", "listener"])
def test_the_join_link_is_shown_to_administrators_trainers_and_invitees(
    client, people, online, name, django_capture_on_commit_callbacks
):
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    response = _card(client, getattr(people, name), event)
    assert response.status_code == 200
    assert event.meeting_url in response.content.decode()


def test_an_invitee_who_declined_does_not_see_the_join_link(
    client, people, online, django_capture_on_commit_callbacks
):
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    invitation = Invitation.objects.get(event=event, employee=people.listener)
    services.invitation_respond(actor=people.listener, invitation=invitation, confirm=False)
    page = _card(client, people.listener, event).content.decode()
    assert event.meeting_url not in page
    assert "confirm your participation to see the join link" in page


@pytest.mark.parametrize("name", ["colleague", "outsider"])
def test_an_employee_not_invited_gets_404_and_never_the_link(
    client, people, online, name, django_capture_on_commit_callbacks
):
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    response = _card(client, getattr(people, name), event)
    assert response.status_code == 404
    assert event.meeting_url not in response.content.decode()


def test_the_card_shows_the_providers_error_and_the_retry_button_to_administrators(
    client, people, online, zoom, django_capture_on_commit_callbacks
):
    zoom.control(fail=1000)
    event = _create(django_capture_on_commit_callbacks, people, online, "zoom")
    page = _card(client, people.admin, event).content.decode()
    assert "HTTP 503" in page
    assert reverse("training:meeting_retry", args=[event.public_id]) in page
    listener_page = _card(client, people.listener, event).content.decode()
    assert "HTTP 503" not in listener_page
    assert "The join link appears here once the meeting is created." in listener_page


def test_the_card_offers_zoom_only_when_it_is_configured(client, people, online, settings):
    settings.EPROK_ZOOM_URL = ""
    page = _card(client, people.admin, online).content.decode()
    assert reverse("training:meeting_create", args=[online.public_id]) in page
    assert 'value="zoom" disabled' in page


def test_the_card_says_jitsi_reports_no_participants(
    client, people, online, clock, django_capture_on_commit_callbacks
):
    event = _create(django_capture_on_commit_callbacks, people, online, "jitsi")
    clock.set(event.ends_at + dt.timedelta(minutes=1))
    page = _card(client, people.trainer, event).content.decode()
    assert "does not report who took part" in page
    assert reverse("training:meeting_attendance", args=[event.public_id]) not in page


def test_the_pages_actions_create_retry_and_take_attendance(
    client, people, online, zoom, clock, django_capture_on_commit_callbacks
):
    _login(client, people.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training:meeting_create", args=[online.public_id]), {"provider": "zoom"}
        )
    assert response.status_code == 302
    online.refresh_from_db()
    assert online.meeting_status == MeetingStatus.CREATED
    _join(zoom.url, online.meeting_id, {"name": "R", "user_email": people.listener.email, "duration": 60})
    clock.set(online.ends_at + dt.timedelta(minutes=1))
    _login(client, people.trainer)
    page = client.get(online.get_absolute_url()).content.decode()
    assert "Take attendance from the meeting" in page
    response = client.post(reverse("training:meeting_attendance", args=[online.public_id]), follow=True)
    assert "1 listener marked present from the meeting." in response.content.decode()
    # A trainer may not create or retry; an outsider does not even find the event.
    assert client.post(reverse("training:meeting_retry", args=[online.public_id])).status_code == 403
    _login(client, people.outsider)
    assert client.post(reverse("training:meeting_attendance", args=[online.public_id])).status_code == 404
