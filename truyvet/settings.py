"""Django settings. Every knob comes from the environment (see README)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from truyvet.core.env import envbool, envint, envlist, envstr

BASE_DIR = Path(__file__).resolve().parent

DEBUG = envbool("DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-set-SECRET_KEY-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or DEV_SECRET_KEY
# TRUYVET_ENV=production refuses to start with the development key (or with DEBUG).
TRUYVET_ENV = envstr("TRUYVET_ENV", "development")
if TRUYVET_ENV == "production" and (SECRET_KEY == DEV_SECRET_KEY or DEBUG or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "TRUYVET_ENV=production needs DEBUG off and SECRET_KEY set (32+ random characters)"
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",  # its Swagger UI assets, served locally (no CDN)
    "django_tasks",
    "django_tasks_db",
    "truyvet.core",
    "truyvet.accounts",
    "truyvet.registry",
    "truyvet.places",
    "truyvet.datasets",
    "truyvet.tracing",
    "truyvet.cases",
    "truyvet.checkins",
    "truyvet.health",
    "truyvet.worklists",
    "truyvet.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "truyvet.web.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "truyvet.web.middleware.RateLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "truyvet.web.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "truyvet.web.middleware.SessionSecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "truyvet.urls"
WSGI_APPLICATION = "truyvet.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "truyvet.web.context.navigation",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("DATABASE_URL")
    if not url:
        url = os.environ.get("TRUYVET_EMBEDDED_URL")
    if not url:
        # No server named: start (or reuse) the private one under var/.
        from truyvet.core import embedded_pg

        url = embedded_pg.ensure_running()
        os.environ["TRUYVET_EMBEDDED_URL"] = url
    db = dj_database_url.parse(url, conn_max_age=envint("DB_CONN_MAX_AGE", 60))
    db["ENGINE"] = "django.db.backends.postgresql"
    db.setdefault("OPTIONS", {})
    db["TEST"] = {"NAME": envstr("TRUYVET_TEST_DB", "test_truyvet")}
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = envstr("TIME_ZONE", "Asia/Ho_Chi_Minh")

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR.parent / "var" / "static")))
STATICFILES_DIRS = [
    d for d in [BASE_DIR.parent / "node_modules" / "htmx.org" / "dist"] if d.exists()
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MANIFEST_STRICT = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_AGE = envint("SESSION_AGE_SECONDS", 8 * 3600)
SESSION_COOKIE_SAMESITE = "Lax"
# Sessions idle longer than this are ended (accounts.sessions); 0 turns it off.
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS: HSTS only when asked (the site must be served over HTTPS for good);
# trust X-Forwarded-Proto only behind a proxy that sets it.
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many proxies in front of us append to X-Forwarded-For (0: use REMOTE_ADDR).
TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0)
# Content-Security-Policy (web.middleware.SecurityHeadersMiddleware): no inline
# script, no inline style, nothing from other origins.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# Uploads: requests and in-memory files are bounded; `core.uploads.check_upload`
# checks each uploaded file's content and size.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = envint("FILE_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# Fixed-window rate limits per client, by URL prefix: "requests/seconds" from
# the environment (accounts.ratelimit). Login counts POSTs only.
RATE_LIMITS = {
    "/login/": envstr("RATE_LIMIT_LOGIN", "30/60"),
    "/c/": envstr("RATE_LIMIT_CHECKIN", "300/60"),
    "/api/v1/scans": envstr("RATE_LIMIT_SCANS", "600/60"),
    "/register/": envstr("RATE_LIMIT_REGISTER", "10/600"),
}

# E-mail (activation links): the console by default; SMTP from EMAIL_* variables.
EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "TruyVết <no-reply@localhost>")
# Links in e-mails use this address when set (behind a proxy), else the request's.
SITE_URL = envstr("SITE_URL", "")
# Activation and invitation links stay valid this long.
PASSWORD_RESET_TIMEOUT = envint("ACTIVATION_LINK_SECONDS", 3 * 24 * 3600)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50

# Background work (imports, badge sheets, scheduled checks): django-tasks (the
# backport of Django 6's tasks framework) on a PostgreSQL table, run by
# `truyvet worker` (started by `truyvet serve`). Tests run tasks inline.
TASKS = {
    "default": {
        "BACKEND": envstr("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
