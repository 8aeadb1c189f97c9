"""The audit viewer's filter form; it yields the same AuditFilter the API builds from its query."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.audit.selectors import SOURCES, AuditFilter

SOURCE_LABELS = {
    "web": _("Web interface"),
    "api": _("API"),
    "cli": _("Command line"),
    "task": _("Background task"),
    "system": _("System"),
}


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    actor = forms.CharField(
        label=_("Actor"),
        required=False,
        max_length=100,
        help_text=_("Part of the employee's name."),
        widget=forms.TextInput(attrs={"class": "usa-input", "type": "search"}),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=100,
        help_text=_("An action or its beginning, e.g. “org.employee”."),
        widget=forms.TextInput(attrs={"class": "usa-input", "list": "audit-action-prefixes"}),
    )
    target_type = forms.CharField(
        label=_("Object type"),
        required=False,
        max_length=64,
        help_text=_("E.g. “org.employee”."),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    target_id = forms.CharField(
        label=_("Object id"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    request_id = forms.CharField(
        label=_("Request id"),
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("Any"))] + [(code, SOURCE_LABELS[code]) for code in SOURCES],
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    purpose = forms.CharField(
        label=_("Purpose contains"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return cleaned

    def to_filter(self) -> AuditFilter:
        """The filters from a valid form (an invalid one filters nothing it could not read)."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value
                for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors
            }
        )
        return AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=(data.get("actor") or "").strip(),
            action=(data.get("action") or "").strip(),
            target_type=(data.get("target_type") or "").strip(),
            target_id=(data.get("target_id") or "").strip(),
            request_id=(data.get("request_id") or "").strip(),
            source=data.get("source") or "",
            purpose=(data.get("purpose") or "").strip(),
        )
