"""Shell pages: "My work", user guides, health check and error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.core import guides, mywork
from eprok.core.context_processors import prime_unread_count

NOTIFICATIONS_ON_MY_WORK = 5


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database reachability, for load balancers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    from eprok.notifications.selectors import notification_latest_unread

    items = mywork.work_items(request.user)
    notifications = notification_latest_unread(user=request.user, limit=NOTIFICATIONS_ON_MY_WORK)
    if len(notifications) < NOTIFICATIONS_ON_MY_WORK:
        prime_unread_count(request, len(notifications))  # the whole unread list is here: no COUNT needed
    return render(
        request,
        "core/my_work.html",
        {
            "today": timezone.localdate(),
            "assigned": items,
            "deadlines": mywork.nearest_deadlines(items),
            "notifications": notifications,
            "help_page": "shell",
        },
    )


@require_GET
def help_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A user guide from docs/user/, in the interface language (Russian falls back to English)."""
    if slug not in guides.available():
        raise Http404()
    if slug not in guides.PUBLIC and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    guide = guides.render(slug, get_language() or "az")
    return render(request, "core/help.html", {"guide": guide, "guides": guides.index(), "slug": slug})


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 400}, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 403}, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the database or the session may be what failed.
    template = loader.get_template("core/500.html")
    return HttpResponseServerError(template.render({"request_id": getattr(request, "request_id", "")}))


@login_required
@require_POST
def saved_filter_save(request: HttpRequest) -> HttpResponse:
    """Save the filters of a list; back to the list with those filters applied."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from eprok.core import saved_filters
    from eprok.core.errors import ApplicationError

    list_name = request.POST.get("list_name", "")
    if list_name not in saved_filters.SAVABLE_LISTS:
        raise Http404
    try:
        saved = saved_filters.saved_filter_save(
            actor=request.user,
            list_name=list_name,
            name=request.POST.get("name", ""),
            query=request.POST.get("query", ""),
        )
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect(list_name)
    messages.success(request, _("The filter was saved."))
    return redirect(saved_filters.list_url(saved))


@login_required
@require_POST
def saved_filter_delete(request: HttpRequest, pk: int) -> HttpResponse:
    from django.contrib import messages
    from django.shortcuts import redirect

    from eprok.core import saved_filters
    from eprok.core.access import deny
    from eprok.core.models import SavedFilter

    saved = SavedFilter.objects.filter(pk=pk, owner_id=request.user.pk).first()
    if saved is None:
        deny(
            request.user,
            action="core.saved_filter.delete",
            target_type="core.savedfilter",
            target_key=str(pk),
            visible=False,
        )
    saved_filters.saved_filter_delete(actor=request.user, saved=saved)
    messages.success(request, _("The filter was deleted."))
    return redirect(saved.list_name)
