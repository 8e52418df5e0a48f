"""The council office sets up councils and attaches session documents here."""
from django.contrib import admin

from .models import Council, SessionDocument


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ("organisation", "seats")


@admin.register(SessionDocument)
class SessionDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "meeting", "uploaded_at")
    list_filter = ("meeting",)
