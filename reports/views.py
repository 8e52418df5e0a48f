"""Downloads: the ballot exports of a box (PB-23) and the files written in the background."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from ballots.exports import SOURCES
from ballots.models import BallotBox

from .exports import XLSX_CONTENT_TYPE, export_deliver
from .models import ExportJob
from .services import export_job_path

BOX_PERMISSION = "ballots.view_live_report"


@login_required
def box_export(request, box_id: int, kind: str):
    """Results, invalid cards or voters of a box as xlsx; staff of its organisation only."""
    box = get_object_or_404(BallotBox.objects.select_related("organisation"), pk=box_id)
    if kind not in SOURCES or not request.user.has_perm(BOX_PERMISSION, box):
        raise Http404
    source, title = SOURCES[kind]
    return export_deliver(request, source=source, params={"box_id": box.pk},
                          organisation=box.organisation, permission=BOX_PERMISSION,
                          title=f"{title} — {box.title}")


def _own_job(request, key) -> ExportJob:
    """The requester's own job, while they still hold the permission; else a 404."""
    job = get_object_or_404(ExportJob.objects.select_related("organisation"), key=key,
                            requested_by=request.user)
    if not request.user.has_perm(job.permission, job):
        raise Http404
    return job


@login_required
def export_job(request, key):
    job = _own_job(request, key)
    return render(request, "reports/export_job.html",
                  {"job": job, "finished": job.state in (ExportJob.State.DONE,
                                                         ExportJob.State.FAILED)})


@login_required
def export_download(request, key):
    job = _own_job(request, key)
    if job.state != ExportJob.State.DONE:
        raise Http404
    path = export_job_path(job)
    if not path.is_file():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=job.filename,
                        content_type=XLSX_CONTENT_TYPE)
