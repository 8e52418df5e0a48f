"""Council sessions: quorum (CS-2), presence (CS-3), timed named and secret votes (CS-4, CS-8)."""
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.db.utils import DatabaseError
from django.utils import timezone

from audit.models import AuditRecord
from ballots.models import Option, Vote
from ballots.named import VoteRefused
from ballots.rolls import Elector
from council import services
from council.models import QuorumCheck
from meetings.models import Resolution
from meetings.results import resolution_result
from meetings.services import MeetingRefused, resolution_close
from tests.council.conftest import present_make


def test_a_session_puts_every_councillor_on_its_roll_absent(session, councillors):
    electors = Elector.objects.filter(roll=session.roll)
    assert electors.count() == 21
    assert not electors.filter(present=True).exists()
    assert session.seats == 21 and session.state == "voting"


class TestQuorum:
    def test_ten_of_twenty_one_is_no_quorum(self, session, operator, councillors):
        check = present_make(session, operator, councillors[:10])
        assert (check.present, check.met) == (10, False)

    def test_eleven_of_twenty_one_is_a_quorum(self, session, operator, councillors):
        check = present_make(session, operator, councillors[:11])
        assert (check.present, check.met) == (11, True)

    def test_the_check_is_recorded_and_audited(self, session, operator, councillors):
        check = present_make(session, operator, councillors[:11])
        assert AuditRecord.objects.filter(action="quorumcheck.close",
                                          object_id=str(check.pk)).exists()
        assert AuditRecord.objects.filter(action="elector.present").count() == 11

    def test_the_default_check_lasts_two_minutes(self, session, operator):
        check = services.quorum_check_start(meeting=session, actor=operator)
        assert check.ends_at - check.started_at == timedelta(minutes=2)

    def test_a_new_check_asks_everyone_again(self, session, operator, councillors):
        present_make(session, operator, councillors[:12])
        present_make(session, operator, councillors[:5])
        assert Elector.objects.filter(roll=session.roll, present=True).count() == 5

    def test_presence_after_the_time_is_refused(self, session, operator, councillors):
        check = services.quorum_check_start(meeting=session, actor=operator, seconds=30)
        QuorumCheck.objects.filter(pk=check.pk).update(ends_at=timezone.now())
        with pytest.raises(MeetingRefused):
            services.presence_confirm(meeting=session, user=councillors[0])

    def test_the_check_ends_at_its_time(self, session, operator, councillors):
        check = services.quorum_check_start(meeting=session, actor=operator, seconds=30)
        for user in councillors[:11]:
            services.presence_confirm(meeting=session, user=user)
        assert services.session_close_due(session) == 0
        assert services.session_close_due(session, now=check.ends_at) == 1
        check.refresh_from_db()
        assert (check.state, check.present, check.met) == ("closed", 11, True)

    def test_a_councillor_cannot_start_a_check(self, session, councillors):
        with pytest.raises(MeetingRefused):
            services.quorum_check_start(meeting=session, actor=councillors[0])


def _vote(session, operator, n=0, rule=Resolution.Rule.SIMPLE, **kwargs):
    resolution = list(session.resolutions.order_by("position"))[n]
    return services.item_vote_open(resolution=resolution, actor=operator, rule=rule, **kwargs)


class TestPresence:
    def test_an_absent_councillor_is_refused_with_a_reason(self, session, operator,
                                                           councillors):
        present_make(session, operator, councillors[:11])
        resolution = _vote(session, operator)
        with pytest.raises(VoteRefused) as refused:
            services.item_vote_cast(resolution=resolution, user=councillors[20], choice="for")
        assert refused.value.code == "absent"
        assert not Vote.objects.filter(poll=resolution.poll).exists()

    def test_the_database_refuses_an_absent_councillors_vote(self, session, operator,
                                                             councillors):
        present_make(session, operator, councillors[:11])
        resolution = _vote(session, operator)
        absent = Elector.objects.get(roll=session.roll, user=councillors[20])
        option = Option.objects.get(poll=resolution.poll, code="for")
        with pytest.raises((IntegrityError, DatabaseError)), transaction.atomic():
            Vote.objects.create(poll=resolution.poll, option=option, elector=absent,
                                voter=councillors[20], weight=1, receipt_code="X")
        assert not Vote.objects.filter(poll=resolution.poll).exists()

    def test_a_councillor_marked_absent_no_longer_votes(self, session, operator, councillors):
        present_make(session, operator, councillors[:11])
        leaving = Elector.objects.get(roll=session.roll, user=councillors[0])
        services.councillor_mark_absent(meeting=session, elector=leaving, actor=operator)
        resolution = _vote(session, operator)
        with pytest.raises(VoteRefused):
            services.item_vote_cast(resolution=resolution, user=councillors[0], choice="for")


def _run(session, operator, councillors, rule, votes):
    """Everyone present; ``votes`` = (for, against, abstain) cast in that order."""
    present_make(session, operator, councillors)
    resolution = _vote(session, operator, rule=rule)
    people = iter(councillors)
    for choice, n in zip(("for", "against", "abstain"), votes, strict=True):
        for _ in range(n):
            services.item_vote_cast(resolution=resolution, user=next(people), choice=choice)
    resolution = resolution_close(resolution=resolution, actor=operator)
    return resolution_result(resolution)


@pytest.mark.parametrize(("rule", "votes", "adopted"), [
    (Resolution.Rule.SIMPLE, (5, 4, 12), True),
    (Resolution.Rule.SIMPLE, (4, 4, 13), False),
    (Resolution.Rule.ABSOLUTE, (10, 5, 5), False),
    (Resolution.Rule.ABSOLUTE, (11, 5, 5), True),
    (Resolution.Rule.ABSOLUTE_OF_MEMBERS, (10, 0, 0), False),
    (Resolution.Rule.ABSOLUTE_OF_MEMBERS, (11, 0, 0), True),
    (Resolution.Rule.TWO_THIRDS, (13, 7, 0), False),
    (Resolution.Rule.TWO_THIRDS, (14, 7, 0), True),
    (Resolution.Rule.THREE_QUARTERS, (14, 5, 0), False),
    (Resolution.Rule.THREE_QUARTERS, (15, 5, 0), True),
])
def test_each_majority_rule(session, operator, councillors, rule, votes, adopted):
    result = _run(session, operator, councillors, rule, votes)
    assert result.adopted is adopted
    assert result.sentence
    assert (result.heads.for_, result.heads.against, result.heads.abstain) == votes


def test_without_quorum_nothing_is_adopted(session, operator, councillors):
    present_make(session, operator, councillors[:10])
    resolution = _vote(session, operator)
    for user in councillors[:10]:
        services.item_vote_cast(resolution=resolution, user=user, choice="for")
    result = resolution_result(resolution_close(resolution=resolution, actor=operator))
    assert result.adopted is False


class TestTimedVote:
    def test_the_vote_closes_at_the_end_of_its_time(self, session, operator, councillors):
        present_make(session, operator, councillors[:11])
        resolution = _vote(session, operator, seconds=30)
        services.item_vote_cast(resolution=resolution, user=councillors[0], choice="for")
        closes_at = resolution.session_item.closes_at
        assert closes_at == resolution.opened_at + timedelta(seconds=30)
        assert services.session_close_due(session, now=closes_at - timedelta(seconds=1)) == 0
        assert services.session_close_due(now=closes_at) == 1
        resolution.refresh_from_db()
        assert resolution.state == "closed"
        assert resolution_result(resolution).heads.for_ == 1
        assert services.session_close_due(now=closes_at) == 0

    def test_the_timetable_task_closes_it(self, session, operator, councillors):
        from council.tasks import session_close_due_task

        present_make(session, operator, councillors[:11])
        resolution = _vote(session, operator, seconds=30)
        resolution.session_item.__class__.objects.filter(pk=resolution.session_item.pk).update(
            closes_at=timezone.now() - timedelta(seconds=1))
        session_close_due_task.delay()
        resolution.refresh_from_db()
        assert resolution.state == "closed"

    def test_a_vote_after_its_time_is_refused_and_closes_it(self, session, operator,
                                                            councillors):
        present_make(session, operator, councillors[:11])
        resolution = _vote(session, operator, seconds=30)
        resolution.session_item.__class__.objects.filter(pk=resolution.session_item.pk).update(
            closes_at=timezone.now() - timedelta(seconds=1))
        with pytest.raises(VoteRefused):
            services.item_vote_cast(resolution=resolution, user=councillors[0], choice="for")
        resolution.refresh_from_db()
        assert resolution.state == "closed"
        assert not Vote.objects.filter(poll=resolution.poll).exists()

    def test_one_vote_at_a_time_and_not_during_a_quorum_check(self, session, operator,
                                                               councillors):
        present_make(session, operator, councillors[:11])
        _vote(session, operator, 0)
        with pytest.raises(MeetingRefused):
            _vote(session, operator, 1)
        with pytest.raises(MeetingRefused):
            services.quorum_check_start(meeting=session, actor=operator)

    def test_every_step_bumps_the_live_version(self, session, operator, councillors):
        version = session.version
        services.quorum_check_start(meeting=session, actor=operator)
        services.presence_confirm(meeting=session, user=councillors[0])
        session.refresh_from_db()
        assert session.version >= version + 2


def test_presence_moves_by_transitions_a_new_check_resets_it_audited(session, operator,
                                                                       councillors):
    from django.core.exceptions import PermissionDenied

    from ballots.named import elector_presence_set

    present_make(session, operator, councillors[:3])
    other = Elector.objects.get(roll=session.roll, user=councillors[5])
    with pytest.raises(PermissionDenied), transaction.atomic():
        elector_presence_set(elector=other, present=True, actor=councillors[0])
    services.quorum_check_start(meeting=session, actor=operator)
    assert not Elector.objects.filter(roll=session.roll, attendance="present").exists()
    assert sorted(AuditRecord.objects.filter(action="elector.absent").values_list(
        "object_id", flat=True)) == sorted(str(e.pk) for e in Elector.objects.filter(
            roll=session.roll, user__in=councillors[:3]))
