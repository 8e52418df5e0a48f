from celery import shared_task

from .services import editions_advance_due


@shared_task
def editions_advance_due_task() -> list:
    """Move editions whose phase dates have come (celery beat, every minute)."""
    return editions_advance_due()
