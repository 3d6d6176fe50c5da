# The advisor role (issue 10): choices only, no schema change. Applies in public and in every
# city schema, like the user table itself.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="role",
            field=models.CharField(
                choices=[
                    ("operator", "Opérateur de la plateforme"),
                    ("admin", "Administrateur de la ville"),
                    ("editor", "Éditeur"),
                    ("viewer", "Lecteur (élu, direction)"),
                    ("partner", "Structure partenaire"),
                    ("advisor", "Conseiller·ère ou mentor"),
                    ("youth", "Jeune"),
                ],
                default="youth",
                max_length=16,
                verbose_name="rôle",
            ),
        ),
    ]
