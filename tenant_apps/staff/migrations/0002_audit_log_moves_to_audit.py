# The staff audit log now belongs to tenant_apps.audit (see audit/0001): Django's state only,
# the table stays where it is.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("staff", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="StaffAuditEntry")],
            database_operations=[],
        ),
    ]
