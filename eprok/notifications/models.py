"""In-app notifications: a message to one employee, with a link to what it is about."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from eprok.core.models import PublicIdModel


class Level(models.TextChoices):
    INFO = "info", _("Information")
    SUCCESS = "success", _("Done")
    WARNING = "warning", _("Warning")
    ERROR = "error", _("Urgent")


class Notification(PublicIdModel):
    """A message to one employee; the text is stored as written, in the language it was sent in."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("text"), blank=True)
    # A path inside eprok ("/cases/…"), never an outside address.
    url = models.CharField(_("link"), max_length=500, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.INFO)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notif_recipient_recent"),
            models.Index(
                fields=["recipient"], name="notif_recipient_unread", condition=models.Q(read_at__isnull=True)
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


# --- outbound messages to citizens (e-mail and SMS) -------------------------------------------------


class OutboundChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


# The only state changes an outbound message makes. A failed message goes back to "queued" when a
# retry claims it; a sent message is final.
OUTBOUND_TRANSITIONS: dict[str, frozenset[str]] = {
    OutboundStatus.QUEUED: frozenset({OutboundStatus.SENT, OutboundStatus.FAILED}),
    OutboundStatus.FAILED: frozenset({OutboundStatus.QUEUED}),
    OutboundStatus.SENT: frozenset(),
}


class OutboundMessage(PublicIdModel):
    """One e-mail or SMS to a citizen, as rendered and sent; the row is written before sending.

    The full address stays in this row (the message must be retried and proven); logs and lists show
    it masked. `related` names what the message is about ("appeals.appeal:AP-…"), not a foreign key.
    """

    channel = models.CharField(_("channel"), max_length=8, choices=OutboundChannel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=64)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    body = models.TextField(_("text"))
    sms_segments = models.PositiveSmallIntegerField(_("SMS parts"), default=0)
    related = models.CharField(_("about"), max_length=120, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    provider = models.CharField(_("provider"), max_length=32, blank=True)
    provider_message_id = models.CharField(_("provider's message id"), max_length=255, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbound_status_created"),
            models.Index(fields=["related"], name="outbound_related"),
            models.Index(fields=["-created_at"], name="outbound_recent"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(channel__in=["email", "sms"]), name="outbound_channel_known"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["queued", "sent", "failed"]), name="outbound_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="sent") | models.Q(sent_at__isnull=False),
                name="outbound_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        # Never the address: this string reaches audit rows and log lines.
        return f"{self.get_channel_display()} {self.template} ({self.public_id})"
