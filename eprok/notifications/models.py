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
