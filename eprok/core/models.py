"""Abstract base models shared by every app."""

from __future__ import annotations

import uuid

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
