"""Site-wide pages: the home page by role and the health check."""
from django.db import connection
from django.http import JsonResponse
from django.views.generic import TemplateView

from intake.timeline import editions_for_residents
from organisations.selectors import memberships_of

from .celery import app as celery_app


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        memberships = list(memberships_of(self.request.user))
        by_organisation: dict = {}
        for membership in memberships:
            by_organisation.setdefault(membership.organisation, []).append(membership)
        return super().get_context_data(memberships_by_organisation=by_organisation,
                                        editions=editions_for_residents(), **kwargs)


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def _check_broker() -> str:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def healthz(request):
    """Report the database and the broker; 503 if either is down."""
    report, healthy = {}, True
    for name, check in (("database", _check_database), ("broker", _check_broker)):
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
            report[name] = f"error: {type(error).__name__}"
            healthy = False
    report["status"] = "ok" if healthy else "error"
    return JsonResponse(report, status=200 if healthy else 503)
