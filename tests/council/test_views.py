"""The session pages: who may do what, refusals said in Polish, the councillor's area."""
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ballots.models import Vote
from council.models import PrivateDocument
from tests.council.conftest import present_make
from tests.factories import UserFactory


def _step(meeting, step):
    return reverse("council:step", args=[meeting.pk, step])


def test_a_councillor_cannot_run_the_session(session, client, councillors):
    client.force_login(councillors[0])
    assert client.post(_step(session, "quorum")).status_code == 403
    assert not session.quorum_checks.exists()


def test_someone_outside_the_council_sees_nothing(session, client):
    client.force_login(UserFactory())
    assert client.get(reverse("council:session", args=[session.pk])).status_code == 404


def test_an_absent_councillor_is_told_why_and_the_vote_counts_nowhere(session, operator,
                                                                      client, councillors):
    from council import services

    present_make(session, operator, councillors[:11])
    resolution = services.item_vote_open(resolution=session.resolutions.first(),
                                         actor=operator, rule="simple")
    client.force_login(councillors[20])
    page = client.get(reverse("council:session", args=[session.pk])).content.decode()
    assert "Nie masz odnotowanej obecności" in page and 'id="vote-for"' not in page
    response = client.post(_step(session, "vote"), {"item": resolution.pk, "choice": "for"},
                           follow=True)
    assert "Głosować mogą tylko obecni" in response.content.decode()
    assert not Vote.objects.filter(poll=resolution.poll).exists()


def test_the_operator_runs_quorum_and_vote_through_the_pages(session, operator, client,
                                                            councillors):
    client.force_login(operator)
    client.post(_step(session, "quorum"), {"seconds": "120"})
    for user in councillors[:11]:
        client.force_login(user)
        client.post(_step(session, "present"))
    client.force_login(operator)
    page = client.get(reverse("council:session", args=[session.pk])).content.decode()
    assert "Potwierdzona obecność: 11 z 21" in page
    client.post(_step(session, "quorum-end"))
    item = session.resolutions.first()
    client.post(_step(session, "open"), {"item": item.pk, "rule": "absolute-of-members",
                                         "seconds": "60"})
    item.refresh_from_db()
    assert (item.state, item.rule) == ("open", "absolute-of-members")
    client.force_login(councillors[0])
    client.post(_step(session, "vote"), {"item": item.pk, "choice": "for"})
    client.force_login(operator)
    client.post(_step(session, "close"), {"item": item.pk})
    item.refresh_from_db()
    assert item.state == "closed"
    assert client.post(_step(session, "open"), {"item": "²³"}).status_code == 404


def test_private_documents_are_size_limited_and_private(client, councillors, settings,
                                                        tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(councillors[0])
    url = reverse("council:mine")
    big = SimpleUploadedFile("duzy.pdf", b"x" * (10 * 1024 * 1024 + 1))
    response = client.post(url, {"title": "Za duży", "file": big})
    assert "większy niż 10 MB" in response.content.decode()
    assert not PrivateDocument.objects.exists()
    client.post(url, {"title": "Notatka", "file": SimpleUploadedFile("n.txt", b"moje")})
    document = PrivateDocument.objects.get()
    download = reverse("council:document", args=["private", document.pk])
    assert client.get(download).status_code == 200
    client.force_login(councillors[1])
    assert client.get(download).status_code == 404
    assert "Notatka" not in client.get(url).content.decode()


def test_the_councillors_area_shows_items_activity_and_how_each_member_voted(
        session, operator, client, councillors):
    from council import services
    from meetings.services import resolution_close

    present_make(session, operator, councillors[:11])
    item = services.item_vote_open(resolution=session.resolutions.first(), actor=operator,
                                   rule="simple")
    services.item_vote_cast(resolution=item, user=councillors[0], choice="against")
    services.item_vote_cast(resolution=item, user=councillors[1], choice="for")
    resolution_close(resolution=item, actor=operator)
    services.session_close(meeting=session, actor=operator)
    client.force_login(councillors[0])
    page = client.get(reverse("council:mine")).content.decode()
    assert "Sesja XII: obecny" in page
    assert "Uchwała nr XII/1/2026: <strong>Przeciw</strong>" in page
    assert f"{councillors[1].first_name} {councillors[1].last_name}" in page  # named list


def test_session_documents_reach_its_councillors_only(session, client, councillors, settings,
                                                      tmp_path):
    from council.models import SessionDocument

    settings.MEDIA_ROOT = tmp_path
    document = SessionDocument.objects.create(
        meeting=session, title="Projekt uchwały budżetowej",
        file=SimpleUploadedFile("projekt.pdf", b"%PDF-1.4 projekt"))
    client.force_login(councillors[0])
    assert "Projekt uchwały budżetowej" in client.get(reverse("council:mine")).content.decode()
    url = reverse("council:document", args=["session", document.pk])
    assert client.get(url).status_code == 200
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
