"""Large proposal imports: the file is stored and the worker imports it, with progress (PB-8).

A file over ``WOTUM_IMPORT_IN_REQUEST_BYTES`` or ``…_ROWS`` would hold a web worker too long
(and its memory): it is stored, and ``proposal_import_run`` (a celery task's body) checks its
rows, committing how far it got, then writes it all or nothing like the request path.
"""
import logging
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation

from audit.services import audit_record
from audit.transitions import transition_claim

from .import_models import ProposalImport
from .imports import ImportFileError, ImportReport, ImportTooLong, import_file_check
from .models import Edition

logger = logging.getLogger(__name__)
# The errors a finished import keeps for the clerk's page; the count says how many more.
REPORT_ERRORS = 1000


def proposals_import_start(*, edition: Edition, actor, uploaded_file
                           ) -> ImportReport | ProposalImport:
    """Import a small file at once (its report); store a large one for the worker (its job)."""
    from .services import proposals_import

    if uploaded_file.size > settings.WOTUM_IMPORT_IN_REQUEST_BYTES:
        return proposal_import_queue(edition=edition, actor=actor, uploaded_file=uploaded_file)
    try:
        return proposals_import(edition=edition, actor=actor, uploaded_file=uploaded_file,
                                in_request_rows=settings.WOTUM_IMPORT_IN_REQUEST_ROWS)
    except ImportTooLong:
        return proposal_import_queue(edition=edition, actor=actor, uploaded_file=uploaded_file)


def proposal_import_queue(*, edition: Edition, actor, uploaded_file
                          ) -> ImportReport | ProposalImport:
    """Store ``uploaded_file`` and queue its import; a report if it cannot even be queued."""
    from .tasks import proposal_import_task

    if not actor.has_perm("intake.import_proposals", edition):
        raise PermissionDenied
    report = ImportReport()
    refusal = edition.refusal("intake")
    try:
        extension = import_file_check(uploaded_file)
    except ImportFileError as error:
        refusal = refusal or str(error)
    if refusal:
        report.errors.append((0, refusal))
        return report
    job = ProposalImport(edition=edition, requested_by=actor, file_name=uploaded_file.name[:255],
                         language=translation.get_language() or settings.LANGUAGE_CODE)
    uploaded_file.seek(0)
    # A name of our own: the clerk's file name stays out of the file system.
    job.file.save(f"{uuid.uuid4().hex}.{extension}", uploaded_file, save=False)
    with transaction.atomic():
        job.save()
        audit_record(action="proposalimport.queue", actor=actor, obj=job,
                     organisation=edition.organisation_id, to_state=job.state,
                     details={"edition": edition.pk, "bytes": uploaded_file.size})
        transaction.on_commit(lambda: _queue_soft(proposal_import_task, job.pk))
    return job


def _queue_soft(task, job_id: int) -> None:
    try:
        task.delay(job_id)
    except Exception:  # noqa: BLE001 - the job is stored: the sweep starts it later
        logger.warning("Could not queue proposal import %s; the sweep will", job_id,
                       exc_info=True)


def proposal_import_run(job_id: int) -> ProposalImport:
    """Check and import a stored file, committing the progress of the check as it goes.

    Taken by a conditional transition: of two workers handed the same job, one runs it.
    """
    from .services import proposals_import

    job = ProposalImport.objects.select_related("edition", "requested_by").get(pk=job_id)
    organisation = job.edition.organisation_id
    if not transition_claim(job, "start", organisation=organisation):
        return job

    def progress(checked: int, total: int) -> None:
        ProposalImport.objects.filter(pk=job.pk).update(rows_checked=checked, rows_total=total)

    def on_write() -> None:
        transition_claim(job, "write", organisation=organisation)

    try:
        with translation.override(job.language or settings.LANGUAGE_CODE), \
                job.file.open("rb") as stored:
            report = proposals_import(
                edition=job.edition, actor=job.requested_by,
                uploaded_file=File(stored, name=job.file_name), progress=progress,
                on_write=on_write)
    except Exception as error:  # the page says it failed; the worker log has the trace
        transition_claim(job, "fail", organisation=organisation,
                         details={"error": str(error)[:200]},
                         values={"error": str(error)[:2000], "finished_at": timezone.now()})
        _file_delete(job)
        raise
    transition_claim(job, "finish", organisation=organisation,
                     details={"created": len(report.created), "errors": len(report.errors)},
                     values={"report": report_as_data(report), "finished_at": timezone.now()})
    _file_delete(job)
    job.refresh_from_db()
    return job


def report_as_data(report: ImportReport) -> dict:
    """What the clerk's page shows of ``report``, as JSON."""
    return {"errors": [list(error) for error in report.errors[:REPORT_ERRORS]],
            "errors_total": len(report.errors), "created": len(report.created),
            "first": report.created[0] if report.created else "",
            "last": report.created[-1] if report.created else "",
            "skipped": report.skipped, "sample_lines": report.sample_lines}


def _file_delete(job: ProposalImport) -> None:
    """The stored upload holds applicants' addresses: gone once the import ends."""
    if job.file:
        job.file.delete(save=False)
        ProposalImport.objects.filter(pk=job.pk).update(file="")


def proposal_imports_sweep() -> int:
    """Queue again the imports still waiting (a lost nudge); return how many."""
    from .tasks import proposal_import_task

    waiting = list(ProposalImport.objects.filter(state=ProposalImport.State.QUEUED)
                   .values_list("pk", flat=True))
    for pk in waiting:
        _queue_soft(proposal_import_task, pk)
    return len(waiting)
