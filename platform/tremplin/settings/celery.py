"""Celery on Redis; tasks carry the city's schema in their headers (tenant-schemas-celery)."""

from celery.schedules import crontab

from .env import env_bool, env_str

# CELERY
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", env_str("REDIS_URL", "redis://127.0.0.1:6379/0"))
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
# Tasks are idempotent: acknowledge after running, and requeue if the worker dies mid-task.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# A worker loads OpenFisca (about 10 s) before its pool forks, so « Mes droits » amounts come fast.
TREMPLIN_OPENFISCA_WARM_UP = env_bool("TREMPLIN_OPENFISCA_WARM_UP", True)
CELERY_TIMEZONE = "Europe/Paris"
# Periodic tasks; each fans out to every active city (see tenants.tasks).
CELERY_BEAT_SCHEDULE: dict = {
    # Safety net: each onboarding already triggers a refill.
    "matching-weekly-digests": {
        "task": "tenant_apps.matching.tasks.send_weekly_digests_everywhere",
        "schedule": crontab(hour=17, minute=0, day_of_week="fri"),
    },
    # Suspend cities still past due after their grace period (shared_apps.billing).
    "billing-suspend-overdue-cities": {
        "task": "shared_apps.billing.tasks.suspend_overdue_cities",
        "schedule": 3600.0,
    },
    # Withdraw the features a plan downgrade dropped once the paid period ended (billing).
    "billing-apply-plan-downgrades": {
        "task": "shared_apps.billing.tasks.apply_plan_downgrades",
        "schedule": 3600.0,
    },
    "analytics-drain-events": {
        "task": "tenant_apps.analytics.tasks.drain_events_everywhere",
        "schedule": 60.0,
    },
    "analytics-rollup-hourly": {
        "task": "tenant_apps.analytics.tasks.rollup_everywhere",
        "schedule": crontab(minute=5),
    },
    "analytics-rollup-nightly": {  # yesterday's final figures and the population snapshot
        "task": "tenant_apps.analytics.tasks.rollup_everywhere",
        "schedule": crontab(hour=2, minute=30),
        "kwargs": {"snapshot": True},
    },
    # Every young person's rights (OpenFisca included), after the rollups: non-recours in euros.
    "analytics-nonrecours-nightly": {
        "task": "tenant_apps.analytics.tasks.nonrecours_everywhere",
        "schedule": crontab(hour=4, minute=0),
    },
    "analytics-purge-events": {  # raw events older than 13 months
        "task": "tenant_apps.analytics.tasks.purge_events_everywhere",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every morning: e-mail young people registered to tomorrow's events.
    "portal-event-reminders": {
        "task": "tenant_apps.portal.tasks.send_event_reminders_everywhere",
        "schedule": crontab(hour=9, minute=0),
    },
    # Every morning: young people and advisors, of tomorrow's appointments (with the place).
    "matching-booking-reminders": {
        "task": "tenant_apps.matching.tasks.send_booking_reminders_everywhere",
        "schedule": crontab(hour=9, minute=10),
    },
    "tenants-refill-spare-schemas": {
        "task": "tenants.tasks.refill_spare_schemas",
        "schedule": 600.0,
    },
    # Cities left `provisioning`/`failed` for 10 minutes (tenants.services.STALLED_AFTER).
    "tenants-resume-stalled-provisioning": {
        "task": "tenants.tasks.resume_stalled_provisioning",
        "schedule": 300.0,
    },
}
