"""The database's own guard on the audit table, for migrations that must put it back.

SQLite alters a column by rebuilding the table, which drops its triggers; a migration that
alters ``audit_auditrecord`` runs ``sqlite_guard_restore`` after it. (PostgreSQL keeps
its trigger through ALTER TABLE.)
"""
SQLITE_GUARD = [
    "DROP TRIGGER IF EXISTS audit_auditrecord_no_update;",
    """CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE ON audit_auditrecord
       BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;""",
]


def sqlite_guard_restore(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_GUARD:
            schema_editor.execute(statement)
