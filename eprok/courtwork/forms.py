"""Forms of the court-work pages: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.cases.forms import DateInput, DateTimeInput, employee_field
from eprok.org.forms import UsaFormMixin
from eprok.org.models import Employee

from .models import (
    AppealOutcome,
    AppealParty,
    Court,
    DecisionKind,
    Instance,
    MotionOutcome,
    PositionKind,
    ProceedingStatus,
)


class CourtChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


def court_field(*, required: bool = True) -> CourtChoiceField:
    return CourtChoiceField(
        queryset=Court.objects.filter(is_active=True).order_by("level", "name_az"),
        label=_("Court"),
        required=required,
    )


class StyledForm(UsaFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class VersionedForm(StyledForm):
    """Every form that changes a proceeding carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class ProceedingFilterForm(StyledForm):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", "—"), *ProceedingStatus.choices]
    )
    instance = forms.ChoiceField(label=_("Instance"), required=False, choices=[("", "—"), *Instance.choices])
    court = court_field(required=False)
    mine = forms.BooleanField(label=_("Only mine"), required=False)
    upcoming = forms.BooleanField(label=_("With a hearing ahead"), required=False)


class OpenForm(StyledForm):
    court = court_field()
    sent_on = forms.DateField(label=_("Sent to court on"), widget=DateInput)
    judge = forms.CharField(label=_("Judge"), max_length=200, required=False)
    court_number = forms.CharField(label=_("Number in the court"), max_length=64, required=False)

    def __init__(self, *args: Any, prosecutors: Iterable[Employee] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prosecutor"] = employee_field(prosecutors, label=_("State prosecutor"), required=False)
        self._style()


class UpdateForm(VersionedForm):
    court = court_field()
    judge = forms.CharField(label=_("Judge"), max_length=200, required=False)
    court_number = forms.CharField(label=_("Number in the court"), max_length=64, required=False)

    def __init__(self, *args: Any, prosecutors: Iterable[Employee] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["prosecutor"] = employee_field(prosecutors, label=_("State prosecutor"), required=False)
        self._style()


class HearingForm(VersionedForm):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DateTimeInput)
    courtroom = forms.CharField(label=_("Courtroom"), max_length=64, required=False)
    judge = forms.CharField(label=_("Judge"), max_length=200, required=False)


class PostponeForm(VersionedForm):
    starts_at = forms.DateTimeField(label=_("New date and time"), widget=DateTimeInput)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class HoldForm(VersionedForm):
    outcome = forms.CharField(
        label=_("What happened"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class CancelForm(VersionedForm):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class PositionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=PositionKind.choices)
    text = forms.CharField(label=_("Text"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))
    stated_on = forms.DateField(label=_("Stated on"), widget=DateInput, required=False)


class PositionOutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=MotionOutcome.choices)


class DecisionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind of decision"), choices=DecisionKind.choices)
    decided_on = forms.DateField(label=_("Announced on"), widget=DateInput)
    sentence = forms.CharField(
        label=_("Sentence"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    text = forms.CharField(
        label=_("Summary"), max_length=20_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class AppealForm(VersionedForm):
    party = forms.ChoiceField(label=_("Filed by"), choices=AppealParty.choices)
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput)
    grounds = forms.CharField(label=_("Grounds"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5}))


class AppealOutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in AppealOutcome.choices if c[0] != "pending"]
    )
    decided_on = forms.DateField(label=_("Decided on"), widget=DateInput, required=False)


class ForceForm(VersionedForm):
    on = forms.DateField(label=_("In force since"), widget=DateInput, required=False)
