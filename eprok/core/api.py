"""The JSON API at /api/v1/: one NinjaAPI, one error format, token or session authentication.

Errors always have the shape {"code": str, "message": str, "details": object}. Each app adds its
router in ROUTERS below; operations call the same services and selectors as the HTML views.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from eprok.accounts.tokens import authenticate_token, has_scope, touch
from eprok.core.errors import ApplicationError, Forbidden

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


class TokenAuth(HttpBearer):
    """Personal API token in `Authorization: Bearer epk_...`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        touch(api_token)
        request.user = api_token.owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.owner


class SessionAuth(APIKeyCookie):
    """The browser session (with CSRF on unsafe methods), for htmx and the UI's own calls."""

    param_name = "sessionid"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse a token that lacks `scope`; a browser session carries the owner's full rights."""
    token = getattr(request, "api_token", None)
    if token is not None and not has_scope(token, scope):
        raise Forbidden(_("This token does not have the scope “%(scope)s”.") % {"scope": scope},
                        code="insufficient_scope", details={"required_scope": scope})


api = NinjaAPI(
    title="eprok API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


def error_response(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, "details": details or {}}, status=status)


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, str(exc.message), exc.details)


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {"loc": [str(part) for part in err.get("loc", [])], "msg": str(err.get("msg", "")), "type": err.get("type", "")}
        for err in exc.errors
    ]
    return error_response(request, 422, "validation_error", _("Some fields are not valid."), {"errors": details})


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return error_response(request, 401, "unauthenticated", _("Authentication is required: send a valid API token."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, "http_error", str(exc))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error")
    return error_response(request, 500, "server_error", _("An unexpected error occurred; it has been logged."))


def _mount_routers() -> None:
    from eprok.audit.api import router as audit_router
    from eprok.org.api import router as org_router

    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)


_mount_routers()
