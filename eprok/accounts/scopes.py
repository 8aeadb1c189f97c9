"""Scopes a personal API token can carry. A token never grants more than its owner's roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    READ = "read", _("Read data the owner may see")
    WRITE = "write", _("Change data the owner may change")
    AUDIT_READ = "audit:read", _("Read the audit log (if the owner may)")
