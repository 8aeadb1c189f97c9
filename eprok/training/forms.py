"""Forms of the training pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.org.forms import UsaFormMixin
from eprok.org.models import ClassRank, Employee, Position, Unit, name_search_key
from eprok.training.models import EventFormat, EventKind, EventStatus, ThematicArea, TrainerRole


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


def find_employee(text: str) -> Employee | None:
    """An active employee by login, or by full name when exactly one has it."""
    text = text.strip()
    if not text:
        return None
    employee = Employee.objects.filter(username__iexact=text, is_active=True).first()
    if employee is not None:
        return employee
    matches = list(Employee.objects.filter(name_key=name_search_key(text), is_active=True)[:2])
    return matches[0] if len(matches) == 1 else None


class EventFilterForm(StyledForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Until"), required=False, widget=DateInput)
    area = forms.ModelChoiceField(
        label=_("Thematic area"), required=False, queryset=ThematicArea.objects.all(), empty_label=_("Any")
    )
    kind = forms.ChoiceField(
        label=_("Kind of event"), required=False, choices=[("", _("Any")), *EventKind.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *EventStatus.choices]
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data


class EventForm(StyledForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    area = forms.ModelChoiceField(
        label=_("Thematic area"), queryset=ThematicArea.objects.filter(is_active=True)
    )
    topic = forms.CharField(
        label=_("Topic"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    organiser = forms.ModelChoiceField(label=_("Organiser unit"), queryset=Unit.objects.none())
    starts_at = forms.DateTimeField(label=_("Starts at"), widget=DateTimeInput)
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DateTimeInput)
    format = forms.ChoiceField(label=_("Format"), choices=EventFormat.choices, initial=EventFormat.IN_PERSON)
    venue = forms.CharField(
        label=_("Venue"),
        required=False,
        max_length=255,
        help_text=_("Required for in-person and mixed events."),
    )
    video_link = forms.CharField(
        label=_("Video conference link"),
        required=False,
        max_length=500,
        help_text=_("For online and mixed events; may be added later."),
    )
    hours = forms.DecimalField(label=_("Academic hours"), max_digits=5, decimal_places=1, min_value=0)
    capacity = forms.IntegerField(label=_("Capacity (listeners)"), required=False, min_value=1)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["organiser"].queryset = units  # type: ignore[attr-defined]


class CancelForm(StyledForm):
    reason = forms.CharField(label=_("Reason for cancellation"), widget=forms.Textarea(attrs={"rows": 3}))


class TrainerForm(StyledForm):
    employee = forms.CharField(
        label=_("Employee (login or full name)"),
        required=False,
        max_length=310,
        help_text=_("For a trainer from the prosecution service."),
    )
    external_name = forms.CharField(
        label=_("External expert"), required=False, max_length=255, help_text=_("For a trainer from outside.")
    )
    external_organisation = forms.CharField(label=_("Expert's organisation"), required=False, max_length=255)
    role = forms.ChoiceField(label=_("Role"), choices=TrainerRole.choices, initial=TrainerRole.LEAD)

    def clean_employee(self) -> Employee | None:
        text = self.cleaned_data.get("employee") or ""
        if not text.strip():
            return None
        employee = find_employee(text)
        if employee is None:
            raise forms.ValidationError(_("No single active employee has this login or name."))
        return employee


class InviteForm(StyledForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), required=False, queryset=Unit.objects.filter(is_active=True)
    )
    include_subunits = forms.BooleanField(label=_("With its sub-units"), required=False)
    position = forms.ModelChoiceField(label=_("Position"), required=False, queryset=Position.objects.all())
    class_rank = forms.ModelChoiceField(
        label=_("Class rank"), required=False, queryset=ClassRank.objects.all()
    )
    names = forms.CharField(
        label=_("Listeners by name"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One login or full name a line."),
    )

    def clean_names(self) -> list[Employee]:
        employees: list[Employee] = []
        unknown: list[str] = []
        for line in (self.cleaned_data.get("names") or "").splitlines():
            if not line.strip():
                continue
            employee = find_employee(line)
            if employee is None:
                unknown.append(line.strip())
            else:
                employees.append(employee)
        if unknown:
            raise forms.ValidationError(
                _("No single active employee has this login or name: %(names)s")
                % {"names": "; ".join(unknown)}
            )
        return employees


class CheckInForm(StyledForm):
    code = forms.CharField(label=_("Code shown on the screen"), max_length=20)
