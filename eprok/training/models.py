"""The Electronic Base of Training Events ("Təlim tədbirlərinin elektron bazası") of the Science and Training
Centre: events with their thematic area, organiser, time, format and place, their trainers (employees or
external experts), the circle of invited listeners with their answers, and attendance.

An event is entered as a draft, published (its invitees see it), held or cancelled; the allowed moves are in
TRANSITIONS. Attendance is marked by the organiser or by the listener scanning the event's rotating QR code
(see `eprok.training.checkin`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel, TranslatedNameMixin


class ThematicArea(TranslatedNameMixin, TimeStampedModel):
    """A thematic area of training (criminal procedure, anti-corruption, ...); kept by the Centre."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("thematic area")
        verbose_name_plural = _("thematic areas")
        ordering = ["sort_order", "code"]


class EventKind(models.TextChoices):
    SEMINAR = "seminar", _("Seminar")
    TRAINING = "training", _("Training")
    ROUND_TABLE = "round_table", _("Round table")
    CONFERENCE = "conference", _("Conference")
    COURSE_SESSION = "course_session", _("Course session")
    ATTESTATION_PREPARATION = "attestation_preparation", _("Preparation for attestation")


class EventFormat(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    MIXED = "mixed", _("Mixed")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


# The allowed moves; services check them.
TRANSITIONS: dict[str, frozenset[str]] = {
    EventStatus.DRAFT: frozenset({EventStatus.PUBLISHED, EventStatus.CANCELLED}),
    EventStatus.PUBLISHED: frozenset({EventStatus.HELD, EventStatus.CANCELLED}),
    EventStatus.HELD: frozenset(),
    EventStatus.CANCELLED: frozenset(),
}
EDITABLE_STATUSES = frozenset({EventStatus.DRAFT, EventStatus.PUBLISHED})


class TrainingEvent(PublicIdModel):
    """One training event: what, when, where, by whom it is organised, and for how many academic hours."""

    number = models.CharField(_("number"), max_length=64, unique=True)
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind of event"), max_length=32, choices=EventKind.choices)
    area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="events"
    )
    topic = models.TextField(_("topic"), blank=True)
    organiser = models.ForeignKey(
        "org.Unit", verbose_name=_("organiser unit"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    format = models.CharField(
        _("format"), max_length=16, choices=EventFormat.choices, default=EventFormat.IN_PERSON
    )
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    video_link = models.URLField(_("video conference link"), max_length=500, blank=True)
    hours = models.DecimalField(_("academic hours"), max_digits=5, decimal_places=1)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)

    class Meta:
        verbose_name = _("training event")
        verbose_name_plural = _("training events")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["-starts_at"], name="training_event_starts"),
            models.Index(fields=["status", "starts_at"], name="training_event_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="trainingevent_ends_after"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EventStatus.values), name="trainingevent_status_valid"
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="trainingevent_kind_valid"),
            models.CheckConstraint(
                condition=Q(format__in=EventFormat.values), name="trainingevent_format_valid"
            ),
            models.CheckConstraint(condition=Q(hours__gt=0), name="trainingevent_hours_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:detail", args=[self.public_id])

    @property
    def is_open(self) -> bool:
        return self.status in EDITABLE_STATUSES


class TrainerRole(models.TextChoices):
    LEAD = "lead", _("Lead trainer")
    CO_TRAINER = "co_trainer", _("Co-trainer")
    SPEAKER = "speaker", _("Speaker")
    MODERATOR = "moderator", _("Moderator")


class EventTrainer(TimeStampedModel):
    """A trainer of an event: an employee, or an external expert named with their organisation."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="trainers"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    external_name = models.CharField(_("external expert"), max_length=255, blank=True)
    external_organisation = models.CharField(_("organisation"), max_length=255, blank=True)
    role = models.CharField(_("role"), max_length=16, choices=TrainerRole.choices, default=TrainerRole.LEAD)

    class Meta:
        verbose_name = _("trainer")
        verbose_name_plural = _("trainers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(employee__isnull=False) & Q(external_name=""))
                | (Q(employee__isnull=True) & ~Q(external_name="")),
                name="eventtrainer_employee_or_external",
            ),
            models.UniqueConstraint(
                fields=["event", "employee"], condition=Q(employee__isnull=False), name="eventtrainer_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        if self.employee_id is not None:
            return str(self.employee)
        if self.external_organisation:
            return f"{self.external_name} ({self.external_organisation})"
        return self.external_name


class InvitationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")


class Invitation(TimeStampedModel):
    """An employee invited to an event as a listener, and their answer."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="invitations"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("listener"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("answer"), max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("invited by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="invitation_unique"),
            models.CheckConstraint(
                condition=Q(status__in=InvitationStatus.values), name="invitation_status_valid"
            ),
        ]


class AttendanceMethod(models.TextChoices):
    MANUAL = "manual", _("Marked by the organiser")
    QR = "qr", _("QR code check-in")
    ONLINE = "online", _("Online session")


class Attendance(TimeStampedModel):
    """Whether an invited listener attended the event, and how it was recorded."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="attendances"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("listener"), on_delete=models.PROTECT, related_name="+"
    )
    present = models.BooleanField(_("present"), default=True)
    method = models.CharField(_("recorded by way of"), max_length=16, choices=AttendanceMethod.choices)
    recorded_at = models.DateTimeField(_("recorded at"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance records")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="attendance_unique"),
            models.CheckConstraint(
                condition=Q(method__in=AttendanceMethod.values), name="attendance_method_valid"
            ),
        ]
