"""Activation links: a signed, single-use set-password token (Django's
password-reset token: it stops working once the password is set, and after
settings.PASSWORD_RESET_TIMEOUT), sent by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from truyvet.accounts.models import User


def activation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:activate", args=[uid, default_token_generator.make_token(user)])


def activation_url(user: User, request: HttpRequest | None = None) -> str:
    path = activation_path(user)
    base = getattr(settings, "SITE_URL", "")
    if base:
        return base.rstrip("/") + path
    return request.build_absolute_uri(path) if request is not None else path


def send_activation(user: User, request: HttpRequest | None = None) -> None:
    """E-mail `user` the link that sets their password (the console in development)."""
    url = activation_url(user, request)
    body = _(
        "Hello %(name)s,\n\nAn account on TruyVet was made for you (username: %(username)s).\n"
        "Choose your password here: %(url)s\n\nThe link works once and expires in %(days)s days."
    ) % {"name": user.get_full_name() or user.username, "username": user.username, "url": url,
         "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)}
    send_mail(_("Activate your TruyVet account"), body, None, [user.email])
