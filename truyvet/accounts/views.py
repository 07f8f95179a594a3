"""Account pages: second factor, security, activation. Thin: the logic is in
accounts.twofactor, accounts.sessions and accounts.activation."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from truyvet.accounts import audit, lockout, sessions, twofactor
from truyvet.accounts.forms import CodeForm
from truyvet.accounts.models import User
from truyvet.accounts.totp import provisioning_uri


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("home")


def _authority_or_404(request: HttpRequest) -> User:
    if not twofactor.is_authority(request.user):
        raise Http404
    return request.user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """Give the second factor: a code from the app or a recovery code."""
    user = request.user
    if twofactor.confirmed_device(user) is None:
        if not twofactor.is_authority(user):
            raise Http404
        return redirect(reverse("accounts:2fa_setup") + "?next=" + _next(request))
    form = CodeForm(request.POST or None)
    ip = audit.client_ip(request)
    locked = lockout.locked_until(user.username, ip)
    if request.method == "POST" and locked is None and form.is_valid():
        how = twofactor.verify_code(user, form.cleaned_data["code"])
        if how is not None:
            twofactor.mark_verified(request.session, how)
            request.session.cycle_key()
            lockout.record_success(user.username)
            if how == "recovery":
                audit.record_event(user, audit.RECOVERY_CODE_USED, "login with a recovery code",
                                   request=request)
                messages.warning(request, _("You used a recovery code. %(n)s remain.")
                                 % {"n": twofactor.remaining_recovery_codes(user)})
            return redirect(_next(request))
        locked = lockout.record_failure(user.username, ip)
        form.add_error("code", _("This code is not valid."))
    if locked is not None:
        logout(request)
        messages.error(request, _("Too many failed attempts. Try again later."))
        return redirect("login")
    return render(request, "accounts/two_factor.html", {"form": form, "next": _next(request)})


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code, type a code from it."""
    user = _authority_or_404(request)
    if twofactor.confirmed_device(user) is not None:
        return redirect("accounts:security")
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_device(user, form.cleaned_data["code"])
        if codes is not None:
            twofactor.mark_verified(request.session, "totp")
            request.session.cycle_key()
            audit.record_event(user, audit.TWO_FACTOR_ENROLLED, "authenticator app confirmed",
                               request=request)
            return render(request, "accounts/recovery_codes.html",
                          {"codes": codes, "next": _next(request)})
        form.add_error("code", _("This code is not valid."))
    return render(request, "accounts/two_factor_setup.html",
                  {"form": form, "secret": device.secret, "next": _next(request)})


@never_cache
@login_required
@require_GET
def two_factor_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the device being enrolled (never of a confirmed one)."""
    user = _authority_or_404(request)
    if twofactor.confirmed_device(user) is not None:
        raise Http404
    device = twofactor.pending_device(user)
    qr = segno.make(provisioning_uri(device.secret, user.username), error="m")
    response = HttpResponse(qr.svg_inline(scale=5, dark="#111", light="#fff"),
                            content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@never_cache
@login_required
@require_GET
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    device = twofactor.confirmed_device(user)
    return render(request, "accounts/security.html", {
        "device": device, "is_authority": twofactor.is_authority(user),
        "recovery_left": twofactor.remaining_recovery_codes(user) if device else 0,
    })


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); needs a verified session."""
    user = request.user
    if twofactor.confirmed_device(user) is None or not twofactor.is_verified(request.session):
        raise Http404
    codes = twofactor.new_recovery_codes(user)
    return render(request, "accounts/recovery_codes.html",
                  {"codes": codes, "next": reverse("accounts:security")})


@login_required
@require_POST
def logout_everywhere(request: HttpRequest) -> HttpResponse:
    user = request.user
    sessions.end_all_sessions(user)
    audit.record_event(user, audit.LOGOUT_EVERYWHERE, "all sessions ended", request=request)
    logout(request)
    messages.success(request, _("You were logged out on every device."))
    return redirect("login")


class ActivateView(auth_views.PasswordResetConfirmView):
    """Choose a password from an activation (or invitation) link."""

    template_name = "accounts/activate.html"
    success_url = reverse_lazy("accounts:activated")
    reset_url_token = "set-password"

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None


@require_GET
def activated(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/activated.html")
