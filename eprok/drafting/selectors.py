"""Reads of templates and versions."""

from __future__ import annotations

import difflib
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from eprok.drafting.models import Template, TemplateVersion, VersionStatus


def templates_for(owner_type: str) -> QuerySet[Template]:
    """Active templates with a published version that apply to `owner_type`."""
    return (
        Template.objects.filter(is_active=True, versions__status=VersionStatus.PUBLISHED)
        .filter(
            Q(owner_types=owner_type)
            | Q(owner_types__startswith=f"{owner_type},")
            | Q(owner_types__endswith=f",{owner_type}")
            | Q(owner_types__contains=f",{owner_type},")
        )
        .distinct()
        .order_by("sort_order", "code")
    )


def template_list(*, query: str = "", group: str = "", owner_type: str = "") -> QuerySet[Template]:
    qs = Template.objects.prefetch_related(
        Prefetch("versions", queryset=TemplateVersion.objects.order_by("-number"))
    ).order_by("sort_order", "code")
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(name_az__icontains=query) | Q(name_en__icontains=query))
    if group:
        qs = qs.filter(group=group)
    if owner_type:
        qs = qs.filter(owner_types__contains=owner_type)
    return qs


def published_version(template: Template) -> TemplateVersion | None:
    return template.versions.filter(status=VersionStatus.PUBLISHED).first()


def latest_version(template: Template) -> TemplateVersion | None:
    return template.versions.order_by("-number").first()


def version_get(template: Template, number: int) -> TemplateVersion | None:
    return template.versions.select_related("created_by", "published_by").filter(number=number).first()


def version_diff(old: TemplateVersion, new: TemplateVersion) -> list[dict[str, Any]]:
    """Line diff of two versions' titles and bodies: [{op: "equal"|"insert"|"delete", text}]."""
    a = [f"# {old.title}", *old.body.splitlines()]
    b = [f"# {new.title}", *new.body.splitlines()]
    lines: list[dict[str, Any]] = []
    for line in difflib.ndiff(a, b):
        tag, text = line[:2], line[2:]
        if tag == "? ":
            continue
        lines.append({"op": {"  ": "equal", "+ ": "insert", "- ": "delete"}[tag], "text": text})
    return lines


def template_name(code: str) -> str | None:
    """The template's name in the active language (a generated document's category), or None."""
    template = Template.objects.filter(code=code).only("code", "name_az", "name_en", "name_ru").first()
    return str(template.name) if template is not None else None
