"""PB-18: a box closed early refuses with the time it closed, not its planned end."""
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from ballots.services import box_close, box_refusal
from ballots.windows import format_moment

pytestmark = pytest.mark.django_db


def test_a_box_closed_early_quotes_when_it_closed(client, box):
    planned_end = box.closes_at
    closed = timezone.now().replace(microsecond=0) - timedelta(hours=3)
    with freeze_time(closed), transaction.atomic():
        box_close(box=box, actor=None)
    box.refresh_from_db()

    refusal = box_refusal(box)
    page = client.get(reverse("ballots:link_request", args=[box.pk])).content.decode()

    assert format_moment(closed) in refusal and format_moment(planned_end) not in refusal
    assert format_moment(closed) in page and format_moment(planned_end) not in page
