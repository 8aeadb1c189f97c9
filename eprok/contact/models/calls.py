"""Calls to the 961 call centre and the 161 hotline, the telephony systems that announce them, callbacks
and requests for a copy of a call's recording.

Calls are recorded with prior notice to the caller, and the caller may ask for a copy of the recording
within three months of the call (Cabinet of Ministers, Regulations on call centres of state bodies, 2015;
deadlines_az.md B2, B3).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel, TimeStampedModel


class Centre(models.TextChoices):
    """The two public lines: the prosecution service's call centre and the anti-corruption hotline."""

    CALL_CENTRE = "961", _("961 call centre")
    HOTLINE = "161", _("161 anti-corruption hotline")


class Pbx(TimeStampedModel):
    """A telephony system (PBX) that reports calls to eprok over the signed event endpoint.

    Its signing secret is never stored: it comes from the environment (settings.EPROK_PBX_SECRETS), and
    the row keeps only its SHA-256, so a changed or mistyped secret in the environment is noticed.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    centre = models.CharField(_("centre"), max_length=3, choices=Centre.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="pbxs"
    )
    secret_hash = models.CharField(
        _("SHA-256 of the signing secret"), max_length=64, blank=True, help_text=_("Never the secret itself.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("telephony system")
        verbose_name_plural = _("telephony systems")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(centre__in=Centre.values), name="pbx_centre_valid"),
        ]

    def __str__(self) -> str:
        return self.code


class PbxOperator(TimeStampedModel):
    """An operator's extension on a telephony system: call.answered names the extension."""

    pbx = models.ForeignKey(
        Pbx, verbose_name=_("telephony system"), on_delete=models.CASCADE, related_name="operators"
    )
    extension = models.CharField(_("extension"), max_length=20)
    employee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("operator"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("operator extension")
        verbose_name_plural = _("operator extensions")
        ordering = ["pbx", "extension"]
        constraints = [
            models.UniqueConstraint(fields=["pbx", "extension"], name="pbxoperator_extension_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.pbx_id}/{self.extension}"


class CallDirection(models.TextChoices):
    INCOMING = "incoming", _("Incoming")
    OUTGOING = "outgoing", _("Outgoing")


class CallStatus(models.TextChoices):
    OFFERED = "offered", _("Ringing")
    ANSWERED = "answered", _("In conversation")
    ENDED = "ended", _("Ended, not registered")
    MISSED = "missed", _("Missed")
    REGISTERED = "registered", _("Registered")


# Calls an operator still has to deal with: on the workspace and the supervisor's queue.
OPEN_CALL_STATUSES = frozenset({CallStatus.OFFERED, CallStatus.ANSWERED, CallStatus.ENDED, CallStatus.MISSED})

# The one table of allowed transitions. Telephony events move offered -> answered -> ended (or offered ->
# missed when nobody answered); an operator registers the call at any point after it was offered, and a
# registered call keeps its status when the telephony system reports the end of the conversation later.
CALL_TRANSITIONS: dict[str, frozenset[str]] = {
    CallStatus.OFFERED: frozenset({CallStatus.ANSWERED, CallStatus.MISSED, CallStatus.REGISTERED}),
    CallStatus.ANSWERED: frozenset({CallStatus.ENDED, CallStatus.REGISTERED}),
    CallStatus.ENDED: frozenset({CallStatus.REGISTERED}),
    CallStatus.MISSED: frozenset({CallStatus.REGISTERED}),
    CallStatus.REGISTERED: frozenset(),
}


class CallOutcome(models.TextChoices):
    INFORMATION = "information", _("Information given")
    APPEAL_REGISTERED = "appeal_registered", _("Appeal registered")
    CRIME_REPORT = "crime_report", _("Crime report referred")
    FORWARDED = "forwarded", _("Forwarded to another body")
    HOTLINE_REPORT = "hotline_report", _("Hotline report registered")
    OTHER = "other", _("Other")


class Call(PublicIdModel):
    """One telephone call to a centre, from the first ring to its registration by an operator."""

    centre = models.CharField(_("centre"), max_length=3, choices=Centre.choices)
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="calls"
    )
    pbx = models.ForeignKey(
        Pbx,
        verbose_name=_("telephony system"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    external_id = models.CharField(
        _("call id in the telephony system"), max_length=100, blank=True, help_text=_("Unique per system.")
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=CallDirection.choices, default=CallDirection.INCOMING
    )
    caller_number = models.CharField(
        _("caller's number"), max_length=20, blank=True, help_text=_("E.164, e.g. +994501234567.")
    )
    called_number = models.CharField(_("number called"), max_length=20, blank=True)
    caller_name = models.CharField(_("caller's name"), max_length=200, blank=True)
    caller_fin = models.CharField(_("caller's FIN"), max_length=7, blank=True)
    person = models.ForeignKey(
        "persons.Person",
        verbose_name=_("caller in the person registry"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls_taken",
    )
    offered_at = models.DateTimeField(_("rang at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=CallStatus.choices, default=CallStatus.OFFERED
    )
    # The subject: a topic code of the appeals' classifier (eprok.contact.classifiers), kept as a code
    # the way a material keeps its case's number, so the two registers stay independent.
    topic = models.CharField(_("topic"), max_length=64, blank=True)
    summary = models.TextField(_("summary of the conversation"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=CallOutcome.choices, blank=True)
    appeal_number = models.CharField(
        _("appeal number"), max_length=40, blank=True, help_text=_("The appeal registered from this call.")
    )
    material_number = models.CharField(
        _("crime report number"),
        max_length=40,
        blank=True,
        help_text=_("The crime report registered from this call."),
    )
    forwarded_to = models.CharField(_("forwarded to"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("registered at"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The telephony system's address of the recording; shown only to the centre's operators and
    # supervisors, through an audited redirect (never written into a page).
    recording_url = models.URLField(_("recording"), max_length=500, blank=True)
    caller_notified = models.BooleanField(
        _("caller told the call is recorded"),
        default=False,
        help_text=_("The recorded announcement was played before the conversation (call-centre rules)."),
    )
    recording_retain_until = models.DateField(_("keep the recording until"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-offered_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pbx", "external_id"],
                condition=~Q(external_id=""),
                name="call_external_id_unique_per_pbx",
            ),
            models.CheckConstraint(condition=Q(status__in=CallStatus.values), name="call_status_valid"),
            models.CheckConstraint(condition=Q(centre__in=Centre.values), name="call_centre_valid"),
            models.CheckConstraint(
                condition=Q(outcome__in=["", *CallOutcome.values]), name="call_outcome_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "-offered_at"], name="call_unit_offered"),
            models.Index(fields=["unit", "status"], name="call_unit_status"),
            models.Index(fields=["caller_number", "-offered_at"], name="call_caller_number"),
            models.Index(fields=["caller_fin"], name="call_caller_fin"),
            models.Index(fields=["operator", "-offered_at"], name="call_operator_offered"),
        ]

    def __str__(self) -> str:
        return f"{self.centre} {self.short_id}"

    @property
    def short_id(self) -> str:
        """The first eight characters of the public id: what an operator reads out to a caller."""
        return str(self.public_id)[:8].upper()

    def get_absolute_url(self) -> str:
        return reverse("contact:call_detail", kwargs={"public_id": self.public_id})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_CALL_STATUSES

    @property
    def status_label(self) -> str:
        try:
            return str(CallStatus(self.status).label)
        except ValueError:
            return self.status

    @property
    def handling_seconds(self) -> int | None:
        """How long the conversation lasted (answer to end), when both are known."""
        if self.answered_at and self.ended_at and self.ended_at >= self.answered_at:
            return int((self.ended_at - self.answered_at).total_seconds())
        return None


class RecordingCopyStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PREPARED = "prepared", _("Copy prepared")
    HANDED_OVER = "handed_over", _("Handed over")
    REFUSED = "refused", _("Refused")


OPEN_COPY_STATUSES = frozenset({RecordingCopyStatus.REQUESTED, RecordingCopyStatus.PREPARED})

COPY_TRANSITIONS: dict[str, frozenset[str]] = {
    RecordingCopyStatus.REQUESTED: frozenset({RecordingCopyStatus.PREPARED, RecordingCopyStatus.REFUSED}),
    RecordingCopyStatus.PREPARED: frozenset({RecordingCopyStatus.HANDED_OVER, RecordingCopyStatus.REFUSED}),
    RecordingCopyStatus.HANDED_OVER: frozenset(),
    RecordingCopyStatus.REFUSED: frozenset(),
}


class RecordingCopyRequest(TimeStampedModel):
    """A caller's request for a copy of the recording of their call (allowed within three months)."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="copy_requests"
    )
    requested_at = models.DateTimeField(_("requested at"))
    requester = models.CharField(_("requested by"), max_length=200)
    contact = models.CharField(
        _("how to reach the requester"), max_length=200, blank=True, help_text=_("Phone or e-mail.")
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsible"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recording_copy_requests",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=RecordingCopyStatus.choices, default=RecordingCopyStatus.REQUESTED
    )
    due = models.DateField(_("answer due"), null=True, blank=True)
    refusal_reason = models.TextField(_("reason for refusal"), blank=True)
    prepared_at = models.DateTimeField(_("prepared at"), null=True, blank=True)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("request for a recording copy")
        verbose_name_plural = _("requests for recording copies")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RecordingCopyStatus.values), name="copyrequest_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due"], name="copyrequest_status_due")]

    def __str__(self) -> str:
        return f"{self.call_id}: {self.requester}"

    def get_absolute_url(self) -> str:
        return reverse("contact:recording_request", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COPY_STATUSES


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("To call back")
    DONE = "done", _("Called back")
    CANCELLED = "cancelled", _("Cancelled")


CALLBACK_TRANSITIONS: dict[str, frozenset[str]] = {
    CallbackStatus.OPEN: frozenset({CallbackStatus.DONE, CallbackStatus.CANCELLED}),
    CallbackStatus.DONE: frozenset(),
    CallbackStatus.CANCELLED: frozenset(),
}


class Callback(TimeStampedModel):
    """A promise to call a caller back by a given time: a task of an operator."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="callbacks")
    due_at = models.DateTimeField(_("call back by"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("operator"),
        on_delete=models.PROTECT,
        related_name="callbacks",
    )
    note = models.CharField(_("what to tell the caller"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CallbackStatus.choices, default=CallbackStatus.OPEN
    )
    done_at = models.DateTimeField(_("called back at"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("scheduled by"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("callback")
        verbose_name_plural = _("callbacks")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CallbackStatus.values), name="callback_status_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="callback_assignee_due"),
            models.Index(fields=["status", "due_at"], name="callback_status_due"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id} {self.due_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self) -> str:
        return (
            reverse("contact:call_detail", kwargs={"public_id": self.call.public_id}) + f"#callback-{self.pk}"
        )

    @property
    def is_open(self) -> bool:
        return self.status == CallbackStatus.OPEN
