"""Notification pages: the list, marking read, and the unread-count fragment polled by the header."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.core.errors import NotFound
from eprok.notifications import access, selectors, services

PAGE_SIZE = 25


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("filter") == "unread"
    paginator = Paginator(selectors.notification_list(user=request.user, unread_only=unread_only), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "help_page": "shell"},
    )


@login_required
@require_POST
def mark_read(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    try:
        notification = access.get_notification_for(request.user, public_id, action="read")
    except NotFound:
        raise Http404() from None
    services.notification_mark_read(notification=notification, actor=request.user)
    if _is_htmx(request):
        response = render(
            request, "notifications/_item.html", {"notification": notification, "swapped": True}
        )
        # The header's bell listens for this event and refreshes its count.
        response["HX-Trigger"] = "eprok:notifications-changed"
        return response
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(recipient=request.user, actor=request.user)
    if count:
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:list")


@require_GET
def unread_count(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if _is_htmx(request):
            # 286 tells htmx to stop polling: the session has ended, the next page load signs in again.
            return HttpResponse(status=286)
        return redirect_to_login(request.get_full_path())
    count = selectors.notification_unread_count(user=request.user)
    return render(request, "notifications/_unread_count.html", {"unread_count": count})
