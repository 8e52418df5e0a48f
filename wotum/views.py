"""Site-wide pages: the home page by role and the health check."""
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
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


def _check_cache() -> str:
    cache = caches["default"]
    if hasattr(cache, "ping"):
        cache.ping()
    return "ok"


def healthz(request):
    """Report the database, the broker and the cache.

    503 if the database or the broker is down. Without the cache the site still answers,
    but rate limits are not enforced: "degraded", 200, so that a load balancer keeps the
    server while monitoring sees the outage.
    """
    report, status = {}, "ok"
    for name, check, needed in (("database", _check_database, True),
                                ("broker", _check_broker, True),
                                ("cache", _check_cache, False)):
        try:
            report[name] = check()
        except Exception as error:  # noqa: BLE001 - any failure is reported, not raised
            report[name] = f"error: {type(error).__name__}"
            status = "error" if needed else ("degraded" if status == "ok" else status)
    if report["cache"] != "ok":
        report["rate_limits"] = "not enforced while the cache is down"
    report["status"] = status
    return JsonResponse(report, status=503 if status == "error" else 200)


def _error_page(status: int, title: str, explanation: str):
    """A plain page: no session, no database, no form data read, so it cannot fail again."""
    html = render_to_string("error.html", {"title": title, "explanation": explanation})
    return HttpResponse(html, status=status)


def bad_request(request, exception=None):
    return _error_page(400, _("Invalid request"),
                       _("Your browser sent something this site cannot read. Go back, reload "
                         "the page and try again."))


def server_error(request):
    return _error_page(500, _("Something went wrong"),
                       _("We could not complete this request. Please try again in a moment."))
