"""Sign-in, second factor, sign-out, passwords and the security page (API tokens)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST
from django.views.generic import TemplateView

from eprok.accounts import access, selectors, services, sessions, totp
from eprok.accounts.forms import (
    EprokPasswordChangeForm,
    EprokSetPasswordForm,
    LoginForm,
    PasswordResetRequestForm,
    TokenCreateForm,
    TotpForm,
)
from eprok.accounts.selectors import SecondFactor
from eprok.core.context_processors import safe_reverse
from eprok.core.errors import ApplicationError, NotFound
from eprok.core.middleware import client_ip

HELP = {"help_page": "sign-in"}


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- Sign-in ----------------------------------------------------------------------------------


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = sessions.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and sessions.is_verified(request):
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employee = services.login_check_password(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
                request=request,
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            if request.user.is_authenticated:
                logout(request)
            state = selectors.second_factor_for(employee)
            sessions.start_pending(request, employee, next_url=next_url)
            if state is SecondFactor.VERIFY:
                return redirect("accounts:login_totp")
            if state is SecondFactor.ENROL:
                return redirect("accounts:totp_enroll")
            return redirect(sessions.complete_sign_in(request, employee, second_factor="none"))
    return render(request, "accounts/login.html", {"form": form, "next": next_url or "", **HELP})


def _back_to_login(request: HttpRequest, message: str) -> HttpResponse:
    sessions.clear_pending(request)
    if request.user.is_authenticated:
        logout(request)
    messages.error(request, message)
    return redirect("accounts:login")


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def login_totp(request: HttpRequest) -> HttpResponse:
    employee = sessions.second_factor_candidate(request)
    if employee is None:
        if request.user.is_authenticated:
            return redirect(settings.LOGIN_REDIRECT_URL)
        messages.info(request, _("Sign in with your login and password first."))
        return redirect("accounts:login")
    state = selectors.second_factor_for(employee)
    if state is SecondFactor.ENROL:
        return redirect("accounts:totp_enroll")
    if state is SecondFactor.NONE:
        return redirect(sessions.complete_sign_in(request, employee, second_factor="none"))
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_verify(employee=employee, code=form.cleaned_data["code"], ip=client_ip(request))
        except services.AccountLocked as exc:
            return _back_to_login(request, str(exc.message))
        except ApplicationError as exc:
            form.add_error("code", str(exc.message))
        else:
            return redirect(sessions.complete_sign_in(request, employee, second_factor="totp"))
    return render(request, "accounts/login_totp.html", {"form": form, "employee": employee, **HELP})


@csrf_protect
@never_cache
@require_http_methods(["GET", "POST"])
def totp_enroll(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: forced at sign-in for role holders, or chosen on the security page."""
    signing_in = sessions.second_factor_candidate(request)
    employee: Any = signing_in or (request.user if request.user.is_authenticated else None)
    if employee is None:
        messages.info(request, _("Sign in with your login and password first."))
        return redirect("accounts:login")
    if selectors.confirmed_device(employee) is not None:
        return redirect("accounts:login_totp" if signing_in else "accounts:security")
    device = services.totp_enrolment_start(employee=employee)
    form = TotpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.totp_enrolment_confirm(
                device=device, code=form.cleaned_data["code"], actor=employee, ip=client_ip(request)
            )
        except services.AccountLocked as exc:
            return _back_to_login(request, str(exc.message))
        except ApplicationError as exc:
            form.add_error("code", str(exc.message))
        else:
            if signing_in:
                messages.success(
                    request, _("Your authenticator is set up. You will enter a code at every sign-in.")
                )
                return redirect(sessions.complete_sign_in(request, employee, second_factor="enrolled"))
            messages.success(request, _("Two-factor sign-in is now on for your account."))
            return redirect("accounts:security")
    uri = totp.provisioning_uri(device.secret, account=employee.username)
    context = {
        "form": form,
        "employee": employee,
        "signing_in": signing_in is not None,
        "qr_svg": totp.qr_svg(uri, label=_("QR code to scan with your authenticator app")),
        "secret_grouped": totp.grouped(device.secret),
        "issuer": settings.TOTP_ISSUER,
        **HELP,
    }
    template = "accounts/totp_enroll.html" if signing_in else "accounts/totp_enroll_signed_in.html"
    return render(request, template, context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    sessions.clear_pending(request)
    if request.user.is_authenticated:
        services.logout_recorded(employee=request.user)
        logout(request)
        messages.info(request, _("You have signed out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


# --- Passwords --------------------------------------------------------------------------------


@sensitive_post_parameters()
@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    form = EprokPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        employee = services.password_change(
            employee=request.user,  # type: ignore[arg-type]
            new_password=form.cleaned_data["new_password1"],
            actor=request.user,  # type: ignore[arg-type]
        )
        update_session_auth_hash(request, employee)
        messages.success(request, _("Your password has been changed."))
        return redirect("accounts:security")
    return render(request, "accounts/password_change.html", {"form": form, **HELP})


@csrf_protect
@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_reset_request(
            email=form.cleaned_data["email"], base_url=request.build_absolute_uri("/")
        )
        return redirect("accounts:password_reset_sent")
    return render(request, "accounts/password_reset.html", {"form": form, **HELP})


password_reset_sent = TemplateView.as_view(
    template_name="accounts/password_reset_sent.html", extra_context=HELP
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    form_class=EprokSetPasswordForm,
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password_reset_complete"),
    extra_context=HELP,
)
password_reset_complete = TemplateView.as_view(
    template_name="accounts/password_reset_complete.html", extra_context=HELP
)


# --- Security page and API tokens -------------------------------------------------------------


def _security_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "device": selectors.confirmed_device(request.user),  # type: ignore[arg-type]
        "tokens": list(selectors.token_list(request.user)),
        "token_form": TokenCreateForm(),
        "new_token": None,
        **HELP,
        **extra,
    }


@login_required
@require_http_methods(["GET"])
def security(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/security.html", _security_context(request))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST)
    new_token = None
    if form.is_valid():
        try:
            token, raw = services.api_token_create(
                owner=request.user,  # type: ignore[arg-type]
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                actor=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as exc:
            form.add_error(None, str(exc.message))
        else:
            new_token = {"token": token, "raw": raw}
            form = TokenCreateForm()
    context = _security_context(request, token_form=form, new_token=new_token)
    template = "accounts/_tokens.html" if _is_htmx(request) else "accounts/security.html"
    # htmx swaps only 2xx answers, so a form with errors comes back as 200 there.
    status = 200 if new_token or _is_htmx(request) else 422
    return render(request, template, context, status=status)


@login_required
@require_POST
def token_revoke(request: HttpRequest, prefix: str) -> HttpResponse:
    try:
        token = access.get_token_for(request.user, prefix, action="revoke")
    except NotFound as exc:
        raise Http404 from exc
    token = services.api_token_revoke(token=token, actor=request.user)  # type: ignore[arg-type]
    if _is_htmx(request):
        return render(request, "accounts/_token_row.html", {"token": token, **HELP})
    messages.success(request, _("The token “%(name)s” has been revoked.") % {"name": token.name})
    return redirect("accounts:security")


# --- CSRF failure -----------------------------------------------------------------------------


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Settings.CSRF_FAILURE_VIEW: a form that expired or was altered, explained in the user's language.

    A visitor of the public portal is sent back to the portal, not to the staff sign-in page."""
    portal = safe_reverse("portal:portal_home")
    if portal and request.path.startswith(portal):
        back = {"back_url": portal, "back_label": _("Back to the portal")}
    else:
        back = {"back_url": reverse("accounts:login"), "back_label": _("Go to the sign-in page")}
    return render(request, "accounts/csrf_failure.html", {**HELP, **back}, status=403)
