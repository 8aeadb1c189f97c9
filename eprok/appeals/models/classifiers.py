"""The maintained classifiers of appeals: subject topics and the sector or agency concerned.

Both are reference data kept in the database (seeded from eprok/appeals/fixtures/), edited by
administrators, never hard-coded. `Sector` is generic ("the sector or agency an appeal or a hotline
report is about") so the 161 hotline classifies its reports with the same list.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import TimeStampedModel, TranslatedNameMixin


class Escalation(models.TextChoices):
    """Kinds of complaint the prosecution service's internal rules send to a responsible department
    (GPO "Organisational rules" of 30 July 2020; deadlines_az.md A13)."""

    TORTURE = "torture", _("Torture or ill-treatment")
    CORRUPTION = "corruption", _("Corruption")
    PROSECUTOR_MISCONDUCT = "prosecutor_misconduct", _("Misconduct of prosecution officers")
    POLICE_MISCONDUCT = "police_misconduct", _("Misconduct of police officers")


class AppealTopic(TranslatedNameMixin, TimeStampedModel):
    """A subject of appeals; a topic with `escalate_to` sends its appeals to that department too."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent topic"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    escalation = models.CharField(
        _("escalation"),
        max_length=32,
        choices=Escalation.choices,
        blank=True,
        help_text=_("The kind of complaint that must reach a responsible department."),
    )
    escalate_to = models.ForeignKey(
        "org.Unit",
        verbose_name=_("escalate to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The department whose “Answer appeals” holders are told of every appeal on this topic."),
    )

    class Meta:
        verbose_name = _("appeal topic")
        verbose_name_plural = _("appeal topics")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation="") | Q(escalation__in=Escalation.values),
                name="appealtopic_escalation_valid",
            ),
        ]


class Sector(TranslatedNameMixin, TimeStampedModel):
    """The sector or agency an appeal (or a 161 hotline report) concerns: police, health, courts, ..."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("sector or agency concerned")
        verbose_name_plural = _("sectors and agencies concerned")
        ordering = ["sort_order", "code"]
