from django.contrib import admin

from .models import ReviewDecision


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    """Read-only: decisions are written by the review services with their audited transition."""

    list_display = ("proposal", "stage", "outcome", "reviewer", "decided_at")
    list_filter = ("stage", "outcome", "organisation")
    search_fields = ("proposal__title", "reviewer__email", "justification")
    list_select_related = ("proposal__edition", "reviewer")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
