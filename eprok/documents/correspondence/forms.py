"""Forms of the correspondence register: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.documents.correspondence.selectors import CorrespondenceFilter
from eprok.documents.models import CorrespondenceStatus, DeliveryChannel, Direction, LinkType
from eprok.org.forms import UnitChoiceField, UsaFormMixin
from eprok.org.models import Employee, Unit
from eprok.org.roles import Clearance


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def _any(choices: Any) -> list[tuple[str, Any]]:
    return [("", _("Any")), *list(choices)]


class CorrespondenceFilterForm(UsaFormMixin, forms.Form):
    q = forms.CharField(label=_("Number, subject or correspondent"), max_length=100, required=False)
    direction = forms.ChoiceField(label=_("Direction"), choices=_any(Direction.choices), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=_any(CorrespondenceStatus.choices), required=False)
    channel = forms.ChoiceField(
        label=_("Delivery channel"), choices=_any(DeliveryChannel.choices), required=False
    )
    registered_from = forms.DateField(label=_("Registered from"), required=False, widget=DateInput())
    registered_to = forms.DateField(label=_("Registered to"), required=False, widget=DateInput())
    mine = forms.BooleanField(label=_("Only my resolutions"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def to_filter(self) -> CorrespondenceFilter:
        """The valid filters (an invalid field filters nothing rather than failing the page)."""
        if not self.is_bound:
            return CorrespondenceFilter()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return CorrespondenceFilter(**data)


class LetterForm(UsaFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    correspondent = forms.CharField(
        label=_("Sender or recipient"),
        max_length=300,
        help_text=_("The body or person the letter comes from or goes to."),
    )
    their_number = forms.CharField(label=_("Sender's number"), max_length=64, required=False)
    their_date = forms.DateField(label=_("Sender's date"), required=False, widget=DateInput())
    subject = forms.CharField(label=_("Subject"), max_length=300)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    channel = forms.ChoiceField(label=_("Delivery channel"), choices=DeliveryChannel.choices)
    classification = forms.TypedChoiceField(
        label=_("Classification"), choices=Clearance.choices, coerce=int, initial=Clearance.OFFICIAL
    )
    link_type = forms.ChoiceField(
        label=_("Linked record"), choices=[("", "—"), *list(LinkType.choices)], required=False
    )
    link_key = forms.CharField(label=_("Its number"), max_length=64, required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = UnitChoiceField(queryset=Unit.objects.filter(pk__in=[u.pk for u in units]), label=_("Unit"))
        field.choices = [(u.pk, field.label_from_instance(u)) for u in units]
        self.fields = {"unit": field, **self.fields}
        if len(units) == 1:
            self.fields["unit"].initial = units[0].pk
        self._style()


class ResolutionForm(UsaFormMixin, forms.Form):
    text = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    executor = forms.ModelChoiceField(label=_("Executor"), queryset=Employee.objects.none())
    author = forms.ModelChoiceField(
        label=_("Given by"),
        queryset=Employee.objects.none(),
        required=False,
        help_text=_("The head who gave the resolution; you when empty."),
    )
    due_date = forms.DateField(
        label=_("Due"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: the term of the rule. The head may set an earlier date."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            Employee.objects.filter(is_active=True, unit__path__startswith=unit.path)
            .select_related("unit")
            .order_by("last_name", "first_name", "pk")
        )
        for name in ("executor", "author"):
            field = self.fields[name]
            field.queryset = people  # type: ignore[attr-defined]
            field.label_from_instance = lambda e: f"{e.full_name} — {e.unit.name}"  # type: ignore[attr-defined]
        self._style()


class CompleteForm(UsaFormMixin, forms.Form):
    report = forms.CharField(label=_("Execution report"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
