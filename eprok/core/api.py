"""The JSON API at /api/v1/: one NinjaAPI, one error format, token or session authentication.

Errors always have the shape {"code": str, "message": str, "details": object}, including unknown
paths under /api/v1/ (404) and methods an operation does not accept (405). Each app adds its router
in `_mount_routers` below; operations call the same services and selectors as the HTML views and
list their error responses with `**ERRORS` (reads) or `**WRITE_ERRORS` (writes). Conventions are
written up in docs/api.md; list operations use eprok.core.pagination.
"""

from __future__ import annotations

import logging
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from eprok.accounts.tokens import authenticate_token, has_scope, touch
from eprok.core.errors import ApplicationError, Forbidden, ValidationFailed

logger = logging.getLogger(__name__)

# The session flag set once the password and the second factor have both been accepted.
SESSION_2FA_KEY = "eprok_2fa_verified"


class ErrorOut(Schema):
    """Every error the API answers: a stable `code`, a translated `message` and optional `details`."""

    code: str
    message: str
    details: Any = None


# Spread into an operation's response map: response={200: UnitOut, **ERRORS}.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,  # bad_request: the body is not valid JSON
    401: ErrorOut,  # unauthenticated: no or a bad token / session
    403: ErrorOut,  # forbidden, insufficient_scope, csrf_failed
    404: ErrorOut,  # not_found: absent or not visible to the caller
    422: ErrorOut,  # validation_error: parameters or body fields
}
# Operations that change data may also answer 409 (conflict: stale version or wrong state).
WRITE_ERRORS: dict[int, type[Schema]] = {**ERRORS, 409: ErrorOut}

# Codes for errors Django Ninja raises itself as HttpError(status, ...).
_HTTP_ERROR_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
    429: "rate_limited",
}


# --- references in request bodies -----------------------------------------------------------------


def unit_by_code(code: str | None, field: str) -> Any:
    """The unit a body names by `code`; a 422 on `field` when there is none."""
    from eprok.org.models import Unit

    unit = Unit.objects.filter(code=code or "").first()
    if unit is None:
        message = _("There is no unit with this code.")
        raise ValidationFailed(message, details={field: message})
    return unit


def employee_by_public_id(public_id: Any, field: str) -> Any:
    """The employee a body names by public id (None when it names none); a 422 on `field` when unknown."""
    from eprok.org.models import Employee

    if public_id is None:
        return None
    employee = Employee.objects.filter(public_id=public_id).select_related("unit").first()
    if employee is None:
        message = _("There is no employee with this identifier.")
        raise ValidationFailed(message, details={field: message})
    return employee


class TokenAuth(HttpBearer):
    """Personal API token in `Authorization: Bearer epk_<prefix>_<secret>`."""

    openapi_bearerFormat = "epk_<prefix>_<secret>"
    openapi_description = "A personal API token; its scopes (read, write, audit:read) limit what it may do."

    def __call__(self, request: HttpRequest) -> Any:
        # Ninja's own parser logs a malformed header in DEBUG; it may hold a secret, so parse it here.
        scheme, _sep, token = request.headers.get(self.header, "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = authenticate_token(token)
        if api_token is None:
            return None
        touch(api_token)
        request.user = api_token.owner
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.owner


class SessionAuth(APIKeyCookie):
    """The browser session after two-factor sign-in (with CSRF on unsafe methods), for the UI's own calls."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "The web session of a signed-in employee; unsafe methods also need the CSRF token."

    def __call__(self, request: HttpRequest) -> Any:
        # A request that sends a token is judged by the token alone: a bad token is 401, not a CSRF 403.
        if request.headers.get("Authorization") or self.param_name not in request.COOKIES:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.session.get(SESSION_2FA_KEY):
            return user
        return None


def require_scope(request: HttpRequest, scope: str) -> None:
    """Refuse a token that lacks `scope`; a browser session carries the owner's full rights."""
    token = getattr(request, "api_token", None)
    if token is not None and not has_scope(token, scope):
        raise Forbidden(
            _("This token does not have the scope “%(scope)s”.") % {"scope": scope},
            code="insufficient_scope",
            details={"required_scope": scope},
        )


class EprokAPI(NinjaAPI):
    """NinjaAPI whose unknown paths and refused methods answer in the API's error format too."""

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        urls = super()._get_urls()
        for pattern in urls:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    pattern.callback = _api_root
                pattern.callback = _json_method_not_allowed(pattern.callback)
        # Last, so it only catches what no operation matched.
        urls.append(re_path(r"^.*$", _unknown_path, name="unknown-path"))
        return urls

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        _document_error_responses(schema)
        # Listed even before any operation uses them, so clients can see how to authenticate.
        schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        for auth in self.auth if isinstance(self.auth, list | tuple) else []:
            if hasattr(auth, "openapi_security_schema"):
                schemes.setdefault(type(auth).__name__, auth.openapi_security_schema)
        return schema


def error_response(
    request: HttpRequest, status: int, code: str, message: str, details: Any = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "details": details or {}}, status=status
    )


def _json_method_not_allowed(view: Any) -> Any:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(
                request,
                405,
                "method_not_allowed",
                _("This method is not allowed here."),
                {"allowed_methods": [m.strip() for m in allowed.split(",") if m.strip()]},
            )
            response["Allow"] = allowed
        return response

    return wrapper


def _api_root(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """A small index, so /api/v1/ itself says where the OpenAPI description is."""
    if request.method not in ("GET", "HEAD"):
        return _json_method_not_allowed(lambda r: HttpResponseNotAllowed(["GET", "HEAD"]))(request)
    base = request.path
    return api.create_response(
        request,
        {"title": api.title, "version": api.version, "openapi": f"{base}openapi.json"},
        status=200,
    )


def _unknown_path(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_response(request, 404, "not_found", _("There is no API operation at this address."))


_unknown_path.csrf_exempt = True  # type: ignore[attr-defined]


def _document_error_responses(schema: dict[str, Any]) -> None:
    """Make sure every operation lists the errors any operation can answer, with the ErrorOut body."""
    if not schema.get("paths"):
        return
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault("ErrorOut", ErrorOut.model_json_schema())
    error_content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    descriptions = {
        400: "Bad Request",
        401: "Unauthorized",
        403: "Forbidden",
        404: "Not Found",
        422: "Unprocessable Entity",
    }
    for path_item in schema["paths"].values():
        for operation in path_item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for status, description in descriptions.items():
                if status == 401 and not operation.get("security"):
                    continue
                operation["responses"].setdefault(
                    status, {"description": description, "content": error_content}
                )


def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return error_response(request, exc.status, exc.code, str(exc.message), exc.details)


def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {
            "loc": [str(part) for part in err.get("loc", [])],
            "msg": str(err.get("msg", "")),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    return error_response(
        request, 422, "validation_error", _("Some fields are not valid."), {"errors": details}
    )


def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request, 401, "unauthenticated", _("Authentication is required: send a valid API token.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="eprok"'
    return response


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


def _too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE (e.g. base64 attachments) is the client's error, not a 500."""
    return error_response(request, 413, "payload_too_large", _("The request body is too large."))


def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, "forbidden", _("You do not have permission to do this."))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if isinstance(exc.__cause__, NinjaValidationError):
        # Ninja wraps any error of the body parser in a 400; ours (StrictParser) says what is wrong.
        return _validation_error(request, exc.__cause__)
    if status == 400:
        return error_response(request, 400, "bad_request", _("The request body could not be read as JSON."))
    if status == 403 and "csrf" in str(exc).lower():
        return error_response(
            request, 403, "csrf_failed", _("The request was refused: the CSRF token is missing or wrong.")
        )
    return error_response(request, status, _HTTP_ERROR_CODES.get(status, "http_error"), str(exc))


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    logger.exception("Unhandled API error")
    return error_response(
        request, 500, "server_error", _("An unexpected error occurred; it has been logged.")
    )


def _nul_paths(value: Any, loc: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Where a NUL character hides in parsed input (keys and strings, at any depth)."""
    if isinstance(value, str):
        return [loc] if "\x00" in value else []
    if isinstance(value, dict):
        found = []
        for key, item in value.items():
            found += [(*loc, str(key))] if "\x00" in str(key) else []
            found += _nul_paths(item, (*loc, str(key)))
        return found
    if isinstance(value, list):
        return [path for index, item in enumerate(value) for path in _nul_paths(item, (*loc, str(index)))]
    return []


class StrictParser(Parser):
    """JSON bodies and query strings, refusing NUL characters (no text column can store them)."""

    def _refuse_nul(self, data: Any, where: str) -> Any:
        paths = _nul_paths(data)
        if paths:
            message = _("Text must not contain the NUL character.")
            raise NinjaValidationError(
                [{"loc": [where, *path], "msg": message, "type": "value_error"} for path in paths]
            )
        return data

    def parse_body(self, request: HttpRequest) -> Any:
        return self._refuse_nul(super().parse_body(request), "body")

    def parse_querydict(self, data: Any, list_fields: list[str], request: HttpRequest) -> Any:
        return self._refuse_nul(super().parse_querydict(data, list_fields, request), "query")


def build_api(*, urls_namespace: str = "api") -> EprokAPI:
    """The API object with our authentication and error handlers; tests build a second one to probe them."""
    new_api = EprokAPI(
        title="eprok API",
        version="1",
        description=(
            "The JSON API of eprok. Authenticate with a personal token (`Authorization: Bearer epk_...`). "
            'Errors have the shape {"code", "message", "details"}; lists are paged with `limit` and `offset`.'
        ),
        urls_namespace=urls_namespace,
        auth=[TokenAuth(), SessionAuth()],
        parser=StrictParser(),
        # No Swagger page: Ninja's needs a CDN and inline script, both refused by our CSP. See docs/api.md.
        docs_url=None,
    )
    handlers: list[tuple[type[Exception], Any]] = [
        (ApplicationError, _application_error),
        (NinjaValidationError, _validation_error),
        (AuthenticationError, _authentication_error),
        (Http404, _not_found),
        (PermissionDenied, _forbidden),
        (RequestDataTooBig, _too_large),
        (HttpError, _http_error),
        (Exception, _unexpected),
    ]
    for exc_class, handler in handlers:
        new_api.add_exception_handler(exc_class, handler)
    return new_api


api = build_api()


def _mount_routers() -> None:
    from eprok.accounts.api import router as accounts_router
    from eprok.appeals.api import router as appeals_router
    from eprok.audit.api import router as audit_router
    from eprok.cases.api import router as cases_router
    from eprok.contact.api import router as contact_router
    from eprok.courtwork.api import router as courtwork_router
    from eprok.criminal_code.api import router as criminal_code_router
    from eprok.documents.api import router as documents_router
    from eprok.drafting.api import router as drafting_router
    from eprok.gateway.api import router as gateway_router
    from eprok.gateway.api_ecourt import router as ecourt_router
    from eprok.gateway.api_registers import router as registers_router
    from eprok.learning.api import router as learning_router
    from eprok.materials.api import router as materials_router
    from eprok.notifications.api import router as notifications_router
    from eprok.org.api import router as org_router
    from eprok.persons.api import router as persons_router
    from eprok.search.api import router as search_router
    from eprok.signing.api import router as signing_router
    from eprok.special.api import router as special_router
    from eprok.stats.api import router as stats_router
    from eprok.supervision.api import router as supervision_router
    from eprok.training.api import router as training_router

    api.add_router("", accounts_router)  # /me and /tokens
    api.add_router("/org", org_router)
    api.add_router("/audit", audit_router)
    api.add_router("/notifications", notifications_router)
    api.add_router("/criminal-code", criminal_code_router)
    api.add_router("/persons", persons_router)
    api.add_router("/materials", materials_router)
    api.add_router("/cases", cases_router)
    api.add_router("/appeals", appeals_router)
    api.add_router("/contact", contact_router)
    api.add_router("/documents", documents_router)
    api.add_router("/drafting", drafting_router)
    api.add_router("/search", search_router)
    api.add_router("/signing", signing_router)
    api.add_router("/special", special_router)
    api.add_router("/supervision", supervision_router)
    api.add_router("/courtwork", courtwork_router)
    api.add_router("/learning", learning_router)
    api.add_router("/training", training_router)
    api.add_router("/ecourt", ecourt_router)
    api.add_router("/gateway", gateway_router)
    api.add_router("/registers", registers_router)
    api.add_router("/stats", stats_router)


_mount_routers()
