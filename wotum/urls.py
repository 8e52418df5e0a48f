from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from notifications.webhooks import webhook_urlpatterns

from . import views

handler400 = "wotum.views.bad_request"
handler500 = "wotum.views.server_error"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("pb/", include("intake.urls")),
    path("vote/", include("ballots.urls")),
    path("review/", include("workflows.urls")),
    path("meetings/", include("meetings.urls")),
    path("rada/", include("council.urls")),
    path("reports/", include("reports.urls")),
    path("org/", include("audit.urls")),
    path("org/", include("organisations.urls")),
    path("", include("notifications.urls")),
    path("anymail/", include(webhook_urlpatterns())),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
