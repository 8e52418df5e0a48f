from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .services import user_anonymise


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_staff", "is_active")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    actions = ["anonymise"]

    def has_delete_permission(self, request, obj=None):
        # The audit trail refers to accounts: they are anonymised, never deleted.
        return False

    @admin.action(description=_("Anonymise the selected users (erasure request)"),
                  permissions=["change"])
    def anonymise(self, request, queryset):
        for user in queryset:
            user_anonymise(user=user, actor=request.user)
        self.message_user(request, _("%(count)d users anonymised.") % {"count": len(queryset)},
                          messages.SUCCESS)
