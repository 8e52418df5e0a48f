from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self):
        from .roles import sync_role_permissions

        # Permissions are created in post_migrate too, as each app's models appear; the
        # role groups pick them up here rather than in a migration that cannot see them.
        post_migrate.connect(sync_role_permissions, dispatch_uid="wotum-sync-role-permissions")
