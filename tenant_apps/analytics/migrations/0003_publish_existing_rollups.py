"""Store the published figures of the months and weeks rolled up before `Figure` existed."""

from django.db import migrations


def publish_existing(apps, schema_editor):
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
    dependencies = [("analytics", "0002_figure")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
