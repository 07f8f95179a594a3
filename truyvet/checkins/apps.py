from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "truyvet.checkins"
    label = "checkins"
    default_auto_field = "django.db.models.BigAutoField"
