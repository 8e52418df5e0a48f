"""The roll of electors in the poll store: who may vote, with what weight, through whom.

The rules are the database's (a trigger and a partial unique index); these tests try to
get past them both through the service and by writing rows directly.
"""

import pytest
from django.db import IntegrityError, connection, transaction

from audit.models import AuditRecord
from ballots.models import Option, Poll, Vote
from ballots.named import (
    VoteRefused,
    elector_presence_set,
    named_vote_cast,
    roll_size,
    roll_tally,
)
from ballots.rolls import Elector, Roll
from tests.concurrency import race, require_postgres
from tests.factories import UserFactory


def poll_on_roll(organisation, *, presence_required=False, weights=(1, 1, 1), state="open"):
    roll = Roll.objects.create(organisation=organisation, title="Zarząd",
                               presence_required=presence_required)
    electors = [Elector.objects.create(roll=roll, user=UserFactory(), weight=w, position=i)
                for i, w in enumerate(weights)]
    poll = Poll.objects.create(organisation=organisation, title="Uchwała nr 1/2026",
                               kind=Poll.Kind.MOTION, roll=roll, allow_change=True)
    for i, code in enumerate(("for", "against", "abstain")):
        Option.objects.create(poll=poll, code=code, label=code, position=i)
    if state != "draft":
        Poll.objects.filter(pk=poll.pk).update(state=state)
        poll.refresh_from_db()
    return poll, electors


def raw_vote(poll, elector, voter, *, weight=None, code="for"):
    """A vote written straight into the table, past every Python check."""
    with transaction.atomic():
        return Vote.objects.create(poll=poll, option=poll.options.get(code=code),
                                   elector=elector, voter=voter,
                                   weight=elector.weight if weight is None else weight)


@pytest.mark.django_db
class TestCasting:
    def test_a_vote_records_the_elector_the_caster_the_weight_and_an_audit_row(self, city):
        poll, (anna, *_) = poll_on_roll(city, weights=(300, 1, 1))

        result = named_vote_cast(poll=poll, elector=anna, cast_by=anna.user, option_code="for")

        vote = result.vote
        assert (vote.elector, vote.voter, vote.weight, vote.counts) == (anna, anna.user, 300,
                                                                        True)
        assert len(vote.receipt_code) == 10
        record = AuditRecord.objects.get(action="vote.cast", object_id=str(vote.pk))
        assert record.details["confirmation"] == vote.receipt_code
        assert record.stream == f"poll:{poll.pk}"

    def test_a_change_supersedes_the_old_vote_which_stays_marked(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        first = named_vote_cast(poll=poll, elector=anna, cast_by=anna.user,
                                option_code="for").vote

        second = named_vote_cast(poll=poll, elector=anna, cast_by=anna.user,
                                 option_code="against")

        first.refresh_from_db()
        assert first.counts is False
        assert second.superseded == first
        assert list(Vote.objects.filter(poll=poll, counts=True)) == [second.vote]
        change = AuditRecord.objects.get(action="vote.change")
        assert (change.from_state, change.to_state) == ("for", "against")
        assert change.details["superseded"] == first.pk

    def test_a_proxy_votes_for_each_principal_separately_and_both_names_are_kept(self, city):
        poll, (anna, bolek, _) = poll_on_roll(city, weights=(100, 50, 1))
        proxy = UserFactory()
        Elector.objects.filter(pk__in=[anna.pk, bolek.pk]).update(
            proxy=proxy, proxy_document="pełnomocnictwo z 1.03.2026")
        anna.refresh_from_db()
        bolek.refresh_from_db()

        named_vote_cast(poll=poll, elector=anna, cast_by=proxy, option_code="for")
        named_vote_cast(poll=poll, elector=bolek, cast_by=proxy, option_code="against")

        votes = {v.elector_id: v for v in Vote.objects.filter(poll=poll, counts=True)}
        assert {v.voter_id for v in votes.values()} == {proxy.pk}
        assert (votes[anna.pk].weight, votes[bolek.pk].weight) == (100, 50)
        details = [r.details for r in AuditRecord.objects.filter(action="vote.cast")]
        assert {(d["elector_name"], d["cast_by"], d["proxy"]) for d in details} == {
            (str(anna.user), str(proxy), True), (str(bolek.user), str(proxy), True)}

    @pytest.mark.parametrize("state,code", [("draft", "not_open"), ("closed", "closed")])
    def test_a_poll_not_open_refuses_with_the_reason(self, city, state, code):
        poll, (anna, *_) = poll_on_roll(city, state=state)

        with pytest.raises(VoteRefused) as refused:
            named_vote_cast(poll=poll, elector=anna, cast_by=anna.user, option_code="for")

        assert refused.value.code == code
        assert not Vote.objects.filter(poll=poll).exists()

    def test_someone_not_on_the_roll_is_refused(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        stranger = UserFactory()

        with pytest.raises(VoteRefused) as refused:
            named_vote_cast(poll=poll, elector=anna, cast_by=stranger, option_code="for")

        assert refused.value.code == "not_on_roll"
        assert "nie został" in refused.value.message or "not recorded" in refused.value.message

    def test_an_absent_elector_is_refused_where_presence_is_required(self, city):
        poll, (anna, *_) = poll_on_roll(city, presence_required=True)

        with pytest.raises(VoteRefused) as refused:
            named_vote_cast(poll=poll, elector=anna, cast_by=anna.user, option_code="for")
        assert refused.value.code == "absent"

        elector_presence_set(elector=anna, present=True, actor=None)
        named_vote_cast(poll=poll, elector=anna, cast_by=anna.user, option_code="for")
        assert Vote.objects.filter(poll=poll, counts=True).count() == 1
        assert AuditRecord.objects.filter(action="elector.present").count() == 1


@pytest.mark.django_db
class TestTheDatabaseRefuses:
    """Rows written past the services: the database alone must say no."""

    def test_a_vote_from_someone_not_on_the_roll(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        with pytest.raises(IntegrityError):
            raw_vote(poll, anna, UserFactory())

    def test_a_vote_for_an_elector_of_another_roll(self, city):
        poll, _ = poll_on_roll(city)
        _, (other, *_) = poll_on_roll(city)
        with pytest.raises(IntegrityError):
            raw_vote(poll, other, other.user)

    def test_a_vote_from_an_absent_elector_where_presence_is_required(self, city):
        poll, (anna, *_) = poll_on_roll(city, presence_required=True)
        with pytest.raises(IntegrityError):
            raw_vote(poll, anna, anna.user)
        Elector.objects.filter(pk=anna.pk).update(present=True, attendance="present")
        assert raw_vote(poll, anna, anna.user).pk

    def test_a_vote_with_another_weight_than_the_electors(self, city):
        poll, (anna, *_) = poll_on_roll(city, weights=(10, 1, 1))
        with pytest.raises(IntegrityError):
            raw_vote(poll, anna, anna.user, weight=1000)

    @pytest.mark.parametrize("state", ["draft", "closed"])
    def test_a_vote_on_a_poll_not_open(self, city, state):
        poll, (anna, *_) = poll_on_roll(city, state=state)
        with pytest.raises(IntegrityError):
            raw_vote(poll, anna, anna.user)

    def test_a_named_vote_without_an_elector_on_a_roll_poll(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        with pytest.raises(IntegrityError), transaction.atomic():
            Vote.objects.create(poll=poll, option=poll.options.first(), voter=anna.user)

    def test_a_second_live_vote_for_one_elector(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        raw_vote(poll, anna, anna.user)
        with pytest.raises(IntegrityError):
            raw_vote(poll, anna, anna.user, code="against")

    def test_the_proxy_may_vote_and_the_principal_still_may(self, city):
        poll, (anna, *_) = poll_on_roll(city)
        proxy = UserFactory()
        Elector.objects.filter(pk=anna.pk).update(proxy=proxy, proxy_document="akt notarialny")
        anna.refresh_from_db()
        first = raw_vote(poll, anna, proxy)
        Vote.objects.filter(pk=first.pk).update(counts=False)
        assert raw_vote(poll, anna, anna.user).pk


@pytest.mark.django_db
def test_the_tally_by_head_and_by_weight_is_one_aggregate_query(city,
                                                                django_assert_num_queries):
    poll, (a, b, c) = poll_on_roll(city, weights=(600, 300, 100))
    named_vote_cast(poll=poll, elector=a, cast_by=a.user, option_code="for")
    named_vote_cast(poll=poll, elector=b, cast_by=b.user, option_code="against")
    named_vote_cast(poll=poll, elector=c, cast_by=c.user, option_code="against")
    named_vote_cast(poll=poll, elector=c, cast_by=c.user, option_code="abstain")  # a change

    with django_assert_num_queries(2):  # the tally, and the poll's option codes
        counted = roll_tally(poll)

    assert (counted.heads["for"], counted.heads["against"], counted.heads["abstain"]) == (1, 1, 1)
    assert (counted.weights["for"], counted.weights["against"],
            counted.weights["abstain"]) == (600, 300, 100)


@pytest.mark.django_db
def test_roll_size_counts_electors_and_those_present(city):
    poll, (a, b, c) = poll_on_roll(city, weights=(600, 300, 100))
    Elector.objects.filter(pk__in=[a.pk, c.pk]).update(present=True, attendance="present")

    size = roll_size(poll.roll)

    assert (size.heads, size.weight, size.present_heads, size.present_weight) == (3, 1000, 2,
                                                                                    700)


@pytest.mark.django_db
def test_the_guard_survives_all_migrations(city):
    """SQLite drops a table's triggers when a migration rebuilds it; the guard must be there."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND name = 'ballots_vote_roll_guard'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname = "
                           "'ballots_vote_roll_guard'")
        assert cursor.fetchone() is not None


# Concurrency: PostgreSQL only (SQLite serialises every writer, so there is no race to lose).

_require_postgres = require_postgres


def _race(target, n):
    return race(target, n, refused=(VoteRefused,))


@pytest.mark.django_db(transaction=True)
def test_simultaneous_votes_of_one_elector_leave_one_live_vote(city):
    _require_postgres()
    poll, (anna, *_) = poll_on_roll(city)
    codes = ["for", "against", "abstain"]

    outcomes = _race(lambda i: named_vote_cast(poll=poll, elector=anna, cast_by=anna.user,
                                               option_code=codes[i % 3]).vote.pk, 8)

    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert Vote.objects.filter(poll=poll, elector=anna, counts=True).count() == 1
    assert Vote.objects.filter(poll=poll, elector=anna).count() == 8
    assert AuditRecord.objects.filter(action__in=["vote.cast", "vote.change"]).count() == 8


@pytest.mark.django_db(transaction=True)
def test_simultaneous_raw_inserts_for_one_elector_leave_one_live_vote(city):
    """Past the service's row lock: the partial unique index alone keeps one live vote."""
    _require_postgres()
    poll, (anna, *_) = poll_on_roll(city)

    def insert(i):
        try:
            return raw_vote(poll, anna, anna.user).pk
        except IntegrityError:
            return "refused"

    outcomes = _race(insert, 6)

    assert outcomes.count("refused") == 5
    assert Vote.objects.filter(poll=poll, elector=anna, counts=True).count() == 1


@pytest.mark.django_db(transaction=True)
def test_votes_racing_an_absence_are_either_refused_or_cast_while_present(city):
    """An operator marks an elector absent while they vote: no vote lands after absence."""
    _require_postgres()
    poll, (anna, *_) = poll_on_roll(city, presence_required=True)
    Elector.objects.filter(pk=anna.pk).update(present=True, attendance="present")

    def step(i):
        if i == 0:
            elector_presence_set(elector=anna, present=False, actor=None)
            return "absent-now"
        return named_vote_cast(poll=poll, elector=anna, cast_by=anna.user,
                               option_code="for").vote.pk

    outcomes = _race(step, 6)

    absence = AuditRecord.objects.get(action="elector.absent")
    for vote in Vote.objects.filter(poll=poll):
        cast = AuditRecord.objects.get(object_type="ballots.vote", object_id=str(vote.pk))
        assert cast.created_at <= absence.created_at
    assert set(outcomes) <= {"absent-now", "absent"} | {
        v for v in outcomes if isinstance(v, int)}
