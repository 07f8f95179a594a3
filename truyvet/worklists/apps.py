from django.apps import AppConfig


class WorklistsConfig(AppConfig):
    name = "truyvet.worklists"
    label = "worklists"
    default_auto_field = "django.db.models.BigAutoField"
