from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "shared_apps.console"
    label = "console"
    verbose_name = "Console opérateur"
    default_auto_field = "django.db.models.BigAutoField"
