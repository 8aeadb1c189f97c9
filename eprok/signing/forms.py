"""Forms of the signing pages: issuing a key, signing with it or with ASAN İmza, revoking, verifying."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from eprok.signing.models import RevocationReason, SignatureRole

MAX_VERIFY_BYTES = 50 * 1024 * 1024


class IssueForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "new-password"}),
        max_length=200,
    )
    confirm = forms.CharField(
        label=_("Repeat the signing passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "new-password"}),
        max_length=200,
    )
    understood = forms.BooleanField(
        label=_("I understand that nobody can recover this passphrase: if I forget it, I issue a new key."),
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["passphrase"].help_text = _(
            "At least %(count)s characters. It protects your signing key; it is not your sign-in password."
        ) % {"count": settings.EPROK_SIGNING_MIN_PASSPHRASE}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("passphrase") and data.get("confirm") and data["passphrase"] != data["confirm"]:
            self.add_error("confirm", _("The two passphrases differ."))
        return data


class RoleChoice(forms.Form):
    role = forms.ChoiceField(
        label=_("Sign as"), choices=SignatureRole.choices, widget=forms.Select(attrs={"class": "usa-select"})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, roles: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if roles is not None:
            field = self.fields["role"]
            field.choices = [(value, label) for value, label in SignatureRole.choices if value in roles]  # type: ignore[attr-defined]


class PassphraseSignForm(RoleChoice):
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": "usa-input", "autocomplete": "off"}),
        max_length=200,
    )


class AsanSignForm(RoleChoice):
    phone = forms.CharField(
        label=_("Mobile number of your ASAN İmza"),
        max_length=20,
        widget=forms.TextInput(attrs={"class": "usa-input", "autocomplete": "tel", "inputmode": "tel"}),
    )
    asan_id = forms.CharField(
        label=_("ASAN ID"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"class": "usa-input", "inputmode": "numeric"}),
    )
    remember = forms.BooleanField(
        label=_("Remember the number and ASAN ID for my next signatures"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    )


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=RevocationReason.choices,
        widget=forms.Select(attrs={"class": "usa-select"}),
    )


class VerifyForm(forms.Form):
    file = forms.FileField(
        label=_("Signed PDF"),
        widget=forms.ClearableFileInput(attrs={"class": "usa-file-input", "accept": "application/pdf,.pdf"}),
    )

    def clean_file(self) -> Any:
        file = self.cleaned_data["file"]
        if file.size > MAX_VERIFY_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        head = file.read(5)
        file.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("This is not a PDF file."))
        return file
