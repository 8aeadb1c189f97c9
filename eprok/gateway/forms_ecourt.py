"""Forms of the e-Court deliveries: sending one from a case or proceeding card, and the register's filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.courtwork.models import Court, Decision
from eprok.documents.models import Document

from .models import DeliveryKind, DeliveryStatus


class DeliveryForm(forms.Form):
    """What to send to the e-Court: the kind, the court, the title and text, documents to attach."""

    kind = forms.ChoiceField(label=_("What to send"), choices=DeliveryKind.choices)
    court = forms.ModelChoiceField(label=_("Court"), queryset=Court.objects.none(), required=False)
    decision = forms.ModelChoiceField(
        label=_("Decision appealed (appeals and protests)"),
        queryset=Decision.objects.none(),
        required=False,
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    text = forms.CharField(
        label=_("Text (motions, appeals and protests)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
    )
    documents = forms.ModelMultipleChoiceField(
        label=_("Documents to attach"),
        queryset=Document.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(
        self,
        *args: Any,
        courts: Any,
        decisions: Any,
        documents: Any,
        default_court: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].queryset = courts  # type: ignore[attr-defined]
        self.fields["decision"].queryset = decisions  # type: ignore[attr-defined]
        self.fields["documents"].queryset = documents  # type: ignore[attr-defined]
        self.fields["documents"].label_from_instance = lambda document: document.title  # type: ignore[attr-defined]
        if default_court is not None:
            self.fields["court"].initial = default_court.pk
            self.fields["court"].help_text = _("The court of the proceeding unless you choose another.")


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *DeliveryStatus.choices], required=False
    )
