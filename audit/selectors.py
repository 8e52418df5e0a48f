"""Reading and verifying the audit trail."""
from dataclasses import dataclass

from .models import GENESIS_HASH, AuditChainHead, AuditRecord


@dataclass(frozen=True)
class ChainBreak:
    stream: str
    seq: int
    record_id: int | None
    reason: str


def audit_chain_verify(stream: str | None = None, batch_size: int = 2000) -> list[ChainBreak]:
    """Walk each chain and return the first broken row of every broken stream.

    Rows not chained yet are not walked (``audit_unchained_count`` counts them).
    """
    streams = [stream] if stream else list(
        AuditRecord.objects.filter(seq__isnull=False).values_list("stream", flat=True)
        .distinct().order_by("stream")
    )
    breaks = []
    for name in streams:
        problem = _verify_stream(name, batch_size)
        if problem:
            breaks.append(problem)
    return breaks


def _verify_stream(stream: str, batch_size: int) -> ChainBreak | None:
    prev_hash, expected_seq = GENESIS_HASH, 1
    rows = AuditRecord.objects.filter(stream=stream, seq__isnull=False).order_by("seq")
    for record in rows.iterator(chunk_size=batch_size):
        if record.seq != expected_seq:
            return ChainBreak(stream, expected_seq, None, f"row {expected_seq} is missing")
        if record.prev_hash != prev_hash:
            return ChainBreak(stream, record.seq, record.pk, "does not link to the row before")
        if record.compute_hash() != record.hash:
            return ChainBreak(stream, record.seq, record.pk, "content does not match its hash")
        prev_hash, expected_seq = record.hash, expected_seq + 1
    head = AuditChainHead.objects.filter(stream=stream).first()
    if head and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        return ChainBreak(stream, expected_seq, None,
                          f"rows after {expected_seq - 1} are missing (head is at {head.seq})")
    return None


def audit_unchained_count(stream: str | None = None) -> int:
    """How many rows wait for the chaining step: not broken, not yet verifiable."""
    rows = AuditRecord.objects.filter(seq__isnull=True)
    return rows.filter(stream=stream).count() if stream else rows.count()


def audit_for_object(obj):
    return AuditRecord.objects.filter(
        object_type=obj._meta.label_lower, object_id=str(obj.pk)
    ).order_by("created_at", "seq")
