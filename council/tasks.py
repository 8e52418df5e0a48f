from celery import shared_task


@shared_task
def session_close_due_task():
    """The timetable's side of closing votes and quorum checks at their time."""
    from .services import session_close_due

    return session_close_due()
