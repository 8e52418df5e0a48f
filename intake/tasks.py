from celery import shared_task


@shared_task
def edition_results_compute_task(edition_id: int, actor_id: int | None = None) -> int:
    """Compute an edition's results after its vote closed (it may take a while)."""
    from django.contrib.auth import get_user_model

    from .models import Edition
    from .voting import edition_results_compute

    edition = Edition.objects.get(pk=edition_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return len(edition_results_compute(edition=edition, actor=actor))
