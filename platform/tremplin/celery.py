"""The Celery application. Tasks run in the schema of the city that sent them."""

from tenant_schemas_celery.app import CeleryApp

app = CeleryApp("tremplin")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
