"""CS-7: the operator's session documents, checked like proposal attachments."""
import pytest

from audit.models import AuditRecord
from council.models import SessionDocument
from tests.intake.uploads import upload

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_document_reaches_councillors_and_only_public_ones_reach_the_public(
        client, session, operator, councillors):
    client.force_login(operator)
    item = session.resolutions.first()
    for title, public in (("Projekt budżetu", "on"), ("Opinia prawna", "")):
        client.post(f"/rada/sesje/{session.pk}/krok/document/", {
            "title": title, "file": upload("projekt.pdf"), "resolution": item.pk,
            "public": public})
    assert SessionDocument.objects.filter(meeting=session).count() == 2

    client.force_login(councillors[0])
    area = client.get("/rada/moje/").content.decode()
    assert "Projekt budżetu" in area and "Opinia prawna" in area
    client.logout()
    public = client.get(f"/rada/rada-testowa/sesje/{session.pk}/").content.decode()
    assert "Projekt budżetu" in public and "Opinia prawna" not in public
    hidden = SessionDocument.objects.get(title="Opinia prawna")
    assert client.get(f"/rada/rada-testowa/sesje/{session.pk}/dokumenty/{hidden.pk}/"
                      ).status_code == 404
    shown = SessionDocument.objects.get(title="Projekt budżetu")
    response = client.get(f"/rada/rada-testowa/sesje/{session.pk}/dokumenty/{shown.pk}/")
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(
        b"%PDF")


def test_a_file_that_is_not_what_its_name_says_is_refused(client, session, operator):
    client.force_login(operator)
    page = client.post(f"/rada/sesje/{session.pk}/krok/document/", {
        "title": "Podróbka", "file": upload("projekt.pdf", b"MZ not a pdf")}, follow=True)
    assert not SessionDocument.objects.exists()
    assert "PDF" in page.content.decode()


def test_the_operator_removes_a_document_until_the_session_closes(
        client, session, operator, councillors):
    client.force_login(operator)
    client.post(f"/rada/sesje/{session.pk}/krok/document/",
                {"title": "Porządek obrad", "file": upload("porzadek.pdf")})
    document = SessionDocument.objects.get()
    client.force_login(councillors[0])
    client.post(f"/rada/sesje/{session.pk}/krok/document-remove/", {"document": document.pk})
    assert SessionDocument.objects.exists()  # a councillor may not

    client.force_login(operator)
    client.post(f"/rada/sesje/{session.pk}/krok/document-remove/", {"document": document.pk})
    assert not SessionDocument.objects.exists()
    assert list(AuditRecord.objects.filter(object_type="council.sessiondocument")
                .values_list("action", flat=True)) == ["sessiondocument.add",
                                                       "sessiondocument.remove"]
