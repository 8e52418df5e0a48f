from celery import shared_task


@shared_task
def export_job_task(job_id: int) -> int:
    """Write a large export in the background and e-mail its requester."""
    from .services import export_job_run

    return export_job_run(job_id).rows
