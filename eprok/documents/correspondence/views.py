"""The correspondence register's pages: the list with filters, registration, a letter's card with its
resolutions (record, complete), and marking an outgoing letter sent."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.core.access import deny
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, NotFound, form_apply_error
from eprok.documents.correspondence import access, selectors, services
from eprok.documents.correspondence.forms import (
    CompleteForm,
    CorrespondenceFilterForm,
    LetterForm,
    ResolutionForm,
)
from eprok.documents.models import Resolution
from eprok.documents.views import HELP

PAGE_SIZE = 50


def _require_register(request: HttpRequest) -> None:
    if not access.can_open_register(request.user):
        deny(
            request.user,
            action="documents.correspondence.list",
            target_type=access.TARGET_TYPE,
            target_key="",
            visible=False,
        )


@staff_view
@require_GET
def letter_list(request: HttpRequest) -> HttpResponse:
    _require_register(request)
    form = CorrespondenceFilterForm(request.GET or None)
    qs = selectors.correspondence_list(user=request.user, filters=form.to_filter())
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **HELP,
        "form": form,
        "page": page,
        "letters": list(page.object_list),
        "may_register": access.can_register(request.user),
    }
    return render(request, "documents/correspondence/list.html", context)


@staff_view
@require_http_methods(["GET", "POST"])
def letter_register(request: HttpRequest) -> HttpResponse:
    units = selectors.keeper_units(user=request.user)
    if not units:
        deny(
            request.user,
            action="documents.correspondence.register",
            target_type=access.TARGET_TYPE,
            target_key="",
            visible=False,
        )
    form = LetterForm(request.POST or None, units=units)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                letter = services.correspondence_register(
                    actor=request.user,
                    unit=data["unit"],
                    direction=data["direction"],
                    correspondent=data["correspondent"],
                    subject=data["subject"],
                    channel=data["channel"],
                    summary=data["summary"],
                    their_number=data["their_number"],
                    their_date=data["their_date"],
                    classification=data["classification"],
                    link_type=data["link_type"],
                    link_key=data["link_key"],
                )
            except ApplicationError as exc:
                form_apply_error(form, exc)
            else:
                return redirect(letter.get_absolute_url())
    return render(request, "documents/correspondence/register.html", {**HELP, "form": form}, status=status)


def _card(request: HttpRequest, letter: Any, **forms: Any) -> dict[str, Any]:
    resolutions = selectors.resolutions_of(letter)
    may_resolve = access.can_resolve(request.user, letter)
    return {
        **HELP,
        "letter": letter,
        "resolutions": [
            {
                "row": r,
                "may_complete": access.can_complete(request.user, r),
                "form": forms.get(f"complete_{r.pk}") or CompleteForm(prefix=f"r{r.pk}"),
            }
            for r in resolutions
        ],
        "may_resolve": may_resolve,
        "may_send": access.can_send(request.user, letter),
        "resolution_form": forms.get("resolution_form")
        or (ResolutionForm(unit=letter.unit, initial={"version": letter.version}) if may_resolve else None),
    }


@staff_view
@require_GET
def letter_detail(request: HttpRequest, number: str) -> HttpResponse:
    letter = access.get_letter_for(request.user, number)
    selectors.letter_read(user=request.user, letter=letter, purpose="view")
    return render(request, "documents/correspondence/detail.html", _card(request, letter))


@staff_view
@require_POST
def resolution_add(request: HttpRequest, number: str) -> HttpResponse:
    letter = access.get_letter_for(request.user, number, action="resolve")
    form = ResolutionForm(request.POST, unit=letter.unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resolution_add(
                actor=request.user,
                letter=letter,
                text=data["text"],
                executor=data["executor"],
                author=data["author"],
                due_date=data["due_date"],
                expected_version=data["version"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            return redirect(letter.get_absolute_url())
    return render(
        request,
        "documents/correspondence/detail.html",
        _card(request, letter, resolution_form=form),
        status=422,
    )


@staff_view
@require_POST
def resolution_complete(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    letter = access.get_letter_for(request.user, number)
    resolution = (
        Resolution.objects.select_related("correspondence__unit").filter(pk=pk, correspondence=letter).first()
    )
    if resolution is None:
        raise NotFound()
    if not access.can_complete(request.user, resolution):
        deny(
            request.user,
            action="documents.resolution.complete",
            target_type=access.TARGET_TYPE,
            target_key=letter.number,
            visible=True,
        )
    form = CompleteForm(request.POST, prefix=f"r{pk}")
    if form.is_valid():
        try:
            services.resolution_complete(
                actor=request.user, resolution=resolution, report=form.cleaned_data["report"]
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            return redirect(letter.get_absolute_url())
    return render(
        request,
        "documents/correspondence/detail.html",
        _card(request, letter, **{f"complete_{pk}": form}),
        status=422,
    )


@staff_view
@require_POST
def letter_send(request: HttpRequest, number: str) -> HttpResponse:
    letter = access.get_letter_for(request.user, number, action="send")
    services.correspondence_mark_sent(actor=request.user, letter=letter)
    return redirect(letter.get_absolute_url())
