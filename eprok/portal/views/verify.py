"""Verifying a signed document by its code: the form (/portal/verify/), the QR target
(/portal/verify/<code>/), and the CA's revocation list (/portal/verify/ca.crl) for validators."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from eprok.portal.forms import PortalFormMixin
from eprok.portal.verification import verification_lookup
from eprok.portal.views.base import public_view, render_portal, too_many_requests

NO_SUCH_DOCUMENT = _(
    "There is no signed document with this verification code. Check the code on the document "
    "(10 letters and digits under the QR code) and try again."
)


class VerifyCodeForm(PortalFormMixin, forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("Printed under the QR code at the bottom of the document's last page."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style()

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data.get("code", "").split()).replace("-", "").upper()
        if not code.isalnum() or not 6 <= len(code) <= 16:
            raise forms.ValidationError(_("A verification code has 10 letters and digits."))
        return code


@public_view
@require_http_methods(["GET", "POST"])
def verify_form(request: HttpRequest) -> HttpResponse:
    form = VerifyCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return redirect("portal:portal_verify_code", code=form.cleaned_data["code"])
    return render_portal(
        request, "portal/verify_form.html", {"form": form}, status=422 if form.errors else 200
    )


@public_view
@require_GET
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    outcome = verification_lookup(request, code)
    if outcome.retry_after:
        return too_many_requests(request, retry_after=outcome.retry_after)
    if outcome.result is None:
        form = VerifyCodeForm(initial={"code": code[:20]})
        return render_portal(
            request, "portal/verify_form.html", {"form": form, "extra_error": NO_SUCH_DOCUMENT}, status=404
        )
    return render_portal(request, "portal/verify_result.html", {"result": outcome.result})


@public_view
@require_GET
def verify_crl(request: HttpRequest) -> HttpResponse:
    """The organisation's CA revocation list (DER), where its certificates say it is published."""
    from eprok.signing import ca
    from eprok.signing.selectors import crl_der

    if not ca.ca_exists():
        return HttpResponse(status=404)
    response = HttpResponse(crl_der(), content_type="application/pkix-crl")
    response["Content-Disposition"] = 'attachment; filename="ca.crl"'
    return response
