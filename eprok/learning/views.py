"""The distance-learning pages: the catalogue, a course and its lessons, "My learning", an enrolment's
progress, the unit head's page, and the administration of courses (modules, lessons, publication),
assignments and mandatory-training rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from eprok.core.access import deny
from eprok.core.decorators import staff_view
from eprok.core.errors import ApplicationError, form_apply_error
from eprok.learning import access, selectors, services
from eprok.learning.forms import AssignForm, CatalogueFilterForm, CourseForm, LessonForm, ModuleForm, RuleForm
from eprok.learning.models import CourseModule, CourseStatus, EnrollmentStatus, LessonKind, MandatoryRule
from eprok.training.selectors import my_invitations

HELP = {"help_page": "learning"}
PAGE_SIZE = 50


def _page(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _require(request: HttpRequest, allowed: bool, action: str) -> None:
    if not allowed:
        deny(request.user, action=action, target_type="learning.admin", target_key="", visible=False)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _action(request: HttpRequest, target: str, call: Callable[[], Any], success: str) -> HttpResponse:
    try:
        call()
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)
    return redirect(target)


def _step(request: HttpRequest) -> int:
    return -1 if request.POST.get("direction") == "up" else 1


# --- the catalogue and a course ---------------------------------------------------------------------------


@staff_view
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    courses = selectors.catalogue(user=request.user, query=data.get("q") or "", area=data.get("area"))
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return _page(
        request,
        "learning/catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_manage": access.can_manage_courses(request.user),
        },
    )


@staff_view
def course_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id)
    card = selectors.course_page(user=request.user, course=course)
    can_manage = access.can_manage_courses(request.user)
    return _page(
        request,
        "learning/course.html",
        {
            "course": course,
            "card": card,
            "can_manage": can_manage,
            "can_assign": access.can_assign(request.user),
            "is_open": card.enrollment is not None and card.enrollment.status in access.OPEN,
            "can_open_lessons": can_manage
            or (card.enrollment is not None and card.enrollment.status in access.READING),
        },
    )


@require_POST
@staff_view
def enrol(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id)
    try:
        services.enrol_self(actor=request.user, course=course)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("You are enrolled. Start with the first lesson."))
    return redirect(course.get_absolute_url())


@staff_view
def lesson_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = access.get_lesson_for(request.user, public_id)
    course = lesson.module.course
    enrollment = access.open_enrollment(request.user, course)
    previous, following = selectors.lesson_neighbours(lesson)
    return _page(
        request,
        "learning/lesson.html",
        {
            "lesson": lesson,
            "course": course,
            "enrollment": enrollment,
            "done": lesson.pk in selectors.lessons_done(enrollment),
            "documents": list(services.lesson_documents(lesson))
            if lesson.kind in (LessonKind.PDF, LessonKind.VIDEO_FILE)
            else [],
            "previous": previous,
            "next": following,
            "can_manage": access.can_manage_courses(request.user),
        },
    )


@require_POST
@staff_view
def lesson_done(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = access.get_lesson_for(request.user, public_id, action="study")
    enrollment = access.open_enrollment(request.user, lesson.module.course)
    if enrollment is None:  # pragma: no cover - "study" has checked it
        raise Http404
    try:
        enrollment = services.lesson_complete(actor=request.user, enrollment=enrollment, lesson=lesson)
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
        return redirect("learning:lesson", lesson.public_id)
    if enrollment.status == EnrollmentStatus.COMPLETED:
        messages.success(request, _("Congratulations: you have completed the course."))
        return redirect(enrollment.get_absolute_url())
    messages.success(request, _("The lesson is marked as done."))
    _previous, following = selectors.lesson_neighbours(lesson)
    if following is not None:
        return redirect("learning:lesson", following.public_id)
    return redirect(lesson.module.course.get_absolute_url())


# --- My learning, an enrolment, the unit head's page ------------------------------------------------------


@staff_view
def my_learning(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    upcoming = [
        row for row in my_invitations(user=request.user) if timezone.localdate(row.event.ends_at) >= today
    ]
    return _page(
        request,
        "learning/my.html",
        {
            "enrollments": selectors.my_enrollments(user=request.user),
            "due": selectors.due_training(user=request.user),
            "certificates": selectors.my_certificates(user=request.user),
            "invitations": upcoming[:10],
            "is_unit_head": access.is_unit_head(request.user),
        },
    )


@staff_view
def enrollment_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    enrollment = access.get_enrollment_for(request.user, public_id)
    card = selectors.course_page(user=request.user, course=enrollment.course, enrollment=enrollment)
    return _page(
        request,
        "learning/enrollment.html",
        {
            "enrollment": enrollment,
            "course": enrollment.course,
            "card": card,
            "mine": enrollment.employee_id == request.user.pk,
            "can_withdraw": access.can_withdraw(request.user, enrollment),
        },
    )


@require_POST
@staff_view
def withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    enrollment = access.get_enrollment_for(request.user, public_id, action="withdraw")
    return _action(
        request,
        enrollment.get_absolute_url(),
        lambda: services.withdraw(actor=request.user, enrollment=enrollment),
        _("The enrolment is withdrawn."),
    )


@staff_view
def unit_page(request: HttpRequest) -> HttpResponse:
    _require(request, access.is_unit_head(request.user), "learning.unit.open")
    overdue_only = request.GET.get("overdue") == "1"
    rows = selectors.unit_enrollments(head=request.user, overdue_only=overdue_only)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    selectors.unit_learning_read(head=request.user, overdue_only=overdue_only, page=page.number)
    return _page(
        request,
        "learning/unit.html",
        {
            "units": list(access.headed_units(request.user).order_by("path")),
            "due": selectors.due_for_unit(head=request.user)[:100],
            "page": page,
            "overdue_only": overdue_only,
        },
    )


# --- administration of courses -----------------------------------------------------------------------------


def _course_input(data: dict[str, Any]) -> services.CourseInput:
    return services.CourseInput(
        code=data["code"],
        title=data["title"],
        area=data["area"],
        hours=data["hours"],
        description=data.get("description") or "",
        certificate=bool(data.get("certificate")),
    )


@staff_view
def course_admin(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_manage_courses(request.user), "learning.courses.open")
    status = request.GET.get("status") or ""
    courses = selectors.course_list(user=request.user, status=status if status in CourseStatus.values else "")
    return _page(
        request,
        "learning/manage.html",
        {"courses": Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page")), "status": status},
    )


@staff_view
def course_new(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_manage_courses(request.user), "learning.course.create")
    form = CourseForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(actor=request.user, data=_course_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The course is created. Add its modules and lessons."))
            return redirect(course.get_absolute_url())
    return _page(request, "learning/course_form.html", {"form": form}, status=422 if form.errors else 200)


@staff_view
def course_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id, action="manage")
    initial = {
        "code": course.code,
        "title": course.title,
        "area": course.area,
        "description": course.description,
        "hours": course.hours,
        "certificate": course.certificate,
    }
    form = CourseForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_update(actor=request.user, course=course, data=_course_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The course is saved."))
            return redirect(course.get_absolute_url())
    return _page(
        request,
        "learning/course_form.html",
        {"form": form, "course": course},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_view
def course_publish(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id, action="manage")
    return _action(
        request,
        course.get_absolute_url(),
        lambda: services.course_publish(actor=request.user, course=course),
        _("The course is published."),
    )


@require_POST
@staff_view
def course_archive(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id, action="manage")
    return _action(
        request,
        course.get_absolute_url(),
        lambda: services.course_archive(actor=request.user, course=course),
        _("The course is archived."),
    )


def _module_for(request: HttpRequest, pk: int) -> CourseModule:
    module = CourseModule.objects.select_related("course").filter(pk=pk).first()
    if module is None or not access.can_manage_courses(request.user):
        deny(
            request.user,
            action="manage",
            target_type="learning.coursemodule",
            target_key=str(pk),
            visible=False,
        )
    return module


@staff_view
def module_new(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id, action="manage")
    form = ModuleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.module_add(actor=request.user, course=course, title=form.cleaned_data["title"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The module is added."))
            return redirect(course.get_absolute_url())
    return _page(
        request,
        "learning/module_form.html",
        {"form": form, "course": course},
        status=422 if form.errors else 200,
    )


@staff_view
def module_edit(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    form = ModuleForm(_posted(request), initial={"title": module.title})
    if request.method == "POST" and form.is_valid():
        try:
            services.module_update(actor=request.user, module=module, title=form.cleaned_data["title"])
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The module is saved."))
            return redirect(module.course.get_absolute_url())
    return _page(
        request,
        "learning/module_form.html",
        {"form": form, "course": module.course, "module": module},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_view
def module_move(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    return _action(
        request,
        module.course.get_absolute_url(),
        lambda: services.module_move(actor=request.user, module=module, step=_step(request)),
        _("The order is saved."),
    )


def _lesson_input(data: dict[str, Any]) -> services.LessonInput:
    return services.LessonInput(
        title=data["title"],
        kind=data["kind"],
        body=data.get("body") or "",
        video_url=data.get("video_url") or "",
        minutes=data.get("minutes") or 10,
    )


@staff_view
def lesson_new(request: HttpRequest, pk: int) -> HttpResponse:
    module = _module_for(request, pk)
    form = LessonForm(_posted(request), request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            lesson = services.lesson_add(
                actor=request.user,
                module=module,
                data=_lesson_input(form.cleaned_data),
                file=form.cleaned_data.get("file"),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The lesson is added."))
            return redirect("learning:lesson", lesson.public_id)
    return _page(
        request,
        "learning/lesson_form.html",
        {"form": form, "course": module.course, "module": module},
        status=422 if form.errors else 200,
    )


@staff_view
def lesson_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = access.get_lesson_for(request.user, public_id, action="manage")
    initial = {
        "title": lesson.title,
        "kind": lesson.kind,
        "body": lesson.body,
        "video_url": lesson.video_url,
        "minutes": lesson.minutes,
    }
    form = LessonForm(_posted(request), request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.lesson_update(
                actor=request.user,
                lesson=lesson,
                data=_lesson_input(form.cleaned_data),
                file=form.cleaned_data.get("file"),
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The lesson is saved."))
            return redirect("learning:lesson", lesson.public_id)
    return _page(
        request,
        "learning/lesson_form.html",
        {"form": form, "course": lesson.module.course, "module": lesson.module, "lesson": lesson},
        status=422 if form.errors else 200,
    )


@require_POST
@staff_view
def lesson_move(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = access.get_lesson_for(request.user, public_id, action="manage")
    return _action(
        request,
        lesson.module.course.get_absolute_url(),
        lambda: services.lesson_move(actor=request.user, lesson=lesson, step=_step(request)),
        _("The order is saved."),
    )


@require_POST
@staff_view
def lesson_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    lesson = access.get_lesson_for(request.user, public_id, action="manage")
    return _action(
        request,
        lesson.module.course.get_absolute_url(),
        lambda: services.lesson_delete(actor=request.user, lesson=lesson),
        _("The lesson is deleted."),
    )


# --- assignments and mandatory rules -----------------------------------------------------------------------


@staff_view
def assign(request: HttpRequest, public_id: Any) -> HttpResponse:
    course = access.get_course_for(request.user, public_id, action="assign")
    form = AssignForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        circle = services.Circle.from_form(data)
        try:
            assignment = services.assign(
                actor=request.user, course=course, circle=circle, due_date=data.get("due_date")
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request,
                _("%(count)d employees enrolled; those already studying the course keep their enrolment.")
                % {"count": assignment.enrolled_count},
            )
            return redirect("learning:assign", course.public_id)
    return _page(
        request,
        "learning/assign.html",
        {
            "form": form,
            "course": course,
            "assignments": list(selectors.assignments_of(course)[:50]),
            "enrollments": Paginator(selectors.course_enrollments(course), PAGE_SIZE).get_page(
                request.GET.get("page")
            ),
        },
        status=422 if form.errors else 200,
    )


def _rule_input(data: dict[str, Any]) -> services.MandatoryRuleInput:
    return services.MandatoryRuleInput(
        course=data["course"],
        role=data.get("role") or "",
        position=data.get("position"),
        renew_months=data.get("renew_months"),
        due_days=data.get("due_days") or services.DEFAULT_DUE_DAYS,
    )


@staff_view
def rules(request: HttpRequest) -> HttpResponse:
    _require(request, access.can_assign(request.user), "learning.rules.open")
    form = RuleForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.mandatory_rule_save(actor=request.user, data=_rule_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The rule is saved; the next hourly check enrols the employees."))
            return redirect("learning:rules")
    return _page(
        request,
        "learning/rules.html",
        {"form": form, "rules": list(selectors.rule_list())},
        status=422 if form.errors else 200,
    )


def _rule_for(request: HttpRequest, pk: int) -> MandatoryRule:
    rule = MandatoryRule.objects.select_related("course", "position").filter(pk=pk).first()
    if rule is None or not access.can_assign(request.user):
        deny(
            request.user,
            action="manage",
            target_type="learning.mandatoryrule",
            target_key=str(pk),
            visible=False,
        )
    return rule


@staff_view
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request, pk)
    initial = {
        "course": rule.course,
        "role": rule.role,
        "position": rule.position,
        "renew_months": rule.renew_months,
        "due_days": rule.due_days,
    }
    form = RuleForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.mandatory_rule_save(actor=request.user, rule=rule, data=_rule_input(form.cleaned_data))
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(request, _("The rule is saved; the next hourly check enrols the employees."))
            return redirect("learning:rules")
    return _page(
        request, "learning/rule_form.html", {"form": form, "rule": rule}, status=422 if form.errors else 200
    )


@require_POST
@staff_view
def rule_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    rule = _rule_for(request, pk)
    return _action(
        request,
        reverse("learning:rules"),
        lambda: services.mandatory_rule_deactivate(actor=request.user, rule=rule),
        _("The rule is stopped; enrolments already made stay."),
    )
