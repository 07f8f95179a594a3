"""Onboarding pages: public registration, the review queue, enterprise staff.
Thin: the logic is in accounts.onboarding."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from truyvet.accounts import onboarding
from truyvet.accounts.forms import InviteForm, RegistrationForm, RejectForm
from truyvet.accounts.models import EnterpriseApplication
from truyvet.accounts.scoping import get_visible_or_404


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            onboarding.submit_application(form.cleaned_data)
        except ValidationError as e:
            form.add_error("tax_code", e)
        else:
            return redirect("accounts:registered")
    return render(request, "accounts/register.html", {"form": form})


@require_GET
def registered(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/registered.html")


def _reviewer_or_404(request: HttpRequest) -> None:
    if not onboarding.can_review(request.user):
        raise Http404


@login_required
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    _reviewer_or_404(request)
    status = request.GET.get("status", EnterpriseApplication.Status.PENDING)
    qs = onboarding.reviewable_applications(request.user)
    if status in EnterpriseApplication.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/applications.html", {
        "page": page, "status": status, "statuses": EnterpriseApplication.Status.choices})


def _application(request: HttpRequest, pk: int) -> EnterpriseApplication:
    _reviewer_or_404(request)
    return get_visible_or_404(onboarding.reviewable_applications(request.user), pk=pk)


@login_required
@require_GET
def application(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    return render(request, "accounts/application.html",
                  {"app": app, "reject_form": RejectForm(),
                   "duplicate": app.status == "pending"
                   and onboarding.tax_code_taken(app.tax_code, exclude_application=app.pk)})


@login_required
@require_POST
def approve(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    try:
        result = onboarding.approve(app, request.user, request)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Approved. An activation link was sent to %(email)s "
                                    "(username %(username)s).")
                         % {"email": result.admin.email, "username": result.admin.username})
    return redirect("accounts:application", pk=app.pk)


@login_required
@require_POST
def reject(request: HttpRequest, pk: int) -> HttpResponse:
    app = _application(request, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            onboarding.reject(app, request.user, form.cleaned_data["reason"], request)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, _("Rejected."))
        return redirect("accounts:application", pk=app.pk)
    return render(request, "accounts/application.html",
                  {"app": app, "reject_form": form}, status=400)


def _staff_admin_or_404(request: HttpRequest) -> None:
    if not onboarding.can_manage_staff(request.user):
        raise Http404


@login_required
@require_GET
def staff(request: HttpRequest) -> HttpResponse:
    _staff_admin_or_404(request)
    return render(request, "accounts/staff.html", {
        "staff": onboarding.staff_of(request.user).order_by("-is_active", "username"),
        "form": InviteForm()})


@login_required
@require_POST
def invite(request: HttpRequest) -> HttpResponse:
    _staff_admin_or_404(request)
    form = InviteForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            user = onboarding.invite(request.user, d["email"], d["full_name"], d["role"], request)
        except ValidationError as e:
            form.add_error("email", e)
        else:
            messages.success(request, _("Invitation sent to %(email)s.") % {"email": user.email})
            return redirect("accounts:staff")
    return render(request, "accounts/staff.html", {
        "staff": onboarding.staff_of(request.user).order_by("-is_active", "username"),
        "form": form}, status=400)


@login_required
@require_POST
def disable(request: HttpRequest, pk: int) -> HttpResponse:
    _staff_admin_or_404(request)
    user = get_visible_or_404(onboarding.staff_of(request.user), pk=pk)
    onboarding.disable(request.user, user, request)
    messages.success(request, _("%(username)s can no longer log in.") % {"username": user.username})
    return redirect("accounts:staff")
