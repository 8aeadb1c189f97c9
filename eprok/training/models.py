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
    # A mandatory area: every employee should be trained in it each year (the coverage analysis counts it).
    is_mandatory = models.BooleanField(_("mandatory for every employee each year"), default=False)
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


class MeetingProvider(models.TextChoices):
    """Who hosts the live session of an online or mixed event (see eprok.training.meetings)."""

    JITSI = "jitsi", _("Jitsi (link without an account)")
    ZOOM = "zoom", _("Zoom")


class MeetingStatus(models.TextChoices):
    NONE = "none", _("No meeting")
    PENDING = "pending", _("Being created")
    CREATED = "created", _("Created")
    FAILED = "failed", _("Creation failed")


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
    # The live session, when the event has one created through a meeting provider.
    meeting_provider = models.CharField(
        _("meeting provider"), max_length=16, choices=MeetingProvider.choices, blank=True
    )
    meeting_status = models.CharField(
        _("meeting status"), max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.NONE
    )
    meeting_id = models.CharField(_("meeting identifier"), max_length=128, blank=True)
    meeting_url = models.URLField(_("join link"), max_length=500, blank=True)
    meeting_attempts = models.PositiveSmallIntegerField(_("creation attempts"), default=0)
    meeting_error = models.CharField(_("last error of the provider"), max_length=500, blank=True)
    meeting_retry_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    attendance_fetched_at = models.DateTimeField(
        _("attendance taken from the provider at"), null=True, blank=True
    )
    # The protocol (report) of a held event: what was done, the results and conclusions.
    protocol = models.TextField(_("protocol"), blank=True)
    protocol_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("protocol written by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    protocol_at = models.DateTimeField(_("protocol written at"), null=True, blank=True)
    # A course (with its quiz) listeners take after the event; completing it earns the certificate.
    follow_up_course = models.ForeignKey(
        "learning.Course",
        verbose_name=_("follow-up course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )
    # The item of an approved thematic plan this event carries out.
    plan_item = models.ForeignKey(
        "training.PlanItem",
        verbose_name=_("item of the thematic plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
    )

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
            models.CheckConstraint(
                condition=Q(meeting_status__in=MeetingStatus.values),
                name="trainingevent_meeting_status_valid",
            ),
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


class Evaluation(TimeStampedModel):
    """A listener's evaluation of an event they attended: marks from 1 to 5 and an optional comment."""

    event = models.ForeignKey(
        TrainingEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="evaluations"
    )
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("listener"), on_delete=models.PROTECT, related_name="+"
    )
    content_score = models.PositiveSmallIntegerField(_("content"))
    trainer_score = models.PositiveSmallIntegerField(_("trainers"))
    organisation_score = models.PositiveSmallIntegerField(_("organisation"))
    usefulness_score = models.PositiveSmallIntegerField(_("usefulness for the work"))
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "employee"], name="evaluation_unique"),
            models.CheckConstraint(
                condition=Q(content_score__gte=1, content_score__lte=5)
                & Q(trainer_score__gte=1, trainer_score__lte=5)
                & Q(organisation_score__gte=1, organisation_score__lte=5)
                & Q(usefulness_score__gte=1, usefulness_score__lte=5),
                name="evaluation_scores_1_to_5",
            ),
        ]

    @property
    def average(self) -> float:
        return (self.content_score + self.trainer_score + self.organisation_score + self.usefulness_score) / 4


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Sent to the Centre")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for changes")


PLAN_TRANSITIONS: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.SUBMITTED}),
    PlanStatus.SUBMITTED: frozenset({PlanStatus.APPROVED, PlanStatus.RETURNED}),
    PlanStatus.RETURNED: frozenset({PlanStatus.SUBMITTED}),
    PlanStatus.APPROVED: frozenset(),
}
PLAN_EDITABLE = frozenset({PlanStatus.DRAFT, PlanStatus.RETURNED})


class ThematicPlan(PublicIdModel):
    """A subordinate office's quarterly thematic plan of training, sent to the Centre for approval."""

    unit = models.ForeignKey("org.Unit", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"))
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drawn up by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("comment of the Centre"), blank=True)

    class Meta:
        verbose_name = _("thematic plan")
        verbose_name_plural = _("thematic plans")
        ordering = ["-year", "-quarter", "unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "year", "quarter"], name="thematicplan_unique"),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="thematicplan_quarter"),
            models.CheckConstraint(
                condition=Q(status__in=PlanStatus.values), name="thematicplan_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.year}/Q{self.quarter}"

    def get_absolute_url(self) -> str:
        return reverse("training:plan", args=[self.public_id])


class PlanItem(TimeStampedModel):
    """One planned training of a thematic plan: topic, area, kind, month, hours and audience."""

    plan = models.ForeignKey(
        ThematicPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="items"
    )
    area = models.ForeignKey(
        ThematicArea, verbose_name=_("thematic area"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("topic"), max_length=255)
    kind = models.CharField(_("kind of event"), max_length=32, choices=EventKind.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    hours = models.DecimalField(_("academic hours"), max_digits=5, decimal_places=1)
    audience = models.CharField(_("listeners"), max_length=255, blank=True)
    trainer = models.CharField(_("trainer"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("item of a thematic plan")
        verbose_name_plural = _("items of thematic plans")
        ordering = ["month", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="planitem_month"),
            models.CheckConstraint(condition=Q(hours__gt=0), name="planitem_hours_positive"),
        ]

    def __str__(self) -> str:
        return self.topic
