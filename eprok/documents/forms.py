"""Forms of the documents pages: upload to an owner, a new version, withdrawal."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.org.roles import Clearance


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(
        label=_("Title"), max_length=300, required=False, help_text=_("The file name when empty.")
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"),
        choices=[("", _("As the record")), *list(Clearance.choices)],
        coerce=int,
        empty_value=None,
        required=False,
    )


class VersionForm(forms.Form):
    file = forms.FileField(label=_("File"))
    reason = forms.CharField(label=_("Reason for the new version"), max_length=500)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawing"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
