"""Forms of the appeals pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.appeals.models import (
    AUTOMATIC_CHANNELS,
    AnswerRule,
    AppealKind,
    AppealStatus,
    AppealTopic,
    Channel,
    DeliveryChannel,
    Escalation,
    Language,
    Outcome,
    Sector,
)
from eprok.org.forms import UnitChoiceField, UsaFormMixin
from eprok.org.models import Employee, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by eprok.core.uploads in the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "usa-file-input"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not files and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def units_field(
    units: Sequence[Unit], *, label: Any, required: bool = True, help_text: Any = ""
) -> UnitChoiceField:
    """A unit select in the order given (tree order from the selector), indented by depth."""
    field = UnitChoiceField(
        queryset=Unit.objects.filter(pk__in=[u.pk for u in units]),
        label=label,
        required=required,
        help_text=help_text,
    )
    field.choices = [("", "—")] + [(u.pk, field.label_from_instance(u)) for u in units]
    return field


def employee_label(employee: Employee) -> str:
    position = getattr(employee, "position", None)
    return f"{employee.full_name} — {position.name}" if position else employee.full_name


def employees_field(
    employees: Iterable[Employee], *, label: Any, required: bool = True, help_text: Any = ""
) -> forms.ModelChoiceField:
    people = list(employees)
    field = forms.ModelChoiceField(
        queryset=Employee.objects.filter(pk__in=[e.pk for e in people]),
        label=label,
        required=required,
        help_text=help_text,
    )
    field.choices = [("", "—")] + [(e.pk, employee_label(e)) for e in people]
    return field


def _classifier_field(model: Any, *, label: Any, current: Any = None) -> forms.ModelChoiceField:
    """The active entries of a classifier (and the current one, even if it was deactivated since)."""
    rows = list(model.objects.filter(is_active=True))
    if current is not None and all(r.pk != current.pk for r in rows):
        rows.append(current)
    field = forms.ModelChoiceField(
        queryset=model.objects.filter(pk__in=[r.pk for r in rows]), label=label, required=False
    )
    depth = {r.pk: (1 if getattr(r, "parent_id", None) else 0) for r in rows}
    field.choices = [("", "—")] + [(r.pk, "— " * depth[r.pk] + r.name) for r in rows]
    return field


class VersionedForm(UsaFormMixin, forms.Form):
    """Every form that changes an appeal carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


def default_received_at() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


# --- the register list ------------------------------------------------------------------------------

SORT_LABELS = {
    "-registered_at": _("Newest first"),
    "registered_at": _("Oldest first"),
    "number": _("Number, ascending"),
    "-number": _("Number, descending"),
    "answer_due": _("Answer due, nearest first"),
    "-answer_due": _("Answer due, latest first"),
}
DUE_CHOICES = [
    ("", _("Any")),
    ("near", _("Due soon")),
    ("overdue", _("Overdue")),
    ("answered", _("Answered")),
]


class AppealFilterForm(UsaFormMixin, forms.Form):
    q = forms.CharField(label=_("Number, FIN or applicant's name"), max_length=200, required=False)
    unit = forms.CharField(label=_("Unit"), max_length=64, required=False)
    subunits = forms.BooleanField(label=_("Include sub-units"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *AppealStatus.choices]
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=[("", _("Any channel")), *Channel.choices]
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *AppealKind.choices]
    )
    topic = forms.CharField(label=_("Topic"), max_length=64, required=False)
    executor = forms.CharField(label=_("Executor"), max_length=40, required=False)
    registered_from = forms.DateField(label=_("Registered from"), required=False, widget=DateInput)
    registered_to = forms.DateField(label=_("Registered to"), required=False, widget=DateInput)
    due = forms.ChoiceField(label=_("Answer term"), required=False, choices=DUE_CHOICES)
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=list(SORT_LABELS.items()))

    def __init__(
        self,
        *args: Any,
        units: Sequence[Any] | None = None,
        topics: Sequence[Any] | None = None,
        sorts: Iterable[str] | None = None,
        **kwargs: Any,
    ) -> None:
        """`units`: the unit filter's choices (code, depth, name); `topics`: the topic classifier."""
        super().__init__(*args, **kwargs)
        if units is not None:
            unit_choices = [("", _("All units")), *((u.code, "— " * u.depth + u.name) for u in units)]
            self.fields["unit"].widget = forms.Select(choices=unit_choices)
        if topics is not None:
            topic_choices = [
                ("", _("Any topic")),
                *((t.code, ("— " if t.parent_id else "") + t.name) for t in topics),
            ]
            self.fields["topic"].widget = forms.Select(choices=topic_choices)
        if sorts is not None:
            self.fields["sort"].choices = [  # type: ignore[attr-defined]
                (key, SORT_LABELS.get(key, key)) for key in sorts
            ]
        executor_choices: list[tuple[str, Any]] = [
            ("", _("Anyone")),
            ("me", _("Assigned to me")),
            ("none", _("No executor yet")),
        ]
        current = self.data.get("executor", "") if self.is_bound else ""
        if current and current not in ("me", "none"):
            executor_choices.append((current, _("The chosen employee")))
        self.fields["executor"].widget = forms.Select(choices=executor_choices)
        self._style()

    def filter_values(self) -> dict[str, Any]:
        """The valid filters (an invalid field filters nothing rather than failing the page)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            k: v for k, v in self.cleaned_data.items() if k not in self.errors and v not in (None, "", False)
        }


# --- registration -----------------------------------------------------------------------------------

# Channels a clerk registers by hand; the portal and the e-Government portal arrive by themselves.
MANUAL_CHANNELS = [(value, label) for value, label in Channel.choices if value not in AUTOMATIC_CHANNELS]


class RegisterForm(UsaFormMixin, forms.Form):
    """The clerk's registration form, in the groups the page shows as fieldsets."""

    channel = forms.ChoiceField(label=_("Channel"), choices=MANUAL_CHANNELS)
    kind = forms.ChoiceField(label=_("Kind of appeal"), choices=AppealKind.choices)
    received_at = forms.DateTimeField(
        label=_("Received at"),
        widget=DateTimeInput,
        help_text=_("When the appeal reached the prosecution service."),
    )
    is_collective = forms.BooleanField(
        label=_("Collective appeal (signed by several people)"), required=False
    )
    signatories = forms.IntegerField(
        label=_("Number of signatories"), min_value=1, max_value=100_000, initial=1, required=False
    )
    applicant_last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    applicant_first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    applicant_patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    applicant_fin = forms.CharField(label=_("FIN"), max_length=7, required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    applicant_email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    organisation = forms.CharField(
        label=_("Legal entity"),
        max_length=300,
        required=False,
        help_text=_("The legal entity on whose letterhead the appeal is written."),
    )
    notify_email = forms.EmailField(label=_("Send notices by e-mail to"), required=False)
    notify_sms = forms.CharField(label=_("Send notices by SMS to"), max_length=20, required=False)
    language = forms.ChoiceField(label=_("Language of the notices"), choices=Language.choices, initial="az")
    complained_text = forms.CharField(
        label=_("Body or official complained about, as the applicant names them"),
        max_length=300,
        required=False,
        help_text=_("e.g. a police station or a court outside the prosecution service."),
    )
    escalation = forms.ChoiceField(
        label=_("Complaint of torture, corruption or misconduct"),
        required=False,
        choices=[("", _("No")), *Escalation.choices],
        help_text=_("Such complaints also go to the responsible department (the topic may already say so)."),
    )
    needs_verification = forms.BooleanField(
        label=_("Needs additional study or verification (30 working days)"), required=False
    )
    text = forms.CharField(label=_("Text of the appeal"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images, DOCX, ODT, TXT; up to 10 files of 10 MB each."),
    )

    GROUPS: list[tuple[Any, tuple[str, ...]]] = [
        (_("The appeal"), ("unit", "channel", "kind", "received_at", "is_collective", "signatories")),
        (
            _("The applicant"),
            (
                "applicant_last_name",
                "applicant_first_name",
                "applicant_patronymic",
                "applicant_fin",
                "applicant_address",
                "applicant_email",
                "applicant_phone",
                "organisation",
            ),
        ),
        (_("Notices to the applicant"), ("notify_email", "notify_sms", "language")),
        (_("Subject"), ("topic", "concerned_body", "escalation", "needs_verification")),
        (_("Complained about"), ("complained_unit", "complained_official", "complained_text")),
        (_("Text and attachments"), ("text", "attachments")),
    ]

    def __init__(
        self,
        *args: Any,
        units: Sequence[Unit],
        all_units: Sequence[Unit] = (),
        officials: Iterable[Employee] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = units_field(units, label=_("Receiving unit"))
        self.fields["topic"] = _classifier_field(AppealTopic, label=_("Topic"))
        self.fields["concerned_body"] = _classifier_field(Sector, label=_("Sector or agency concerned"))
        self.fields["complained_unit"] = units_field(
            all_units,
            label=_("Unit of the prosecution service complained about"),
            required=False,
            help_text=_("The appeal will never be routed or forwarded to this unit or its sub-units."),
        )
        self.fields["complained_official"] = employees_field(
            officials,
            label=_("Official complained about"),
            required=False,
            help_text=_("Choose the unit first; its employees are then listed here."),
        )
        self._style()
        self.fields["attachments"].widget.attrs["class"] = "usa-file-input"

    def groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("is_collective") and (data.get("signatories") or 1) < 2:
            self.add_error("signatories", _("A collective appeal has at least two signatories."))
        if not data.get("is_collective"):
            data["signatories"] = 1
        official = data.get("complained_official")
        unit = data.get("complained_unit")
        if (
            official is not None
            and unit is not None
            and official.unit_id
            and not (official.unit.path.startswith(unit.path))
        ):
            self.add_error("complained_official", _("This employee does not work in the chosen unit."))
        return data


# --- the card's action forms ------------------------------------------------------------------------


class RouteForm(VersionedForm):
    """The resolution (dərkənar): to an executor unit and person, with an instruction and a term."""

    instruction = forms.CharField(
        label=_("Resolution (instruction to the executor)"), widget=forms.Textarea(attrs={"rows": 4})
    )
    answer_rule = forms.ChoiceField(
        label=_("Answer term"),
        choices=AnswerRule.choices,
        help_text=_("30 working days where the matter needs additional study or verification (art. 10.1)."),
    )
    due_date = forms.DateField(
        label=_("Executor's due date"),
        required=False,
        widget=DateInput,
        help_text=_("An internal date before the statutory term; leave empty to use the term."),
    )

    def __init__(
        self, *args: Any, units: Sequence[Unit], employees: Iterable[Employee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["executor_unit"] = units_field(units, label=_("Executor unit"))
        self.fields["executor"] = employees_field(
            employees,
            label=_("Executor"),
            required=False,
            help_text=_("Only employees who may answer appeals and are not complained about are listed."),
        )
        self.order_fields(["executor_unit", "executor", "instruction", "answer_rule", "due_date", "version"])
        self._style()


class ForwardForm(VersionedForm):
    to_body = forms.CharField(
        label=_("Competent body"),
        max_length=300,
        required=False,
        help_text=_("e.g. the Ministry of Internal Affairs, the Ministry of Health."),
    )
    covering_letter = forms.CharField(label=_("Covering letter"), widget=forms.Textarea(attrs={"rows": 6}))

    def __init__(self, *args: Any, units: Sequence[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_unit"] = units_field(
            units,
            label=_("Or a unit of the prosecution service"),
            required=False,
            help_text=_("The unit complained about and its sub-units are not offered."),
        )
        self.order_fields(["to_body", "to_unit", "covering_letter", "version"])
        self._style()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_body") and not data.get("to_unit"):
            self.add_error("to_body", _("Name the competent body or choose a unit."))
        return data


class ExtendForm(VersionedForm):
    length = forms.IntegerField(
        label=_("Working days"),
        min_value=1,
        max_value=30,
        help_text=_("At most 30 working days in all (art. 10.2)."),
    )
    reason = forms.CharField(
        label=_("Why additional information is needed"), widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerDraftForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(v, label) for v, label in Outcome.choices if v != "left_unconsidered"]
    )
    text = forms.CharField(label=_("Text of the answer"), widget=forms.Textarea(attrs={"rows": 10}))


class ConfirmForm(VersionedForm):
    """An action with nothing to fill in but the version (approve, send)."""


class SendForm(VersionedForm):
    delivery_channel = forms.ChoiceField(label=_("Sent by"), choices=DeliveryChannel.choices)


class DeliveredForm(VersionedForm):
    delivered_at = forms.DateTimeField(
        label=_("Delivered at"), widget=DateTimeInput, initial=default_received_at
    )


class OutcomeForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[(v, label) for v, label in Outcome.choices if v != "left_unconsidered"]
    )


class CloseRepeatForm(VersionedForm):
    nothing_new = forms.BooleanField(
        label=_("The appeal brings no new information"),
        help_text=_("Confirm after reading the appeal against the earlier answers."),
    )
    grounds = forms.CharField(
        label=_("Grounds (what the three earlier answers said)"), widget=forms.Textarea(attrs={"rows": 4})
    )


class ClassifyForm(VersionedForm):
    complained_text = forms.CharField(
        label=_("Body or official complained about, as the applicant names them"),
        max_length=300,
        required=False,
    )
    escalation = forms.ChoiceField(
        label=_("Complaint of torture, corruption or misconduct"),
        required=False,
        choices=[("", _("No")), *Escalation.choices],
    )

    def __init__(
        self,
        *args: Any,
        topic: Any = None,
        sector: Any = None,
        units: Sequence[Unit] = (),
        officials: Iterable[Employee] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"] = _classifier_field(AppealTopic, label=_("Topic"), current=topic)
        self.fields["concerned_body"] = _classifier_field(
            Sector, label=_("Sector or agency concerned"), current=sector
        )
        self.fields["complained_unit"] = units_field(
            units,
            label=_("Unit of the prosecution service complained about"),
            required=False,
            help_text=_("The appeal will never be routed or forwarded to this unit or its sub-units."),
        )
        self.fields["complained_official"] = employees_field(
            officials,
            label=_("Official complained about"),
            required=False,
            help_text=_("Choose the unit first; its employees are then listed here."),
        )
        self.order_fields(
            [
                "topic",
                "concerned_body",
                "escalation",
                "complained_unit",
                "complained_official",
                "complained_text",
                "version",
            ]
        )
        self._style()


class AttachForm(VersionedForm):
    attachments = MultipleFileField(
        label=_("Files"),
        help_text=_("PDF, images, DOCX, ODT, TXT; up to 10 files of 10 MB each."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].widget.attrs["class"] = "usa-file-input"


# --- the personal reception log ---------------------------------------------------------------------


class ReceptionForm(UsaFormMixin, forms.Form):
    received_at = forms.DateTimeField(
        label=_("Date and time"), widget=DateTimeInput, initial=default_received_at
    )
    visitor_name = forms.CharField(label=_("Visitor"), max_length=300)
    visitor_fin = forms.CharField(label=_("Visitor's FIN"), max_length=7, required=False)
    subject = forms.CharField(label=_("Subject"), widget=forms.Textarea(attrs={"rows": 4}))
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    appeal_number = forms.CharField(
        label=_("Number of the appeal already registered from this visit"), max_length=40, required=False
    )
    register_appeal = forms.BooleanField(
        label=_("Register it as an appeal next (opens the registration form filled in)"), required=False
    )

    def __init__(
        self, *args: Any, units: Sequence[Unit], officials: Iterable[Employee], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = units_field(units, label=_("Unit"))
        self.fields["official"] = employees_field(officials, label=_("Receiving official"))
        self.order_fields(
            ["unit", "received_at", "official", "visitor_name", "visitor_fin", "subject", "result"]
        )
        self._style()


# --- classifiers ------------------------------------------------------------------------------------


class SectorForm(UsaFormMixin, forms.Form):
    code = forms.SlugField(
        label=_("Code"),
        max_length=64,
        help_text=_("Latin letters, digits and hyphens; cannot be changed later."),
    )
    name_az = forms.CharField(label=_("Name (Azerbaijani)"), max_length=255)
    name_en = forms.CharField(label=_("Name (English)"), max_length=255, required=False)
    name_ru = forms.CharField(label=_("Name (Russian)"), max_length=255, required=False)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, initial=0, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
        self._style()


class TopicForm(SectorForm):
    escalation = forms.ChoiceField(
        label=_("Escalation"),
        required=False,
        choices=[("", _("None")), *Escalation.choices],
        help_text=_("The kind of complaint that must reach a responsible department."),
    )

    def __init__(
        self,
        *args: Any,
        parents: Sequence[AppealTopic] = (),
        departments: Sequence[Unit] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, editing=editing, **kwargs)
        parent = forms.ModelChoiceField(
            queryset=AppealTopic.objects.filter(pk__in=[p.pk for p in parents]),
            label=_("Parent topic"),
            required=False,
        )
        parent.choices = [("", "—")] + [(p.pk, p.name) for p in parents]
        self.fields["parent"] = parent
        self.fields["escalate_to"] = units_field(
            departments,
            label=_("Escalate to"),
            required=False,
            help_text=_(
                "The department whose “Answer appeals” holders are told of every appeal on this topic."
            ),
        )
        self.order_fields(
            ["code", "name_az", "name_en", "name_ru", "parent", "sort_order", "escalation", "escalate_to"]
        )
        self._style()
