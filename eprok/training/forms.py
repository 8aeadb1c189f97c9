"""Forms of the training pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from eprok.learning.models import Course, CourseStatus
from eprok.org.forms import UsaFormMixin
from eprok.org.models import ClassRank, Employee, Position, Unit, name_search_key
from eprok.training.models import (
    EventFormat,
    EventKind,
    EventStatus,
    PlanStatus,
    ThematicArea,
    TrainerRole,
)


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
    q = forms.CharField(label=_("Title or topic contains"), required=False, max_length=200)
    trainer = forms.CharField(
        label=_("Trainer"),
        required=False,
        max_length=200,
        help_text=_("An employee's or an external expert's name, or part of it."),
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser unit"),
        required=False,
        queryset=Unit.objects.filter(is_active=True).order_by("path"),
        empty_label=_("Any"),
    )
    include_subunits = forms.BooleanField(label=_("With its sub-units"), required=False)
    listener = forms.CharField(
        label=_("Invited listener"),
        required=False,
        max_length=200,
        help_text=_("Login, or the name or part of it."),
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
    follow_up_course = forms.ModelChoiceField(
        label=_("Follow-up course"),
        required=False,
        queryset=Course.objects.none(),
        empty_label=_("None"),
        help_text=_("A published distance-learning course the listeners take after the event."),
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["organiser"].queryset = units  # type: ignore[attr-defined]
        self.fields["follow_up_course"].queryset = Course.objects.filter(  # type: ignore[attr-defined]
            status=CourseStatus.PUBLISHED
        ).order_by("title")


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


MARKS = [(str(value), str(value)) for value in range(5, 0, -1)]


class EvaluationForm(StyledForm):
    content_score = forms.TypedChoiceField(
        label=pgettext_lazy("evaluation mark", "Content"), choices=MARKS, coerce=int, widget=forms.RadioSelect
    )
    trainer_score = forms.TypedChoiceField(
        label=_("Trainers"), choices=MARKS, coerce=int, widget=forms.RadioSelect
    )
    organisation_score = forms.TypedChoiceField(
        label=_("Organisation"), choices=MARKS, coerce=int, widget=forms.RadioSelect
    )
    usefulness_score = forms.TypedChoiceField(
        label=_("Usefulness for the work"), choices=MARKS, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ProtocolForm(StyledForm):
    protocol = forms.CharField(
        label=_("Protocol"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("What was done, the results and the conclusions."),
    )


QUARTERS = [("1", "I"), ("2", "II"), ("3", "III"), ("4", "IV")]
MONTHS = [
    (1, _("January")),
    (2, _("February")),
    (3, _("March")),
    (4, _("April")),
    (5, _("May")),
    (6, _("June")),
    (7, _("July")),
    (8, _("August")),
    (9, _("September")),
    (10, _("October")),
    (11, _("November")),
    (12, _("December")),
]


class PlanFilterForm(StyledForm):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    quarter = forms.ChoiceField(label=_("Quarter"), required=False, choices=[("", _("Any")), *QUARTERS])
    unit = forms.ModelChoiceField(
        label=_("Office"), required=False, queryset=Unit.objects.none(), empty_label=_("Any")
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *PlanStatus.choices]
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PlanForm(StyledForm):
    unit = forms.ModelChoiceField(label=_("Office"), queryset=Unit.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units  # type: ignore[attr-defined]


class PlanNoteForm(StyledForm):
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class PlanItemForm(StyledForm):
    area = forms.ModelChoiceField(
        label=_("Thematic area"), queryset=ThematicArea.objects.filter(is_active=True)
    )
    topic = forms.CharField(label=_("Topic"), max_length=255)
    kind = forms.ChoiceField(label=_("Kind of event"), choices=EventKind.choices)
    month = forms.TypedChoiceField(label=_("Month"), choices=MONTHS, coerce=int)
    hours = forms.DecimalField(label=_("Academic hours"), max_digits=5, decimal_places=1, min_value=0)
    audience = forms.CharField(
        label=_("Listeners"),
        required=False,
        max_length=255,
        help_text=_("Who is to be trained, e.g. “investigators of the district offices”."),
    )
    trainer = forms.CharField(label=_("Trainer"), required=False, max_length=255)

    def __init__(self, *args: Any, quarter: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if quarter:  # offer the months of the plan's quarter; the service checks the number anyway
            months = range(3 * quarter - 2, 3 * quarter + 1)
            self.fields["month"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in MONTHS if value in months
            ]


class DecisionForm(StyledForm):
    comment = forms.CharField(
        label=_("Comment of the Centre"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the plan is returned."),
    )


class AreaForm(StyledForm):
    code = forms.SlugField(label=_("Code"), max_length=64, help_text=_("Latin letters, digits and hyphens."))
    name_az = forms.CharField(label=_("Name (Azerbaijani)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    is_mandatory = forms.BooleanField(label=_("Mandatory for every employee each year"), required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0)
