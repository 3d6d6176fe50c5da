from django.apps import AppConfig


class CatalogueConfig(AppConfig):
    name = "tenant_apps.catalogue"
    label = "catalogue"
    verbose_name = "Catalogue"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shared_apps.national.importers import AIDES_JEUNES, national_importer_register

        from .importers.aides_jeunes import import_aides_jeunes

        # aides-jeunes writes the national catalogue and the cities' (communal aids).
        national_importer_register(AIDES_JEUNES, import_aides_jeunes)
