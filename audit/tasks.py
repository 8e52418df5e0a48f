from celery import shared_task


@shared_task
def audit_chain_task() -> int:
    """Link unchained audit rows onto their chains (nudged after casts; beat's sweep)."""
    from .services import audit_chain

    return audit_chain()
