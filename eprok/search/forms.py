"""The search form: it parses and checks the query and the filters for the page and the API alike."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed
from eprok.org.forms import UsaFormMixin
from eprok.search.registry import sources
from eprok.search.selectors import MAX_PAGE, SearchParams

MAX_QUERY = 200
_ARTICLE = re.compile(r"\d{1,3}(?:\.\d{1,3}){0,4}")
_STATUS = re.compile(r"[a-z_]{1,40}")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class SearchForm(UsaFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY,
        required=False,
        help_text=_("A name in any spelling, a FIN, a register or case number, a phone number or words."),
    )
    type = forms.MultipleChoiceField(label=_("Type"), required=False, widget=forms.CheckboxSelectMultiple)
    unit = forms.CharField(label=_("Unit"), max_length=64, required=False, widget=forms.HiddenInput)
    status = forms.CharField(label=_("Status"), max_length=40, required=False, widget=forms.HiddenInput)
    article = forms.CharField(
        label=_("Criminal Code article"),
        max_length=24,
        required=False,
        help_text=_("E.g. 178 or 178.1; an article includes its parts."),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    page = forms.IntegerField(min_value=1, max_value=MAX_PAGE, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        types = self.fields["type"]
        assert isinstance(types, forms.MultipleChoiceField)
        types.choices = [(s.label, s.verbose_name) for s in sources()]
        self._style()

    def clean_q(self) -> str:
        return " ".join((self.cleaned_data.get("q") or "").split())

    def clean_unit(self) -> int | None:
        from eprok.org.models import Unit

        code = (self.cleaned_data.get("unit") or "").strip()
        if not code:
            return None
        unit = Unit.objects.filter(code=code).values_list("pk", flat=True).first()
        if unit is None:
            raise forms.ValidationError(_("There is no unit with this code."), code="unknown_unit")
        return int(unit)

    def clean_status(self) -> str:
        value = (self.cleaned_data.get("status") or "").strip()
        if value and not _STATUS.fullmatch(value):
            raise forms.ValidationError(_("This is not a status."), code="invalid_status")
        return value

    def clean_article(self) -> str:
        value = (self.cleaned_data.get("article") or "").strip().rstrip(".")
        if value and not _ARTICLE.fullmatch(value):
            raise forms.ValidationError(
                _("Write an article of the Criminal Code as numbers with dots, e.g. 178.1."),
                code="invalid_article",
            )
        return value

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def params(self) -> SearchParams:
        """The checked parameters (call after is_valid())."""
        data = self.cleaned_data
        return SearchParams(
            q=data.get("q") or "",
            types=tuple(data.get("type") or ()),
            unit=data.get("unit"),
            unit_code=(self.data.get("unit") or "").strip() if data.get("unit") else "",
            status=data.get("status") or "",
            article=data.get("article") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            page=data.get("page") or 1,
        )


def parse(data: Mapping[str, Any]) -> SearchParams:
    """SearchParams from query parameters, or ValidationFailed (422) naming each bad field."""
    form = SearchForm(data)
    if not form.is_valid():
        details = {field: " ".join(str(e) for e in errors) for field, errors in form.errors.items()}
        first = next(iter(details.values()))
        raise ValidationFailed(first, details=details)
    return form.params()
