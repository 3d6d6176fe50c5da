# A job's contract type, in the offer shape both catalogues share (issue 10).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("national", "0002_nationaloffer_how_to_apply"),
    ]

    operations = [
        migrations.AddField(
            model_name="nationaloffer",
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
    ]
