from django.apps import AppConfig


class TremplinConfig(AppConfig):
    name = "tremplin"
    verbose_name = "Tremplin"

    def ready(self) -> None:
        from tenant_apps.matching import rights_api_docs

        from . import openapi  # noqa: F401  (registers the bearer scheme with drf-spectacular)

        rights_api_docs.document()  # the rights endpoints' responses (issue 17's contract)
