"""Forms of the person pages: they parse input; the services check and normalise it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.persons.models import AddressKind, DocumentKind, PersonKind, Sex
from eprok.persons.selectors import DEFAULT_SORT, SORTS, PersonFilters

_DATE = {"type": "date"}


class UsaFormMixin:
    """Adds the design system's classes to every widget."""

    def _style(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(widget, forms.RadioSelect):
                widget.attrs.setdefault("class", "usa-radio__input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            else:
                widget.attrs.setdefault("class", "usa-input")


class PersonFilterForm(UsaFormMixin, forms.Form):
    """The one filter of the registry: the search page, its exports and the API list all parse it."""

    q = forms.CharField(
        label=_("Name or number"),
        max_length=200,
        required=False,
        help_text=_(
            "Surname first, in any spelling (Məmmədov, Mammadov, Mamedov, Мамедов), or a FIN, VÖEN, "
            "document or phone number."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Persons and entities")), *PersonKind.choices]
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[(key, key) for key in SORTS], widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def to_filters(self) -> PersonFilters:
        """The filters of a valid form; an invalid or unbound one asks for nothing."""
        if not self.is_bound or not self.is_valid():
            return PersonFilters()
        data = self.cleaned_data
        return PersonFilters(
            q=data["q"].strip(),
            kind=data["kind"] or "",
            birth_date=data["birth_date"],
            sort=data["sort"] or DEFAULT_SORT,
        )


class NaturalPersonForm(UsaFormMixin, forms.Form):
    last_name = forms.CharField(label=_("Surname"), max_length=100)
    first_name = forms.CharField(label=_("Name"), max_length=100)
    patronymic = forms.CharField(
        label=_("Patronymic"),
        max_length=100,
        required=False,
        help_text=_("As in the identity card, e.g. “Əli oğlu”, “Vəli qızı”."),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", "—"), *Sex.choices])
    citizenship = forms.CharField(
        label=_("Citizenship"),
        max_length=2,
        required=False,
        help_text=_("Two-letter country code: AZ for Azerbaijan, TR, RU, GE, IR, …"),
    )
    fin = forms.CharField(
        label=_("FIN"),
        max_length=9,
        required=False,
        help_text=_("7 characters from the identity card: digits and Latin capital letters except I and O."),
    )
    virtual_pin = forms.CharField(
        label=_("Virtual PIN"),
        max_length=20,
        required=False,
        help_text=_("For a foreigner without a FIN: the virtual PIN given by the migration service."),
    )
    voen = forms.CharField(
        label=_("VÖEN"),
        max_length=14,
        required=False,
        help_text=_("Only for a registered individual entrepreneur: 10 digits ending in 2."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(
        label=_("None of these is the same person: register a new record"), required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["confirm_new"]
        self._style()


class LegalEntityForm(UsaFormMixin, forms.Form):
    legal_name = forms.CharField(
        label=_("Name of the legal entity"),
        max_length=300,
        help_text=_("As in the state register, e.g. “Azərsu” ASC."),
    )
    voen = forms.CharField(
        label=_("VÖEN"), max_length=14, required=False, help_text=_("10 digits ending in 1.")
    )
    registration_number = forms.CharField(label=_("State registration number"), max_length=64, required=False)
    registration_date = forms.DateField(
        label=_("Date of state registration"), required=False, widget=forms.DateInput(attrs=_DATE)
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(
        label=_("None of these is the same entity: register a new record"), required=False
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["confirm_new"]
        self._style()


PERSON_FORMS: dict[str, type[forms.Form]] = {
    PersonKind.NATURAL: NaturalPersonForm,
    PersonKind.LEGAL: LegalEntityForm,
}


class DocumentForm(UsaFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    series = forms.CharField(
        label=_("Series"),
        max_length=12,
        required=False,
        help_text=_("May be left empty for an identity card or passport: write the whole number below."),
    )
    number = forms.CharField(
        label=_("Number"), max_length=40, help_text=_("E.g. AZE12345678, AA1234567, C01234567.")
    )
    issuing_country = forms.CharField(
        label=_("Issuing country"), max_length=2, required=False, help_text=_("Two-letter code, e.g. AZ.")
    )
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    issued_on = forms.DateField(label=_("Issued on"), required=False, widget=forms.DateInput(attrs=_DATE))
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs=_DATE))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class AddressForm(UsaFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind of address"))
    district = forms.CharField(label=_("City or district"), max_length=100, required=False)
    text = forms.CharField(
        label=_("Address"), max_length=300, help_text=_("Street, house, flat; settlement.")
    )
    postal_code = forms.CharField(
        label=_("Postal code"), max_length=7, required=False, help_text=_("AZ and 4 digits, e.g. AZ1000.")
    )

    def __init__(self, *args: Any, person_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = (
            (AddressKind.LEGAL, AddressKind.RESIDENCE)
            if person_kind == PersonKind.LEGAL
            else (AddressKind.REGISTRATION, AddressKind.RESIDENCE, AddressKind.WORK)
        )
        self.fields["kind"].choices = [(k.value, k.label) for k in allowed]  # type: ignore[attr-defined]
        self._style()


class PhoneForm(UsaFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Phone number"),
        max_length=32,
        help_text=_("E.g. 050 123 45 67, +994 12 123 45 67; a foreign number with + and its country code."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=100, required=False, help_text=_("E.g. mobile, work, relative's.")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class MergeForm(UsaFormMixin, forms.Form):
    keep = forms.ChoiceField(label=_("Which record stays"), widget=forms.RadioSelect)
    reason = forms.CharField(
        label=_("Why these records are the same person"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("E.g. the same FIN in the identity card copy of material 12-2025/XE/0042."),
    )

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = choices  # type: ignore[attr-defined]
        self._style()
