from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("branding", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="branding",
            name="fleet_probe",
            field=models.IntegerField(null=True),
        ),
    ]
