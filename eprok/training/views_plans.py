"""The pages of the quarterly thematic plans (the list with its filters, the plan with its items, drawing up,
sending, the Centre's decision) and the administration of the thematic areas."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.org.models import Unit
from eprok.training import access, selectors, services_plans
from eprok.training.forms import AreaForm, DecisionForm, PlanFilterForm, PlanForm, PlanItemForm, PlanNoteForm
from eprok.training.models import PlanItem, PlanStatus, ThematicArea, ThematicPlan
from eprok.training.views import _page, _posted, _require

PAGE_SIZE = 50


def _filter_units(user: Any) -> Any:
    if access.is_administrator(user):
        return Unit.objects.filter(
            Q(pk__in=ThematicPlan.objects.values("unit_id")) | Q(pk__in=access.plan_units(user))
        ).order_by("path")
    return access.plan_units(user).order_by("path")


@staff_view
def plan_list(request: HttpRequest) -> HttpResponse:
    _require(request, access.uses_plans(request.user), "training.plan.list")
    form = PlanFilterForm(request.GET or None, units=_filter_units(request.user))
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    plans = selectors.plan_list(user=request.user, filters=selectors.PlanFilters.from_form(data))
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "training/plan_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "may_draw_up": access.plan_units(request.user).exists(),
            "is_administrator": access.is_administrator(request.user),
        },
    )


@staff_view
def plan_new(request: HttpRequest) -> HttpResponse:
    units = access.plan_units(request.user).order_by("path")
    _require(request, units.exists(), "training.plan.create")
    today = timezone.localdate()
    initial = {"year": today.year, "quarter": min(4, (today.month - 1) // 3 + 2)}
    form = PlanForm(_posted(request), initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services_plans.plan_create(
                actor=request.user,
                unit=data["unit"],
                year=data["year"],
                quarter=data["quarter"],
                note=data.get("note") or "",
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The plan is drawn up; add its planned trainings."))
            return redirect(plan.get_absolute_url())
    return _page(request, "training/plan_form.html", {"form": form}, status=422 if form.errors else 200)


def _item_input(data: dict[str, Any]) -> services_plans.ItemInput:
    return services_plans.ItemInput(
        area=data["area"],
        topic=data["topic"],
        kind=data["kind"],
        month=data["month"],
        hours=data["hours"],
        audience=data.get("audience") or "",
        trainer=data.get("trainer") or "",
    )


@staff_view
def plan_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id)
    can_edit = access.can_edit_plan(request.user, plan)
    item_form = PlanItemForm(quarter=plan.quarter) if can_edit else None
    if request.method == "POST":
        if not can_edit:
            plan = access.get_plan_for(request.user, public_id, action="edit")
        item_form = PlanItemForm(request.POST, quarter=plan.quarter)
        if item_form.is_valid():
            try:
                services_plans.plan_item_add(
                    actor=request.user, plan=plan, data=_item_input(item_form.cleaned_data)
                )
            except ApplicationError as exc:
                form_apply_error(item_form, exc)
            else:
                messages.success(request, _("The planned training is added."))
                return redirect(plan.get_absolute_url())
    return _page(
        request,
        "training/plan_detail.html",
        {
            "plan": plan,
            "items": selectors.plan_items(plan=plan),
            "can_edit": can_edit,
            "item_form": item_form,
            "note_form": PlanNoteForm(initial={"note": plan.note}) if can_edit else None,
            "can_decide": access.can_decide_plan(request.user, plan) and plan.status == PlanStatus.SUBMITTED,
            "decision_form": DecisionForm(),
            "is_administrator": access.is_administrator(request.user),
            "can_carry_out": plan.status == PlanStatus.APPROVED
            and access.is_administrator(request.user)
            and access.organiser_units(request.user).exists(),
        },
        status=422 if item_form is not None and item_form.errors else 200,
    )


def _item_of(plan: ThematicPlan, pk: int) -> PlanItem:
    item = PlanItem.objects.select_related("plan", "area").filter(pk=pk, plan=plan).first()
    if item is None:
        raise Http404
    return item


@staff_view
def plan_item_edit(request: HttpRequest, public_id: Any, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id, action="edit")
    item = _item_of(plan, pk)
    initial = {
        "area": item.area,
        "topic": item.topic,
        "kind": item.kind,
        "month": item.month,
        "hours": item.hours,
        "audience": item.audience,
        "trainer": item.trainer,
    }
    form = PlanItemForm(_posted(request), initial=initial, quarter=plan.quarter)
    if request.method == "POST" and form.is_valid():
        try:
            services_plans.plan_item_update(
                actor=request.user, item=item, data=_item_input(form.cleaned_data)
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The planned training is saved."))
            return redirect(plan.get_absolute_url())
    return _page(
        request,
        "training/plan_item_form.html",
        {"form": form, "plan": plan, "item": item},
        status=422 if form.errors else 200,
    )


def _act(request: HttpRequest, plan: ThematicPlan, call: Any, success: str) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(plan.get_absolute_url())


@require_POST
@staff_view
def plan_item_remove(request: HttpRequest, public_id: Any, pk: int) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id, action="edit")
    item = _item_of(plan, pk)
    return _act(
        request,
        plan,
        lambda: services_plans.plan_item_remove(actor=request.user, item=item),
        _("The planned training is removed."),
    )


@require_POST
@staff_view
def plan_note(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id, action="edit")
    form = PlanNoteForm(request.POST)
    note = form.cleaned_data.get("note", "") if form.is_valid() else ""
    return _act(
        request,
        plan,
        lambda: services_plans.plan_update_note(actor=request.user, plan=plan, note=note),
        _("The note is saved."),
    )


@require_POST
@staff_view
def plan_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id)
    if not access.can_draw_up(request.user, plan.unit):
        plan = access.get_plan_for(request.user, public_id, action="edit")
    return _act(
        request,
        plan,
        lambda: services_plans.plan_submit(actor=request.user, plan=plan),
        _("The plan is sent to the Centre."),
    )


@require_POST
@staff_view
def plan_decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    plan = access.get_plan_for(request.user, public_id, action="decide")
    form = DecisionForm(request.POST)
    comment = form.cleaned_data.get("comment", "") if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    return _act(
        request,
        plan,
        lambda: services_plans.plan_decide(actor=request.user, plan=plan, approve=approve, comment=comment),
        _("The plan is approved.") if approve else _("The plan is returned to the office."),
    )


# --- the thematic areas ----------------------------------------------------------------------------------


@staff_view
def area_list(request: HttpRequest) -> HttpResponse:
    _require(request, access.is_administrator(request.user), "training.area.list")
    return _page(request, "training/area_list.html", {"areas": list(ThematicArea.objects.all())})


def _area_input(data: dict[str, Any]) -> services_plans.AreaInput:
    return services_plans.AreaInput(
        code=data["code"],
        name_az=data["name_az"],
        name_en=data.get("name_en") or "",
        name_ru=data.get("name_ru") or "",
        is_active=bool(data.get("is_active")),
        is_mandatory=bool(data.get("is_mandatory")),
        sort_order=data.get("sort_order") or 0,
    )


@staff_view
def area_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request, access.is_administrator(request.user), "training.area.edit")
    area = None
    initial = None
    if pk is not None:
        area = ThematicArea.objects.filter(pk=pk).first()
        if area is None:
            raise Http404
        initial = {name: getattr(area, name) for name in services_plans.AREA_FIELDS}
    form = AreaForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if area is None:
                services_plans.area_create(actor=request.user, data=_area_input(form.cleaned_data))
            else:
                services_plans.area_update(actor=request.user, area=area, data=_area_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The thematic area is saved."))
            return redirect("training:areas")
    return _page(
        request, "training/area_form.html", {"form": form, "area": area}, status=422 if form.errors else 200
    )
