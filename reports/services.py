"""Background exports: queue one, write it in the worker, tell the requester it is ready."""
import os
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.transitions import transition_claim
from notifications.services import email_queue_template

from .models import ExportJob

EXPORT_FOLDER = "exports"


def export_job_start(*, source: str, params: dict, organisation, permission: str, title: str,
                     filename: str, actor) -> ExportJob:
    """Record the export and queue its writing once the caller's transaction commits."""
    from .tasks import export_job_task

    job = ExportJob.objects.create(source=source, params=params, organisation=organisation,
                                   permission=permission, title=str(title)[:200],
                                   filename=filename, requested_by=actor)
    transaction.on_commit(lambda: export_job_task.delay(job.pk))
    return job


def export_job_path(job: ExportJob) -> Path:
    return Path(settings.MEDIA_ROOT) / job.path


def export_job_run(job_id: int) -> ExportJob:
    """Write the file into MEDIA_ROOT/exports/ (flat memory) and e-mail the requester."""
    job = ExportJob.objects.select_related("requested_by", "organisation").get(pk=job_id)
    if not transition_claim(job, "start", organisation=job.organisation_id):
        return job  # already taken by another worker (a redelivered message)
    relative = f"{EXPORT_FOLDER}/{job.key.hex}.xlsx"
    target = Path(settings.MEDIA_ROOT) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    try:
        export, rows, _filename = import_string(job.source)(**job.params)
        with open(partial, "wb") as handle:
            count = export.write(rows, handle)
        os.replace(partial, target)
    except Exception as error:
        partial.unlink(missing_ok=True)
        transition_claim(job, "fail", organisation=job.organisation_id,
                         details={"error": str(error)[:200]},
                         values={"error": str(error)[:2000], "finished_at": timezone.now()})
        raise
    with transaction.atomic():
        transition_claim(job, "finish", organisation=job.organisation_id,
                         details={"rows": count},
                         values={"rows": count, "path": relative,
                                 "finished_at": timezone.now()})
        job.refresh_from_db()
        url = settings.WOTUM_BASE_URL.rstrip("/") + reverse("reports:export_job",
                                                            kwargs={"key": job.key})
        email_queue_template(to=job.requested_by.email, template="reports/email/export_ready",
                             kind="export_ready", organisation=job.organisation,
                             context={"job": job, "url": url})
    return job
