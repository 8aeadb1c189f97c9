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
    unit = models.CharField(_("unit of time"), max_length=16, choices=DeadlineUnit.choices)
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


# --- register numbers (eprok.core.numbering) --------------------------------------------------------


class RegisterSequence(models.Model):
    """The last number issued in one register (e.g. crime reports of one unit) for one year."""

    register = models.CharField(_("register"), max_length=32)
    scope = models.CharField(_("scope"), max_length=64, help_text=_("Usually the unit's code."))
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last number issued"), default=0)

    class Meta:
        verbose_name = _("register sequence")
        verbose_name_plural = _("register sequences")
        constraints = [
            models.UniqueConstraint(fields=["register", "scope", "year"], name="core_registersequence_unique")
        ]

    def __str__(self) -> str:
        return f"{self.register}/{self.scope}/{self.year}: {self.last_value}"


# --- tracked deadlines (eprok.core.calendar.tracking) ------------------------------------------------


class DeadlineState(models.TextChoices):
    OPEN = "open", _("Running")
    CLOSED = "closed", _("Closed")


class AlertLevel(models.IntegerChoices):
    NONE = 0, _("None")
    APPROACHING = 1, _("Approaching")
    OVERDUE = 2, _("Overdue")


class TrackedDeadline(TimeStampedModel):
    """One running term of one record (a check, an investigation, a detention), indexed for every module.

    The owning module keeps its own due date; this row is the cross-module index that feeds "My work",
    the approaching/overdue notifications and the unit's overdue list. Written only through
    eprok.core.calendar.tracking.
    """

    owner_type = models.CharField(_("record type"), max_length=64)
    owner_id = models.PositiveBigIntegerField(_("record id"))
    key = models.CharField(_("term"), max_length=64, help_text=_("Which term of the record, e.g. check."))
    rule_code = models.CharField(_("rule"), max_length=64)
    ends_at = models.DateTimeField(_("runs out at"), db_index=True)
    due_is_moment = models.BooleanField(_("due at a time of day"), default=False)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="tracked_deadlines"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tracked_deadlines",
    )
    title = models.CharField(_("title"), max_length=255)
    label = models.CharField(_("what is due"), max_length=255)
    url = models.CharField(_("address"), max_length=255)
    state = models.CharField(
        _("state"), max_length=8, choices=DeadlineState.choices, default=DeadlineState.OPEN
    )
    alerted = models.PositiveSmallIntegerField(
        _("alert sent"), choices=AlertLevel.choices, default=AlertLevel.NONE
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tracked deadline")
        verbose_name_plural = _("tracked deadlines")
        ordering = ["ends_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "key"], name="core_trackeddeadline_unique"
            )
        ]
        indexes = [
            models.Index(fields=["state", "responsible", "ends_at"], name="core_td_responsible"),
            models.Index(fields=["state", "unit", "ends_at"], name="core_td_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.title}: {self.label}"


# --- idempotent API writes (eprok.core.idempotency) ---------------------------------------------------


class IdempotencyRecord(models.Model):
    """A client's Idempotency-Key for a creating operation: a retried request returns the first result."""

    key = models.CharField(_("key"), max_length=100)
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    operation = models.CharField(_("operation"), max_length=64)
    request_hash = models.CharField(_("request hash"), max_length=64)
    result_key = models.CharField(_("result"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [
            models.UniqueConstraint(fields=["client", "operation", "key"], name="core_idempotency_unique"),
        ]

    def __str__(self) -> str:
        return self.key


# --- saved filters of lists (eprok.core.saved_filters) ------------------------------------------------


class SavedFilter(TimeStampedModel):
    """A filter of a list (crime reports, cases, persons, ...) saved by an employee under a name."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="saved_filters",
    )
    list_name = models.CharField(
        _("list"), max_length=32, help_text=_("The list's URL name, e.g. cases:list.")
    )
    name = models.CharField(_("name"), max_length=100)
    query = models.CharField(_("query string"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("saved filter")
        verbose_name_plural = _("saved filters")
        ordering = ["owner", "list_name", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "list_name", "name"], name="core_savedfilter_unique_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name
