"""Forms of the supervision pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.org.forms import UsaFormMixin
from eprok.org.models import Employee, Unit

from .models import ActKind, InvestigatingBody, SupervisedStatus, ViolationKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class StyledForm(UsaFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class VersionedForm(StyledForm):
    """An action on the case: carries the version the user saw, so a change made meanwhile is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class CaseFilterForm(StyledForm):
    words = forms.CharField(label=_("Words"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *SupervisedStatus.choices]
    )
    body = forms.ModelChoiceField(
        label=_("Investigating body"), required=False, queryset=InvestigatingBody.objects.order_by("code")
    )
    unit = forms.ModelChoiceField(label=_("Supervising unit"), required=False, queryset=Unit.objects.none())
    mine = forms.BooleanField(label=_("Only the cases I supervise"), required=False)
    overdue = forms.BooleanField(label=_("Term or answer overdue"), required=False)
    has_violations = forms.BooleanField(label=_("With violations not remedied"), required=False)

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]


class DetailsForm(VersionedForm):
    number = forms.CharField(label=_("Case number"), max_length=40)
    investigator_name = forms.CharField(label=_("Investigator"), max_length=200)
    investigator_contact = forms.CharField(
        label=_("Investigator's contact"), max_length=200, required=False, help_text=_("Telephone or e-mail.")
    )
    opened_on = forms.DateField(label=_("Opened on"), widget=DateInput)
    articles = forms.CharField(
        label=_("Articles of the Criminal Code"),
        max_length=300,
        help_text=_("The main article first, e.g. “177.2.3, 178.1”."),
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    accused = forms.CharField(
        label=_("Suspects and accused"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=20000,
    )
    in_custody = forms.BooleanField(label=_("A person is in custody"), required=False)
    custody_until = forms.DateTimeField(
        label=_("Custody runs out at"), required=False, widget=DateTimeInput, input_formats=["%Y-%m-%dT%H:%M"]
    )


class CaseForm(DetailsForm):
    unit = forms.ModelChoiceField(label=_("Supervising unit"), queryset=Unit.objects.none())
    body = forms.ModelChoiceField(
        label=_("Investigating body"),
        queryset=InvestigatingBody.objects.filter(is_active=True).order_by("code"),
    )
    supervise_myself = forms.BooleanField(
        label=_("I supervise this case myself"), required=False, initial=True
    )
    field_order = ["unit", "body", "number", "investigator_name", "investigator_contact", "opened_on"]

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]
        del self.fields["version"]


class ReasonForm(VersionedForm):
    reason = forms.CharField(label=_("Ground"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)


class ExtendForm(VersionedForm):
    due = forms.DateField(label=_("New due date"), widget=DateInput)
    reason = forms.CharField(label=_("Ground"), widget=forms.Textarea(attrs={"rows": 2}), max_length=20000)


class AssignForm(VersionedForm):
    supervisor = forms.ModelChoiceField(label=_("Supervising prosecutor"), queryset=Employee.objects.none())

    def __init__(self, *args: Any, supervisors: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["supervisor"].queryset = supervisors  # type: ignore[attr-defined]


class IndictmentForm(VersionedForm):
    received_at = forms.DateTimeField(
        label=_("Received at"),
        required=False,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Leave empty for now."),
    )


class ApproveForm(VersionedForm):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=20000
    )


class ActForm(StyledForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in (ActKind.INSTRUCTION, ActKind.DEMAND, ActKind.PROTEST)],
    )
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}), max_length=20000)
    due_date = forms.DateField(label=_("Answer due"), widget=DateInput)


class AnswerForm(StyledForm):
    answer = forms.CharField(label=_("Answer"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000)
    answered_at = forms.DateTimeField(
        label=_("Answered at"),
        required=False,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text=_("Leave empty for now."),
    )
    accepted = forms.TypedChoiceField(
        label=_("The answer is"),
        choices=[("1", _("accepted")), ("0", _("not accepted"))],
        coerce=lambda value: value == "1",
    )


class ViolationForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ViolationKind.choices)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=20000
    )
    found_on = forms.DateField(label=_("Found on"), widget=DateInput, required=False)


class RemedyForm(StyledForm):
    remedied_on = forms.DateField(label=_("Remedied on"), widget=DateInput, required=False)


class StatisticsForm(StyledForm):
    date_from = forms.DateField(label=_("From"), widget=DateInput, required=False)
    date_to = forms.DateField(label=_("To"), widget=DateInput, required=False)
    unit = forms.ModelChoiceField(label=_("Supervising unit"), required=False, queryset=Unit.objects.none())

    def __init__(self, *args: Any, units: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data
