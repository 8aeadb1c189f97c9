"""Changes to templates (new versions, publishing, retiring) and generation of documents from them."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from eprok.audit.services import audit_record
from eprok.core.errors import Conflict, ValidationFailed
from eprok.drafting import selectors
from eprok.drafting.context import build_context, specimen_context
from eprok.drafting.engine import check_body
from eprok.drafting.models import Generation, OutputFormat, Template, TemplateVersion, VersionStatus
from eprok.drafting.render import Rendered, check_markup, render_html, to_docx, to_pdf

MAX_BODY = 100_000


def _validate(title: str, body: str) -> tuple[str, str]:
    title = (title or "").strip()
    body = (body or "").replace("\r\n", "\n")
    if len(title) > 300:
        raise ValidationFailed(
            _("The title is too long (at most 300 characters)."), details={"title": _("Too long.")}
        )
    if len(body) > MAX_BODY:
        raise ValidationFailed(_("The template body is too long."), details={"body": _("Too long.")})
    if "\x00" in title or "\x00" in body:
        raise ValidationFailed(details={"body": _("The text contains a NUL character.")})
    check_markup(body)
    check_body(body, specimen_context())
    return title, body


def version_save(*, actor: Any, template: Template, title: str, body: str, note: str = "") -> TemplateVersion:
    """Save an edited text as a new draft version (the published one stays in force until this one is)."""
    title, body = _validate(title, body)
    note = (note or "").strip()[:500]
    with transaction.atomic():
        Template.objects.select_for_update().filter(pk=template.pk).first()
        number = (template.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        version = TemplateVersion.objects.create(
            template=template, number=number, title=title, body=body, note=note, created_by=actor
        )
        audit_record(
            actor=actor,
            action="drafting.template.version_saved",
            target=template,
            data={"version": number, "note": note},
        )
    return version


def version_publish(*, actor: Any, version: TemplateVersion) -> TemplateVersion:
    """Publish a draft (or a retired) version; the version published until now is retired."""
    _validate(version.title, version.body)
    with transaction.atomic():
        template = Template.objects.select_for_update().get(pk=version.template_id)
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        if version.status == VersionStatus.PUBLISHED:
            raise Conflict(_("This version is already published."), code="already_published")
        now = timezone.now()
        previous = template.versions.filter(status=VersionStatus.PUBLISHED).first()
        if previous is not None:
            previous.status = VersionStatus.RETIRED
            previous.retired_at = now
            previous.save(update_fields=["status", "retired_at", "updated_at"])
        version.status = VersionStatus.PUBLISHED
        version.published_at = now
        version.published_by = actor
        version.retired_at = None
        version.save(update_fields=["status", "published_at", "published_by", "retired_at", "updated_at"])
        audit_record(
            actor=actor,
            action="drafting.template.published",
            target=template,
            data={"version": version.number, "retired": previous.number if previous else None},
        )
    return version


def version_retire(*, actor: Any, version: TemplateVersion) -> TemplateVersion:
    """Retire the published version: the template is no longer offered until another version is published."""
    with transaction.atomic():
        version = TemplateVersion.objects.select_for_update().get(pk=version.pk)
        if version.status != VersionStatus.PUBLISHED:
            raise Conflict(_("Only the published version can be retired."), code="not_published")
        version.status = VersionStatus.RETIRED
        version.retired_at = timezone.now()
        version.save(update_fields=["status", "retired_at", "updated_at"])
        audit_record(
            actor=actor,
            action="drafting.template.retired",
            target=version.template,
            data={"version": version.number},
        )
    return version


# --- rendering and generation ------------------------------------------------------------------------


def _context(actor: Any, kind: Any, owner: Any) -> dict[str, Any]:
    return build_context(owner_type=kind.label, owner=owner, unit=kind.unit_of(owner), signatory=actor)


def render_for(*, actor: Any, version: TemplateVersion, kind: Any, owner: Any, purpose: str) -> Rendered:
    """The version rendered with the owner's fields (HTML); the read of the owner's data is audited."""
    if not version.template.applies_to(kind.label):
        raise ValidationFailed(
            _("This template is not used for this kind of record."), details={"owner_type": kind.label}
        )
    context = _context(actor, kind, owner)
    rendered = render_html(title=version.title, body=version.body, context=context)
    audit_record(
        actor=actor,
        action="drafting.template.previewed",
        target=owner,
        data={"template": version.template.code, "version": version.number},
        purpose=purpose,
    )
    return rendered


def document_generate(*, actor: Any, template: Template, kind: Any, owner: Any, output_format: str) -> Any:
    """Render the published version for `owner` as PDF or DOCX and store it as a new draft document."""
    from eprok.documents.services import document_add_generated

    if output_format not in OutputFormat.values:
        raise ValidationFailed(_("Choose PDF or DOCX."), details={"format": _("Choose PDF or DOCX.")})
    if not template.is_active:
        raise Conflict(_("This template is not in use."), code="template_inactive")
    version = selectors.published_version(template)
    if version is None:
        raise Conflict(_("This template has no published version."), code="no_published_version")
    if not template.applies_to(kind.label):
        raise ValidationFailed(
            _("This template is not used for this kind of record."), details={"owner_type": kind.label}
        )
    rendered = render_html(title=version.title, body=version.body, context=_context(actor, kind, owner))
    content = to_pdf(rendered) if output_format == OutputFormat.PDF else to_docx(rendered)
    key = kind.key_of(owner)
    title = (version.title or template.name_az).strip()
    if not version.title.strip() or title.isupper():
        title = template.name_az
    with transaction.atomic():
        document = document_add_generated(
            actor=actor,
            owner_type=kind.label,
            owner=owner,
            content=content,
            file_name=f"{template.code}-{key}.{output_format}",
            title=f"{title} — {key}"[:300],
            category=template.code,
            reason=f"{template.code} v{version.number}",
        )
        Generation.objects.create(
            version=version,
            document=document,
            owner_type=kind.label,
            owner_key=key,
            output_format=output_format,
            generated_by=actor,
        )
        audit_record(
            actor=actor,
            action="drafting.document.generated",
            target=document,
            related=owner,
            data={"template": template.code, "version": version.number, "format": output_format},
        )
    return document
