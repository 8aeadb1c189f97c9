"""Forms of the calendar pages: an override, and the deadline calculator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.core.models import CalendarDayKind, DeadlineRule


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    kind = forms.ChoiceField(
        label=_("The day is"),
        choices=CalendarDayKind.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    name_az = forms.CharField(
        label=_("Name (Azerbaijani)"), max_length=255, widget=forms.TextInput(attrs={"class": "usa-input"})
    )
    name_en = forms.CharField(
        label=_("Name (English)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    name_ru = forms.CharField(
        label=_("Name (Russian)"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    legal_source = forms.CharField(
        label=_("Legal source"),
        help_text=_("The decision or law, with its number and date."),
        widget=forms.Textarea(attrs={"class": "usa-textarea", "rows": 2}),
    )


class CalculatorForm(forms.Form):
    rule = forms.ModelChoiceField(
        label=_("Rule"),
        queryset=DeadlineRule.objects.filter(is_active=True),
        to_field_name="code",
        widget=forms.Select(attrs={"class": "usa-select"}),
    )
    start_date = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date", "class": "usa-input"})
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        required=False,
        help_text=_("Needed for terms in hours."),
        widget=forms.TimeInput(attrs={"type": "time", "class": "usa-input"}),
    )
    extension_step = forms.CharField(
        label=_("Extension step"),
        required=False,
        max_length=32,
        help_text=_("The article of the extension, as listed with the rule (e.g. 218.6)."),
        widget=forms.TextInput(attrs={"class": "usa-input"}),
    )
    extension_length = forms.IntegerField(
        label=_("Extension length"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_("In the rule's unit."),
        widget=forms.NumberInput(attrs={"class": "usa-input"}),
    )
