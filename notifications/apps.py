from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from anymail.signals import tracking

        from .receivers import email_tracking_received

        tracking.connect(email_tracking_received, dispatch_uid="wotum-anymail-tracking")
