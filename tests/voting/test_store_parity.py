"""One cast, one store (issue 13): every cast store runs the same tests, and on PostgreSQL
the ORM store and the one-statement store write the same rows for the same cards."""
import pytest
from django.db import connection, transaction

from audit.models import AuditRecord
from audit.selectors import audit_chain_verify
from audit.services import audit_chain
from ballots.models import Ballot, BallotBox, BallotLink, EmailQuota, Vote
from ballots.pesel import pesel_check
from ballots.services import (
    BallotRefused,
    CardChoices,
    ballot_cast,
    ballot_link_request,
    box_close,
)
from notifications.models import OutboundEmail
from tests.voting.conftest import PESEL_ADULT_F, PESEL_ADULT_M, box_make

pytestmark = pytest.mark.django_db

ORM = "ballots.store.orm.OrmStore"
ONE_STATEMENT = "ballots.store.statement.OneStatementStore"


def _require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement store is PostgreSQL's (data-modifying WITH queries)")


@pytest.fixture(params=[ORM, ONE_STATEMENT], ids=["orm", "one-statement"])
def store(request, settings):
    """Run the test once per cast store, as Django runs its session tests per backend."""
    if request.param == ONE_STATEMENT:
        _require_postgres()
    settings.WOTUM_CAST_STORE = request.param
    return request.param


def _facts(box, pesel):
    return pesel_check(pesel, on=box.opens_at.date(), minimum_age=16)


def _choices(box, weights=(1, 500), citywide_weight=3):
    """Two projects of one district and one city-wide project, each with its weight."""
    district = box.polls.get(title="Chwałowice")
    citywide = box.polls.get(title="Ogólnomiejski")
    local = list(district.options.order_by("position")[:2])
    city = citywide.options.order_by("position").first()
    return CardChoices(by_poll={district.pk: [o.pk for o in local], citywide.pk: [city.pk]},
                       weights={local[0].pk: weights[0], local[1].pk: weights[1],
                                city.pk: citywide_weight})


# --- the shared module: each test runs against every store -----------------------------

def test_each_vote_keeps_its_own_weight(store, city):
    box = box_make(city, local_choices=2)
    ballot = ballot_cast(box=box, choices=_choices(box), pesel=_facts(box, PESEL_ADULT_M),
                         channel="paper")

    stored = sorted(Vote.objects.filter(ballot=ballot).values_list("option__code", "weight"))
    assert [weight for _code, weight in stored] == [1, 500, 3]


def test_a_card_by_link_consumes_the_link_and_queues_the_receipt(store, city):
    box = box_make(city, local_choices=2)
    link = ballot_link_request(box=box, email="Anna@Example.org", base_url="http://x")
    ballot = ballot_cast(box=box, choices=_choices(box), pesel=_facts(box, PESEL_ADULT_M),
                         channel="email", link=link)

    link.refresh_from_db()
    assert (link.state, link.email, link.used_at is not None) == ("used", "", True)
    assert ballot.pk == Ballot.objects.get(link=link).pk
    assert OutboundEmail.objects.filter(kind="ballot_receipt").count() == 1
    assert AuditRecord.objects.get(action="ballot.cast").object_id == str(ballot.pk)


def test_a_reused_link_is_refused_and_stores_nothing(store, city):
    box = box_make(city, local_choices=2)
    link = ballot_link_request(box=box, email="a@example.org", base_url="http://x")
    ballot_cast(box=box, choices=_choices(box), pesel=None, channel="email", link=link)
    stale = BallotLink.objects.get(pk=link.pk)
    stale.state = BallotLink.State.ISSUED  # a copy read before the first card was cast

    with pytest.raises(BallotRefused) as refused:
        ballot_cast(box=box, choices=_choices(box), pesel=None, channel="email", link=stale)
    assert refused.value.code == "used"
    assert Ballot.objects.count() == 1 and AuditRecord.objects.filter(
        action="ballot.cast").count() == 1


def test_a_second_card_with_one_pesel_is_stored_invalid(store, city):
    box = box_make(city, local_choices=2)
    ballot_cast(box=box, choices=_choices(box), pesel=_facts(box, PESEL_ADULT_M),
                channel="paper")
    second = ballot_cast(box=box, choices=_choices(box), pesel=_facts(box, PESEL_ADULT_M),
                         channel="paper")

    assert (second.state, second.invalid_reason) == ("invalid", "pesel_already_voted")
    assert not Vote.objects.filter(ballot=second, counts=True).exists()


def test_a_card_for_a_box_closed_meanwhile_is_refused_and_stores_nothing(store, city):
    box = box_make(city, local_choices=2)
    stale = BallotBox.objects.get(pk=box.pk)  # read while open, as a card page is
    with transaction.atomic():
        box_close(box=box, actor=None)

    with pytest.raises(BallotRefused) as refused:
        ballot_cast(box=stale, choices=_choices(stale), pesel=None, channel="paper")
    assert refused.value.code == "closed"
    assert not Ballot.objects.exists() and not Vote.objects.exists()


def test_an_address_gets_at_most_its_share_of_links(store, city):
    box = box_make(city, cards_per_email=2)
    for _ in range(2):
        ballot_link_request(box=box, email="dom@example.org", base_url="http://x")
    with pytest.raises(BallotRefused) as refused:
        ballot_link_request(box=box, email="DOM@example.org", base_url="http://x")

    assert refused.value.code == "quota"
    assert BallotLink.objects.filter(box=box).count() == 2
    assert EmailQuota.objects.get(box=box).issued == 2
    assert OutboundEmail.objects.filter(kind="ballot_link").count() == 2


# --- parity: the same cards through both stores give the same rows ------------------------

def _scenario(city, settings, store_path) -> BallotBox:
    """Cards with several weighted votes, a PESEL clash, a reused link, a paper card."""
    settings.WOTUM_CAST_STORE = store_path
    box = box_make(city, local_choices=2)
    first = ballot_link_request(box=box, email="a@example.org", base_url="http://x")
    second = ballot_link_request(box=box, email="b@example.org", base_url="http://x")
    ballot_cast(box=box, choices=_choices(box, (1, 500), 3),
                pesel=_facts(box, PESEL_ADULT_M), channel="email", link=first)
    ballot_cast(box=box, choices=_choices(box, (7, 2), 1),
                pesel=_facts(box, PESEL_ADULT_M), channel="email", link=second)
    stale = BallotLink.objects.get(pk=first.pk)
    stale.state = BallotLink.State.ISSUED  # read before its card was cast
    with pytest.raises(BallotRefused):
        ballot_cast(box=box, choices=_choices(box), pesel=None, channel="email", link=stale)
    ballot_cast(box=box, choices=_choices(box, (2, 9), 4),
                pesel=_facts(box, PESEL_ADULT_F), channel="paper")
    with transaction.atomic():
        box_close(box=box, actor=None)
    return box


def _rows(box) -> dict:
    """Every row the scenario stored, with ids replaced by what they point at."""
    ballots = list(Ballot.objects.filter(box=box).order_by("id"))
    number = {b.pk: n for n, b in enumerate(ballots)}
    links = {link.pk: link.email_digest for link in BallotLink.objects.filter(box=box)}
    return {
        "ballots": [(b.channel, b.state, b.invalid_reason, b.pesel_digest, b.birth_date, b.sex,
                     links.get(b.link_id), b.entered_by_id) for b in ballots],
        "votes": sorted((number[v.ballot_id], v.poll.title, v.option.code, v.weight, v.counts,
                         v.voter_id) for v in Vote.objects.filter(ballot__box=box)
                        .select_related("poll", "option")),
        "links": sorted((link.email_digest, link.state, link.email, link.used_at is None,
                         link.expires_at == box.closes_at)
                        for link in BallotLink.objects.filter(box=box)),
        "quota": sorted(EmailQuota.objects.filter(box=box).values_list("email_digest",
                                                                         "issued")),
        "audit": [(r.stream.replace(str(box.pk), "B"), r.seq, r.action, r.actor_label,
                   r.organisation_id, r.object_type,
                   number.get(int(r.object_id)) if r.object_type == "ballots.ballot" else None,
                   r.from_state, r.to_state, r.details)
                  for r in AuditRecord.objects.filter(stream=f"box:{box.pk}").order_by("seq")],
        # Every column but the id, the time and the context (it holds the random token
        # and receipt code); the context's keys are compared instead.
        "emails": sorted(tuple(sorted(e.context)) + tuple(
            str(getattr(e, f.attname)) for f in OutboundEmail._meta.concrete_fields
            if f.attname not in ("id", "created_at", "context"))
            for e in OutboundEmail.objects.all()),
    }


def test_both_stores_store_the_same_rows_for_the_same_cards(city, settings):
    _require_postgres()
    by_orm = _scenario(city, settings, ORM)
    audit_chain()
    orm_rows = _rows(by_orm)
    OutboundEmail.objects.all().delete()
    by_statement = _scenario(city, settings, ONE_STATEMENT)
    audit_chain()
    statement_rows = _rows(by_statement)

    assert [w for *_rest, w, _c, _v in orm_rows["votes"]] == [1, 500, 3, 7, 2, 1, 2, 9, 4]
    assert [b[1] for b in orm_rows["ballots"]] == ["counted", "invalid", "counted"]
    for table, rows in orm_rows.items():
        assert statement_rows[table] == rows, table
    assert audit_chain_verify() == []
