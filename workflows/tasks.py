from celery import shared_task

from .timetable import timetable_run


@shared_task
def timetable_run_task() -> list:
    """Move whatever the timetable says is due (celery beat, every minute)."""
    return timetable_run()
