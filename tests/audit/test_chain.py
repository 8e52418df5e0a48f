"""X-4: the audit trail is append-only, chained by hashes, and tampering is found."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_record


def _write(n, **kwargs):
    with transaction.atomic():
        return [audit_record(action="test.step", details={"i": i}, **kwargs) for i in range(n)]


SQLITE_GUARD = """CREATE TRIGGER audit_auditrecord_no_update BEFORE UPDATE ON audit_auditrecord
    BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;"""


@pytest.fixture
def guard_lifted():
    """Tampering needs the database's guard out of the way, as an attacker with DBA rights."""

    def lift():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditrecord DISABLE TRIGGER "
                               "audit_auditrecord_no_update")
            else:
                cursor.execute("DROP TRIGGER audit_auditrecord_no_update")

    yield lift
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditrecord ENABLE TRIGGER "
                           "audit_auditrecord_no_update")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_auditrecord_no_update")
            cursor.execute(SQLITE_GUARD)


@pytest.mark.django_db(transaction=True)
def test_records_link_into_a_chain_and_verify_cleanly(capsys):
    records = _write(3)

    assert [r.seq for r in records] == [1, 2, 3]
    assert records[1].prev_hash == records[0].hash
    assert audit_chain_verify() == []
    call_command("audit_verify")
    assert "OK: 3 audit records verified" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_tampered_row_is_named_by_the_verify_command(capsys, guard_lifted):
    records = _write(4)
    guard_lifted()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET to_state = %s WHERE id = %s",
                       ["accepted", records[2].pk])

    with pytest.raises(CommandError):
        call_command("audit_verify")
    err = capsys.readouterr().err
    assert f"seq 3 (record id {records[2].pk})" in err
    assert "content does not match its hash" in err


@pytest.mark.django_db(transaction=True)
def test_deleted_row_is_found(guard_lifted):
    records = _write(3)
    guard_lifted()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[1].pk])

    [problem] = audit_chain_verify()
    assert problem.seq == 2 and "missing" in problem.reason


@pytest.mark.django_db(transaction=True)
def test_deleting_the_last_row_is_found_through_the_chain_head(guard_lifted):
    records = _write(3)
    guard_lifted()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [records[2].pk])

    [problem] = audit_chain_verify()
    assert "head is at 3" in problem.reason


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", [
    "UPDATE audit_auditrecord SET action = 'x' WHERE id = %s",
    pytest.param("DELETE FROM audit_auditrecord WHERE id = %s", id="delete"),
])
def test_the_database_refuses_to_rewrite_history(statement):
    if statement.startswith("DELETE") and connection.vendor == "sqlite":
        pytest.skip("SQLite allows deletes (Django's test flush needs them); the chain finds them")
    [record] = _write(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, [record.pk])
    assert AuditRecord.objects.get(pk=record.pk).action == "test.step"


@pytest.mark.django_db
def test_python_refuses_edits_and_deletes():
    [record] = _write(1)
    record.action = "changed"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()


@pytest.mark.django_db(transaction=True)
def test_a_record_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match="inside the transaction"):
        audit_record(action="test.orphan")


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_record():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        audit_record(action="test.doomed")
        1 / 0  # noqa: B018
    assert not AuditRecord.objects.exists()
    assert audit_chain_verify() == []


@pytest.mark.django_db
def test_admin_cannot_add_change_or_delete(admin_client):
    [record] = _write(1)
    change_url = f"/admin/audit/auditrecord/{record.pk}/change/"

    assert admin_client.get("/admin/audit/auditrecord/add/").status_code == 403
    assert admin_client.get(change_url).status_code == 200  # read-only view
    assert admin_client.post(change_url, {"action": "forged"}).status_code == 403
    assert admin_client.post(f"/admin/audit/auditrecord/{record.pk}/delete/").status_code == 403
    assert AuditRecord.objects.get(pk=record.pk).action == "test.step"


@pytest.mark.django_db
def test_records_appended_in_sql_chain_with_those_appended_in_python():
    """The one-statement writer (PostgreSQL) hashes exactly as AuditRecord.compute_hash:
    interleaved with ORM appends on one stream, the chain still verifies."""
    if connection.vendor != "postgresql":
        pytest.skip("appending inside a WITH statement is PostgreSQL's")
    from audit.services import audit_append_sql, audit_entry

    awkward = {"note": "Zażółć \"gęślą\" jaźń \\ 100% ' \u2028 \t end", "n": [1, 2.5, None]}
    with transaction.atomic():
        audit_record(action="test.python", stream="mixed", details={"i": 0})
    for object_id in (7, 123456789012):
        record = audit_entry(action="test.sql", stream="mixed", actor="Łucja 'admin'",
                             details=awkward, from_state="a%s", to_state="b")
        parts, params = audit_append_sql(record, object_id_sql="(SELECT id FROM thing)",
                                         when_sql="EXISTS (SELECT 1 FROM thing)")
        with connection.cursor() as cursor:
            cursor.execute("WITH thing AS (SELECT %s::bigint AS id), "  # noqa: S608
                           + ", ".join(parts) + " SELECT seq FROM audit_head",
                           [object_id, *params])
            assert cursor.fetchone() is not None
        with transaction.atomic():
            audit_record(action="test.python", stream="mixed", details={"after": object_id})

    rows = list(AuditRecord.objects.filter(stream="mixed").order_by("seq"))
    assert [r.action for r in rows] == ["test.python", "test.sql", "test.python",
                                        "test.sql", "test.python"]
    assert [r.object_id for r in rows if r.action == "test.sql"] == ["7", "123456789012"]
    assert rows[1].details == awkward
    assert audit_chain_verify("mixed") == []


@pytest.mark.django_db
def test_a_stream_can_start_with_a_record_appended_in_sql():
    if connection.vendor != "postgresql":
        pytest.skip("appending inside a WITH statement is PostgreSQL's")
    from audit.services import audit_append_sql, audit_entry

    record = audit_entry(action="test.sql", stream="fresh")
    parts, params = audit_append_sql(record, object_id_sql="(SELECT 1)", when_sql="true")
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " SELECT seq FROM audit_head",  # noqa: S608
                       params)
        assert cursor.fetchone() == (1,)
    assert audit_chain_verify("fresh") == []


@pytest.mark.django_db
def test_the_database_still_refuses_to_change_an_audit_row_after_every_migration():
    with transaction.atomic():
        record = audit_record(action="test.guarded")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET action = 'forged' WHERE id = %s",
                       [record.pk])
    record.refresh_from_db()
    assert record.action == "test.guarded"
