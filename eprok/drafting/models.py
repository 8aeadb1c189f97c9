"""Templates of procedural acts and letters, their versions, and the record of every generation.

A Template is one kind of act or letter ("case_open": the decision to open a criminal case) with the owner
types it applies to (labels of eprok.documents.owners) and its legal basis. Its text lives in versions:
an administrator edits a draft version, publishes it (the previously published one is retired), and may
retire it. Exactly one version of a template is published at a time (a partial unique constraint).

A Generation records which template version produced which document, for which owner, by whom.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin


class TemplateGroup(models.TextChoices):
    PROCEDURAL_ACT = "procedural_act", _("Procedural act")
    CORRESPONDENCE = "correspondence", _("Correspondence")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class OutputFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX (Word)"


class Template(TranslatedNameMixin, TimeStampedModel):
    """One kind of procedural act or letter, and the owner types it is generated for."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    group = models.CharField(_("group"), max_length=20, choices=TemplateGroup.choices)
    # Labels of eprok.documents.owners, comma-separated: "cases.case,materials.material".
    owner_types = models.CharField(_("applies to"), max_length=300)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["sort_order", "code"]
        indexes = [models.Index(fields=["is_active", "sort_order"], name="drafting_template_active")]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    @property
    def owner_type_list(self) -> list[str]:
        return [label for label in (s.strip() for s in self.owner_types.split(",")) if label]

    def applies_to(self, label: str) -> bool:
        return label in self.owner_type_list


class TemplateVersion(PublicIdModel):
    """One text of a template: a draft being edited, the published one, or a retired one."""

    template = models.ForeignKey(
        Template, verbose_name=_("template"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version number"))
    title = models.CharField(_("document title"), max_length=300)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    note = models.CharField(_("note on the change"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")
        ordering = ["template", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="drafting_version_number_unique"),
            models.UniqueConstraint(
                fields=["template"],
                condition=Q(status="published"),
                name="drafting_one_published_version",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published", "retired"]),
                name="drafting_version_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template.code} v{self.number}"


class Generation(TimeStampedModel):
    """Which template version produced which document, for which owner, by whom, in which format."""

    version = models.ForeignKey(
        TemplateVersion,
        verbose_name=_("template version"),
        on_delete=models.PROTECT,
        related_name="generations",
    )
    document = models.OneToOneField(
        "documents.Document", verbose_name=_("document"), on_delete=models.CASCADE, related_name="generation"
    )
    owner_type = models.CharField(_("owner type"), max_length=64)
    owner_key = models.CharField(_("owner number"), max_length=64)
    output_format = models.CharField(_("format"), max_length=8, choices=OutputFormat.choices)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("generated by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("generation")
        verbose_name_plural = _("generations")
        indexes = [models.Index(fields=["owner_type", "owner_key"], name="drafting_generation_owner")]

    def __str__(self) -> str:
        return f"{self.version} → {self.document_id}"
