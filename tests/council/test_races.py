"""Races that protect votes, proven on PostgreSQL with threads (SQLite serialises writers)."""
from datetime import timedelta

import pytest
from django.utils import timezone

from ballots.models import Vote
from ballots.named import VoteRefused
from council import services
from council.models import SessionItem
from meetings.models import Resolution
from meetings.results import resolution_result
from tests.concurrency import race, require_postgres
from tests.council.conftest import present_make

pytestmark = pytest.mark.django_db(transaction=True)


_postgresql_only = require_postgres


def _threads(count, run):
    return race(run, count, refused=(VoteRefused,))


def test_votes_racing_the_timed_close_are_counted_or_refused(session, operator, councillors):
    _postgresql_only()
    present_make(session, operator, councillors[:12])
    resolution = services.item_vote_open(resolution=session.resolutions.first(),
                                         actor=operator, rule="simple")

    def run(i):
        if i == 12:
            SessionItem.objects.filter(resolution=resolution).update(closes_at=timezone.now())
            services.session_close_due(now=timezone.now() + timedelta(seconds=1))
            return "closed"
        services.item_vote_cast(resolution=resolution, user=councillors[i], choice="for")
        return "voted"

    outcomes = _threads(13, run)
    result = resolution_result(Resolution.objects.get(pk=resolution.pk))
    assert result.heads.for_ == outcomes.count("voted")
    assert Vote.objects.filter(poll=resolution.poll).count() == outcomes.count("voted")
    assert set(outcomes) <= {"voted", "closed", "refused"}

