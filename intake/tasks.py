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


@shared_task(acks_late=True)
def proposal_import_task(job_id: int) -> str:
    """Import a large stored file of proposals (intake.import_jobs)."""
    from .import_jobs import proposal_import_run

    return proposal_import_run(job_id).state


@shared_task
def proposal_imports_sweep_task() -> int:
    """Start the large imports still waiting (their message was lost)."""
    from .import_jobs import proposal_imports_sweep

    return proposal_imports_sweep()
