from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tenant_apps.audit"
    label = "audit"
    verbose_name = "Journal des modifications"
    default_auto_field = "django.db.models.BigAutoField"
