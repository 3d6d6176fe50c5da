"""Seed the QPV of cities that existed before the youth app (new cities are seeded at
onboarding by tenants.services.city_provision)."""

from django.db import migrations


def seed(apps, schema_editor):
    from shared_apps.geo.qpv import qpv_for_commune

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT insee FROM public.tenants_city WHERE schema_name = %s",
            [connection.schema_name],
        )
        row = cursor.fetchone()
    if row is None:  # the template schema, or a schema that is not a city
        return
    Neighbourhood = apps.get_model("youth", "Neighbourhood")
    for position, qpv in enumerate(qpv_for_commune(row[0]), start=1):
        Neighbourhood.objects.get_or_create(
            code=qpv.code.lower(),
            defaults=dict(
                name=qpv.label, is_qpv=True, latitude=qpv.lat, longitude=qpv.lon, position=position
            ),
        )
    Neighbourhood.objects.get_or_create(
        code="hors-qpv", defaults=dict(name="Hors quartier prioritaire", position=1000)
    )


class Migration(migrations.Migration):
    dependencies = [("youth", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
