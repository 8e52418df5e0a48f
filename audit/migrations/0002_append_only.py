"""Make the audit table append-only in the database itself, not only in Python.

PostgreSQL refuses UPDATE and DELETE (TRUNCATE, which only the table owner may run, stays
possible for test flushes). SQLite, the single-user embedded default, refuses UPDATE only:
Django's test flush deletes rows there, and a deleted row is still caught by the chain.
"""
from django.db import migrations

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION audit_auditrecord_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit records are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE OR DELETE ON audit_auditrecord
    FOR EACH ROW EXECUTE FUNCTION audit_auditrecord_append_only();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS audit_auditrecord_no_update ON audit_auditrecord;
DROP FUNCTION IF EXISTS audit_auditrecord_append_only();
"""
SQLITE_UP = [
    """CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditrecord_no_update;",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_UP)
    elif vendor == "sqlite":
        for statement in SQLITE_UP:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_DOWN)
    elif vendor == "sqlite":
        for statement in SQLITE_DOWN:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
