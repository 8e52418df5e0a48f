from django.contrib import admin

from .models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    """Read-only: nobody adds, edits or deletes audit records through the admin."""

    list_display = ("created_at", "stream", "seq", "actor_label", "action", "object_repr",
                    "from_state", "to_state")
    list_filter = ("action", "stream")
    search_fields = ("object_repr", "actor_label", "object_id")
    readonly_fields = [f.name for f in AuditRecord._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
