from django.apps import AppConfig


class StaffConfig(AppConfig):
    name = "tenant_apps.staff"
    label = "staff"
    verbose_name = "Espace des agents"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import notices, reviews

        reviews.register()  # a review's answer reaches the offer's author (catalogue hook)
        notices.register()  # what tenants.notices tells a city's admins lands in their inbox
