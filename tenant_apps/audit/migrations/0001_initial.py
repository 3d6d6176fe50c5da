# The staff audit log moved here from tenant_apps.staff (its table keeps its name): Django's
# state only, nothing changes in the database.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("staff", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StaffAuditEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "actor_email",
                            models.CharField(blank=True, max_length=254, verbose_name="auteur"),
                        ),
                        ("action", models.CharField(max_length=40, verbose_name="action")),
                        (
                            "object_type",
                            models.CharField(max_length=40, verbose_name="type d'objet"),
                        ),
                        (
                            "object_id",
                            models.CharField(max_length=64, verbose_name="identifiant"),
                        ),
                        (
                            "object_label",
                            models.CharField(blank=True, max_length=200, verbose_name="objet"),
                        ),
                        (
                            "diff",
                            models.JSONField(blank=True, default=dict, verbose_name="modifications"),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="date"),
                        ),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "entrée du journal",
                        "verbose_name_plural": "journal des modifications",
                        "db_table": "staff_staffauditentry",
                        "ordering": ["-created_at", "-id"],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
