"""Writing to the audit trail."""
from django.db import connection
from django.utils import timezone

from .models import GENESIS_HASH, AuditChainHead, AuditRecord


def _actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return getattr(actor, "email", "") or str(actor)


def audit_record(
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
    """Append a record to ``stream`` inside the caller's transaction.

    It must share the transaction of the change it records, so that a change is never
    committed without its record, nor a record without its change.
    """
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record() must be called inside the transaction it records.")
    head = AuditChainHead.objects.select_for_update().filter(pk=stream).first()
    if head is None:  # the stream's first record: create its head (once), then lock it
        AuditChainHead.objects.get_or_create(stream=stream)
        head = AuditChainHead.objects.select_for_update().get(pk=stream)
    if organisation is None and obj is not None:
        organisation = getattr(obj, "organisation", None)
    record = AuditRecord(
        stream=stream,
        seq=head.seq + 1,
        created_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_actor_label(actor),
        organisation=organisation,
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        from_state=str(from_state or ""),
        to_state=str(to_state or ""),
        details=details or {},
        prev_hash=head.hash or GENESIS_HASH,
    )
    record.hash = record.compute_hash()
    record.save()
    AuditChainHead.objects.filter(pk=head.pk).update(seq=record.seq, hash=record.hash)
    return record


def audit_transition(instance, *, actor, action: str, from_state, to_state, **extra):
    """Record a state-machine transition of ``instance``."""
    return audit_record(action=action, actor=actor, obj=instance, from_state=from_state,
                        to_state=to_state, **extra)



