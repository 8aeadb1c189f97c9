"""Second factor, sign-in throttling and personal API tokens."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.core.models import TimeStampedModel


class ApiToken(TimeStampedModel):
    """A personal API token. Only a SHA-256 of the secret is stored; the prefix finds the row."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def status(self) -> str:
        """ "revoked", "expired" or "active"."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return "expired"
        return "active"


class TotpDevice(TimeStampedModel):
    """An employee's TOTP authenticator (RFC 6238). Confirmed once a first code from it is accepted."""

    employee = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="totp_device",
    )
    # Base32 secret; needed in clear to compute codes, never logged or shown after enrolment.
    secret = models.CharField(_("secret"), max_length=64)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # The last accepted time step, so a code cannot be replayed.
    last_used_step = models.BigIntegerField(_("last used time step"), null=True, blank=True)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"TOTP {self.employee_id}"


class LoginThrottle(models.Model):
    """Consecutive failed sign-ins for one login name (or one client address), and the lock they caused.

    Rows exist for names that match no employee too, so a lock never tells an attacker whether a login exists.
    """

    key = models.CharField(_("login or address"), max_length=200, unique=True)
    failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"), null=True, blank=True)
    locked_until = models.DateTimeField(_("locked until"), null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in throttle")
        verbose_name_plural = _("sign-in throttles")

    def __str__(self) -> str:
        return self.key
