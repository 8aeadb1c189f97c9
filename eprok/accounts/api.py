"""API operations of accounts: who am I, and the caller's own personal tokens (mounted at /api/v1/)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from eprok.accounts import access, selectors, services
from eprok.accounts.models import ApiToken
from eprok.accounts.scopes import Scope
from eprok.core.api import ERRORS, WRITE_ERRORS, require_scope
from eprok.core.errors import Forbidden
from eprok.core.pagination import Page, PageParams, paginate

router = Router(tags=["accounts"])


class NamedRef(Schema):
    code: str
    name: str


class RoleOut(Schema):
    role: str
    unit_code: str
    include_subunits: bool
    valid_to: dt.date | None


class MeOut(Schema):
    """The calling employee: identity, place in the service, roles valid today and interface language."""

    public_id: uuid.UUID
    username: str
    full_name: str
    unit: NamedRef | None
    position: NamedRef | None
    class_rank: NamedRef | None
    roles: list[RoleOut]
    language: str
    auth: str = Field(..., description="How the call was authenticated: `token` or `session`.")
    scopes: list[str] = Field(..., description="The token's scopes; a browser session has them all.")


def _ref(obj: Any) -> dict[str, str] | None:
    return None if obj is None else {"code": obj.code, "name": obj.name}


@router.get("/me", response={200: MeOut, **ERRORS}, summary="Who am I")
def me(request: HttpRequest) -> dict[str, Any]:
    """The employee behind the token or session. A token needs the `read` scope."""
    require_scope(request, Scope.READ)
    employee, assignments = selectors.employee_profile(request.user)
    token = getattr(request, "api_token", None)
    return {
        "public_id": employee.public_id,
        "username": employee.username,
        "full_name": employee.full_name,
        "unit": _ref(employee.unit),
        "position": _ref(employee.position),
        "class_rank": _ref(employee.class_rank),
        "roles": [
            {
                "role": a.role,
                "unit_code": a.unit.code,
                "include_subunits": a.include_subunits,
                "valid_to": a.valid_to,
            }
            for a in assignments
        ],
        "language": employee.preferred_language or settings.LANGUAGE_CODE,
        "auth": "token" if token is not None else "session",
        "scopes": list(token.scopes) if token is not None else [str(s) for s in Scope.values],
    }


class TokenOut(Schema):
    prefix: str
    name: str
    scopes: list[str]
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str = Field(..., description="`active`, `expired` or `revoked`.")


class TokenCreatedOut(TokenOut):
    token: str = Field(..., description="The full token. Shown only in this answer; it cannot be read again.")


class TokenIn(Schema):
    name: str = Field(..., min_length=1, max_length=100)
    scopes: list[Scope] = Field(..., min_length=1)
    expires_at: dt.datetime | None = None


def _token_out(obj: ApiToken, **extra: Any) -> dict[str, Any]:
    return {
        "prefix": obj.prefix,
        "name": obj.name,
        "scopes": list(obj.scopes or []),
        "created_at": obj.created_at,
        "last_used_at": obj.last_used_at,
        "expires_at": obj.expires_at,
        "revoked_at": obj.revoked_at,
        "status": obj.status,
        **extra,
    }


@router.get("/tokens", response={200: Page[TokenOut], **ERRORS}, summary="My API tokens")
def token_list(request: HttpRequest, page: Query[PageParams]) -> dict[str, Any]:
    """The caller's own personal tokens, newest first. A token needs the `read` scope."""
    require_scope(request, Scope.READ)
    result = paginate(selectors.token_list(request.user), limit=page.limit, offset=page.offset)
    result["items"] = [_token_out(t) for t in result["items"]]
    return result


@router.post("/tokens", response={201: TokenCreatedOut, **WRITE_ERRORS}, summary="Create an API token")
def token_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    """A new personal token. Called with a token, it needs `write` and cannot give more scopes than it has."""
    require_scope(request, Scope.WRITE)
    scopes = [str(s.value) for s in payload.scopes]
    caller = getattr(request, "api_token", None)
    if caller is not None and not set(scopes) <= set(caller.scopes or []):
        raise Forbidden(
            _("A token cannot create a token with more scopes than its own."),
            code="insufficient_scope",
            details={"allowed_scopes": list(caller.scopes or [])},
        )
    expires_at = payload.expires_at
    if expires_at is not None and timezone.is_naive(expires_at):
        expires_at = timezone.make_aware(expires_at)
    token, raw = services.api_token_create(
        owner=request.user,  # type: ignore[arg-type]
        name=payload.name,
        scopes=scopes,
        expires_at=expires_at,
        actor=request.user,  # type: ignore[arg-type]
    )
    return Status(201, _token_out(token, token=raw))


@router.post(
    "/tokens/{prefix}/revoke", response={200: TokenOut, **WRITE_ERRORS}, summary="Revoke an API token"
)
def token_revoke(request: HttpRequest, prefix: str) -> dict[str, Any]:
    """Stop one of the caller's tokens from working. A token needs the `write` scope."""
    require_scope(request, Scope.WRITE)
    token = access.get_token_for(request.user, prefix, action="revoke")
    token = services.api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    return _token_out(token)
