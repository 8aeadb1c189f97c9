"""The classifiers' pages: topics of appeals and the sectors or agencies concerned (list, add, edit,
deactivate and reactivate), for the administrators of the classifiers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from eprok.appeals import access, selectors, services
from eprok.appeals.forms import SectorForm, TopicForm
from eprok.appeals.views.base import appeals_view, apply_error, posted, render_page
from eprok.core.access import deny
from eprok.core.errors import ApplicationError
from eprok.org import selectors as org_selectors

KINDS = ("topic", "sector")


def can_manage(user: Any) -> bool:
    return access.can_manage_classifiers(user)


def _require(request: HttpRequest, kind: str) -> None:
    if kind not in KINDS:
        raise Http404()
    if not can_manage(request.user):
        deny(
            request.user,
            action=f"appeals.{kind}.manage",
            target_type=f"appeals.{kind}",
            target_key="*",
            visible=True,
        )


SERVICES: dict[str, Callable[..., Any]] = {
    "topic_create": services.topic_create,
    "topic_update": services.topic_update,
    "topic_set_active": services.topic_set_active,
    "sector_create": services.sector_create,
    "sector_update": services.sector_update,
    "sector_set_active": services.sector_set_active,
}


def _service(name: str) -> Callable[..., Any]:
    return SERVICES[name]


def _rows(kind: str) -> list[Any]:
    return (
        selectors.topic_choices(active_only=False)
        if kind == "topic"
        else selectors.sector_choices(active_only=False)
    )


def _get(kind: str, pk: int) -> Any:
    found = next((row for row in _rows(kind) if row.pk == pk), None)
    if found is None:
        raise Http404()
    return found


def _titles(kind: str) -> dict[str, str]:
    if kind == "topic":
        return {
            "plural": _("Topics of appeals"),
            "add": _("Add a topic"),
            "edit": _("Edit the topic"),
            "created": _("The topic was added."),
            "updated": _("The topic was saved."),
        }
    return {
        "plural": _("Sectors and agencies concerned"),
        "add": _("Add a sector"),
        "edit": _("Edit the sector"),
        "created": _("The sector was added."),
        "updated": _("The sector was saved."),
    }


@appeals_view
@require_GET
def classifier_list(request: HttpRequest, kind: str) -> HttpResponse:
    _require(request, kind)
    return render_page(
        request,
        "appeals/classifier_list.html",
        {
            "kind": kind,
            "rows": _rows(kind),
            "titles": _titles(kind),
            "other": "sector" if kind == "topic" else "topic",
        },
    )


def _form(request: HttpRequest, kind: str, row: Any = None) -> Form:
    initial: dict[str, Any] = {}
    if row is not None:
        initial = {
            "code": row.code,
            "name_az": row.name_az,
            "name_en": row.name_en,
            "name_ru": row.name_ru,
            "sort_order": row.sort_order,
        }
        if kind == "topic":
            initial.update(parent=row.parent_id, escalation=row.escalation, escalate_to=row.escalate_to_id)
    if kind == "sector":
        return SectorForm(posted(request), initial=initial, editing=row is not None)
    parents = [
        t
        for t in selectors.topic_choices(active_only=False)
        if t.parent_id is None and (row is None or t.pk != row.pk)
    ]
    return TopicForm(
        posted(request),
        initial=initial,
        editing=row is not None,
        parents=parents,
        departments=org_selectors.units_for_choice(user=request.user),
    )


def _save(kind: str, actor: Any, data: dict[str, Any], row: Any) -> Any:
    values: dict[str, Any] = {
        "name_az": data["name_az"],
        "name_en": data["name_en"],
        "name_ru": data["name_ru"],
        "sort_order": data["sort_order"] or 0,
    }
    if kind == "topic":
        values.update(parent=data["parent"], escalation=data["escalation"], escalate_to=data["escalate_to"])
    if row is None:
        return _service(f"{kind}_create")(actor=actor, code=data["code"], **values)
    return _service(f"{kind}_update")(actor=actor, **{kind: row}, **values)


@appeals_view
@require_http_methods(["GET", "POST"])
def classifier_edit(request: HttpRequest, kind: str, pk: int | None = None) -> HttpResponse:
    _require(request, kind)
    row = _get(kind, pk) if pk is not None else None
    titles = _titles(kind)
    form = _form(request, kind, row)
    if request.method == "POST" and form.is_valid():
        try:
            _save(kind, request.user, form.cleaned_data, row)
        except ApplicationError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, titles["updated"] if row else titles["created"])
            return redirect(reverse(f"appeals:{kind}_list"))
    return render_page(
        request,
        "appeals/classifier_form.html",
        {
            "kind": kind,
            "row": row,
            "form": form,
            "title": titles["edit"] if row else titles["add"],
            "titles": titles,
        },
        status=422 if form.errors else 200,
    )


@appeals_view
@require_POST
def classifier_toggle(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Deactivate an entry (it stays on the appeals that carry it, no longer offered) or reactivate it."""
    _require(request, kind)
    row = _get(kind, pk)
    try:
        _service(f"{kind}_set_active")(actor=request.user, **{kind: row}, active=not row.is_active)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            (
                _("“%(name)s” is offered again.")
                if not row.is_active
                else _("“%(name)s” is no longer offered.")
            )
            % {"name": row.name},
        )
    return redirect(reverse(f"appeals:{kind}_list"))
