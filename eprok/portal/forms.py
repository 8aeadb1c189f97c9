"""Forms of the public portal: they parse and check what a visitor sends; the services decide.

Every message is written for a citizen, not a clerk: what is wrong and what to do about it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from eprok.core.errors import ValidationFailed

# The longest texts accepted: long enough for any real appeal, short enough to refuse junk early.
MAX_TEXT = 20_000
MAX_MESSAGE = 5_000
# A receipt or access code as a person types it: letters, digits, spaces and dashes.
MAX_CODE = 64


class PortalFormMixin:
    """The design system's classes on every widget, and every field tied to its hint and its error."""

    def _style(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "usa-checkbox__input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "usa-select")
            elif isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("class", "usa-textarea")
            elif isinstance(widget, forms.ClearableFileInput | forms.FileInput):
                widget.attrs.setdefault("class", "portal-file")
            else:
                widget.attrs.setdefault("class", "usa-input")
            if field.help_text:
                widget.attrs["aria-describedby"] = f"{self.auto_id_for(name)}-hint"

    def auto_id_for(self, name: str) -> str:
        return str(self[name].auto_id)  # type: ignore[index]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        for name in self.errors:  # type: ignore[attr-defined]
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            widget = self.fields[name].widget  # type: ignore[attr-defined]
            described = [f"{self.auto_id_for(name)}-error"]
            if self.fields[name].help_text:  # type: ignore[attr-defined]
                described.append(f"{self.auto_id_for(name)}-hint")
            widget.attrs["aria-describedby"] = " ".join(described)
            widget.attrs["aria-invalid"] = "true"

    def error_summary(self) -> list[tuple[str, str, Any]]:
        """(field id or "", label, message) for every error, in the order of the form."""
        rows: list[tuple[str, str, Any]] = []
        for message in self.non_field_errors():  # type: ignore[attr-defined]
            rows.append(("", "", message))
        for bound in self:  # type: ignore[attr-defined]
            for message in bound.errors:
                rows.append((bound.id_for_label, bound.label, message))
        return rows


def _normalised(normalise: Any, value: str) -> Any:
    """Run one of the persons registry's normalisers, turning its refusal into a form error."""
    try:
        return normalise(value)
    except ValidationFailed as exc:
        raise forms.ValidationError(str(exc.message), code=exc.code) from None


def _choices(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the upload rules in the form's clean."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


# --- the appeal -------------------------------------------------------------------------------------


class AppealForm(PortalFormMixin, forms.Form):
    """An appeal (application, proposal or complaint) to the prosecution service."""

    kind = forms.ChoiceField(
        label=_("Kind of appeal"),
        help_text=_(
            "An application asks for a right to be exercised; a proposal suggests an improvement; "
            "a complaint says a right was violated."
        ),
    )
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    patronymic = forms.CharField(
        label=_("Patronymic"), max_length=100, required=False, help_text=_("For example “Əli oğlu”.")
    )
    fin = forms.CharField(
        label=_("FIN (personal identification number)"),
        max_length=12,
        required=False,
        help_text=_("7 characters from your identity card. It helps to find your earlier appeals."),
    )
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("Where you live: city or district, street, house and flat."),
    )
    email = forms.EmailField(label=_("E-mail"), max_length=254, required=False)
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=20, required=False, help_text=_("For example 050 123 45 67.")
    )
    notify_email = forms.BooleanField(label=_("Send me notices about my appeal by e-mail"), required=False)
    notify_sms = forms.BooleanField(label=_("Send me notices about my appeal by SMS"), required=False)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, help_text=_("Choose the closest topic, if any.")
    )
    text = forms.CharField(
        label=_("Text of the appeal"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Describe the matter, the body or official concerned, and what you ask for."),
    )
    attachments = MultipleFileField(label=_("Attachments"), required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the prosecution service processes the personal data in this appeal to consider it "
            "and to answer me (Law on personal data)."
        ),
        error_messages={"required": _("To send the appeal, agree to the processing of your personal data.")},
    )

    def __init__(
        self,
        *args: Any,
        kinds: Sequence[tuple[str, Any]],
        topics: Sequence[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["kind"], [("", _("Choose…")), *kinds])
        _choices(self.fields["topic"], [("", _("Not sure")), *topics])
        max_files = int(settings.EPROK_PORTAL_MAX_ATTACHMENTS)
        max_mb = int(settings.EPROK_PORTAL_MAX_ATTACHMENT_MB)
        from eprok.core.uploads import DEFAULT_TYPES, FILE_TYPES

        types = ", ".join(t.label for kind, t in FILE_TYPES.items() if kind in DEFAULT_TYPES)
        self.fields["attachments"].help_text = _(
            "Up to %(count)s files, each at most %(size)s MB. Accepted types: %(types)s."
        ) % {"count": max_files, "size": max_mb, "types": types}
        self._style()
        self.fields["attachments"].widget.attrs["multiple"] = True

    def clean_fin(self) -> str:
        value = self.cleaned_data.get("fin", "").strip()
        if not value:
            return ""
        from eprok.persons.validators import normalise_fin

        return _normalised(normalise_fin, value) or ""

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        from eprok.persons.validators import normalise_phone

        return str(_normalised(normalise_phone, value))

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "").strip()
        if len(text) < 10:
            raise forms.ValidationError(
                _("Write the text of your appeal (at least a sentence)."), code="too_short"
            )
        return text

    def clean_attachments(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data.get("attachments") or []
        max_files = int(settings.EPROK_PORTAL_MAX_ATTACHMENTS)
        if len(files) > max_files:
            raise forms.ValidationError(
                _("Attach at most %(count)s files.") % {"count": max_files}, code="too_many_files"
            )
        from eprok.core.uploads import validate_upload

        max_bytes = int(settings.EPROK_PORTAL_MAX_ATTACHMENT_MB) * 1024 * 1024
        problems = []
        for upload in files:
            try:
                validate_upload(upload, max_bytes=max_bytes)
            except ValidationFailed as exc:  # the message names the file and what is wrong with it
                problems.append(forms.ValidationError(str(exc.message), code=exc.code))
        if problems:
            raise forms.ValidationError(problems)
        return files

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("notify_email") and not cleaned.get("email"):
            self.add_error("email", _("Enter the e-mail address for the notices, or untick e-mail notices."))
        if cleaned.get("notify_sms") and not cleaned.get("phone"):
            self.add_error("phone", _("Enter the mobile number for the notices, or untick SMS notices."))
        return cleaned


# --- checking an appeal -----------------------------------------------------------------------------


class StatusForm(PortalFormMixin, forms.Form):
    number = forms.CharField(
        label=_("Register number"),
        max_length=40,
        help_text=_("As shown on your receipt."),
    )
    code = forms.CharField(
        label=_("Access code"),
        max_length=MAX_CODE,
        help_text=_("The secret code shown once when you sent the appeal."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_number(self) -> str:
        return " ".join(self.cleaned_data.get("number", "").split()).upper()

    def clean_code(self) -> str:
        return "".join(self.cleaned_data.get("code", "").split())


# --- the anonymous report ---------------------------------------------------------------------------


class ReportForm(PortalFormMixin, forms.Form):
    """A report of corruption; identity is optional and asked for only if the reporter chooses to give it."""

    sector = forms.ChoiceField(
        label=_("Sector"), required=False, help_text=_("Where it happened, if you know.")
    )
    place = forms.CharField(
        label=_("Place"),
        max_length=300,
        required=False,
        help_text=_("City or district, and the institution (for example a hospital or an office)."),
    )
    text = forms.CharField(
        label=_("What happened"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Who asked for what, when, and how. Do not write your own name here unless you want to."),
    )
    give_identity = forms.BooleanField(
        label=_("I want to give my name and contact details (optional)"),
        required=False,
    )
    name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    phone = forms.CharField(label=_("Your phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("Your e-mail"), max_length=254, required=False)
    identity_consent = forms.BooleanField(
        label=_("I agree that the anti-corruption service keeps my name and contact details to contact me."),
        required=False,
    )

    def __init__(self, *args: Any, sectors: Sequence[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["sector"], [("", _("Not sure")), *sectors])
        self._style()

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "").strip()
        if len(text) < 10:
            raise forms.ValidationError(_("Describe what happened (at least a sentence)."), code="too_short")
        return text

    def clean_phone(self) -> str:
        value = self.cleaned_data.get("phone", "").strip()
        if not value:
            return ""
        from eprok.persons.validators import normalise_phone

        return str(_normalised(normalise_phone, value))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("give_identity"):
            if not (cleaned.get("name") or cleaned.get("phone") or cleaned.get("email")):
                self.add_error("name", _("Enter your name or a contact, or untick “I want to give my name”."))
            if not cleaned.get("identity_consent"):
                self.add_error(
                    "identity_consent", _("To give your details, agree that the service keeps them.")
                )
        return cleaned

    def identity(self) -> dict[str, str] | None:
        """What the reporter chose to give, or None: details typed while the box is unticked are dropped."""
        data = self.cleaned_data
        if not data.get("give_identity"):
            return None
        given = {key: data.get(key, "") for key in ("name", "phone", "email")}
        return {key: value for key, value in given.items() if value} or None


# --- the conversation -------------------------------------------------------------------------------


class ConversationCodeForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Receipt code"),
        max_length=MAX_CODE,
        help_text=_("The secret code shown once when you sent your report."),
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_code(self) -> str:
        return "".join(self.cleaned_data.get("code", "").split())


class ReplyForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label=_("Your message"),
        max_length=MAX_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_text(self) -> str:
        text = self.cleaned_data.get("text", "").strip()
        if not text:
            raise forms.ValidationError(_("Write your message."), code="required")
        return text
