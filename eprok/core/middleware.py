"""Request id, work context and security headers."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

from eprok.core.context import WorkContext, current, work_context

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class RequestIdMiddleware:
    """Gives each request an id (or keeps a well-formed X-Request-Id) and opens its work context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-Id", "")
        source = "api" if request.path.startswith("/api/") else "web"
        ctx = WorkContext(
            source=source,
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:300],
            **({"request_id": incoming} if _REQUEST_ID_RE.match(incoming) else {}),
        )
        request.request_id = ctx.request_id  # type: ignore[attr-defined]
        with work_context(ctx):
            response = self.get_response(request)
        response["X-Request-Id"] = ctx.request_id
        return response


class SecurityHeadersMiddleware:
    """Strict Content-Security-Policy and the other headers Django does not set itself."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        response.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            response.setdefault("Cache-Control", "no-store")
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current().request_id[:12]
        return True


class ApplicationErrorMiddleware:
    """Maps an ApplicationError escaping an HTML view to its error page (the API maps its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.shortcuts import render

        from eprok.core.errors import ApplicationError

        if not isinstance(exception, ApplicationError) or request.path.startswith("/api/"):
            return None
        return render(
            request,
            "core/error.html",
            {"status": exception.status, "message": exception.message, "code": exception.code},
            status=exception.status,
        )


class LanguageMiddleware:
    """Azerbaijani unless the user chose otherwise with the switcher (cookie) or in their profile.

    Pages ignore the browser's Accept-Language: a national system speaks the state language by
    default, whatever the workstation's browser is set to. API clients have no cookie, so for
    /api/ an explicit Accept-Language chooses the language of error messages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if not chosen and request.path.startswith("/api/"):
            chosen = translation.get_language_from_request(request)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response
