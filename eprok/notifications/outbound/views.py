"""Staff pages of outbound messages: the list, one message (address masked until opened), the templates."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from eprok.core.errors import NotFound
from eprok.notifications.models import OutboundChannel, OutboundMessage, OutboundStatus
from eprok.notifications.outbound import access, reads, selectors
from eprok.notifications.outbound.addresses import mask_recipient
from eprok.notifications.outbound.rendering import (
    TEMPLATES,
    example_context,
    normalise_language,
    render_message,
)
from eprok.notifications.outbound.sms import sms_size

PAGE_SIZE = 50
HELP_PAGE = "shell"


def _authorize(request: HttpRequest, action: str) -> None:
    try:
        access.require_outbound_reader(request.user, action=action)
    except NotFound:
        raise Http404() from None


def _get(request: HttpRequest, public_id: uuid.UUID, action: str) -> OutboundMessage:
    try:
        return access.get_outbound_message_for(request.user, public_id, action=action)
    except NotFound:
        raise Http404() from None


@login_required
@require_GET
def outbound_list(request: HttpRequest) -> HttpResponse:
    _authorize(request, "list")
    filters = selectors.OutboundFilters.from_query(request.GET)
    page = Paginator(selectors.outbound_list(user=request.user, filters=filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for message in page.object_list:
        message.masked_recipient = mask_recipient(message.recipient)  # type: ignore[attr-defined]
    return render(
        request,
        "notifications/outbound/list.html",
        {
            "page": page,
            "filters": filters,
            "query": urlencode(filters.as_query()),
            "statuses": OutboundStatus.choices,
            "channels": OutboundChannel.choices,
            "templates": sorted(TEMPLATES),
            "help_page": HELP_PAGE,
        },
    )


def _detail(request: HttpRequest, message: OutboundMessage, *, revealed: bool) -> HttpResponse:
    return render(
        request,
        "notifications/outbound/detail.html",
        {
            "message": message,
            "recipient": message.recipient if revealed else mask_recipient(message.recipient),
            "revealed": revealed,
            "help_page": HELP_PAGE,
        },
    )


@login_required
@require_GET
def outbound_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    message = _get(request, public_id, "read")
    reads.outbound_record_view(actor=request.user, message=message)
    return _detail(request, message, revealed=False)


@login_required
@require_POST
def outbound_recipient(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    message = _get(request, public_id, "recipient_read")
    reads.outbound_recipient_view(actor=request.user, message=message)
    return _detail(request, message, revealed=True)


@login_required
@require_GET
def outbound_templates(request: HttpRequest) -> HttpResponse:
    _authorize(request, "templates")
    language = normalise_language(request.GET.get("language") or request.LANGUAGE_CODE)
    previews = []
    for name, template in TEMPLATES.items():
        context = example_context(name)
        email = render_message(name, channel=OutboundChannel.EMAIL, context=context, language=language)
        sms = render_message(name, channel=OutboundChannel.SMS, context=context, language=language)
        previews.append({"template": template, "email": email, "sms": sms, "sms_size": sms_size(sms.body)})
    return render(
        request,
        "notifications/outbound/templates.html",
        {"previews": previews, "language": language, "help_page": HELP_PAGE},
    )
