"""Forms of the call centre's and the hotline's pages: they parse input; the services decide."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.contact import classifiers
from eprok.contact.models import (
    CallDirection,
    CallOutcome,
    CallStatus,
    Centre,
    CorruptionType,
    HotlineChannel,
    HotlineStatus,
    RecordingCopyStatus,
)
from eprok.contact.selectors import CallFilter, HotlineFilter
from eprok.org.forms import UsaFormMixin
from eprok.org.models import Employee, Unit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


def now_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def _choices(pairs: Sequence[tuple[str, Any]], empty: Any) -> list[tuple[str, Any]]:
    return [("", empty), *pairs]


def _unit_choices(units: list[Unit]) -> list[tuple[str, str]]:
    return [(u.code, "— " * max(u.depth - 1, 0) + u.name) for u in units]


def _employee_field(
    employees: list[Employee], *, label: Any, required: bool = True, help_text: Any = ""
) -> Any:
    field = forms.ModelChoiceField(
        label=label,
        queryset=Employee.objects.filter(pk__in=[e.pk for e in employees]),
        required=required,
        help_text=help_text,
    )
    field.choices = [("", "—")] + [(e.pk, e.full_name) for e in employees]
    return field


class StyledForm(UsaFormMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()


class VersionedForm(StyledForm):
    """A form that changes a record carries the version it was based on (optimistic locking)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


# --- calls ----------------------------------------------------------------------------------------------


class CallOpenForm(StyledForm):
    centre = forms.ChoiceField(label=_("Line"), choices=Centre.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=CallDirection.choices)
    caller_number = forms.CharField(
        label=_("Caller's number"),
        max_length=40,
        required=False,
        help_text=_("Not kept for the 161 hotline."),
    )
    called_number = forms.CharField(
        label=_("Number called"), max_length=40, required=False, help_text=_("Required for an outgoing call.")
    )

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ChoiceField(label=_("Unit"), choices=_unit_choices(units))
        self.order_fields(["unit", "centre", "direction", "caller_number", "called_number"])
        self._style()


class CallRegisterForm(VersionedForm):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (CallOutcome.INFORMATION, CallOutcome.INFORMATION.label),
            (CallOutcome.FORWARDED, CallOutcome.FORWARDED.label),
            (CallOutcome.OTHER, CallOutcome.OTHER.label),
        ],
    )
    summary = forms.CharField(
        label=_("Summary of the conversation"), widget=forms.Textarea(attrs={"rows": 4})
    )
    forwarded_to = forms.CharField(
        label=_("Forwarded to"),
        max_length=300,
        required=False,
        help_text=_("The body the caller was referred to, when the outcome is forwarding."),
    )
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    caller_number = forms.CharField(label=_("Caller's number"), max_length=40, required=False)
    caller_name = forms.CharField(label=_("Caller's name"), max_length=200, required=False)
    caller_fin = forms.CharField(label=_("Caller's FIN"), max_length=20, required=False)
    person = forms.ChoiceField(label=_("Caller in the person registry"), required=False)
    caller_notified = forms.BooleanField(label=_("The caller was told the call is recorded"), required=False)

    def __init__(self, *args: Any, persons: list[Any] = (), hotline: bool = False, **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.persons = {str(p.public_id): p for p in persons}
        self.fields["topic"].choices = _choices(classifiers.topic_choices(), "—")  # type: ignore[attr-defined]
        self.fields["person"].choices = _choices(  # type: ignore[attr-defined]
            [(key, p.display_name) for key, p in self.persons.items()], "—"
        )
        if hotline:
            for name in ("caller_number", "caller_name", "caller_fin", "person"):
                del self.fields[name]
        elif not self.persons:
            del self.fields["person"]
        self._style()

    def chosen_person(self) -> Any:
        return self.persons.get(self.cleaned_data.get("person") or "")


class AppealForm(VersionedForm):
    kind = forms.ChoiceField(label=_("Kind of appeal"))
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    text = forms.CharField(
        label=_("The appeal as the caller stated it"), widget=forms.Textarea(attrs={"rows": 5})
    )
    last_name = forms.CharField(label=_("Surname"), max_length=100, required=False)
    first_name = forms.CharField(label=_("Name"), max_length=100, required=False)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    fin = forms.CharField(label=_("FIN"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    caller_notified = forms.BooleanField(label=_("The caller was told the call is recorded"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        try:
            from eprok.appeals.models import AppealKind

            kinds = list(AppealKind.choices)
        except ImportError:  # pragma: no cover
            kinds = []
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]
        self.fields["topic"].choices = _choices(classifiers.topic_choices(), "—")  # type: ignore[attr-defined]
        self._style()


class CrimeReportForm(VersionedForm):
    summary = forms.CharField(label=_("What the caller reported"), widget=forms.Textarea(attrs={"rows": 5}))
    place = forms.CharField(label=_("Place of the incident"), max_length=300, required=False)
    caller_name = forms.CharField(
        label=_("Caller's name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty if the caller did not give it: the report is then anonymous."),
    )
    caller_fin = forms.CharField(label=_("Caller's FIN"), max_length=20, required=False)
    caller_notified = forms.BooleanField(label=_("The caller was told the call is recorded"), required=False)

    def __init__(self, *args: Any, units: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ChoiceField(
            label=_("Register it in the unit"),
            choices=_unit_choices(units),
            help_text=_("The office competent for the place of the incident."),
        )
        self.order_fields(
            ["unit", "summary", "place", "caller_name", "caller_fin", "caller_notified", "version"]
        )
        self._style()


class IdentityFieldsMixin(forms.Form):
    identity_name = forms.CharField(label=_("Name the reporter gave"), max_length=200, required=False)
    identity_phone = forms.CharField(label=_("Phone the reporter gave"), max_length=40, required=False)
    identity_email = forms.CharField(label=_("E-mail the reporter gave"), max_length=200, required=False)
    identity_fin = forms.CharField(label=_("FIN the reporter gave"), max_length=20, required=False)

    def identity(self) -> dict[str, str] | None:
        values = {
            key: self.cleaned_data.get(f"identity_{key}", "") or ""
            for key in ("name", "phone", "email", "fin")
        }
        return values if any(values.values()) else None


class HotlineFromCallForm(IdentityFieldsMixin, VersionedForm):
    text = forms.CharField(label=_("What the caller reported"), widget=forms.Textarea(attrs={"rows": 5}))
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    corruption_type = forms.ChoiceField(label=_("Type of corruption"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    caller_notified = forms.BooleanField(label=_("The caller was told the call is recorded"), required=False)

    def __init__(self, *args: Any, assignees: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = _choices(classifiers.sector_choices(), "—")  # type: ignore[attr-defined]
        self.fields["corruption_type"].choices = _choices(CorruptionType.choices, "—")  # type: ignore[attr-defined]
        self.fields["assignee"] = _employee_field(assignees, label=_("Assign to"), required=False)
        self.order_fields(
            ["text", "sector", "corruption_type", "place", "assignee", "caller_notified"]
            + [f"identity_{k}" for k in ("name", "phone", "email", "fin")]
            + ["version"]
        )
        self._style()


class CallbackForm(StyledForm):
    due_at = forms.DateTimeField(label=_("Call back by"), widget=DateTimeInput)
    note = forms.CharField(label=_("What to tell the caller"), max_length=500, required=False)

    def __init__(self, *args: Any, operators: list[Employee] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if operators:
            self.fields["assignee"] = _employee_field(
                operators, label=_("Operator"), required=False, help_text=_("Yourself when left empty.")
            )
        self._style()


class CopyRequestForm(StyledForm):
    requester = forms.CharField(label=_("Who asks for the copy"), max_length=200)
    contact = forms.CharField(label=_("How to reach them"), max_length=200, required=False)
    requested_at = forms.DateTimeField(label=_("Requested at"), widget=DateTimeInput, initial=now_minute)
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class CallbackCompleteForm(VersionedForm):
    result = forms.CharField(label=_("What came of the callback"), widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(VersionedForm):
    def __init__(self, *args: Any, operators: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _employee_field(operators, label=_("Operator"))
        self.order_fields(["assignee", "version"])
        self._style()


class NoteForm(VersionedForm):
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RefuseForm(VersionedForm):
    reason = forms.CharField(label=_("Reason for refusal"), widget=forms.Textarea(attrs={"rows": 3}))


class CallFilterForm(StyledForm):
    centre = forms.ChoiceField(
        label=_("Line"), required=False, choices=_choices(Centre.choices, _("Both lines"))
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(CallStatus.choices, _("Any status"))
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), required=False, choices=_choices(CallOutcome.choices, _("Any outcome"))
    )
    operator = forms.ChoiceField(
        label=_("Operator"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Taken by me")), ("none", _("Taken by nobody"))],
    )
    number = forms.CharField(label=_("Caller's number"), max_length=40, required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    q = forms.CharField(label=_("Words in the summary"), max_length=200, required=False)

    def to_filter(self) -> CallFilter:
        if not self.is_bound:
            return CallFilter()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return CallFilter(
            centre=data.get("centre") or "",
            status=data.get("status") or "",
            outcome=data.get("outcome") or "",
            operator=data.get("operator") or "",
            number=data.get("number") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=data.get("q") or "",
        )


# --- the hotline ---------------------------------------------------------------------------------------


class HotlineRegisterForm(IdentityFieldsMixin, StyledForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        choices=[
            (HotlineChannel.LETTER, HotlineChannel.LETTER.label),
            (HotlineChannel.EMAIL, HotlineChannel.EMAIL.label),
        ],
    )
    received_at = forms.DateTimeField(label=_("Received at"), widget=DateTimeInput, initial=now_minute)
    text = forms.CharField(label=_("What was reported"), widget=forms.Textarea(attrs={"rows": 6}))
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    corruption_type = forms.ChoiceField(label=_("Type of corruption"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300, required=False)

    def __init__(self, *args: Any, units: list[Unit], assignees: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"] = forms.ChoiceField(label=_("Hotline"), choices=_unit_choices(units))
        self.fields["sector"].choices = _choices(classifiers.sector_choices(), "—")  # type: ignore[attr-defined]
        self.fields["corruption_type"].choices = _choices(CorruptionType.choices, "—")  # type: ignore[attr-defined]
        self.fields["assignee"] = _employee_field(assignees, label=_("Assign to"), required=False)
        self.order_fields(
            ["unit", "channel", "received_at", "text", "sector", "corruption_type", "place", "assignee"]
        )
        self._style()


class HotlineAssignForm(VersionedForm):
    def __init__(self, *args: Any, assignees: list[Employee], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"] = _employee_field(assignees, label=_("Assign to"))
        self.order_fields(["assignee", "version"])
        self._style()


class TriageMaterialForm(VersionedForm):
    summary = forms.CharField(
        label=_("Summary for the crime report"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("The report's text is used when left empty."),
    )


class TriageForwardForm(VersionedForm):
    agency = forms.CharField(label=_("Competent agency"), max_length=300)
    covering_note = forms.CharField(label=_("Covering note"), widget=forms.Textarea(attrs={"rows": 5}))


class TriageExplainForm(VersionedForm):
    explanation = forms.CharField(
        label=_("Information or explanation given"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A reporter who wrote through the portal reads it in the conversation."),
    )


class ReplyForm(StyledForm):
    text = forms.CharField(
        label=_("Message to the reporter"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The reporter sees it as from “Investigator”, never your name."),
    )


class RevealForm(StyledForm):
    purpose = forms.CharField(
        label=_("Why the identity is needed"),
        max_length=255,
        help_text=_("Recorded in the audit log with your name."),
    )


class HotlineFilterForm(StyledForm):
    number = forms.CharField(label=_("Number"), max_length=40, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), ("open", _("Not triaged yet")), *HotlineStatus.choices],
    )
    channel = forms.ChoiceField(
        label=_("Channel"), required=False, choices=_choices(HotlineChannel.choices, _("Any channel"))
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    corruption_type = forms.ChoiceField(
        label=_("Type of corruption"),
        required=False,
        choices=_choices(CorruptionType.choices, _("Any type")),
    )
    assignee = forms.ChoiceField(
        label=_("Assigned to"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Assigned to me")), ("none", _("Not assigned"))],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    q = forms.CharField(label=_("Words in the report"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = _choices(classifiers.sector_choices(), _("Any sector"))  # type: ignore[attr-defined]

    def to_filter(self) -> HotlineFilter:
        if not self.is_bound:
            return HotlineFilter()
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        return HotlineFilter(
            number=data.get("number") or "",
            status=data.get("status") or "",
            channel=data.get("channel") or "",
            sector=data.get("sector") or "",
            corruption_type=data.get("corruption_type") or "",
            assignee=data.get("assignee") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=data.get("q") or "",
        )


class AnalyticsForm(StyledForm):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)

    def period(self) -> tuple[dt.date, dt.date]:
        today = timezone.localdate()
        start, end = today.replace(month=1, day=1), today
        if self.is_bound and self.is_valid():
            start = self.cleaned_data.get("date_from") or start
            end = self.cleaned_data.get("date_to") or end
        if end < start:
            start, end = end, start
        return start, end


COPY_STATUS_CHOICES = [("open", _("Open")), ("", _("All")), *RecordingCopyStatus.choices]
