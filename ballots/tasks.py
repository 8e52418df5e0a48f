from celery import shared_task


@shared_task
def result_run_task(run_id: int) -> int:
    """Compute a box's results in the background; the results page shows the progress."""
    from .results import result_run_execute

    return result_run_execute(run_id).polls_done
