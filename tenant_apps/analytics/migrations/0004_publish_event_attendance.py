"""Publish the figures added to `rollups.PUBLISHED` for attendance (registrations and
attendance per week) over the periods already rolled up."""

from django.db import migrations


def republish(apps, schema_editor):
    from tenant_apps.analytics.rollups import PUBLISHED, publish_period

    Rollup = apps.get_model("analytics", "Rollup")
    periods = (
        Rollup.objects.filter(period__in=list(PUBLISHED))
        .values_list("period", "start")
        .distinct()
        .order_by("period", "start")
    )
    for period, start in periods:
        publish_period(period=period, start=start)


class Migration(migrations.Migration):
    dependencies = [("analytics", "0003_publish_existing_rollups")]

    operations = [migrations.RunPython(republish, migrations.RunPython.noop)]
