"""The demo outbox: what Wotum would have e-mailed, with working links."""
from django.conf import settings
from django.http import Http404
from django.views.generic import ListView

from .models import OutboundEmail


class OutboxView(ListView):
    """Listed only while bodies are kept (the embedded demo); a 404 in production."""

    template_name = "notifications/outbox.html"
    context_object_name = "emails"
    paginate_by = 25

    def dispatch(self, request, *args, **kwargs):
        if not settings.WOTUM_OUTBOX_KEEP_BODIES:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        emails = OutboundEmail.objects.all()
        to = self.request.GET.get("to", "").strip()
        if to:
            emails = emails.filter(to__iexact=to)
        return emails

    def get_context_data(self, **kwargs):
        return super().get_context_data(to=self.request.GET.get("to", ""), **kwargs)
