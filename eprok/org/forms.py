"""Forms of the organisation pages: they parse input; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.core.access import explainable_types
from eprok.org.models import ClassRank, Position, Unit, UnitKind
from eprok.org.roles import Clearance, Role


class UnitChoiceField(forms.ModelChoiceField):
    """Units indented by their depth in the tree."""

    def label_from_instance(self, obj: Any) -> str:
        return "— " * obj.depth + obj.name


def _unit_field(units: list[Unit], *, label: Any, required: bool = True) -> UnitChoiceField:
    field = UnitChoiceField(
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]), label=label, required=required
    )
    # Keep the tree order computed by the selector rather than the queryset's.
    field.choices = [("", "—")] + [(u.pk, field.label_from_instance(u)) for u in units]
    return field


class UsaFormMixin:
    """Adds the design system's classes to every widget."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            else:
                widget.attrs.setdefault("class", "usa-input")


class UnitForm(UsaFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_("Latin letters, digits and hyphens, e.g. “baku-xetai”; cannot be changed later."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=UnitKind.choices)
    name_az = forms.CharField(label=_("Name in Azerbaijani"), max_length=255)
    name_en = forms.CharField(label=_("Name in English"), max_length=255, required=False)
    name_ru = forms.CharField(label=_("Name in Russian"), max_length=255, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)
    district_code = forms.CharField(
        label=_("District code"),
        max_length=16,
        required=False,
        help_text=_("For territorial offices: the district's code, e.g. “xetai”."),
    )

    def __init__(
        self, *args: Any, parents: list[Unit], editing: bool = False, staff: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"] = _unit_field(parents, label=_("Parent unit"))
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False
        if staff is not None:
            self.fields["head"] = forms.ModelChoiceField(
                label=_("Head of the unit"),
                queryset=staff,
                required=False,
                empty_label=_("No head named"),
                help_text=_("An employee of the unit; sees the training and learning of its employees."),
            )
        self._style()


class EmployeeForm(UsaFormMixin, forms.Form):
    username = forms.CharField(label=_("Login"), max_length=64)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        help_text=_("As in the identity card, e.g. “Əli oğlu”."),
    )
    fin = forms.CharField(
        label=_("FIN"),
        max_length=7,
        required=False,
        help_text=_("7 characters: digits and Latin capital letters except I and O."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    position = forms.ModelChoiceField(label=_("Position"), queryset=Position.objects.all(), required=False)
    class_rank = forms.ModelChoiceField(
        label=_("Class rank"), queryset=ClassRank.objects.all(), required=False
    )

    def __init__(self, *args: Any, units: list[Unit], editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, label=_("Unit"))
        if editing:
            self.fields["username"].disabled = True
            self.fields["username"].required = False
        self._style()


class ClearanceForm(UsaFormMixin, forms.Form):
    clearance = forms.TypedChoiceField(label=_("Clearance"), choices=Clearance.choices, coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class RoleAssignmentForm(UsaFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    include_subunits = forms.BooleanField(label=_("With sub-units"), required=False)
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_to = forms.DateField(
        label=_("Valid to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = _unit_field(units, label=_("Unit"))
        self.order_fields(["role", "unit", "include_subunits", "valid_from", "valid_to"])
        self._style()


class DirectoryForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    unit = forms.CharField(label=_("Unit"), required=False, max_length=64)
    subunits = forms.BooleanField(label=_("Include sub-units"), required=False)


class WhyForm(UsaFormMixin, forms.Form):
    login = forms.CharField(label=_("Employee's login"), max_length=64)
    object_type = forms.ChoiceField(label=_("Kind of record"))
    key = forms.CharField(
        label=_("Record"), max_length=200, help_text=_("The record's number or code, as shown on its page.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(label, name) for label, name in explainable_types()]
        self.fields["object_type"].choices = choices  # type: ignore[attr-defined]
        self._style()
