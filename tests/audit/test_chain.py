"""X-4: the audit trail is append-only, chained by hashes, and tampering is found."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from audit.guard import SQLITE_GUARD
from audit.models import AuditRecord
from audit.selectors import audit_chain_verify, audit_unchained_count
from audit.services import audit_chain, audit_entry, audit_record


def _write(n, **kwargs):
    with transaction.atomic():
        return [audit_record(action="test.step", details={"i": i}, **kwargs) for i in range(n)]




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
            for statement in SQLITE_GUARD:
                cursor.execute(statement)


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


def _append_unchained(n, stream="box:1"):
    """Rows as a cast writes them: saved in its transaction, chained later."""
    with transaction.atomic():
        return [audit_entry(action="ballot.cast", stream=stream, details={"i": i}).save()
                or AuditRecord.objects.latest("id") for i in range(n)]


@pytest.mark.django_db(transaction=True)
def test_unchained_rows_are_reported_apart_from_broken_ones_then_chained(capsys):
    _write(2)
    _append_unchained(3)

    assert audit_chain_verify() == [] and audit_unchained_count() == 3
    call_command("audit_verify")
    out = capsys.readouterr().out
    assert "OK: 2 audit records verified" in out and "3 audit records not chained yet" in out

    call_command("audit_verify", "--chain")
    assert "OK: 5 audit records verified" in capsys.readouterr().out
    assert audit_unchained_count() == 0
    rows = list(AuditRecord.objects.filter(stream="box:1").order_by("seq"))
    assert [r.seq for r in rows] == [1, 2, 3] and rows[1].prev_hash == rows[0].hash


@pytest.mark.django_db(transaction=True)
def test_a_tampered_and_a_missing_chained_row_are_both_reported(guard_lifted):
    _append_unchained(3, stream="box:7")
    kept = _append_unchained(4, stream="box:8")
    audit_chain()
    guard_lifted()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET details = %s WHERE stream = 'box:7' "
                       "AND seq = 2", ['{"i": 99}'])
        cursor.execute("DELETE FROM audit_auditrecord WHERE id = %s", [kept[1].pk])

    problems = {p.stream: p for p in audit_chain_verify()}
    assert problems["box:7"].seq == 2 and "does not match its hash" in problems["box:7"].reason
    assert problems["box:8"].seq == 2 and "missing" in problems["box:8"].reason


@pytest.mark.django_db(transaction=True)
def test_the_database_lets_a_row_be_chained_once_and_never_again():
    [row] = _append_unchained(1)
    audit_chain()
    row.refresh_from_db()
    assert row.seq == 1 and row.hash
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET hash = %s WHERE id = %s", ["f" * 64, row.pk])
    [other] = _append_unchained(1)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        # Chaining may not change what the row says.
        cursor.execute("UPDATE audit_auditrecord SET seq = 9, hash = %s, action = 'forged' "
                       "WHERE id = %s", ["f" * 64, other.pk])
    assert AuditRecord.objects.get(pk=other.pk).action == "ballot.cast"


@pytest.mark.django_db
def test_the_database_still_refuses_to_change_an_audit_row_after_every_migration():
    with transaction.atomic():
        record = audit_record(action="test.guarded")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditrecord SET action = 'forged' WHERE id = %s",
                       [record.pk])
    record.refresh_from_db()
    assert record.action == "test.guarded"
