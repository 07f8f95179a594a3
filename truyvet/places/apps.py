from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "truyvet.places"
    label = "places"
    default_auto_field = "django.db.models.BigAutoField"
