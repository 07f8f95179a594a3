from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "truyvet.health"
    label = "health"
    default_auto_field = "django.db.models.BigAutoField"
