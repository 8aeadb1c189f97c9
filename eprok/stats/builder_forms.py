"""Forms of the report builder: they turn the page's fields into a definition; `reports.builder.parse`
decides whether it is valid (its errors are put back on the fields)."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.core.geo.regions import region_name, regions
from eprok.criminal_code.models import GravityCategory
from eprok.org.forms import UsaFormMixin
from eprok.org.models import Unit

from .exports import FORMATS
from .reports import builder

MAX_DEFINITION = 8000
# The definition's parts (as `builder.parse` names them) → the form's fields.
ALIASES = {
    "dimensions": "dimension_1",
    "definition": "measures",
    "filters": "body",
}  # characters of a definition's JSON in a query string or a form


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class StyledForm(UsaFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.widget.attrs["class"] = "usa-checkbox__input"


def _list(text: str, pattern: str, message: Any) -> list[str]:
    items = [item.strip() for item in re.split(r"[,;\s]+", text or "") if item.strip()]
    for item in items:
        if not re.fullmatch(pattern, item):
            raise forms.ValidationError(message, params={"value": item[:20]})
    return items


def _dimension_choices() -> list[tuple[str, Any]]:
    return [("", _("— none —")), *builder.DIMENSIONS.items()]


class BuilderForm(StyledForm):
    """Measures, up to two dimensions, filters, the period and the unit."""

    measures = forms.MultipleChoiceField(
        label=_("Measures"), choices=list(builder.MEASURES.items()), widget=forms.CheckboxSelectMultiple
    )
    dimension_1 = forms.ChoiceField(label=_("Rows by"), choices=_dimension_choices, required=False)
    dimension_2 = forms.ChoiceField(label=_("and by"), choices=_dimension_choices, required=False)
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    body = forms.MultipleChoiceField(
        label=_("Investigating body"), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.TypedMultipleChoiceField(
        label=_("Gravity category"),
        required=False,
        coerce=int,
        choices=GravityCategory.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    chapter = forms.CharField(
        label=_("Chapters of the Criminal Code"),
        required=False,
        max_length=300,
        help_text=_("Numbers separated by commas, e.g. “16, 23”."),
    )
    article = forms.CharField(
        label=_("Articles of the Criminal Code"),
        required=False,
        max_length=500,
        help_text=_("Main article numbers separated by commas, e.g. “177, 178”."),
    )
    region = forms.MultipleChoiceField(label=_("Regions"), required=False)

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [  # type: ignore[attr-defined]
            ("", _("— the top of my scope —")),
            *[(unit.code, unit.name) for unit in units or []],
        ]
        self.fields["body"].choices = [(code, builder.body_label(code)) for code in builder.body_codes()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            (region.code, region_name(region.code) or region.code) for region in regions()
        ]
        self.fields["region"].widget.attrs.update({"class": "usa-select", "size": "6"})

    def clean_chapter(self) -> list[int]:
        items = _list(
            self.cleaned_data.get("chapter", ""), r"\d{1,2}", _("“%(value)s” is not a chapter number.")
        )
        return [int(item) for item in items]

    def clean_article(self) -> list[str]:
        return _list(
            self.cleaned_data.get("article", ""),
            r"\d{1,4}(?:-\d{1,3})?",
            _("“%(value)s” is not an article number."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("dimension_1"), data.get("dimension_2")
        if second and second == first:
            self.add_error("dimension_2", _("Choose two different dimensions."))
        return data

    def definition(self) -> dict[str, Any]:
        """The raw definition of the valid form (validated further by `builder.parse`)."""
        data = self.cleaned_data
        filters = {name: data[name] for name in builder.FILTERS if data.get(name)}
        result: dict[str, Any] = {
            "measures": list(data["measures"]),
            "dimensions": [name for name in (data.get("dimension_1"), data.get("dimension_2")) if name],
            "filters": filters,
            "start": data["start"].isoformat(),
            "end": data["end"].isoformat(),
        }
        if data.get("unit"):
            result["unit"] = data["unit"]
        return result

    @staticmethod
    def initial_from(definition: dict[str, Any]) -> dict[str, Any]:
        """Field values from a saved definition (to fill the form)."""
        dims = list(definition.get("dimensions") or [])
        filters = definition.get("filters") or {}
        return {
            "measures": definition.get("measures") or [],
            "dimension_1": dims[0] if dims else "",
            "dimension_2": dims[1] if len(dims) > 1 else "",
            "start": definition.get("start"),
            "end": definition.get("end"),
            "unit": definition.get("unit") or "",
            "body": filters.get("body") or [],
            "category": filters.get("category") or [],
            "chapter": ", ".join(str(item) for item in filters.get("chapter") or []),
            "article": ", ".join(str(item) for item in filters.get("article") or []),
            "region": filters.get("region") or [],
        }


def parse_definition_text(text: str) -> Any:
    """A definition from its compact JSON (query string or hidden field); ValueError if it is not JSON."""
    if not text or len(text) > MAX_DEFINITION:
        raise ValueError("definition missing or too long")
    return json.loads(text)


def definition_text(definition: dict[str, Any]) -> str:
    return json.dumps(definition, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def _share_choices(units: list[Unit]) -> list[tuple[str, Any]]:
    return [("", _("Only me")), *[(unit.code, unit.name) for unit in units]]


class SaveQueryForm(StyledForm):
    name = forms.CharField(label=_("Name of the query"), max_length=200)
    shared_with = forms.ChoiceField(
        label=_("Share with"),
        required=False,
        help_text=_(
            "The holders of “View statistics” over the unit see and run the query; only you change it."
        ),
    )
    definition = forms.CharField(widget=forms.HiddenInput, max_length=MAX_DEFINITION)

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit in units or []}
        self.fields["shared_with"].choices = _share_choices(units or [])  # type: ignore[attr-defined]

    def share_unit(self) -> Unit | None:
        return self.units.get(self.cleaned_data.get("shared_with") or "")


class EditQueryForm(StyledForm):
    name = forms.CharField(label=_("Name of the query"), max_length=200)
    shared_with = forms.ChoiceField(label=_("Share with"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, units: list[Unit] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units = {unit.code: unit for unit in units or []}
        self.fields["shared_with"].choices = _share_choices(units or [])  # type: ignore[attr-defined]

    def share_unit(self) -> Unit | None:
        return self.units.get(self.cleaned_data.get("shared_with") or "")


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class ExportFormatForm(forms.Form):
    fmt = forms.ChoiceField(choices=[(fmt, fmt.upper()) for fmt in FORMATS])
    definition = forms.CharField(max_length=MAX_DEFINITION)
