"""The e-Court deliveries' pages: the register of the unit's deliveries, one delivery with its evidence, the
panel on the case and proceeding cards ("Send to the e-Court" and the list), sending and "retry now"."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from eprok.core.access import deny
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error

from . import access, ecourt
from .ecourt_package import owner_documents
from .forms_ecourt import DeliveryFilterForm, DeliveryForm

HELP = {"help_page": "ecourt"}
PAGE_SIZE = 50
# The owner types of the panel, as the documents panel names them (app_label.model).
CASE, SUPERVISED, PROCEEDING = "cases.case", "supervision.supervisedcase", "courtwork.proceeding"


def _owner_for(user: Any, owner_type: str, key: str) -> ecourt.Owner:
    """The owner through its own app's fetch-and-authorize (404 when the user may not see it)."""
    if owner_type == CASE:
        from eprok.cases import access as cases_access

        return ecourt.owner_resolve(case=cases_access.get_case_for(user, key, "view"))
    if owner_type == SUPERVISED:
        from eprok.supervision import access as supervision_access

        return ecourt.owner_resolve(supervised=supervision_access.get_case_for(user, key, "view"))
    if owner_type == PROCEEDING:
        from eprok.courtwork import access as courtwork_access

        return ecourt.owner_resolve(proceeding=courtwork_access.get_proceeding_for(user, key, "view"))
    raise Http404()


def _owner_url(owner: ecourt.Owner) -> str:
    if owner.proceeding is not None:
        return str(owner.proceeding.get_absolute_url())
    if owner.case is not None:
        return reverse("cases:detail", args=[owner.case.number])
    return reverse("gateway:ecourt:list")


def _form(user: Any, owner: ecourt.Owner, data: Any = None) -> DeliveryForm:
    from eprok.courtwork.models import Court, Decision

    decisions = (
        Decision.objects.filter(proceeding=owner.proceeding).order_by("-decided_on", "-pk")
        if owner.proceeding is not None
        else Decision.objects.none()
    )
    return DeliveryForm(
        data,
        courts=Court.objects.filter(is_active=True).order_by("level", "code"),
        decisions=decisions,
        documents=owner_documents(user, owner),
        default_court=owner.proceeding.court if owner.proceeding is not None else None,
    )


def _panel_context(
    user: Any, owner: ecourt.Owner, owner_type: str, key: str, form: DeliveryForm | None = None
) -> dict[str, Any]:
    can_send = access.ecourt_can_send(user, **owner.as_kwargs())
    deliveries = list(ecourt.deliveries_of(user=user, **owner.as_kwargs()))
    return {
        "owner": owner,
        "owner_type": owner_type,
        "owner_key": key,
        "deliveries": deliveries,
        "can_send": can_send,
        "form": form if form is not None else (_form(user, owner) if can_send else None),
        "send_url": reverse("gateway:ecourt:send", args=[owner_type, key]),
    }


@staff_view
@require_GET
def ecourt_panel(request: HttpRequest, owner_type: str, key: str) -> HttpResponse:
    """The card's panel (loaded by htmx): the deliveries of the owner and the form to send."""
    owner = _owner_for(request.user, owner_type, key)
    context = _panel_context(request.user, owner, owner_type, key)
    ecourt.deliveries_record_listed(
        actor=request.user, keys=[str(d.public_id) for d in context["deliveries"]], purpose="card"
    )
    return render(request, "gateway/ecourt/_deliveries.html", context)


@staff_view
@require_POST
def ecourt_send(request: HttpRequest, owner_type: str, key: str) -> HttpResponse:
    owner = _owner_for(request.user, owner_type, key)
    if not access.ecourt_can_send(request.user, **owner.as_kwargs()):
        access.require_ecourt_send(request.user, **owner.as_kwargs())
    form = _form(request.user, owner, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            delivery = ecourt.delivery_queue(
                actor=request.user,
                kind=data["kind"],
                **owner.as_kwargs(),
                court=data["court"],
                title=data["title"],
                text=data["text"],
                documents=list(data["documents"]),
                decision=data["decision"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("Queued for the e-Court: %(title)s") % {"title": delivery.title})
            return redirect(_owner_url(owner))
    context = _panel_context(request.user, owner, owner_type, key, form=form)
    return render(
        request, "gateway/ecourt/send.html", {**HELP, **context, "back_url": _owner_url(owner)}, status=422
    )


@staff_view
@require_GET
def ecourt_list(request: HttpRequest) -> HttpResponse:
    """The register: the deliveries of the units where the user prosecutes or supervises."""
    if not access.ecourt_can_see_register(request.user):
        deny(
            request.user,
            action="gateway.ecourt.list",
            target_type="gateway.ecourt",
            target_key="",
            visible=True,
        )
    form = DeliveryFilterForm(request.GET or None)
    status = form.cleaned_data.get("status", "") if form.is_bound and form.is_valid() else ""
    page = Paginator(ecourt.delivery_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    ecourt.deliveries_record_listed(
        actor=request.user, keys=[str(d.public_id) for d in page.object_list], purpose="register"
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "gateway/ecourt/list.html", {**HELP, "form": form, "page": page, "query": query.urlencode()}
    )


@staff_view
@require_GET
def ecourt_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    delivery = access.get_delivery_for(request.user, public_id, "view")
    ecourt.delivery_record_view(actor=request.user, delivery=delivery)
    return render(
        request,
        "gateway/ecourt/detail.html",
        {
            **HELP,
            "delivery": delivery,
            "files": (delivery.manifest or {}).get("files", []),
            "can_retry": ecourt.retry_possible(delivery) and access.ecourt_can_retry(request.user, delivery),
            "owner_url": _owner_url(
                ecourt.Owner(
                    case=delivery.case, supervised=delivery.supervised, proceeding=delivery.proceeding
                )
            ),
        },
    )


@staff_view
@require_POST
def ecourt_retry(request: HttpRequest, public_id: str) -> HttpResponse:
    delivery = access.get_delivery_for(request.user, public_id, "retry")
    try:
        ecourt.delivery_retry(actor=request.user, delivery=delivery)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The delivery is queued again."))
    return redirect("gateway:ecourt:detail", delivery.public_id)
