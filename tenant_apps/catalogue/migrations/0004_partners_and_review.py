# Partner organisations confined to their structures, the review's reason, a job's contract
# type (issue 10).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0003_offer_how_to_apply"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="offer",
            name="contract_type",
            field=models.CharField(
                blank=True,
                choices=[
                    ("cdi", "CDI"),
                    ("cdd", "CDD"),
                    ("interim", "Intérim"),
                    ("apprentissage", "Apprentissage"),
                    ("professionnalisation", "Contrat de professionnalisation"),
                    ("stage", "Stage"),
                    ("job_ete", "Job d'été ou saisonnier"),
                    ("service_civique", "Service civique"),
                    ("benevolat", "Bénévolat"),
                    ("autre", "Autre"),
                ],
                max_length=24,
                verbose_name="type de contrat",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="created_by",
            field=models.ForeignKey(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="créée par",
            ),
        ),
        migrations.AddField(
            model_name="offer",
            name="review_reason",
            field=models.TextField(
                blank=True, editable=False, verbose_name="motif du renvoi en brouillon"
            ),
        ),
        migrations.CreateModel(
            name="PartnerMembership",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "structure",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partner_memberships",
                        to="catalogue.structure",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="partner_memberships",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "partenaire d'une structure",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "structure"), name="partner_membership_once"
                    )
                ],
            },
        ),
    ]
