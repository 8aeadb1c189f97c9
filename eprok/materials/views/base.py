"""What every register page shares: sign-in, error mapping, rendering with the guide's link."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from eprok.core.access import deny
from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.materials import access
from eprok.org.grants import has_role

PAGE_SIZE = 50
HELP = {"help_page": "materials"}


def materials_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Sign-in required; NotFound and Forbidden become the shell's 404 and 403 pages."""

    @login_required
    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(str(exc.message)) from exc
        except Forbidden as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _apply_error(form: Form, exc: ApplicationError) -> None:
    form_apply_error(form, exc)


def _require_register_role(request: HttpRequest, key: str) -> None:
    if not any(has_role(request.user, role) for role in access.REGISTER_ROLES):
        deny(
            request.user,
            action="materials.register.open",
            target_type="materials.register",
            target_key=key,
            visible=True,
        )
