"""Forms of the generate page and of template administration."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.drafting.models import OutputFormat


class GenerateForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"), choices=())
    output_format = forms.ChoiceField(
        label=_("Format"),
        choices=OutputFormat.choices,
        initial=OutputFormat.PDF,
        widget=forms.RadioSelect,
        required=False,
    )

    def clean_output_format(self) -> str:
        return self.cleaned_data.get("output_format") or OutputFormat.PDF

    def __init__(self, *args: Any, templates: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["template"]).choices = [
            (t.code, f"{t.name} ({t.legal_basis})" if t.legal_basis else t.name) for t in templates
        ]


class VersionForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(
            attrs={"rows": 24, "class": "usa-textarea drafting-code", "spellcheck": "false"}
        ),
        help_text=_(
            "HTML with fields in double braces, e.g. {{ record.number }}; see the list of fields below."
        ),
    )
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)


class PreviewForm(forms.Form):
    owner_type = forms.ChoiceField(label=_("Kind of record"), choices=())
    owner_key = forms.CharField(label=_("Number of the record"), max_length=64)

    def __init__(self, *args: Any, owner_types: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner_type"]).choices = list(owner_types)


class CompareForm(forms.Form):
    a = forms.IntegerField(label=_("Version"), min_value=1)
    b = forms.IntegerField(label=_("with version"), min_value=1)
