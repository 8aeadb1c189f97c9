"""Session security: sign-out after inactivity, and no page before the second factor is passed."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.messages.storage import default_storage
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from eprok.accounts import selectors, services, sessions
from eprok.accounts.selectors import SecondFactor

# Pages a session may open before its second factor is passed. /api/ authenticates each call itself.
TWO_FACTOR_EXEMPT = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/two-factor/",
    "/accounts/password/reset/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/help/sign-in/",
    "/api/",
    "/favicon.ico",
)
# Writing the session on every request would cost a write per page; a minute's precision is enough.
LAST_SEEN_PRECISION_SECONDS = 60
# Sent by requests the page makes on its own (polling), as opposed to the user's actions.
BACKGROUND_HEADER = "X-Eprok-Background"


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page_path(request: HttpRequest) -> str | None:
    """The page the user was on: for htmx the page's URL (not the fragment's), for GET the request itself."""
    if _is_htmx(request):
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        if current.netloc and current.netloc != request.get_host():
            return None
        return (current.path or "/") + (f"?{current.query}" if current.query else "")
    return request.get_full_path() if request.method == "GET" else None


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        response = HttpResponse(status=401)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class SessionSecurityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return self.get_response(request)
        expired = self._check_idle(request)
        if expired is not None:
            return expired
        if not request.user.is_authenticated:
            return self.get_response(request)
        if not sessions.is_verified(request) and not request.path.startswith(TWO_FACTOR_EXEMPT):
            state = selectors.second_factor_for(request.user)
            if state is SecondFactor.NONE:
                request.session[sessions.VERIFIED] = True
            else:
                page = _page_path(request)
                if page:
                    request.session[sessions.NEXT] = page
                target = "accounts:login_totp" if state is SecondFactor.VERIFY else "accounts:totp_enroll"
                return _redirect(request, reverse(target))
        return self.get_response(request)

    def _check_idle(self, request: HttpRequest) -> HttpResponse | None:
        now = int(time.time())
        last_seen = request.session.get(sessions.LAST_SEEN)
        if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
            return self._expire(request, idle_seconds=now - last_seen)
        # Background polling (the notification bell) is not activity: it must not keep a session alive.
        background = request.headers.get(BACKGROUND_HEADER) == "1"
        stale = not isinstance(last_seen, int) or now - last_seen >= LAST_SEEN_PRECISION_SECONDS
        if stale and not background:
            request.session[sessions.LAST_SEEN] = now
        return None

    def _expire(self, request: HttpRequest, *, idle_seconds: int) -> HttpResponse | None:
        services.session_expired(employee=request.user, idle_seconds=idle_seconds)  # type: ignore[arg-type]
        page = _page_path(request)
        logout(request)
        if request.path.startswith("/api/"):
            # The API answers an anonymous caller itself, in its own error format.
            return None
        url = reverse("accounts:login")
        if page:
            url += "?" + urlencode({"next": page})
        response = _redirect(request, url)
        # MessageMiddleware runs after this one, so the message store is opened here.
        storage = default_storage(request)
        storage.add(messages.WARNING, _("Your session expired after inactivity. Sign in again."))
        storage.update(response)
        return response
