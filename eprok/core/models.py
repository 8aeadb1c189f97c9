"""Abstract base models shared by every app, and the working calendar and deadline rule tables."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change times; every domain table has them."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicIdModel(TimeStampedModel):
    """A public UUID separate from the primary key, used in URLs and the API."""

    public_id = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TranslatedNameMixin(models.Model):
    """Names kept as data in the three interface languages, shown in the active one."""

    name_az = models.CharField(_("name (Azerbaijani)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "az")[:2]
        return getattr(self, f"name_{lang}", "") or self.name_az


# --- working calendar and deadline rules (eprok.core.calendar) --------------------------------------


class CalendarDayKind(models.TextChoices):
    NON_WORKING = "non_working", _("Non-working day")
    WORKING = "working", _("Working day")


class CalendarDay(TranslatedNameMixin, TimeStampedModel):
    """An administrator's correction of the working calendar; it wins over the holidays package.

    Used for Cabinet of Ministers day swaps newer than the package (a Saturday made working is a
    "working" row, the bridge weekday a "non_working" row), official bayram dates that differ from the
    package's estimate, and voting days.
    """

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=CalendarDayKind.choices)
    legal_source = models.TextField(
        _("legal source"), help_text=_("The decision or law, with its number and date.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["non_working", "working"]), name="core_calendarday_kind_valid"
            )
        ]


class DeadlineUnit(models.TextChoices):
    HOURS = "hours", _("hours")
    CALENDAR_DAYS = "calendar_days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("months")


class DeadlineRule(TranslatedNameMixin, TimeStampedModel):
    """A statutory time limit kept as data: its length, its legal source and who may extend it.

    `extension_steps` is a list of {"key", "length", "max_total", "role", "authority_az/en/ru",
    "source"}: each step adds `length` units per grant, at most `max_total` in all, granted by a holder
    of `role` (a code of eprok.org.roles.Role) at the level named by `authority`.
    """

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*$")],
        help_text=_("Stable identifier, e.g. cpc.207.check."),
    )
    legal_source = models.CharField(_("legal source"), max_length=255)
    start_event_az = models.CharField(_("start event (Azerbaijani)"), max_length=255)
    start_event_en = models.CharField(_("start event (English)"), max_length=255, blank=True)
    start_event_ru = models.CharField(_("start event (Russian)"), max_length=255, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=DeadlineUnit.choices)
    length = models.PositiveIntegerField(_("length"))
    extension_steps = models.JSONField(_("extension steps"), default=list, blank=True)
    max_total_length = models.PositiveIntegerField(_("maximum length with extensions"), null=True, blank=True)
    suspendable = models.BooleanField(_("can be suspended"), default=False)
    note = models.TextField(_("note"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("deadline rule")
        verbose_name_plural = _("deadline rules")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit__in=["hours", "calendar_days", "working_days", "months"]),
                name="core_deadlinerule_unit_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(length__gt=0), name="core_deadlinerule_length_positive"
            ),
        ]

    @property
    def start_event(self) -> str:
        from django.utils.translation import get_language

        lang = (get_language() or "az")[:2]
        return getattr(self, f"start_event_{lang}", "") or self.start_event_az
