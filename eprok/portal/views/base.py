"""What every portal page shares: no sign-in, no client address in the work context, no caching,
the portal's navigation, rate limits, proof-of-work and the refusals they lead to.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext_lazy as _

from eprok.audit.services import audit_record
from eprok.core.context import WorkContext, current, work_context
from eprok.portal import abuse


@dataclass(frozen=True)
class NavItem:
    label: Any
    url: str
    current: bool


# (label, url name). Order is the menu's order.
NAVIGATION = [
    (_("Submit an appeal"), "portal:portal_appeal_submit"),
    (_("Check an appeal"), "portal:portal_appeal_status"),
    (_("Report corruption"), "portal:portal_report_submit"),
    (_("Continue a conversation"), "portal:portal_conversation_open"),
    (_("Verify a document"), "portal:portal_verify"),
]


def portal_nav(request: HttpRequest) -> list[NavItem]:
    items = []
    for label, name in NAVIGATION:
        url = reverse(name)
        items.append(NavItem(label=label, url=url, current=request.path.startswith(url)))
    return items


def public_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """A portal page: open to anyone, never cached, and run without the visitor's address.

    The request middleware puts the client's IP address and browser into the work context, from
    which audit events take them. On the portal they are dropped for the whole request, so no event
    a citizen or an anonymous reporter causes can carry them (the request id stays, to find log lines).
    """

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        ctx = WorkContext(source=current().source, request_id=current().request_id, ip=None, user_agent="")
        with work_context(ctx):
            response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        return response

    return wrapper


def render_portal(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        template,
        {"portal_nav": portal_nav(request), "help_page": "portal", **(context or {})},
        status=status,
    )


# --- refusals -----------------------------------------------------------------------------------


def wait_context(retry_after: int) -> dict[str, Any]:
    until = timezone.localtime(timezone.now() + dt.timedelta(seconds=retry_after))
    return {"minutes": max(1, math.ceil(retry_after / 60)), "until": until.strftime("%H:%M")}


def too_many_requests(request: HttpRequest, *, retry_after: int) -> HttpResponse:
    """429 with a page that says, in the visitor's language, when to try again."""
    response = render_portal(request, "portal/too_many_requests.html", wait_context(retry_after), status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limited(request: HttpRequest, form: str) -> HttpResponse | None:
    """Count this POST against the form's limit; a response to send instead when over it."""
    decision = abuse.rate_limit_hit(form=form, client=abuse.client_key(request))
    if decision.allowed:
        return None
    if decision.first_refusal:
        # Audited once per window and client: a flood must not turn into a flood of audit rows.
        audit_record(actor=None, action="portal.rate.limited", target_type="portal.form", target_id=form)
    return too_many_requests(request, retry_after=decision.retry_after)


def pow_context(form: str) -> dict[str, Any]:
    return {"pow": abuse.issue_challenge(form=form)}


def check_pow(request: HttpRequest, form: str, *, spend: bool = True) -> abuse.PowResult:
    """Verify (and with `spend`, use up) the posted proof-of-work; a refusal is audited, without
    anything that identifies the visitor."""
    result = abuse.verify_pow(
        token=request.POST.get("pow_challenge", ""),
        counter=request.POST.get("pow_counter", ""),
        form=form,
        spend=spend,
    )
    if not result.ok:
        audit_pow_refusal(form, result)
    return result


def audit_pow_refusal(form: str, result: abuse.PowResult) -> None:
    audit_record(
        actor=None,
        action="portal.pow.refused",
        target_type="portal.form",
        target_id=form,
        data={"reason": result.refusal.value if result.refusal else "unknown"},
    )


POW_MESSAGES = {
    abuse.PowRefusal.MISSING: _(
        "The automatic check of the form did not finish. Wait until the page says the form is ready, "
        "then send it again. The check needs JavaScript."
    ),
    abuse.PowRefusal.EXPIRED: _(
        "The form was open too long and has expired. Check what you entered and send it again."
    ),
    abuse.PowRefusal.REUSED: _(
        "This form has already been sent. Check what you entered and send it again if needed."
    ),
}
POW_DEFAULT_MESSAGE = _("The automatic check of the form failed. Send the form again.")


def pow_message(result: abuse.PowResult) -> Any:
    return POW_MESSAGES.get(result.refusal, POW_DEFAULT_MESSAGE) if result.refusal else POW_DEFAULT_MESSAGE


def request_too_large(request: HttpRequest, *, limit_bytes: int) -> bool:
    """Whether the declared body is larger than any acceptable submission (refused before it is read)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > limit_bytes


def max_appeal_body() -> int:
    """Every attachment at its largest, plus room for the text fields and the multipart framing."""
    per_file = int(settings.EPROK_PORTAL_MAX_ATTACHMENT_MB) * 1024 * 1024
    return int(settings.EPROK_PORTAL_MAX_ATTACHMENTS) * per_file + 1024 * 1024
