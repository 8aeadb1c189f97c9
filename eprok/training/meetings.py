"""Meeting providers: who hosts the live session of an online or mixed training event.

A provider creates a meeting for an event (`create_meeting` → its id and join link) and, when it can, reports
who took part (`participants`). Two exist:

- `JitsiProvider` makes a link to a Jitsi Meet server (EPROK_JITSI_BASE_URL) with an unguessable room name;
  there is no account and no call, and Jitsi reports no participants.
- `ZoomProvider` calls Zoom's REST API (EPROK_ZOOM_URL) with a server-to-server OAuth token (account
  credentials: EPROK_ZOOM_ACCOUNT_ID, EPROK_ZOOM_CLIENT_ID, EPROK_ZOOM_CLIENT_SECRET at
  EPROK_ZOOM_OAUTH_URL), kept until shortly before it expires. Without EPROK_ZOOM_URL it is unavailable.

Calls use the standard library's urllib, as the other adapters of eprok do (ASAN İmza, the SMS gateway): the
project has no HTTP client dependency. Every failure (unreachable, timeout, an error status, a malformed
answer) is a MeetingProviderError whose `detail` says what happened without any credential; nothing here
touches the database (eprok.training.services_meetings does).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ApplicationError
from eprok.training.models import MeetingProvider, TrainingEvent

# A token is renewed this long before Zoom says it expires (clock skew, a long request).
TOKEN_MARGIN = dt.timedelta(seconds=60)
PARTICIPANTS_PAGE_SIZE = 300  # Zoom's largest page
MAX_PAGES = 100


class MeetingProviderError(ApplicationError):
    """The provider could not do it now: `detail` (English, no secrets) is kept on the event for admins."""

    code = "meeting_provider_unavailable"
    status = 503
    default_message = _("The video meeting service cannot be reached now; try again in a few minutes.")

    def __init__(self, detail: str, *, message: Any = None) -> None:
        self.detail = detail[:500]
        super().__init__(message, details={"provider_error": self.detail})


@dataclass(frozen=True)
class CreatedMeeting:
    meeting_id: str
    join_url: str


@dataclass(frozen=True)
class Participant:
    """One stay in the meeting as the provider reports it (a person who rejoined appears more than once)."""

    email: str
    name: str = ""
    join_time: str = ""
    leave_time: str = ""
    duration: int = 0


class Provider(Protocol):
    code: str
    reports_participants: bool

    def is_configured(self) -> bool: ...

    def create_meeting(self, event: TrainingEvent) -> CreatedMeeting: ...

    def participants(self, meeting_id: str) -> list[Participant]: ...


def room_slug(event: TrainingEvent) -> str:
    """A readable prefix from the event's number: TT-CENTRE-2026-00001 → tt-centre-2026-00001."""
    return slugify(event.number)[:60].strip("-") or "event"


class JitsiProvider:
    """A Jitsi Meet link: the room name is the event's number and a random part nobody can guess."""

    code: str = MeetingProvider.JITSI
    reports_participants = False

    def __init__(self, base_url: str | None = None) -> None:
        self.base_url = (base_url if base_url is not None else settings.EPROK_JITSI_BASE_URL).rstrip("/")

    def is_configured(self) -> bool:
        return bool(self.base_url)

    def create_meeting(self, event: TrainingEvent) -> CreatedMeeting:
        if not self.is_configured():
            raise MeetingProviderError("Jitsi is not configured (EPROK_JITSI_BASE_URL is empty).")
        room = f"{room_slug(event)}-{secrets.token_urlsafe(16)}"
        return CreatedMeeting(meeting_id=room, join_url=f"{self.base_url}/{room}")

    def participants(self, meeting_id: str) -> list[Participant]:
        raise MeetingProviderError("Jitsi does not report who took part in a meeting.")


@dataclass
class _Token:
    value: str
    expires_at: dt.datetime


_tokens: dict[tuple[str, str, str], _Token] = {}
_tokens_lock = threading.Lock()


def forget_tokens() -> None:
    """Drop the cached OAuth tokens (tests; a changed secret)."""
    with _tokens_lock:
        _tokens.clear()


class ZoomProvider:
    """Zoom's REST API with server-to-server OAuth (grant type account_credentials)."""

    code: str = MeetingProvider.ZOOM
    reports_participants = True

    def __init__(self) -> None:
        self.base_url = settings.EPROK_ZOOM_URL.rstrip("/")
        self.oauth_url = settings.EPROK_ZOOM_OAUTH_URL
        self.account_id = settings.EPROK_ZOOM_ACCOUNT_ID
        self.client_id = settings.EPROK_ZOOM_CLIENT_ID
        self.client_secret = settings.EPROK_ZOOM_CLIENT_SECRET
        self.timeout = float(settings.EPROK_ZOOM_TIMEOUT)

    def is_configured(self) -> bool:
        return bool(self.base_url and self.oauth_url and self.client_id)

    # --- HTTP -------------------------------------------------------------------------------------------

    def _send(self, request: urllib.request.Request, what: str) -> dict[str, Any]:
        if not request.full_url.lower().startswith(("http://", "https://")):
            raise MeetingProviderError(f"Zoom {what}: the configured address is not http(s).")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - checked above
                payload = json.loads(response.read(2_000_000) or b"{}")
        except urllib.error.HTTPError as exc:
            raise _HttpStatus(exc.code, f"Zoom {what}: HTTP {exc.code}.") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise MeetingProviderError(f"Zoom {what}: cannot be reached ({reason}).") from exc
        except ValueError as exc:
            raise MeetingProviderError(f"Zoom {what}: the answer is not JSON.") from exc
        if not isinstance(payload, dict):
            raise MeetingProviderError(f"Zoom {what}: the answer is not a JSON object.")
        return payload

    def _token(self, *, renew: bool = False) -> str:
        key = (self.oauth_url, self.account_id, self.client_id)
        now = timezone.now()
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached is not None and not renew and cached.expires_at - TOKEN_MARGIN > now:
                return cached.value
        query = urllib.parse.urlencode({"grant_type": "account_credentials", "account_id": self.account_id})
        credentials = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _send
            f"{self.oauth_url}?{query}",
            data=b"",
            method="POST",
            headers={"Authorization": f"Basic {credentials}", "Accept": "application/json"},
        )
        try:
            payload = self._send(request, "OAuth token")
        except _HttpStatus as exc:
            raise MeetingProviderError(exc.detail) from exc
        value = str(payload.get("access_token") or "")
        try:
            lifetime = int(payload.get("expires_in") or 0)
        except (TypeError, ValueError):
            lifetime = 0
        if not value or lifetime <= 0:
            raise MeetingProviderError("Zoom OAuth token: the answer has no token.")
        with _tokens_lock:
            _tokens[key] = _Token(value=value, expires_at=now + dt.timedelta(seconds=lifetime))
        return value

    def _call(self, method: str, path: str, what: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        """One API call with the cached token; a 401 (token revoked or expired early) renews it once."""
        for renew in (False, True):
            request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _send
                self.base_url + path,
                data=json.dumps(body).encode() if body is not None else None,
                method=method,
                headers={
                    "Authorization": f"Bearer {self._token(renew=renew)}",
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
            )
            try:
                return self._send(request, what)
            except _HttpStatus as exc:
                if exc.status == 401 and not renew:
                    continue
                raise MeetingProviderError(exc.detail) from exc
        raise MeetingProviderError(f"Zoom {what}: the token was refused.")  # pragma: no cover

    # --- the provider -----------------------------------------------------------------------------------

    def create_meeting(self, event: TrainingEvent) -> CreatedMeeting:
        if not self.is_configured():
            raise MeetingProviderError("Zoom is not configured (EPROK_ZOOM_URL is empty).")
        minutes = max(1, int((event.ends_at - event.starts_at).total_seconds() // 60))
        payload = self._call(
            "POST",
            "/users/me/meetings",
            "create meeting",
            {
                "topic": f"{event.number} {event.title}"[:200],
                "type": 2,  # a scheduled meeting
                "start_time": event.starts_at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "duration": minutes,
                "timezone": settings.TIME_ZONE,
                "agenda": (event.topic or "")[:2000],
                "settings": {"join_before_host": False, "waiting_room": True},
            },
        )
        meeting_id = str(payload.get("id") or "")
        join_url = str(payload.get("join_url") or "")
        if not meeting_id or not join_url.lower().startswith(("https://", "http://")):
            raise MeetingProviderError("Zoom create meeting: the answer has no id or join link.")
        return CreatedMeeting(meeting_id=meeting_id[:128], join_url=join_url[:500])

    def participants(self, meeting_id: str) -> list[Participant]:
        """Everyone the meeting's report lists, page after page."""
        if not self.is_configured():
            raise MeetingProviderError("Zoom is not configured (EPROK_ZOOM_URL is empty).")
        found: list[Participant] = []
        token = ""
        for _page in range(MAX_PAGES):
            query = {"page_size": str(PARTICIPANTS_PAGE_SIZE)}
            if token:
                query["next_page_token"] = token
            path = (
                f"/report/meetings/{urllib.parse.quote(meeting_id, safe='')}/participants?"
                + urllib.parse.urlencode(query)
            )
            payload = self._call("GET", path, "participants report")
            rows = payload.get("participants") or []
            if not isinstance(rows, list):
                raise MeetingProviderError("Zoom participants report: malformed answer.")
            for row in rows:
                if not isinstance(row, dict):
                    continue
                try:
                    duration = int(row.get("duration") or 0)
                except (TypeError, ValueError):
                    duration = 0
                found.append(
                    Participant(
                        email=str(row.get("user_email") or "").strip(),
                        name=str(row.get("name") or ""),
                        join_time=str(row.get("join_time") or ""),
                        leave_time=str(row.get("leave_time") or ""),
                        duration=duration,
                    )
                )
            token = str(payload.get("next_page_token") or "")
            if not token:
                return found
        raise MeetingProviderError("Zoom participants report: too many pages.")


class _HttpStatus(MeetingProviderError):
    """An error status from Zoom, told apart so a 401 can renew the token."""

    def __init__(self, status: int, detail: str) -> None:
        self.status = status
        super().__init__(detail)


def get_provider(code: str) -> Provider:
    if code == MeetingProvider.JITSI:
        return JitsiProvider()
    if code == MeetingProvider.ZOOM:
        return ZoomProvider()
    raise MeetingProviderError(f"Unknown meeting provider {code!r}.")


def provider_choices() -> list[tuple[str, str, bool]]:
    """(code, label, available) for every provider; Zoom is unavailable until it is configured."""
    return [
        (str(code), str(label), get_provider(code).is_configured()) for code, label in MeetingProvider.choices
    ]
