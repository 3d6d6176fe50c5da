from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "shared_apps.national"
    label = "national"
    verbose_name = "Catalogue national"
    default_auto_field = "django.db.models.BigAutoField"
