"""The database's own guard on the audit table, for migrations that must put it back.

SQLite alters a column by rebuilding the table, which drops its triggers; a migration that
alters ``audit_auditrecord`` runs ``sqlite_guard_restore`` after it. (PostgreSQL keeps
its trigger through ALTER TABLE.) The guard's SQL lives in the database adapter.
"""
from wotum.db import AUDIT_GUARD_SQLITE as SQLITE_GUARD
from wotum.db import audit_guard_install, audit_guard_restore_after_rebuild

__all__ = ["SQLITE_GUARD", "guard_install", "sqlite_guard_restore"]


def sqlite_guard_restore(apps, schema_editor):
    audit_guard_restore_after_rebuild(schema_editor)


def guard_install(apps, schema_editor):
    audit_guard_install(schema_editor)
