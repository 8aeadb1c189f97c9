"""Pages: generate a document from a template for a record; administer templates and their versions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from eprok.core.errors import ApplicationError, Forbidden, NotFound, form_apply_error
from eprok.drafting import access, selectors, services
from eprok.drafting.context import EMPLOYEE_FIELDS, OFFICE_FIELDS, PERSON_FIELDS, RECORD_FIELDS
from eprok.drafting.forms import CompareForm, GenerateForm, PreviewForm, VersionForm
from eprok.drafting.models import Template, TemplateGroup, VersionStatus

HELP = {"help_page": "drafting"}


def drafting_view(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
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


def _render(request: HttpRequest, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    return render(request, template, {**HELP, **context}, status=status)


def _owner_type_choices() -> list[tuple[str, str]]:
    from eprok.documents.owners import owner_types

    return [(kind.label, str(kind.verbose_name)) for kind in owner_types()]


# --- generation --------------------------------------------------------------------------------------


@drafting_view
@require_http_methods(["GET", "POST"])
def generate(request: HttpRequest, owner_type: str, key: str) -> HttpResponse:
    kind, owner = access.get_owner_for(request.user, owner_type, key)
    templates = list(selectors.templates_for(kind.label))
    data = request.POST if request.method == "POST" else (request.GET if "template" in request.GET else None)
    form = GenerateForm(data, templates=templates)
    preview = None
    chosen: Template | None = None
    if data is not None and form.is_valid():
        chosen = next(t for t in templates if t.code == form.cleaned_data["template"])
        try:
            if request.method == "POST":
                document = services.document_generate(
                    actor=request.user,
                    template=chosen,
                    kind=kind,
                    owner=owner,
                    output_format=form.cleaned_data["output_format"],
                )
                messages.success(request, _("The document was generated as a draft."))
                return redirect("documents:detail", document.public_id)
            version = selectors.published_version(chosen)
            if version is not None:
                preview = services.render_for(
                    actor=request.user, version=version, kind=kind, owner=owner, purpose="drafting preview"
                )
        except ApplicationError as exc:
            form_apply_error(form, exc)
    return _render(
        request,
        "drafting/generate.html",
        {
            "kind": kind,
            "owner": owner,
            "owner_key": kind.key_of(owner),
            "owner_url": kind.url_of(owner),
            "templates": templates,
            "form": form,
            "chosen": chosen,
            "preview": preview,
        },
        status=422 if request.method == "POST" else 200,
    )


# --- administration ----------------------------------------------------------------------------------


@drafting_view
def template_list(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)
    query = request.GET.get("q", "").strip()[:100]
    group = request.GET.get("group", "")
    group = group if group in TemplateGroup.values else ""
    templates = list(selectors.template_list(query=query, group=group))
    rows = []
    for template in templates:
        versions = list(template.versions.all())
        rows.append(
            {
                "template": template,
                "published": next((v for v in versions if v.status == VersionStatus.PUBLISHED), None),
                "latest": versions[0] if versions else None,
            }
        )
    return _render(
        request,
        "drafting/template_list.html",
        {"rows": rows, "query": query, "group": group, "groups": TemplateGroup.choices},
    )


def _fields_help() -> list[tuple[str, list[str]]]:
    return [
        ("office", list(OFFICE_FIELDS)),
        ("document", ["number", "date", "date_short", "year"]),
        ("record", list(RECORD_FIELDS)),
        ("applicant / victim / suspect / accused", list(PERSON_FIELDS)),
        ("victims / suspects / accused_list (lists)", list(PERSON_FIELDS)),
        ("articles (list)", ["reference", "number", "title", "ordinal", "text"]),
        ("articles_text / articles_numbers", []),
        ("investigator / prosecutor / executor / signatory", list(EMPLOYEE_FIELDS)),
    ]


@drafting_view
def template_detail(request: HttpRequest, code: str) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    versions = list(template.versions.select_related("created_by", "published_by").order_by("-number"))
    return _render(
        request,
        "drafting/template_detail.html",
        {"template": template, "versions": versions, "compare_form": CompareForm()},
    )


@drafting_view
@require_http_methods(["GET", "POST"])
def template_edit(request: HttpRequest, code: str) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    base = selectors.latest_version(template)
    initial = {"title": base.title, "body": base.body} if base else {}
    form = VersionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.version_save(
                actor=request.user,
                template=template,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except ApplicationError as exc:
            form_apply_error(form, exc)
        else:
            messages.success(
                request, _("Version %(number)s was saved as a draft.") % {"number": version.number}
            )
            return redirect("drafting:version", template.code, version.number)
    return _render(
        request,
        "drafting/template_edit.html",
        {"template": template, "form": form, "base": base, "fields_help": _fields_help()},
        status=422 if request.method == "POST" else 200,
    )


def _version_or_404(request: HttpRequest, template: Template, number: int) -> Any:
    version = selectors.version_get(template, number)
    if version is None:
        raise Http404
    return version


@drafting_view
def version_detail(request: HttpRequest, code: str, number: int) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    version = _version_or_404(request, template, number)
    choices = [c for c in _owner_type_choices() if template.applies_to(c[0])]
    form = PreviewForm(request.GET if "owner_key" in request.GET else None, owner_types=choices)
    preview = None
    if form.is_bound and form.is_valid():
        try:
            kind, owner = access.get_owner_for(
                request.user,
                form.cleaned_data["owner_type"],
                form.cleaned_data["owner_key"].strip(),
                action="view",
            )
            preview = services.render_for(
                actor=request.user, version=version, kind=kind, owner=owner, purpose="template preview"
            )
        except NotFound:
            form.add_error("owner_key", _("No such record, or you may not see it."))
        except Forbidden:
            form.add_error("owner_key", _("You may not see this record."))
        except ApplicationError as exc:
            form_apply_error(form, exc)
    return _render(
        request,
        "drafting/version_detail.html",
        {"template": template, "version": version, "form": form, "preview": preview},
    )


@drafting_view
@require_POST
def version_publish(request: HttpRequest, code: str, number: int) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    version = _version_or_404(request, template, number)
    try:
        services.version_publish(actor=request.user, version=version)
        messages.success(request, _("Version %(number)s is published.") % {"number": number})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("drafting:template", template.code)


@drafting_view
@require_POST
def version_retire(request: HttpRequest, code: str, number: int) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    version = _version_or_404(request, template, number)
    try:
        services.version_retire(actor=request.user, version=version)
        messages.success(request, _("Version %(number)s is retired.") % {"number": number})
    except ApplicationError as exc:
        messages.error(request, str(exc.message))
    return redirect("drafting:template", template.code)


@drafting_view
def version_compare(request: HttpRequest, code: str) -> HttpResponse:
    template = access.get_template_for(request.user, code, action="manage")
    form = CompareForm(request.GET or None)
    diff = None
    old = new = None
    if form.is_valid():
        old = selectors.version_get(template, form.cleaned_data["a"])
        new = selectors.version_get(template, form.cleaned_data["b"])
        if old is None or new is None:
            form.add_error(None, _("No such version."))
        else:
            diff = selectors.version_diff(old, new)
    return _render(
        request,
        "drafting/version_compare.html",
        {
            "template": template,
            "form": form,
            "diff": diff,
            "old": old,
            "new": new,
            "back": reverse("drafting:template", args=[template.code]),
        },
    )
