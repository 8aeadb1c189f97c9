"""What every page of the module shares: sign-in, error mapping, rendering with the guide's link, and the
refusal of a page to someone who holds none of its roles."""

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

PAGE_SIZE = 50
HELP = {"help_page": "contact"}


def contact_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def module_links(request: HttpRequest) -> list[dict[str, Any]]:
    """The module's own menu: the pages the user's roles open, the current one marked."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from eprok.contact import access

    user = request.user
    calls, hotline = access.can_use_calls(user), access.can_use_hotline(user)
    entries = [
        (_("Workspace"), "contact:workspace", calls or hotline),
        (_("Calls"), "contact:call_list", calls),
        (_("Callbacks"), "contact:callback_list", calls),
        (_("Recording copies"), "contact:recording_requests", calls),
        (_("Supervisor"), "contact:supervisor", access.supervises_anything(user)),
        (_("Hotline 161"), "contact:hotline_list", hotline),
        (_("Hotline analytics"), "contact:hotline_analytics", hotline),
    ]
    links = []
    for label, name, allowed in entries:
        if allowed:
            url = reverse(name)
            links.append({"label": label, "url": url, "current": request.path == url})
    return links


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    extra = {} if is_htmx(request) else {"contact_links": module_links(request)}
    return render(request, template, {**HELP, **extra, **context}, status=status)


def apply_error(form: Form, exc: ApplicationError, aliases: dict[str, str] | None = None) -> None:
    form_apply_error(form, exc, aliases=aliases)


def refuse(request: HttpRequest, page: str) -> None:
    """A page of the module opened by someone without any of its roles: 403, audited."""
    deny(
        request.user, action=f"contact.{page}.open", target_type="contact.page", target_key=page, visible=True
    )


def version_of(form: Form) -> int | None:
    return form.cleaned_data.get("version") or None
