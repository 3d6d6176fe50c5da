from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "shared_apps.network"
    label = "network"
    verbose_name = "Réseau des inspirations"
    default_auto_field = "django.db.models.BigAutoField"
