"""Forms of the special reports' pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.org.forms import UsaFormMixin
from eprok.org.models import Unit
from eprok.org.roles import Clearance
from eprok.special.models import IncidentType, PersonRole, ReportStatus, Urgency


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class StyledForm(UsaFormMixin, forms.Form):
    """A form in the design system's markup."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def district_choices() -> list[tuple[str, str]]:
    """The districts (by the units' district codes), named after the district's office."""
    names: dict[str, str] = {}
    for unit in Unit.objects.exclude(district_code="").filter(is_active=True).order_by("path"):
        names.setdefault(unit.district_code, unit.name)
    return [("", "—"), *sorted(names.items(), key=lambda item: item[1])]


def region_choices() -> list[tuple[str, str]]:
    """The regions of the map (eprok.core.geo), by name in the interface language."""
    from eprok.core import geo

    return sorted(((region.code, region.name) for region in geo.regions()), key=lambda item: item[1])


class ReportForm(StyledForm):
    unit = forms.ModelChoiceField(queryset=Unit.objects.none(), label=_("Reporting unit"))
    incident_type = forms.ModelChoiceField(
        queryset=IncidentType.objects.filter(is_active=True), label=_("Type of incident")
    )
    urgency = forms.ChoiceField(choices=Urgency.choices, initial=Urgency.URGENT, label=_("Urgency"))
    occurred_at = forms.DateTimeField(label=_("Date and time of the incident"), widget=DateTimeInput)
    district_code = forms.ChoiceField(label=_("District"), choices=())
    address = forms.CharField(label=_("Address or place"), max_length=255)
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=8, decimal_places=5, help_text=_("e.g. 40.40926")
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=8, decimal_places=5, help_text=_("e.g. 49.86709")
    )
    summary = forms.CharField(
        label=_("Short description"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        help_text=_("What happened, to whom, by whom (as far as known), and how it became known."),
    )
    dead_count = forms.IntegerField(label=_("Dead"), min_value=0, initial=0)
    injured_count = forms.IntegerField(label=_("Injured"), min_value=0, initial=0)
    involved_count = forms.IntegerField(label=_("Other persons involved"), min_value=0, initial=0)
    articles = forms.CharField(
        label=_("Preliminary qualification (Criminal Code articles)"),
        required=False,
        max_length=255,
        help_text=_("e.g. 120.2.1, 126.1"),
    )
    scene_examined = forms.BooleanField(label=_("The scene has been examined"), required=False)
    material_number = forms.CharField(
        label=_("Crime report registered (number)"), required=False, max_length=64
    )
    case_number = forms.CharField(label=_("Criminal case opened (number)"), required=False, max_length=64)
    measures = forms.CharField(
        label=_("Other measures taken"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=8000,
    )
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Clearance.choices[1:], coerce=int, initial=Clearance.OFFICIAL
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = (  # type: ignore[attr-defined]
            Unit.objects.filter(pk__in=[unit.pk for unit in units])
            if units is not None
            else Unit.objects.none()
        )
        if units is not None and len(units) == 1:
            field.initial = units[0].pk
            field.widget = forms.HiddenInput()
        self.fields["district_code"].choices = district_choices()  # type: ignore[attr-defined]
        if units is not None and len(units) >= 1 and units[0].district_code:
            self.fields["district_code"].initial = units[0].district_code
        self._style()


class FollowUpForm(StyledForm):
    text = forms.CharField(
        label=_("What has happened since"), widget=forms.Textarea(attrs={"rows": 4}), max_length=8000
    )
    material_number = forms.CharField(
        label=_("Crime report registered (number)"), required=False, max_length=64
    )
    case_number = forms.CharField(label=_("Criminal case opened (number)"), required=False, max_length=64)


class CloseForm(StyledForm):
    reason = forms.CharField(
        label=_("Reason for closing"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The decision reached in the matter, e.g. the case sent to court or the refusal."),
    )


class PersonLinkForm(StyledForm):
    person = forms.UUIDField(
        label=_("Person's registry identifier"), help_text=_("From the person's card in the registry.")
    )
    role = forms.ChoiceField(label=_("Role in the incident"), choices=PersonRole.choices)


class ReportFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *ReportStatus.choices]
    )
    incident_type = forms.ModelChoiceField(
        label=_("Type of incident"), required=False, queryset=IncidentType.objects.all(), empty_label=_("Any")
    )
    region = forms.ChoiceField(label=_("Region"), required=False, choices=())
    district_code = forms.ChoiceField(label=_("District"), required=False, choices=())
    date_from = forms.DateField(label=_("Submitted from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Submitted until"), required=False, widget=DateInput)
    undelivered = forms.BooleanField(label=_("Not yet delivered only"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["district_code"].choices = [("", _("Any")), *district_choices()[1:]]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("Any")), *region_choices()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class IncidentTypeForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=64)
    name_az = forms.CharField(label=_("Name (Azerbaijani)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255, required=False)
    routed_to = forms.ModelMultipleChoiceField(
        label=_("Routed to (departments)"),
        required=False,
        queryset=Unit.objects.filter(is_active=True, depth__lte=2).order_by("path"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    follow_up_hours = forms.IntegerField(
        label=_("Follow-up interval (hours)"), min_value=1, max_value=24 * 30
    )
    ack_target_minutes = forms.IntegerField(
        label=_("Acknowledgement target (minutes)"), min_value=1, max_value=24 * 60
    )
    classification = forms.TypedChoiceField(
        label=_("Minimum classification"), choices=Clearance.choices[1:], coerce=int
    )
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
    is_active = forms.BooleanField(label=_("Offered in new reports"), required=False, initial=True)
