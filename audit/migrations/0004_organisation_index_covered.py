"""Drop the audit table's own index on organisation: (organisation, created_at) covers it.

SQLite alters a column by rebuilding the table, which drops its triggers: the append-only
guard of 0002 is put back afterwards.
"""
import django.db.models.deletion
from django.db import migrations, models

SQLITE_GUARD = [
    "DROP TRIGGER IF EXISTS audit_auditrecord_no_update;",
    """CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]


def sqlite_guard_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)


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
