"""The baseline of issue 6: what one ballot costs with nothing but the ORM.

``minimal_ballot`` is one transaction — a conditional update of an e-mail quota row, a
ballot insert and two vote inserts — in Wotum's own tables (a separate box, so the
invariant checks of the real path never see these rows). ``trivial`` does no work at
all. Both run behind Wotum's whole middleware stack, in the same gunicorn as the real
path, so the ratio between them measures Wotum's own code and nothing else.
"""
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.http import HttpResponse
from django.views.decorators.http import require_GET, require_POST

from ballots.models import Ballot, EmailQuota, Vote

BASELINE_CAP = 1_000_000  # the quota condition is checked but never refuses


@require_GET
def trivial(request):
    return HttpResponse(b"ok", content_type="text/plain")


@require_POST
def minimal_ballot(request, quota_id):
    box_id = settings.BENCH_BASELINE["box"]
    options = settings.BENCH_BASELINE["options"]  # [(poll id, option id), (poll id, option id)]
    with transaction.atomic():
        granted = EmailQuota.objects.filter(pk=quota_id, issued__lt=BASELINE_CAP).update(
            issued=F("issued") + 1)
        if not granted:
            return HttpResponse(b"quota", status=409, content_type="text/plain")
        ballot = Ballot.objects.create(box_id=box_id, channel=Ballot.Channel.PAPER,
                                       receipt_code=secrets.token_hex(8))
        Vote.objects.bulk_create([Vote(poll_id=poll_id, option_id=option_id, ballot=ballot)
                                  for poll_id, option_id in options])
    return HttpResponse(ballot.receipt_code.encode(), content_type="text/plain")
