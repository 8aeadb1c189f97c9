"""Forms of sign-in and the security page."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eprok.accounts.scopes import Scope
from eprok.accounts.services import MAX_TOKEN_LIFETIME

_INPUT = "usa-input"


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": _INPUT, "autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        widget=forms.PasswordInput(attrs={"class": _INPUT, "autocomplete": "current-password"}),
    )


class TotpForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code"),
        max_length=12,
        help_text=_("Open the authenticator app on your phone and type the code it shows for eprok."),
        widget=forms.TextInput(
            attrs={
                "class": _INPUT,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": r"[0-9 ]*",
                "autofocus": True,
            }
        ),
    )


class EprokPasswordChangeForm(PasswordChangeForm):
    """Django's form (old password, validators from settings) with our input styling."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        for field in self.fields.values():
            field.widget.attrs["class"] = _INPUT


class EprokSetPasswordForm(SetPasswordForm):
    """The new password after a reset link; saving goes through the service, so it is audited."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = _INPUT

    def save(self, commit: bool = True) -> object:
        from eprok.accounts.services import password_change

        return password_change(
            employee=self.user,
            new_password=self.cleaned_data["new_password1"],
            actor=None,
            via="reset",
        )


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"class": _INPUT, "autocomplete": "email"}),
    )


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “statistics export”."),
        widget=forms.TextInput(attrs={"class": _INPUT}),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        initial=[Scope.READ],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "usa-checkbox__input"}),
    )
    expires_on = forms.DateField(
        label=_("Expires on"),
        required=False,
        help_text=_("Optional. The token stops working at the end of this day."),
        widget=forms.DateInput(attrs={"class": _INPUT, "type": "date"}),
    )

    def clean_expires_on(self) -> dt.date | None:
        day: dt.date | None = self.cleaned_data.get("expires_on")
        if day is not None and day < timezone.localdate():
            raise forms.ValidationError(_("The expiry date must be today or later."))
        if day is not None and day >= timezone.localdate() + MAX_TOKEN_LIFETIME:
            raise forms.ValidationError(_("The expiry date can be at most five years ahead."))
        return day

    def expires_at(self) -> dt.datetime | None:
        """The end of the chosen day in local time (the start of the next day)."""
        day = self.cleaned_data.get("expires_on")
        if day is None:
            return None
        return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
