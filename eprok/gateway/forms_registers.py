"""Forms of the register browser: what to look up, why and where; copying an answer into a person record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed
from eprok.gateway.lookups import COPY_FIELDS, COPY_LABELS, ISSUE_MAX, PURPOSE_MAX, QueryKind, normalise_query
from eprok.gateway.models import Register


class RegisterBrowserForm(forms.Form):
    """One query asked of several registers. The registers field accepts every register so that a register
    the user's roles do not allow reaches the service, which refuses and audits it; the page offers only the
    allowed ones."""

    query_kind = forms.ChoiceField(
        label=_("Look up by"), choices=QueryKind.choices, initial=QueryKind.FIN, widget=forms.RadioSelect
    )
    query = forms.CharField(
        label=_("FIN, VÖEN, plate or VIN"),
        max_length=40,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "off"}),
        help_text=_("FIN: 7 characters (5ABC12D); VÖEN: 10 digits; plate: 10-AB-123; VIN: 17 characters."),
    )
    purpose = forms.CharField(
        label=_("Purpose of the look-up"),
        max_length=PURPOSE_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "class": "usa-textarea"}),
        help_text=_(
            "Why you need these data, e.g. “identifying the suspect in the check of the report”. "
            "It is recorded."
        ),
        # Checked by the service, which records a look-up refused for want of a purpose in the audit log.
        required=False,
    )
    registers = forms.MultipleChoiceField(
        label=_("Registers"),
        choices=Register.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one register.")},
    )
    issue = forms.CharField(
        label=_("Case or report number"),
        max_length=ISSUE_MAX,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
        help_text=_("Sent to the register with the request."),
    )
    subject = forms.CharField(required=False, widget=forms.HiddenInput, max_length=120)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, query = data.get("query_kind"), data.get("query")
        if kind and query:
            try:
                data["query"] = normalise_query(kind, query)
            except ValidationFailed as exc:
                self.add_error("query", str(exc.message))
        return data


class CopyForm(forms.Form):
    """The fields of a population answer to copy into a person record, with the record's version."""

    person = forms.UUIDField(widget=forms.HiddenInput)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    chosen = forms.MultipleChoiceField(
        label=_("Data to copy"),
        choices=[(name, COPY_LABELS[name]) for name in COPY_FIELDS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose the data to copy.")},
    )
