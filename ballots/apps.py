from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BallotsConfig(AppConfig):
    name = "ballots"
    verbose_name = _("Ballots and polls")

    def ready(self):
        from .exports import exports_register

        exports_register()
