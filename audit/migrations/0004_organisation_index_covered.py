"""Drop the audit table's own index on organisation: (organisation, created_at) covers it.

SQLite alters a column by rebuilding the table, which drops its triggers: the append-only
guard of 0002 is put back afterwards.
"""
import django.db.models.deletion
from django.db import migrations, models

from audit.guard import sqlite_guard_restore


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_chain_head_prev_hash'),
        ('organisations', '0002_role_groups'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditrecord',
            name='organisation',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.organisation'),
        ),
        migrations.RunPython(sqlite_guard_restore, sqlite_guard_restore),
    ]
