"""The Celery application. Tasks run in the schema of the city that sent them."""

import logging

from celery.signals import worker_init
from kombu.exceptions import OperationalError
from tenant_schemas_celery.app import CeleryApp
from tenant_schemas_celery.task import TenantTask

logger = logging.getLogger(__name__)


class Task(TenantTask):
    """`delay()` is fire-and-forget: with the broker (Redis) down it logs and returns None.

    Pages and the API send their tasks with `delay()`, mostly after commit: a raise there
    would answer 500 for work that is already saved. What is not sent is caught up by the
    sweepers (a city left `provisioning` is resumed by tenants.tasks). `apply_async()` still
    raises, for callers that count what was sent (tenants.crosscity).
    """

    abstract = True

    def delay(self, *args, **kwargs):
        try:
            return self.apply_async(args, kwargs)
        except OperationalError:
            logger.exception("Task %s not sent: the broker is unreachable", self.name)
            return None


app = CeleryApp("tremplin", task_cls=Task)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _warm_up(**kwargs) -> None:
    """Before the pool forks: what every task of this worker will need, loaded once."""
    from tenant_apps.matching.tasks import openfisca_warm_up

    openfisca_warm_up()
