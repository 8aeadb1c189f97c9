"""The catalogue of the Special Part of the Criminal Code (Cinayət Məcəlləsi), arts. 100-353.

An article may have several versions (redakciyalar) when the law changes it: each version is in
force from `valid_from` up to and including `valid_to` (open-ended when empty).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from eprok.core.collation import az_lower

NUMBER_RE = re.compile(r"^(\d{1,4})(?:-(\d{1,3}))?$")
# "144-1" is inserted after 144: the sort key leaves room for 999 inserted articles after each one.
INSERTED_SLOTS = 1000


class GravityCategory(models.IntegerChoices):
    """Gravity of a crime, Criminal Code art. 15 (cinayətlərin təsnifatı)."""

    # böyük ictimai təhlükə törətməyən cinayətlər
    NOT_GREAT_DANGER = 1, _("not of great public danger")
    # az ağır cinayətlər
    LESS_GRAVE = 2, _("less grave")
    # ağır cinayətlər
    GRAVE = 3, _("grave")
    # xüsusilə ağır cinayətlər
    ESPECIALLY_GRAVE = 4, _("especially grave")


def number_sort_key(number: str) -> int:
    """A number that orders "144" < "144-1" < "144-2" < "145"; ValueError for a malformed number."""
    match = NUMBER_RE.match(number.strip())
    if match is None:
        raise ValueError(f"not an article number: {number!r}")
    return int(match.group(1)) * INSERTED_SLOTS + int(match.group(2) or 0)


def article_search_key(number: str, *titles: str) -> str:
    """The number and every title, lower-cased with Azerbaijani rules, for case-insensitive search."""
    return az_lower(" ".join(t for t in (number, *titles) if t)).strip()


class Article(models.Model):
    number = models.CharField(_("article"), max_length=16)
    sort_key = models.PositiveIntegerField(_("order"), editable=False, db_index=True)
    title_az = models.CharField(_("title (Azerbaijani)"), max_length=400)
    title_en = models.CharField(_("title (English)"), max_length=400)
    title_ru = models.CharField(_("title (Russian)"), max_length=400, blank=True)
    chapter = models.PositiveSmallIntegerField(_("chapter"))
    section = models.CharField(_("section"), max_length=5)
    category = models.PositiveSmallIntegerField(
        _("gravity category"), choices=GravityCategory.choices, null=True, blank=True
    )
    # Azadlıqdan məhrum etmə: the maximum fixed term in the basic part, in years (0.5 = six months).
    max_prison_years = models.DecimalField(
        _("maximum imprisonment, basic part (years)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    life_imprisonment = models.BooleanField(_("life imprisonment in the basic part"), default=False)
    max_prison_years_any_part = models.DecimalField(
        _("maximum imprisonment, any part (years)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    life_imprisonment_any_part = models.BooleanField(_("life imprisonment in any part"), default=False)
    valid_from = models.DateField(_("in force from"))
    valid_to = models.DateField(_("in force until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    search_key = models.TextField(_("search key"), blank=True, editable=False)

    class Meta:
        verbose_name = _("article of the Criminal Code")
        verbose_name_plural = _("articles of the Criminal Code")
        ordering = ["sort_key", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["number", "valid_from"], name="cc_article_number_valid_from"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="cc_article_valid_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived columns kept with the row they derive from.
        self.sort_key = number_sort_key(self.number)
        self.search_key = article_search_key(self.number, self.title_az, self.title_en, self.title_ru)
        super().save(*args, **kwargs)

    @property
    def title(self) -> str:
        """The title in the active language; Russian falls back to English when not yet translated."""
        lang = (get_language() or "az")[:2]
        if lang == "az":
            return self.title_az
        if lang == "ru" and self.title_ru:
            return self.title_ru
        return self.title_en or self.title_az
