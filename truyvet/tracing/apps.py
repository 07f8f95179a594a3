from django.apps import AppConfig


class TracingConfig(AppConfig):
    name = "truyvet.tracing"
    label = "tracing"
    default_auto_field = "django.db.models.BigAutoField"
