"""Board and shareholder meetings: registration gate, voting in turn, results, refusals."""
import threading

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from audit.models import AuditRecord
from ballots.models import Vote
from ballots.named import VoteRefused
from meetings import services
from meetings.live import TALLY, screen_version, voter_follow
from meetings.models import Meeting, Resolution
from meetings.results import resolution_result
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ONE = [{"identifier": "Uchwała nr 1/2026"}]


def vote(meeting, elector, choice, *, by=None, resolution=None):
    resolution = resolution or meeting.resolutions.get(state="open")
    return services.meeting_vote(resolution=resolution, elector=elector,
                                 cast_by=by or elector.user, choice=choice)


def opened(meeting, secretary, index=0):
    resolution = meeting.resolutions.all()[index]
    return services.resolution_open(resolution=resolution, actor=secretary)


class TestRegistrationGate:
    def test_invitations_carry_a_one_time_link_stored_only_as_a_hash(self, make_meeting):
        meeting, members = make_meeting(register=False)

        invitations = [m for m in mail.outbox if "/meetings/register/" in m.body]
        assert len(invitations) == 3
        token = invitations[0].body.split("/meetings/register/")[1].split("/")[0]
        assert not meeting.invitations.filter(token_digest=token).exists()
        invitation = services.invitation_for_token(token)
        services.invitation_accept(invitation=invitation, password="Nowe-haslo-2026!")
        assert services.invitation_for_token(token) is None  # used once
        invitation.elector.user.refresh_from_db()
        assert invitation.elector.user.check_password("Nowe-haslo-2026!")

    def test_start_is_refused_while_anyone_has_not_registered_naming_them(self, make_meeting,
                                                                          secretary):
        meeting, members = make_meeting(register=False)
        first = meeting.invitations.get(elector=members[0])
        services.invitation_accept(invitation=first, password=None)

        with pytest.raises(services.MeetingRefused) as refused:
            services.meeting_start_voting(meeting=meeting, actor=secretary)

        assert len(refused.value.blockers) == 2
        assert str(members[1].user) in refused.value.blockers[0]
        meeting.refresh_from_db()
        assert meeting.state == Meeting.State.REGISTRATION

    def test_starting_without_them_is_explicit_and_audited_with_their_names(self, make_meeting,
                                                                            secretary):
        meeting, members = make_meeting(register=False)

        meeting = services.meeting_start_voting(meeting=meeting, actor=secretary,
                                                without_missing=True)

        assert meeting.state == Meeting.State.VOTING
        record = AuditRecord.objects.get(action="meeting.start_voting")
        assert sorted(record.details["started_without"]) == sorted(str(m.user) for m in members)

    def test_a_member_cannot_start_the_voting(self, make_meeting):
        meeting, members = make_meeting()
        with pytest.raises(PermissionDenied):
            services.meeting_start_voting(meeting=meeting, actor=members[0].user)


class TestVoting:
    def test_votes_change_until_close_the_last_counts_and_each_is_audited(self, make_meeting,
                                                                          secretary):
        meeting, (a, b, c) = make_meeting(start=True, resolutions=ONE)
        resolution = opened(meeting, secretary)

        vote(meeting, a, "for")
        vote(meeting, b, "against")
        vote(meeting, a, "against")  # a changes their mind
        vote(meeting, c, "for")
        services.resolution_close(resolution=resolution, actor=secretary)

        result = resolution_result(resolution)
        assert (result.heads.for_, result.heads.against, result.heads.abstain) == (1, 2, 0)
        assert result.adopted is False
        assert AuditRecord.objects.filter(action="vote.change").count() == 1
        assert Vote.objects.filter(poll=resolution.poll).count() == 4

    def test_a_vote_after_the_close_is_refused_and_changes_nothing(self, make_meeting,
                                                                   secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        resolution = opened(meeting, secretary)
        vote(meeting, a, "for")
        services.resolution_close(resolution=resolution, actor=secretary)

        with pytest.raises(VoteRefused) as refused:
            vote(meeting, a, "against", resolution=resolution)

        assert refused.value.code == "closed"
        assert "zamknięte" in refused.value.message or "closed" in refused.value.message
        assert Vote.objects.get(poll=resolution.poll, counts=True).option.code == "for"

    def test_a_resolution_not_open_refuses_votes(self, make_meeting):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        with pytest.raises(VoteRefused) as refused:
            vote(meeting, a, "for", resolution=meeting.resolutions.get())
        assert refused.value.code == "not_open"

    def test_someone_not_on_the_roll_is_refused(self, make_meeting, secretary):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        opened(meeting, secretary)
        with pytest.raises(VoteRefused) as refused:
            vote(meeting, a, "for", by=UserFactory())
        assert refused.value.code == "not_on_roll"

    def test_resolutions_open_one_at_a_time_and_only_while_voting(self, make_meeting,
                                                                  secretary):
        meeting, _ = make_meeting(resolutions=ONE + [{"identifier": "Uchwała nr 2/2026"}])
        with pytest.raises(services.MeetingRefused):
            opened(meeting, secretary)
        services.meeting_start_voting(meeting=meeting, actor=secretary)
        opened(meeting, secretary, 0)
        with pytest.raises(services.MeetingRefused):
            opened(meeting, secretary, 1)

    def test_each_vote_is_confirmed_by_e_mail_with_its_confirmation_id(
            self, make_meeting, secretary, django_capture_on_commit_callbacks):
        meeting, (a, *_) = make_meeting(start=True, resolutions=ONE)
        opened(meeting, secretary)
        mail.outbox.clear()

        with django_capture_on_commit_callbacks(execute=True):
            result = vote(meeting, a, "abstain")

        (message,) = mail.outbox
        assert message.to == [a.user.email]
        assert result.vote.receipt_code in message.subject
        assert result.vote.receipt_code in message.body

    def test_every_step_bumps_the_live_version_and_a_vote_only_the_votes_shown(
            self, make_meeting, secretary):
        meeting, (a, b, _c) = make_meeting(start=True, resolutions=ONE)
        before = Meeting.objects.get(pk=meeting.pk).version
        opened(meeting, secretary)
        version = Meeting.objects.get(pk=meeting.pk).version
        assert version == before + 1
        screens = {f: screen_version(meeting.pk, version, f)
                   for f in (TALLY, voter_follow(a.user_id), voter_follow(b.user_id))}

        vote(meeting, a, "for")

        assert Meeting.objects.get(pk=meeting.pk).version == version
        assert screen_version(meeting.pk, version, TALLY) != screens[TALLY]
        assert screen_version(meeting.pk, version, voter_follow(a.user_id)) != \
            screens[voter_follow(a.user_id)]
        assert screen_version(meeting.pk, version, voter_follow(b.user_id)) == \
            screens[voter_follow(b.user_id)]


class TestProxies:
    def test_the_proxy_votes_per_principal_and_both_names_are_recorded(self, make_meeting,
                                                                       secretary):
        meeting, (a, b, c) = make_meeting(kind=Meeting.Kind.SHAREHOLDERS,
                                          weights=(500, 300, 200), share_capital=1000,
                                          resolutions=[{"identifier": "Uchwała nr 1/2026",
                                                        "basis": "weight"}])
        services.proxy_note(meeting=meeting, elector=b, proxy_email=a.user.email,
                            document="pełnomocnictwo z 1 marca 2026", actor=secretary)
        services.proxy_note(meeting=meeting, elector=c, proxy_email=a.user.email,
                            document="pełnomocnictwo z 2 marca 2026", actor=secretary)
        meeting = services.meeting_start_voting(meeting=meeting, actor=secretary)
        resolution = opened(meeting, secretary)
        b.refresh_from_db()
        c.refresh_from_db()

        vote(meeting, a, "for")
        vote(meeting, b, "against", by=a.user)
        vote(meeting, c, "abstain", by=a.user)

        votes = Vote.objects.filter(poll=resolution.poll, counts=True)
        assert {(v.elector_id, v.voter_id, v.weight) for v in votes} == {
            (a.pk, a.user_id, 500), (b.pk, a.user_id, 300), (c.pk, a.user_id, 200)}
        names = {(r.details["elector_name"], r.details["cast_by"])
                 for r in AuditRecord.objects.filter(action="vote.cast")}
        assert (str(b.user), str(a.user)) in names and (str(c.user), str(a.user)) in names

    def test_a_proxy_must_have_an_account(self, make_meeting, secretary):
        meeting, (a, *_) = make_meeting()
        with pytest.raises(services.MeetingRefused):
            services.proxy_note(meeting=meeting, elector=a, proxy_email="nikt@example.org",
                                document="pełnomocnictwo", actor=secretary)


class TestClosingTheMeeting:
    def test_refused_while_a_resolution_is_open(self, make_meeting, secretary):
        meeting, _ = make_meeting(start=True, resolutions=ONE)
        opened(meeting, secretary)
        with pytest.raises(services.MeetingRefused):
            services.meeting_close(meeting=meeting, actor=secretary)

    def test_the_meeting_closes_and_cannot_be_reopened(self, make_meeting, secretary):
        meeting, _ = make_meeting(start=True, resolutions=ONE)
        meeting = services.meeting_close(meeting=meeting, actor=secretary)
        assert meeting.state == Meeting.State.CLOSED
        with pytest.raises(services.MeetingRefused) as refused:
            services.meeting_start_voting(meeting=meeting, actor=secretary)
        assert "zamknięte" in refused.value.message or "closed" in refused.value.message


@pytest.mark.django_db(transaction=True)
def test_votes_racing_the_close_are_all_counted_or_refused(company, secretary):
    """A vote either lands before the close and is in the result, or is refused."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (SQLite serialises all writers)")
    from tests.meetings.conftest import meeting_make

    meeting, members = meeting_make(company, secretary, weights=(1,) * 6, start=True,
                                    resolutions=ONE)
    resolution = opened(meeting, secretary)
    barrier, outcomes = threading.Barrier(7), []

    def run(i):
        try:
            barrier.wait()
            if i == 6:
                services.resolution_close(resolution=resolution, actor=secretary)
                outcomes.append("closed")
            else:
                vote(meeting, members[i], "for", resolution=resolution)
                outcomes.append("voted")
        except VoteRefused as refused:
            outcomes.append(refused.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    result = resolution_result(Resolution.objects.get(pk=resolution.pk))
    assert result.heads.for_ == outcomes.count("voted")
    assert Vote.objects.filter(poll=resolution.poll).count() == outcomes.count("voted")
    assert set(outcomes) <= {"voted", "closed", "refused"}
