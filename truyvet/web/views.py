"""The shell: login, password change, home per role."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from truyvet.web.forms import LockoutAuthenticationForm
from truyvet.web.queries import home_summary


class LoginView(auth_views.LoginView):
    """Password login; authorities then give their second factor (the
    middleware sends them to accounts:2fa)."""

    template_name = "web/login.html"
    authentication_form = LockoutAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/password_change.html"


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "web/password_change_done.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"summary": home_summary(request.user)})
