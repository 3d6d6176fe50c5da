from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "tenant_apps.staff"
    label = "staff"
    verbose_name = "Espace des agents"
    default_auto_field = "django.db.models.BigAutoField"
