"""The meeting providers against the Zoom simulator over real HTTP: the OAuth token fetched once and reused
until it nearly expires, meetings created, the participants report read page after page, outages and
timeouts turned into provider errors without the secret; and the Jitsi links."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from eprok.training import meetings
from eprok.training.meetings import JitsiProvider, MeetingProviderError, ZoomProvider
from eprok.training.tests.meeting_fixtures import ZOOM_SECRET, running_zoom
from simulators.zoom import ZoomSimulator

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoom(settings) -> Iterator[ZoomSimulator]:
    """The Zoom simulator on a free port, eprok's settings pointing at it."""
    yield from running_zoom(settings)


def _post(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(  # noqa: S310 - the local simulator
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
        return json.loads(response.read())


def test_the_token_is_fetched_once_and_reused_until_it_nearly_expires(zoom, make_event, clock):
    event = make_event(format="online", venue="")
    provider = ZoomProvider()
    provider.create_meeting(event)
    provider.create_meeting(event)
    assert zoom.service.tokens_issued == 1
    assert len(zoom.service.meetings) == 2
    clock.advance(seconds=3600 - 30)  # inside the last minute of the hour Zoom gave it
    provider.create_meeting(event)
    assert zoom.service.tokens_issued == 2


def test_a_meeting_is_created_for_the_events_time_and_topic(zoom, make_event):
    event = make_event(format="online", venue="")
    created = ZoomProvider().create_meeting(event)
    meeting = zoom.service.meetings[int(created.meeting_id)]
    assert created.join_url == meeting["join_url"] and created.join_url.startswith(zoom.url + "/j/")
    assert meeting["topic"].startswith(event.number)
    assert meeting["start_time"] == "2026-06-20T06:00:00Z"  # 10:00 in Baku
    assert meeting["duration"] == 240


def test_a_token_the_api_refuses_is_renewed_once(zoom, make_event):
    event = make_event(format="online", venue="")
    provider = ZoomProvider()
    provider.create_meeting(event)
    zoom.service.tokens.clear()  # Zoom revoked it before its time
    provider.create_meeting(event)
    assert zoom.service.tokens_issued == 2


def test_wrong_credentials_are_a_provider_error_that_does_not_show_the_secret(zoom, make_event, settings):
    event = make_event(format="online", venue="")
    settings.EPROK_ZOOM_CLIENT_SECRET = "not the secret"
    with pytest.raises(MeetingProviderError) as caught:
        ZoomProvider().create_meeting(event)
    assert "HTTP 401" in caught.value.detail
    assert "not the secret" not in caught.value.detail and ZOOM_SECRET not in caught.value.detail
    assert zoom.service.meetings == {}


def test_an_outage_is_a_provider_error(zoom, make_event):
    event = make_event(format="online", venue="")
    zoom.control(fail=1)
    with pytest.raises(MeetingProviderError) as caught:
        ZoomProvider().create_meeting(event)
    assert caught.value.detail == "Zoom OAuth token: HTTP 503."
    assert ZoomProvider().create_meeting(event).meeting_id  # the next call goes through


def test_a_slow_service_times_out_as_a_provider_error(zoom, make_event, settings):
    event = make_event(format="online", venue="")
    settings.EPROK_ZOOM_TIMEOUT = 0.05
    zoom.control(delay=0.5)
    with pytest.raises(MeetingProviderError) as caught:
        ZoomProvider().create_meeting(event)
    assert caught.value.detail.startswith("Zoom OAuth token: cannot be reached (timed out")


def test_an_unreachable_service_is_a_provider_error(make_event, settings):
    event = make_event(format="online", venue="")
    meetings.forget_tokens()
    settings.EPROK_ZOOM_URL = "http://127.0.0.1:9/v2"
    settings.EPROK_ZOOM_OAUTH_URL = "http://127.0.0.1:9/oauth/token"
    settings.EPROK_ZOOM_CLIENT_ID = "eprok"
    with pytest.raises(MeetingProviderError) as caught:
        ZoomProvider().create_meeting(event)
    assert caught.value.detail.startswith("Zoom OAuth token: cannot be reached")


def test_the_participants_report_is_read_page_after_page(zoom, make_event, monkeypatch):
    event = make_event(format="online", venue="")
    created = ZoomProvider().create_meeting(event)
    people = [
        {"name": f"Dinləyici {n}", "user_email": f"p{n}@prokurorluq.test", "duration": 60} for n in range(5)
    ]
    _post(f"{zoom.url}/_control/meetings/{created.meeting_id}/participants", {"participants": people})
    monkeypatch.setattr(meetings, "PARTICIPANTS_PAGE_SIZE", 2)
    calls_before = zoom.service.calls
    found = ZoomProvider().participants(created.meeting_id)
    assert [p.email for p in found] == [f"p{n}@prokurorluq.test" for n in range(5)]
    assert zoom.service.calls - calls_before == 3  # pages of 2, 2 and 1
    assert found[0].duration == 60


def test_the_simulator_refuses_api_calls_without_a_token(zoom):
    with pytest.raises(urllib.error.HTTPError) as caught:
        _post(f"{zoom.url}/v2/users/me/meetings", {"topic": "x"})
    assert caught.value.code == 401
    with pytest.raises(urllib.error.HTTPError) as missing:
        _post(f"{zoom.url}/_control/meetings/1/participants", {"participants": []})
    assert missing.value.code == 404


def test_zoom_without_an_address_is_not_configured(settings):
    settings.EPROK_ZOOM_URL = ""
    assert ZoomProvider().is_configured() is False
    assert ("zoom", "Zoom", False) in meetings.provider_choices()


def test_jitsi_rooms_carry_the_event_number_and_cannot_be_guessed(make_event, settings):
    settings.EPROK_JITSI_BASE_URL = "https://meet.example.az/"
    event = make_event(format="online", venue="")
    first = JitsiProvider().create_meeting(event)
    second = JitsiProvider().create_meeting(event)
    slug = meetings.room_slug(event)
    assert slug == event.number.lower()
    assert first.join_url == f"https://meet.example.az/{first.meeting_id}"
    assert first.meeting_id.startswith(slug + "-")
    assert len(first.meeting_id) >= len(slug) + 1 + 20  # 16 random bytes
    assert first.meeting_id != second.meeting_id
    with pytest.raises(MeetingProviderError):
        JitsiProvider().participants(first.meeting_id)
