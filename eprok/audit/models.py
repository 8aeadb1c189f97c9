"""The audit log: append-only, hash-chained events of every change and every read of protected data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One event. Rows are never updated or deleted (database triggers refuse it); each row carries
    the hash of the previous one, so `eprok audit verify` finds any edit made with triggers disabled."""

    occurred_at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Snapshots, so the event still reads right after the employee is renamed or moved.
    actor_name = models.CharField(_("actor name"), max_length=255, blank=True)
    actor_unit = models.CharField(_("actor unit"), max_length=255, blank=True)
    actor_unit_id = models.BigIntegerField(_("actor unit id"), null=True, blank=True, db_index=True)
    # Namespaced action, e.g. "org.employee.created", "cases.case.read".
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64, blank=True)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    related_type = models.CharField(_("related object type"), max_length=64, blank=True)
    related_id = models.CharField(_("related object id"), max_length=64, blank=True)
    # Canonical JSON text (sorted keys, compact), hashed exactly as stored.
    changes = models.TextField(_("changes"), blank=True, default="")
    data = models.TextField(_("data"), blank=True, default="")
    purpose = models.CharField(_("purpose"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=16, default="web")
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
            models.Index(fields=["actor", "occurred_at"], name="audit_actor_time"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M:%S} {self.action}"
