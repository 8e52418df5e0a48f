"""Writing to the audit trail."""
import json

from django.db import connection
from django.utils import timezone

from wotum.sql import insert_select

from .models import GENESIS_HASH, AuditChainHead, AuditRecord


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "email", "") or str(actor)


def audit_entry(
    *,
    action: str,
    actor=None,
    obj=None,
    organisation=None,
    from_state: str = "",
    to_state: str = "",
    details: dict | None = None,
    stream: str = "global",
) -> AuditRecord:
    """A record not yet on its chain: everything but its place (seq) and its hashes."""
    if organisation is None and obj is not None:
        organisation = getattr(obj, "organisation", None)
    return AuditRecord(
        stream=stream,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        organisation_id=getattr(organisation, "pk", organisation),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        details=details or {},
    )


def audit_record(**fields) -> AuditRecord:
    """Append a record (``audit_entry``'s fields) to its stream in the caller's transaction.

    It must share the transaction of the change it records, so that a change is never
    committed without its record, nor a record without its change.
    """
    return audit_append(audit_entry(**fields))


def audit_append(record: AuditRecord) -> AuditRecord:
    """Chain and save ``record``: lock its stream's head, link to it, move it on."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the transaction it records.")
    stream = record.stream
    head = AuditChainHead.objects.select_for_update().filter(pk=stream).first()
    if head is None:  # the stream's first record: create its head (once), then lock it
        AuditChainHead.objects.get_or_create(stream=stream)
        head = AuditChainHead.objects.select_for_update().get(pk=stream)
    record.seq = head.seq + 1
    record.prev_hash = head.hash or GENESIS_HASH
    record.hash = record.compute_hash()
    record.save()
    AuditChainHead.objects.filter(pk=head.pk).update(seq=record.seq, hash=record.hash,
                                                     prev_hash=record.prev_hash)
    return record


# Stand-ins for the two values only the database knows when a record is appended in SQL.
# PostgreSQL text cannot hold NUL, so no stored value can contain them.
_SEQ_SLOT = "\x00seq\x00"
_OBJECT_ID_SLOT = "\x00object_id\x00"


def audit_append_sql(record: AuditRecord, *, object_id_sql: str, when_sql: str
                     ) -> tuple[list[str], list]:
    """Three ``WITH`` parts (PostgreSQL) that append ``record`` inside the caller's
    statement: ``audit_text`` holds its canonical text, ``audit_head`` moves the stream's
    head on (creating it on the first record), ``audit_row`` inserts the record.

    ``object_id_sql`` is the SQL of the recorded object's id, known only inside the
    statement (e.g. ``(SELECT id FROM ballot)``); nothing is appended unless ``when_sql``
    holds. The hash is the one ``AuditRecord.compute_hash`` gives: the record's canonical
    JSON is built here with stand-ins for its sequence number and object id, and the
    database puts the two values in before hashing. The head row's lock orders
    concurrent appends exactly as ``audit_append``'s ``SELECT … FOR UPDATE`` does.
    """
    record.seq, record.object_id = _SEQ_SLOT, _OBJECT_ID_SLOT
    canonical = record.canonical()
    before_id, rest = _split_once(canonical, json.dumps(_OBJECT_ID_SLOT))
    before_seq, after_seq = _split_once(rest, json.dumps(_SEQ_SLOT))

    def hashed(prev: str, seq: str) -> str:
        return (f"encode(sha256(convert_to({prev} || audit_text.before_id || '\"' || "
                f"{object_id_sql}::text || '\"' || audit_text.before_seq || ({seq})::text || "
                "audit_text.after_seq, 'UTF8')), 'hex')")

    text = "audit_text AS (SELECT %s::text AS before_id, %s::text AS before_seq, " \
           "%s::text AS after_seq, %s::text AS genesis)"
    head = ("audit_head AS (INSERT INTO audit_auditchainhead AS h "  # noqa: S608
            "(stream, seq, prev_hash, hash) "
            f"SELECT %s, 1, audit_text.genesis, {hashed('audit_text.genesis', '1')} "
            f"FROM audit_text WHERE {when_sql} "
            "ON CONFLICT (stream) DO UPDATE SET seq = h.seq + 1, prev_hash = h.hash, "
            f"hash = (SELECT {hashed('h.hash', 'h.seq + 1')} FROM audit_text) "
            "RETURNING seq, prev_hash, hash)")
    head_params = [before_id, before_seq, after_seq, GENESIS_HASH, record.stream]
    row_sql, row_params = insert_select(record, source="audit_head", exprs={
        "seq": ("audit_head.seq", []), "prev_hash": ("audit_head.prev_hash", []),
        "hash": ("audit_head.hash", []), "object_id": (f"{object_id_sql}::text", [])})
    return [text, head, f"audit_row AS ({row_sql})"], [*head_params, *row_params]


def _split_once(text: str, slot: str) -> tuple[str, str]:
    before, found, after = text.partition(slot)
    if not found or slot in after:
        raise ValueError("the audit record's canonical form must hold each stand-in once")
    return before, after


def audit_transition(instance, *, actor, action: str, from_state, to_state, **extra):
    """Record a state-machine transition of ``instance``."""
    return audit_record(action=action, actor=actor, obj=instance, from_state=from_state,
                        to_state=to_state, **extra)
