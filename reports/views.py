"""Downloads: the exports apps registered (PB-23) and the files written in the background."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from . import registry
from .exports import XLSX_CONTENT_TYPE, export_deliver
from .models import ExportJob
from .services import export_job_path


@login_required
def object_export(request, scope: str, pk: int, kind: str):
    """A registered export of one object, for those who hold its permission on the object."""
    try:
        export = registry.get(scope, kind)
        obj = export.load_object(pk)
    except (KeyError, LookupError, ObjectDoesNotExist):
        raise Http404 from None
    if not request.user.has_perm(export.permission, obj):
        raise Http404
    return export_deliver(request, source=export.source, params=export.params_for(obj),
                          organisation=obj.organisation, permission=export.permission,
                          title=f"{export.title} — {obj}")


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
