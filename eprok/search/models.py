"""The search index: one row per indexed record, its exact keys (numbers, articles) and a name vocabulary.

The folded text lives in `SearchEntry.terms`; the full-text index over it is created by migration
0002 per database vendor (an FTS5 table on SQLite, a generated tsvector column with a GIN index on
PostgreSQL), so the model does not declare it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    """The indexed form of one record of a registered source (a material, case, appeal, person, document)."""

    label = models.CharField(_("type"), max_length=40)
    object_id = models.BigIntegerField(_("record id"))
    key = models.CharField(
        _("record key"), max_length=64, help_text=_("The number or public id in the record's URL.")
    )
    unit = models.ForeignKey(
        "org.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(_("status"), max_length=40, blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"), blank=True, help_text=_("The shown text, cut for snippets."))
    terms = models.TextField(_("folded terms"), blank=True)
    # Whose access rule decides who opens the record (the record itself, or a document's owner), that
    # record's unit, and the record's classification: what the candidate scope of a search tests
    # (eprok.search.registry.CandidateScope), so that the candidates start from the reader's units.
    scope_label = models.CharField(_("access decided by"), max_length=64, blank=True)
    scope_id = models.BigIntegerField(_("access record id"), null=True, blank=True)
    scope_unit = models.ForeignKey(
        "org.Unit",
        verbose_name=_("access unit"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # search_entry_scope_unit (unit, date, id) serves it
    )
    classification = models.PositiveSmallIntegerField(_("classification"), default=0)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["label", "object_id"], name="search_entry_unique_object")
        ]
        indexes = [
            models.Index(fields=["-date", "-id"], name="search_entry_recent"),
            models.Index(fields=["label", "-date"], name="search_entry_label_recent"),
            models.Index(fields=["unit", "-date"], name="search_entry_unit_recent"),
            # The candidate scope: the newest entries held by one unit, of one type, of given records.
            models.Index(fields=["scope_unit", "-date", "-id"], name="search_entry_scope_unit"),
            models.Index(fields=["scope_label", "-date", "-id"], name="search_entry_scope_label"),
            models.Index(fields=["scope_label", "scope_id", "scope_unit"], name="search_entry_scope_record"),
        ]

    def __str__(self) -> str:
        return f"{self.label}#{self.object_id}: {self.title}"


class KeyKind(models.TextChoices):
    NUMBER = "number", _("Number")
    ARTICLE = "article", _("Criminal Code article")


class SearchKey(models.Model):
    """An exact key of an entry: a FIN, register or case number, phone (E.164) or Criminal Code article."""

    entry = models.ForeignKey(
        SearchEntry, verbose_name=_("entry"), on_delete=models.CASCADE, related_name="keys"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=KeyKind.choices)
    value = models.CharField(_("value"), max_length=64)

    class Meta:
        verbose_name = _("search key")
        verbose_name_plural = _("search keys")
        constraints = [
            models.UniqueConstraint(fields=["entry", "kind", "value"], name="search_key_unique"),
        ]
        indexes = [models.Index(fields=["value", "kind"], name="search_key_value")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class SearchName(models.Model):
    """A folded name word seen in the index: the vocabulary that typos in names are corrected against."""

    term = models.CharField(_("term"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("name term")
        verbose_name_plural = _("name terms")

    def __str__(self) -> str:
        return self.term
