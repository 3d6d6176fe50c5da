"""Non-recours in euros (nonrecours.py): a nightly snapshot of every young person's rights.

The eligible counts the population snapshot used to keep (PopulationFact, dimension
"eligible") now come from this snapshot: the old rows are no longer read, and go."""

import django.db.models.deletion
from django.db import migrations, models


def drop_old_eligible_counts(apps, schema_editor):
    PopulationFact = apps.get_model("analytics", "PopulationFact")
    PopulationFact.objects.filter(dimension="eligible").delete()


class Migration(migrations.Migration):

    dependencies = [
        ('analytics', '0005_event_uid'),
    ]

    operations = [
        migrations.CreateModel(
            name='NonRecoursSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True)),
                ('computed_at', models.DateTimeField()),
                ('legislation_date', models.DateField()),
                ('people', models.PositiveIntegerField()),
                ('simulated', models.PositiveIntegerField(default=0)),
                ('seconds', models.FloatField(default=0)),
                ('simulation_seconds', models.FloatField(default=0)),
            ],
            options={
                'ordering': ['-day'],
            },
        ),
        migrations.CreateModel(
            name='NonRecoursFact',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('neighbourhood', models.CharField(blank=True, max_length=40)),
                ('offer_id', models.UUIDField(blank=True, null=True)),
                ('offer_title', models.CharField(blank=True, max_length=200)),
                ('is_national', models.BooleanField(null=True)),
                ('eligible', models.PositiveIntegerField()),
                ('claimed', models.PositiveIntegerField()),
                ('unclaimed_monthly_euros', models.DecimalField(blank=True, decimal_places=2, max_digits=14, null=True)),
                ('snapshot', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='facts', to='analytics.nonrecourssnapshot')),
            ],
            options={
                'constraints': [models.CheckConstraint(condition=models.Q(('claimed__lte', models.F('eligible'))), name='nonrecours_claimed_among_eligible'), models.UniqueConstraint(fields=('snapshot', 'neighbourhood', 'offer_id'), name='nonrecours_one_atom', nulls_distinct=False)],
            },
        ),
        migrations.RunPython(drop_old_eligible_counts, migrations.RunPython.noop),
    ]
