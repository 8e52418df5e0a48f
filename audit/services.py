"""Writing to the audit trail."""
import logging
import time

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from wotum.db import rows_update

from .models import GENESIS_HASH, AuditChainHead, AuditRecord

logger = logging.getLogger(__name__)
NUDGE_SECONDS = 1.0  # how long an appended row may wait for its chain, besides the sweep
_next_nudge = 0.0


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
    """An unsaved, unchained record: everything but its place (seq) and its hashes."""
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
    """Save ``record`` unchained and chain its stream now, in the caller's transaction.

    For the rare state changes of staff and jobs, whose record should be on its chain at
    once. Casting writes unchained rows through its store and leaves the chaining to
    ``audit_chain_nudge``, so that cards do not queue on one chain head.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the transaction it records.")
    record.save(force_insert=True)
    audit_chain(stream=record.stream)
    record.refresh_from_db(fields=["seq", "prev_hash", "hash"])
    return record


def audit_append_many(records, batch_size: int = 2000) -> int:
    """Save ``records`` unchained in the caller's transaction; chained after commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit records must be written inside the transaction they record.")
    batch, saved = [], 0
    for record in records:
        batch.append(record)
        if len(batch) == batch_size:
            saved += len(AuditRecord.objects.bulk_create(batch))
            batch = []
    if batch:
        saved += len(AuditRecord.objects.bulk_create(batch))
    transaction.on_commit(audit_chain_nudge)
    return saved


def audit_chain(*, stream: str | None = None, batch_size: int = 2000) -> int:
    """Link the committed unchained rows (of ``stream``, or of every stream) onto their
    chains in id order; return how many were linked.

    The one place a record's hash is computed (``AuditRecord.compute_hash``). Each stream
    is chained under a lock on its head, so two chaining steps never interleave.
    """
    pending = AuditRecord.objects.filter(seq__isnull=True)
    streams = [stream] if stream else list(
        pending.values_list("stream", flat=True).distinct().order_by("stream"))
    linked = 0
    for name in streams:
        while True:
            with transaction.atomic():
                count = _chain_batch(name, batch_size)
            linked += count
            if count < batch_size:
                break
    return linked


def _chain_batch(stream: str, batch_size: int) -> int:
    AuditChainHead.objects.get_or_create(stream=stream)
    head = AuditChainHead.objects.select_for_update().get(pk=stream)
    rows = list(AuditRecord.objects.filter(stream=stream, seq__isnull=True)
                .order_by("id")[:batch_size])
    if not rows:
        return 0
    seq, prev_hash = head.seq, head.hash or GENESIS_HASH
    for row in rows:
        seq += 1
        row.seq, row.prev_hash = seq, prev_hash
        row.hash = prev_hash = row.compute_hash()
    # One UPDATE from arrays, not bulk_update's CASE per field and row (a millisecond of
    # the ORM's time a row): a rush of cards is chained 2,000 rows a batch.
    written = rows_update(rows, ["seq", "prev_hash", "hash"], where=Q(seq__isnull=True))
    if len(written) != len(rows):  # the head's lock makes this impossible; never skip a row
        raise RuntimeError(f"audit chain {stream}: {len(rows) - len(written)} rows changed "
                           "while they were being chained")
    AuditChainHead.objects.filter(pk=stream).update(seq=seq, hash=prev_hash,
                                                    prev_hash=rows[-1].prev_hash)
    return len(rows)


def audit_chain_nudge() -> None:
    """Have the worker chain what was appended: at most one broker message per process per
    NUDGE_SECONDS. Fails soft: the data is committed, and celery beat's sweep
    (``audit-chain``) chains whatever a lost nudge left."""
    global _next_nudge
    from .tasks import audit_chain_task

    try:
        if audit_chain_task.app.conf.task_always_eager:
            audit_chain_task.delay()
            return
        now = time.monotonic()
        if now < _next_nudge:
            return
        _next_nudge = now + NUDGE_SECONDS
        audit_chain_task.apply_async(countdown=NUDGE_SECONDS)
    except Exception:  # the broker is down: the sweep will chain these rows
        logger.warning("audit chain nudge failed; the sweep will chain the rows", exc_info=True)


def audit_transition(instance, *, actor, action: str, from_state, to_state, **extra):
    """Record a state-machine transition of ``instance``."""
    return audit_record(action=action, actor=actor, obj=instance, from_state=from_state,
                        to_state=to_state, **extra)
