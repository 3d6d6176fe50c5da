"""Every event gets an id (given at record time, carried through the Redis buffer), unique, so
a drain replayed after a crash stores nothing twice. Existing rows get one from PostgreSQL's
gen_random_uuid(), evaluated per row (the column's database default)."""

import uuid

import django.contrib.postgres.functions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0004_publish_event_attendance"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="uid",
            field=models.UUIDField(
                db_default=django.contrib.postgres.functions.RandomUUID(),
                default=uuid.uuid4,
                editable=False,
                unique=True,
            ),
        ),
    ]
