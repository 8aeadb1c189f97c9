"""Forms of the register pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.materials.models import CheckActionKind, MaterialSource, MaterialStatus, RefusalGround
from eprok.materials.selectors import DEFAULT_SORT, SORTS, MaterialFilter
from eprok.org.forms import UnitChoiceField, UsaFormMixin
from eprok.org.models import Employee, Unit
from eprok.persons.models import PartyRole


def _units_field(units: list[Unit], *, label: Any, required: bool = True) -> UnitChoiceField:
    field = UnitChoiceField(
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]), label=label, required=required
    )
    field.choices = [("", "—")] + [(u.pk, field.label_from_instance(u)) for u in units]
    return field


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class VersionedForm(UsaFormMixin, forms.Form):
    """Every form that changes a report carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# --- the list ---------------------------------------------------------------------------------------

YES_NO = [("", _("Any")), ("yes", _("Anonymous only")), ("no", _("Identified authors only"))]
SORT_LABELS = {
    "-registered_at": _("Newest first"),
    "registered_at": _("Oldest first"),
    "number": _("Number, ascending"),
    "-number": _("Number, descending"),
    "check_due": _("Check due, nearest first"),
    "-check_due": _("Check due, latest first"),
}


class MaterialFilterForm(UsaFormMixin, forms.Form):
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=64, required=False)
    subunits = forms.BooleanField(label=_("Include sub-units"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *MaterialStatus.choices]
    )
    source = forms.ChoiceField(
        label=_("Source"), required=False, choices=[("", _("Any source")), *MaterialSource.choices]
    )
    assignee = forms.CharField(label=_("Assigned to"), max_length=40, required=False)
    registered_from = forms.DateField(label=_("Registered from"), required=False, widget=DateInput)
    registered_to = forms.DateField(label=_("Registered to"), required=False, widget=DateInput)
    due = forms.ChoiceField(
        label=_("Check term"),
        required=False,
        choices=[("", _("Any")), ("near", _("Due soon")), ("overdue", _("Overdue"))],
    )
    anonymous = forms.ChoiceField(label=_("Author"), required=False, choices=YES_NO)
    q = forms.CharField(label=_("Words in the summary"), max_length=200, required=False)
    article = forms.CharField(label=_("Article"), max_length=20, required=False)
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[(key, SORT_LABELS[key]) for key in SORTS]
    )

    def __init__(self, *args: Any, units: Sequence[Any] | None = None, **kwargs: Any) -> None:
        """`units`: the unit filter's choices (each with code, depth and name), e.g. register_units()."""
        super().__init__(*args, **kwargs)
        if units is not None:
            unit_choices = [("", _("All units")), *((u.code, "— " * u.depth + u.name) for u in units)]
            self.fields["unit"].widget = forms.Select(choices=unit_choices)
        assignee_choices: list[tuple[str, Any]] = [
            ("", _("Anyone")),
            ("me", _("Assigned to me")),
            ("none", _("Not assigned")),
        ]
        current = self.data.get("assignee", "") if self.is_bound else ""
        if current and current not in ("me", "none"):
            assignee_choices.append((current, _("The chosen employee")))
        self.fields["assignee"].widget = forms.Select(choices=assignee_choices)
        self._style()

    def to_filter(self) -> MaterialFilter:
        """The valid filters (an invalid field filters nothing rather than failing the page)."""
        if not self.is_bound:
            return MaterialFilter()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        anonymous = {"yes": True, "no": False}.get(data.get("anonymous") or "")
        return MaterialFilter(
            number=data.get("number") or "",
            unit=data.get("unit") or "",
            subunits=bool(data.get("subunits")),
            status=data.get("status") or "",
            source=data.get("source") or "",
            assignee=data.get("assignee") or "",
            registered_from=data.get("registered_from"),
            registered_to=data.get("registered_to"),
            due=data.get("due") or "",
            anonymous=anonymous,
            q=data.get("q") or "",
            article=data.get("article") or "",
            sort=data.get("sort") or DEFAULT_SORT,
        )


# --- registration and the check ---------------------------------------------------------------------


class RegisterForm(UsaFormMixin, forms.Form):
    source = forms.ChoiceField(label=_("Source of the report"), choices=MaterialSource.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DateTimeInput,
        help_text=_("When the report reached the prosecution service."),
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous report (the author is not identified)"), required=False
    )
    source_reference = forms.CharField(
        label=_("Source reference"),
        max_length=200,
        required=False,
        help_text=_("The sender's number and date, the publication, the hotline call, ..."),
    )
    summary = forms.CharField(label=_("Summary of the report"), widget=forms.Textarea(attrs={"rows": 6}))
    incident_date = forms.DateField(label=_("Date of the incident"), required=False, widget=DateInput)
    incident_place = forms.CharField(label=_("Place of the incident"), max_length=300, required=False)
    articles = forms.CharField(
        label=_("Preliminary qualification"),
        max_length=200,
        required=False,
        help_text=_("Articles of the Criminal Code, e.g. 177.2.3, 178.1."),
    )

    def __init__(
        self, *args: Any, units: list[Unit], assignees: list[Employee] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _units_field(units, label=_("Unit"))
        self.fields["assignee"] = forms.ModelChoiceField(
            label=_("Assign the check to"),
            queryset=Employee.objects.filter(pk__in=[e.pk for e in assignees or []]),
            required=False,
            help_text=_("Can be done later from the report's page."),
        )
        self.order_fields(["unit", "source", "received_at", "is_anonymous", "source_reference", "summary"])
        self._style()


class AssignForm(VersionedForm):
    def __init__(self, *args: Any, assignees: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            label=_("Assign the check to"), queryset=Employee.objects.filter(pk__in=[e.pk for e in assignees])
        )
        field.choices = [("", "—")] + [
            (e.pk, f"{e.full_name} — {e.position.name}" if e.position else e.full_name) for e in assignees
        ]
        self.fields["assignee"] = field
        self.order_fields(["assignee", "version"])
        self._style()


class ActionForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind of step"), choices=CheckActionKind.choices)
    performed_on = forms.DateField(label=_("Date"), widget=DateInput, initial=timezone.localdate)
    description = forms.CharField(
        label=_("What was done and what it established"), widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class PartyForm(VersionedForm):
    person = forms.UUIDField(
        label=_("Person"),
        help_text=_("Find the person in the register below, or enter a new one."),
        error_messages={"required": _("Choose a person."), "invalid": _("Choose a person.")},
        widget=forms.HiddenInput,
    )
    role = forms.ChoiceField(label=_("Role in the report"), choices=PartyRole.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class ExtendForm(VersionedForm):
    step = forms.ChoiceField(label=_("Ground of the extension"))
    length = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=30,
        required=False,
        help_text=_("Leave empty to extend by the whole length the ground allows."),
    )
    reason = forms.CharField(label=_("Reason for extending"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, steps: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"].choices = steps  # type: ignore[attr-defined]
        self._style()


class RefuseForm(VersionedForm):
    refusal_ground = forms.ChoiceField(label=_("Legal ground"), choices=RefusalGround.choices)
    grounds = forms.CharField(label=_("Grounds of the decision"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class QuashForm(VersionedForm):
    reason = forms.CharField(label=_("Why the refusal is quashed"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class TransferForm(VersionedForm):
    to_body = forms.CharField(
        label=_("Or another body"),
        max_length=200,
        required=False,
        help_text=_("e.g. the Ministry of Internal Affairs, the State Security Service."),
    )
    grounds = forms.CharField(label=_("Grounds of the transfer"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"] = _units_field(
            units, label=_("To a unit of the prosecution service"), required=False
        )
        self.order_fields(["to_unit", "to_body", "grounds", "version"])
        self._style()


class JoinForm(VersionedForm):
    into = forms.CharField(
        label=_("Number of the report to join it to"),
        max_length=40,
        help_text=_("An open report of a unit whose register you can see."),
    )
    grounds = forms.CharField(label=_("Grounds of the joinder"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class StartCheckForm(VersionedForm):
    pass


def default_received_at() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)
