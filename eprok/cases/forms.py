"""Forms of the cases pages: they parse input; the services decide."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.org.forms import UnitChoiceField, UsaFormMixin
from eprok.org.models import Employee, Unit
from eprok.persons.models import PartyRole

from .models import (
    ActKind,
    Case,
    CaseParty,
    CaseStatus,
    MeasureKind,
    SuspensionGround,
    TerminationGround,
)
from .selectors import DEFAULT_SORT, DUE_FILTERS, SORTS, CaseFilter
from .services.parties import MANUAL_ACT_KINDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def _date(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DateInput, help_text=help_text)


def _moment(label: Any, *, required: bool = False, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=DateTimeInput,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text=help_text,
    )


def _text(
    label: Any, *, required: bool = True, rows: int = 4, max_length: int = 20_000, help_text: Any = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "class": "usa-textarea"}),
        help_text=help_text,
    )


def unit_field(units: Iterable[Unit], *, label: Any, required: bool = True) -> UnitChoiceField:
    units = list(units)
    field = UnitChoiceField(
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]), label=label, required=required
    )
    field.choices = [("", "—")] + [(u.pk, field.label_from_instance(u)) for u in units]
    return field


class EmployeeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.full_name


def employee_field(
    people: Iterable[Employee], *, label: Any, required: bool = True, help_text: Any = ""
) -> EmployeeChoiceField:
    people = list(people)
    field = EmployeeChoiceField(
        queryset=Employee.objects.filter(pk__in=[p.pk for p in people]),
        label=label,
        required=required,
        help_text=help_text,
    )
    field.choices = [("", "—")] + [(p.pk, p.full_name) for p in people]
    return field


class PartyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.person.display_name} — {obj.get_role_display()}"


def party_field(parties: Iterable[CaseParty], *, label: Any, required: bool = True) -> PartyChoiceField:
    parties = list(parties)
    field = PartyChoiceField(
        queryset=CaseParty.objects.filter(pk__in=[p.pk for p in parties]), label=label, required=required
    )
    field.choices = [("", "—")] + [(p.pk, field.label_from_instance(p)) for p in parties]
    return field


class VersionedForm(UsaFormMixin, forms.Form):
    """Every form that changes a case carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def _style(self) -> None:
        super()._style()
        for bound in self.fields.values():
            if isinstance(bound.widget, forms.Textarea):
                bound.widget.attrs["class"] = "usa-textarea"
            elif isinstance(bound.widget, forms.CheckboxSelectMultiple):
                bound.widget.attrs["class"] = "usa-checkbox__input"


# --- the list ---------------------------------------------------------------------------------------------

SORT_LABELS = {
    "-opened": _("Newest first"),
    "opened": _("Oldest first"),
    "number": _("Number, ascending"),
    "-number": _("Number, descending"),
    "due": _("Next term, nearest first"),
    "-due": _("Next term, latest first"),
    "status": _("Status"),
    "-status": _("Status, reversed"),
    "investigator": _("Investigator, A to Z"),
    "-investigator": _("Investigator, Z to A"),
}


class CaseFilterForm(UsaFormMixin, forms.Form):
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=64, required=False)
    subunits = forms.BooleanField(label=_("Include sub-units"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CaseStatus.choices]
    )
    article = forms.CharField(
        label=_("Article"),
        max_length=32,
        required=False,
        help_text=_("An article or a part, e.g. 177 or 177.2."),
    )
    category = forms.TypedChoiceField(
        label=_("Gravity"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any")), (1, "1"), (2, "2"), (3, "3"), (4, "4")],
    )
    investigator = forms.CharField(label=_("Investigator"), max_length=100, required=False)
    supervisor = forms.CharField(label=_("Supervising prosecutor"), max_length=100, required=False)
    opened_from = _date(_("Opened from"))
    opened_to = _date(_("Opened to"))
    due = forms.ChoiceField(
        label=_("Terms"),
        required=False,
        choices=[("", _("Any")), ("near", _("A term runs out soon")), ("overdue", _("A term is overdue"))],
    )
    custody = forms.BooleanField(label=_("Someone in custody"), required=False)
    sort = forms.ChoiceField(
        label=_("Order"), required=False, choices=[(k, v) for k, v in SORT_LABELS.items()]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def to_filter(self) -> CaseFilter:
        """The filter the form describes; invalid fields are ignored rather than failing the page."""
        data = (
            self.cleaned_data
            if self.is_valid()
            else {
                name: value
                for name, value in getattr(self, "cleaned_data", {}).items()
                if name not in self.errors
            }
        )
        sort = data.get("sort") or DEFAULT_SORT
        return CaseFilter(
            number=data.get("number") or "",
            unit=data.get("unit") or "",
            subunits=bool(data.get("subunits")),
            status=data.get("status") or "",
            article=data.get("article") or "",
            category=data.get("category") or None,
            investigator=data.get("investigator") or "",
            supervisor=data.get("supervisor") or "",
            opened_from=data.get("opened_from"),
            opened_to=data.get("opened_to"),
            due=str(data.get("due") or "") if data.get("due") in DUE_FILTERS else "",
            custody=bool(data.get("custody")),
            sort=sort if sort in SORTS else DEFAULT_SORT,
        )


# --- opening ----------------------------------------------------------------------------------------------

ARTICLES_HELP = _("Articles with parts, separated by commas; the first is the main one, e.g. 177.2.3, 178.1.")


class OpenForm(UsaFormMixin, forms.Form):
    material = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    articles = forms.CharField(label=_("Qualification"), max_length=300, help_text=ARTICLES_HELP)
    summary = _text(_("What the case is about"))
    opening_grounds = _text(_("Reasons and grounds for opening (CPC art. 46)"))
    opened_at = _moment(_("Opened at"), help_text=_("Leave empty for now."))

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        investigators: list[Employee],
        supervisors: list[Employee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = unit_field(units, label=_("Investigating unit"))
        self.fields["investigator"] = employee_field(investigators, label=_("Investigator in charge"))
        self.fields["supervisor"] = employee_field(supervisors, label=_("Supervising prosecutor"))
        self.order_fields(
            ["unit", "investigator", "supervisor", "articles", "summary", "opening_grounds", "opened_at"]
        )
        self._style()


# --- actions on a case --------------------------------------------------------------------------------------


class QualifyForm(VersionedForm):
    reference = forms.CharField(label=_("Article"), max_length=32, help_text=_("With parts, e.g. 178.2.1."))
    is_main = forms.BooleanField(label=_("Make it the main article"), required=False)
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))
    reason = _text(_("Reasons"), required=False, rows=3, max_length=2000)


class RequalifyForm(VersionedForm):
    articles = forms.CharField(label=_("New qualification"), max_length=300, help_text=ARTICLES_HELP)
    on = _date(_("Date of the decision"), help_text=_("The articles must be in force on this date."))
    reason = _text(_("Reasons for the re-qualification"))


class PartyAddForm(VersionedForm):
    person = forms.UUIDField(
        label=_("Person"), help_text=_("Find the person in the registry above, or add them to it first.")
    )
    role = forms.ChoiceField(label=_("Procedural status"), choices=PartyRole.choices)
    since = _date(_("Since"), help_text=_("Leave empty for today."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PartyStatusForm(VersionedForm):
    role = forms.ChoiceField(label=_("New procedural status"), choices=PartyRole.choices)
    on = _date(_("Date"), help_text=_("Leave empty for today."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PartyRemoveForm(VersionedForm):
    reason = _text(_("Reason"), rows=3, max_length=2000)
    on = _date(_("Date"), help_text=_("Leave empty for today."))


class ActForm(VersionedForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[(value, label) for value, label in ActKind.choices if value in MANUAL_ACT_KINDS],
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    act_date = _date(_("Date of the act"), help_text=_("Leave empty for today."))
    body = _text(_("Content"), required=False, rows=8)

    def __init__(self, *args: Any, parties: list[CaseParty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"] = party_field(parties, label=_("Concerns"), required=False)
        self.order_fields(["kind", "title", "act_date", "party", "body"])
        self._style()


class MeasureApplyForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Measure"), choices=MeasureKind.choices)
    started_at = _moment(_("Started at"), help_text=_("For a detention: the moment of actual detention."))
    court_decision = forms.CharField(
        label=_("Court decision"),
        max_length=200,
        required=False,
        help_text=_("Required for arrest, house arrest and bail: court, date and number."),
    )

    def __init__(self, *args: Any, parties: list[CaseParty], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["party"] = party_field(parties, label=_("Applied to"))
        self.order_fields(["party", "kind", "started_at", "court_decision"])
        self._style()


class ExtensionForm(VersionedForm):
    length = forms.IntegerField(label=_("Length"), min_value=1, max_value=100)
    reason = _text(_("Reasons"), rows=3)
    decision_reference = forms.CharField(label=_("Decision"), max_length=200, required=False)

    def __init__(
        self, *args: Any, steps: list[dict[str, Any]], unit_label: Any, court: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["step"] = forms.ChoiceField(
            label=_("Under"),
            choices=[
                (str(s.get("key")), f"{s.get('source', s.get('key'))} (+{s.get('max_total')})") for s in steps
            ],
        )
        self.fields["length"].help_text = unit_label
        if court:
            self.fields["decision_reference"].required = True
            self.fields["decision_reference"].label = _("Court decision")
        self.order_fields(["step", "length", "decision_reference", "reason"])
        self._style()


class MeasureEndForm(VersionedForm):
    ended_at = _moment(_("Ended at"), help_text=_("Leave empty for now."))
    reason = forms.CharField(label=_("Reason"), max_length=300)


class SuspendForm(VersionedForm):
    ground = forms.ChoiceField(label=_("Ground (CPC art. 53.1)"), choices=SuspensionGround.choices)
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))
    reason = _text(_("Reasons"))


class DecisionForm(VersionedForm):
    """A decision with its date and reasons (resumption, reopening)."""

    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))
    reason = _text(_("Reasons"))


class JoinForm(VersionedForm):
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))
    reason = _text(_("Grounds for joining (CPC art. 49)"))

    def __init__(self, *args: Any, targets: list[Case], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = forms.ModelChoiceField(
            queryset=Case.objects.filter(pk__in=[c.pk for c in targets]),
            label=_("Join into case"),
            help_text=_("Open cases on whose team you are."),
        )
        field.choices = [("", "—")] + [(c.pk, f"{c.number} — {c.articles}") for c in targets]
        self.fields["into"] = field
        self.order_fields(["into", "on", "reason"])
        self._style()


class SeparateForm(VersionedForm):
    articles = forms.CharField(
        label=_("Qualification of the new case"), max_length=300, help_text=ARTICLES_HELP
    )
    summary = _text(_("What the new case is about"))
    grounds = _text(_("Grounds for separation (CPC art. 50)"))
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))

    def __init__(
        self, *args: Any, parties: list[CaseParty], investigators: list[Employee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        field = forms.ModelMultipleChoiceField(
            queryset=CaseParty.objects.filter(pk__in=[p.pk for p in parties]),
            label=_("Parties of the new case"),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Suspects and accused leave this case with their measures; others are copied."),
        )
        field.choices = [(p.pk, f"{p.person.display_name} — {p.get_role_display()}") for p in parties]
        self.fields["parties"] = field
        self.fields["investigator"] = employee_field(
            investigators, label=_("Investigator in charge"), required=False
        )
        self.order_fields(["parties", "articles", "summary", "grounds", "investigator", "on"])
        self._style()


class TransferForm(VersionedForm):
    reason = _text(_("Reasons for the transfer"))

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        investigators: list[Employee],
        supervisors: list[Employee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"] = unit_field(units, label=_("To unit"))
        self.fields["investigator"] = employee_field(
            investigators, label=_("Investigator in charge"), help_text=_("Choose the unit first.")
        )
        self.fields["supervisor"] = employee_field(
            supervisors,
            label=_("Supervising prosecutor"),
            required=False,
            help_text=_("Leave empty to keep the current one."),
        )
        self.order_fields(["to_unit", "investigator", "supervisor", "reason"])
        self._style()


class TeamAddForm(VersionedForm):
    lead = forms.BooleanField(label=_("Make them the investigator in charge"), required=False)

    def __init__(self, *args: Any, investigators: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employee"] = employee_field(investigators, label=_("Investigator"))
        self.order_fields(["employee", "lead"])
        self._style()


class ConfirmForm(VersionedForm):
    """An action without fields: only the version it was based on."""


class InstructionForm(VersionedForm):
    text = _text(_("Instruction"))
    due_date = _date(_("Due date"), required=True)


class ReportForm(VersionedForm):
    report = _text(_("Report on execution"))


class IndictmentForm(VersionedForm):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    body = _text(_("Text of the indictment"), rows=14)


class NoteForm(VersionedForm):
    note = _text(_("Note"), required=False, rows=3)


class ReturnForm(VersionedForm):
    reason = _text(_("What has to be investigated further"))


class TerminateForm(VersionedForm):
    ground = forms.ChoiceField(label=_("Legal ground"), choices=TerminationGround.choices)
    grounds = _text(_("Reasons"))
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))


class ReferForm(VersionedForm):
    body = forms.CharField(
        label=_("Refer to"), max_length=200, help_text=_("The body competent for the case.")
    )
    grounds = _text(_("Grounds"))
    on = _date(_("Date of the decision"), help_text=_("Leave empty for today."))
