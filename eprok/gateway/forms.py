"""Forms of the gateway's administration: a service's limits and roles, a new allow-list entry."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from eprok.gateway import protocol
from eprok.gateway.services import COUNT_LIMITS, TIMEOUT_LIMITS
from eprok.org.roles import Role


class ServiceForm(forms.Form):
    timeout = forms.FloatField(
        label=_("Timeout (seconds)"),
        min_value=TIMEOUT_LIMITS[0],
        max_value=TIMEOUT_LIMITS[1],
        help_text=_("How long to wait for one answer: 0.5 to 120 seconds."),
    )
    retries = forms.IntegerField(
        label=_("Retries"),
        min_value=COUNT_LIMITS["retries"][0],
        max_value=COUNT_LIMITS["retries"][1],
        help_text=_("Further tries after no answer or a server error: 0 to 5."),
    )
    failure_threshold = forms.IntegerField(
        label=_("Failures that open the circuit"),
        min_value=COUNT_LIMITS["failure_threshold"][0],
        max_value=COUNT_LIMITS["failure_threshold"][1],
        help_text=_("Consecutive failures after which the service is not called for a while: 1 to 50."),
    )
    cooldown = forms.IntegerField(
        label=_("Seconds before a trial call"),
        min_value=COUNT_LIMITS["cooldown"][0],
        max_value=COUNT_LIMITS["cooldown"][1],
        help_text=_("How long an open circuit refuses calls before one trial call: 5 to 3600 seconds."),
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles allowed"),
        choices=Role.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("For a state register: the roles whose holders may run look-ups in it."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)


class PermissionForm(forms.Form):
    client = forms.CharField(
        label=_("Calling member"),
        max_length=200,
        help_text=_("INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. AZ/GOV/1900000051/ecourt."),
    )
    service = forms.ChoiceField(label=_("eprok's service"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from eprok.gateway.inbound import services

        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(code, code) for code in sorted(services())]  # type: ignore[attr-defined]

    def clean_client(self) -> str:
        client = self.cleaned_data["client"].strip()
        if not protocol.MEMBER_RE.match(client):
            raise forms.ValidationError(
                _("Write the member as INSTANCE/CLASS/MEMBER/SUBSYSTEM, e.g. AZ/GOV/1900000051/ecourt.")
            )
        return client
