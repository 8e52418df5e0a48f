"""CS-1: the council office issues councillors' credentials from the "Radni" page."""
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditRecord
from ballots.models import Vote
from council import councillors as office
from council import services
from council.models import Councillor
from meetings.models import Meeting
from notifications.models import OutboundEmail
from organisations.models import Membership
from organisations.roles import Role
from tests.council.conftest import councillors_make, present_make
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "Ratusz-Rybnik-2026!"


def _add(client, council, **fields):
    data = {"first_name": "Zofia", "last_name": "Zawadzka", "email": "zofia@rada.example",
            **fields}
    return client.post(f"/rada/radni/{council.pk}/", data, follow=True)


def _link(to: str) -> str:
    """The link in the latest invitation queued for ``to`` (the one notifications path)."""
    message = OutboundEmail.objects.filter(to=to, kind="councillor_invitation").latest("id")
    return re.search(r"https?://\S+/rada/zaproszenie/\S+/", message.body_text).group(0)


def _path(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def test_the_operator_adds_a_councillor_who_is_invited_and_sets_a_password(
        client, council, operator):
    councillors_make(council, 3)
    client.force_login(operator)
    page = _add(client, council).content.decode()
    assert 'data-testid="councillor-zofia@rada.example"' in page

    councillor = Councillor.objects.get(user__email="zofia@rada.example")
    assert councillor.state == "invited" and not councillor.user.has_usable_password()
    link = _path(_link("zofia@rada.example"))
    client.logout()
    form = client.get(link)
    assert form.status_code == 200
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/rada/moje/"
    councillor.refresh_from_db()
    assert councillor.state == "active" and councillor.activated_at is not None
    client.logout()
    assert client.login(email="zofia@rada.example", password=PASSWORD)
    actions = list(AuditRecord.objects.filter(object_type="council.councillor")
                   .order_by("id").values_list("action", flat=True))
    assert actions == ["councillor.add", "councillor.invite", "councillor.activate"]

    again = client.get(link)
    assert again.status_code == 410 and 'data-testid="link-problem"' in again.content.decode()


def test_a_forged_a_replaced_and_an_expired_link_each_get_their_sentence(
        client, council, operator):
    client.force_login(operator)
    _add(client, council)
    first = _path(_link("zofia@rada.example"))
    councillor = Councillor.objects.get(user__email="zofia@rada.example")
    client.post(f"/rada/radni/{council.pk}/{councillor.user_id}/invite/")
    second = _path(_link("zofia@rada.example"))
    assert first != second
    client.logout()

    assert client.get("/rada/zaproszenie/sfalszowany-token/").status_code == 404
    assert client.get(first).status_code == 404  # replaced by the newer invitation
    Councillor.objects.filter(pk=councillor.pk).update(
        invited_at=timezone.now() - timedelta(days=office.INVITATION_DAYS + 1))
    expired = client.get(second)
    assert expired.status_code == 410
    assert client.post(second, {"password1": PASSWORD, "password2": PASSWORD}
                       ).status_code == 410
    assert not Councillor.objects.get(pk=councillor.pk).user.has_usable_password()


def test_beyond_the_statutory_seats_and_twice_are_refused(client, council, operator):
    councillors_make(council, 21)
    client.force_login(operator)
    page = _add(client, council).content.decode()
    assert "21" in page and not Councillor.objects.filter(
        user__email="zofia@rada.example").exists()
    with pytest.raises(office.CouncillorRefused, match="21"):
        office.councillor_add(council=council, email="x@rada.example", first_name="X",
                                   last_name="Y", actor=operator)
    with pytest.raises(office.CouncillorRefused, match="radny00@rada.example"):
        office.councillor_add(council=council, email="RADNY00@rada.example",
                                   first_name="X", last_name="Y", actor=operator)


def test_only_the_council_office_manages_councillors(client, council, operator):
    chair = UserFactory()
    MembershipFactory(user=chair, organisation=council.organisation, role=Role.COUNCIL_CHAIR)
    (councillor,) = councillors_make(council, 1)
    for person in (chair, councillor):
        client.force_login(person)
        assert client.get(f"/rada/radni/{council.pk}/").status_code == 403
        assert _add(client, council).status_code == 403


def test_a_councillor_no_longer_serving_keeps_past_votes_and_leaves_sessions_to_come(
        council, operator, councillors):
    held = services.council_session_create(council=council, title="Sesja I", actor=operator)
    item = services.session_item_add(meeting=held, identifier="Uchwała 1", actor=operator)
    held = services.session_start(meeting=held, actor=operator)
    present_make(held, operator, councillors[:11])
    item = services.item_vote_open(resolution=item, actor=operator, rule="simple")
    services.item_vote_cast(resolution=item, user=councillors[0], choice="for")
    upcoming = services.council_session_create(council=council, title="Sesja II",
                                               actor=operator)

    record = office.councillor_record(council=council, user_id=councillors[0].pk)
    office.councillor_end(councillor=record, actor=operator)

    assert Councillor.objects.get(pk=record.pk).state == "former"
    assert not Membership.objects.filter(user=councillors[0], role=Role.COUNCILLOR).exists()
    assert Vote.objects.filter(voter=councillors[0], counts=True).count() == 1
    assert held.roll.electors.filter(user=councillors[0]).exists()
    assert not upcoming.roll.electors.filter(user=councillors[0]).exists()
    # The seat is free again: a successor is added, and joins the session to come.
    successor = office.councillor_add(council=council, email="nowa@rada.example",
                                           first_name="Nowa", last_name="Radna",
                                           actor=operator)
    assert Meeting.objects.get(pk=upcoming.pk).roll.electors.filter(
        user=successor.user).exists()
    assert AuditRecord.objects.filter(action="councillor.end", object_id=str(record.pk),
                                      from_state="active", to_state="former").exists()
