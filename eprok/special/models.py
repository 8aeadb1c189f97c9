"""Special reports ("Xüsusi məlumatlar") on serious incidents, their delivery to the duty prosecutor of the
General Prosecutor's Office and to the departments the incident type is routed to, and their follow-ups.

A report is registered at once (its number is taken in the submitting transaction); delivery is a separate
step done by the worker (`eprok.special.delivery`), so a report whose delivery has not happened yet is still
registered and shows as undelivered (`delivered_at` is empty) until the worker, or the sweep command, delivers
it. Restricted information: see `eprok.special.access` for who may read it; every read is audited.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin
from eprok.org.roles import Clearance


class IncidentType(TranslatedNameMixin, TimeStampedModel):
    """A kind of serious incident that must be reported at once; maintained by the service's administrators.

    `routed_to` are the departments that receive every report of this type besides the duty prosecutor;
    `follow_up_hours` is how long the reporting unit may go without a follow-up while the report is open.
    """

    code = models.SlugField(_("code"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    routed_to = models.ManyToManyField(
        "org.Unit",
        verbose_name=_("routed to"),
        related_name="+",
        blank=True,
        help_text=_("Departments that receive every report of this type, besides the duty prosecutor."),
    )
    follow_up_hours = models.PositiveIntegerField(
        _("follow-up interval (hours)"),
        default=24,
        help_text=_("An open report without a follow-up for this long raises an alert."),
    )
    ack_target_minutes = models.PositiveIntegerField(
        _("acknowledgement target (minutes)"),
        default=15,
        help_text=_("The duty prosecutor should acknowledge a report of this type within this time."),
    )
    classification = models.PositiveSmallIntegerField(
        _("minimum classification"), choices=Clearance.choices, default=Clearance.OFFICIAL
    )

    class Meta:
        verbose_name = _("incident type")
        verbose_name_plural = _("incident types")
        ordering = ["sort_order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_hours__gte=1), name="incidenttype_follow_up_positive"
            ),
            models.CheckConstraint(condition=Q(ack_target_minutes__gte=1), name="incidenttype_ack_positive"),
        ]


class Urgency(models.TextChoices):
    IMMEDIATE = "immediate", _("Immediate")
    URGENT = "urgent", _("Urgent")
    ROUTINE = "routine", _("Routine")


class ReportStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    CLOSED = "closed", _("Closed")


# The allowed moves; services check them.
TRANSITIONS: dict[str, frozenset[str]] = {
    ReportStatus.SUBMITTED: frozenset({ReportStatus.ACKNOWLEDGED, ReportStatus.CLOSED}),
    ReportStatus.ACKNOWLEDGED: frozenset({ReportStatus.CLOSED}),
    ReportStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = frozenset({ReportStatus.SUBMITTED, ReportStatus.ACKNOWLEDGED})


class SpecialReport(PublicIdModel):
    """One special report: the incident, its place, the people, the measures taken, and its course."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    incident_type = models.ForeignKey(
        IncidentType, verbose_name=_("incident type"), on_delete=models.PROTECT, related_name="reports"
    )
    occurred_at = models.DateTimeField(_("date and time of the incident"))
    # Place: the district (a unit's district code, which places it on the map), the address, coordinates.
    district_code = models.CharField(_("district"), max_length=32)
    region_code = models.CharField(_("region on the map"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=255)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    summary = models.TextField(_("short description"))
    dead_count = models.PositiveIntegerField(_("dead"), default=0)
    injured_count = models.PositiveIntegerField(_("injured"), default=0)
    involved_count = models.PositiveIntegerField(_("persons involved"), default=0)
    articles = models.CharField(_("preliminary qualification"), max_length=255, blank=True)
    # Measures taken.
    scene_examined = models.BooleanField(_("scene examined"), default=False)
    material = models.ForeignKey(
        "materials.Material",
        verbose_name=_("crime report registered"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("criminal case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    measures = models.TextField(_("other measures taken"), blank=True)
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.URGENT)
    classification = models.PositiveSmallIntegerField(
        _("classification"), choices=Clearance.choices, default=Clearance.OFFICIAL
    )
    reporting_unit = models.ForeignKey(
        "org.Unit", verbose_name=_("reporting unit"), on_delete=models.PROTECT, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporting official"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ack_target_minutes = models.PositiveIntegerField(_("acknowledgement target (minutes)"))
    follow_up_hours = models.PositiveIntegerField(_("follow-up interval (hours)"))
    follow_up_due = models.DateTimeField(_("next follow-up due"), null=True, blank=True)
    # The due time an alert of a late follow-up was raised for (once per due time).
    follow_up_alerted_for = models.DateTimeField(_("late follow-up alerted for"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closure_reason = models.TextField(_("reason for closure"), blank=True)

    class Meta:
        verbose_name = _("special report")
        verbose_name_plural = _("special reports")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["-submitted_at"], name="special_report_submitted"),
            models.Index(fields=["status", "follow_up_due"], name="special_report_follow_up"),
            models.Index(fields=["delivered_at"], name="special_report_delivered"),
            models.Index(fields=["-updated_at"], name="special_report_updated"),
            models.Index(fields=["region_code", "-submitted_at"], name="special_report_region"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReportStatus.values), name="specialreport_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(urgency__in=Urgency.values), name="specialreport_urgency_valid"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="specialreport_coordinates_pair",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.CLOSED) | Q(closed_at__isnull=False),
                name="specialreport_closed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("special:detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_delivered(self) -> bool:
        return self.delivered_at is not None

    @property
    def ack_seconds(self) -> int | None:
        """Seconds from delivery to acknowledgement (the tracked indicator), when acknowledged."""
        if self.acknowledged_at is None or self.delivered_at is None:
            return None
        return max(0, int((self.acknowledged_at - self.delivered_at).total_seconds()))

    @property
    def ack_within_target(self) -> bool | None:
        seconds = self.ack_seconds
        return None if seconds is None else seconds <= self.ack_target_minutes * 60

    def ack_due(self) -> dt.datetime | None:
        if self.delivered_at is None:
            return None
        return self.delivered_at + dt.timedelta(minutes=self.ack_target_minutes)


class PersonRole(models.TextChoices):
    VICTIM = "victim", _("Victim")
    DECEASED = "deceased", _("Deceased")
    SUSPECT = "suspect", _("Suspect")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other person involved")


class ReportPerson(TimeStampedModel):
    """A person of the person registry known to be involved in the incident."""

    report = models.ForeignKey(
        SpecialReport, verbose_name=_("special report"), on_delete=models.CASCADE, related_name="persons"
    )
    person = models.ForeignKey(
        "persons.Person", verbose_name=_("person"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role in the incident"), max_length=16, choices=PersonRole.choices)

    class Meta:
        verbose_name = _("person involved")
        verbose_name_plural = _("persons involved")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "person", "role"], name="special_person_once_per_role"),
            models.CheckConstraint(condition=Q(role__in=PersonRole.values), name="reportperson_role_valid"),
        ]


class DeliveryKind(models.TextChoices):
    DUTY = "duty", _("Duty prosecutor")
    DEPARTMENT = "department", _("Department the incident type is routed to")


class Delivery(models.Model):
    """The report delivered to a receiving unit (the duty unit or a routed department); one row per unit.

    Rows are written by the worker's fan-out in one transaction with the report's `delivered_at`; their
    ids grow, so a console asks for what came after the last id it has shown.
    """

    report = models.ForeignKey(
        SpecialReport, verbose_name=_("special report"), on_delete=models.CASCADE, related_name="deliveries"
    )
    unit = models.ForeignKey("org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=DeliveryKind.choices)
    delivered_at = models.DateTimeField(_("delivered at"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "unit"], name="special_delivery_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.unit_id}"


class FollowUp(TimeStampedModel):
    """A follow-up report appended by the reporting unit as the matter develops."""

    report = models.ForeignKey(
        SpecialReport, verbose_name=_("special report"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    sequence = models.PositiveIntegerField(_("follow-up number"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    # Was it appended after the follow-up was due?
    late = models.BooleanField(_("late"), default=False)

    class Meta:
        verbose_name = _("follow-up report")
        verbose_name_plural = _("follow-up reports")
        ordering = ["report", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sequence"], name="special_follow_up_sequence"),
        ]


class ConsoleState(models.Model):
    """One row: a counter every change the duty console shows (a delivery, an acknowledgement, a follow-up,
    a linked person, a closure) increments inside its own transaction.

    The increment locks the row until commit, so changes commit in counter order: a console that has seen
    value n has seen every change up to n. (The latest `updated_at` would not do: it is stamped before
    commit, and a later stamp can commit first.)
    """

    version = models.BigIntegerField(_("version"), default=0)

    class Meta:
        verbose_name = _("duty console state")
        verbose_name_plural = _("duty console state")

    def __str__(self) -> str:
        return str(self.version)
