"""CS-1 and CS-7 in a browser: the council office adds a councillor on "Radni" (by keyboard),
the councillor opens the e-mailed link in their own browser, sets a password and lands in
their area; a public document the operator uploads shows there and on the public page; the
same link a second time says it has been used."""
import pytest
from playwright.sync_api import expect

EMAIL = "joanna.nowak@example.org"
PASSWORD = "Sesja-budzetowa-2027"


@pytest.fixture
def council_session(demo_people, settings, tmp_path):
    """Rada Miasta Rybnika with seats to spare and a session not started yet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    from accounts.models import User
    from council import services
    from council.models import Council
    from organisations.models import Organisation

    council = Council.objects.create(organisation=Organisation.objects.get(slug="rada-rybnik"),
                                     seats=5)
    meeting = services.council_session_create(
        council=council, title="Sesja XIII/2026",
        actor=User.objects.get(email="operator@wotum.localhost"))
    return council, meeting


def test_councillor_invited_activates_and_reads_session_documents(
        browser, live_server, login, axe, council_session, tmp_path):
    from notifications.models import OutboundEmail

    council, meeting = council_session
    office_context, councillor_context, public_context = (browser.new_context()
                                                          for _ in range(3))
    office, councillor = office_context.new_page(), councillor_context.new_page()

    login(office, "operator@wotum.localhost")
    office.goto(f"{live_server.url}/rada/")
    office.get_by_role("link", name="Radni").click()
    expect(office.get_by_role("heading", level=1)).to_have_text("Radni — Rada Miasta Rybnika")
    axe(office)

    # The form by keyboard alone: type, Tab to the next field, Enter sends it.
    office.get_by_label("Imię").focus()
    office.keyboard.type("Joanna")
    office.keyboard.press("Tab")
    office.keyboard.type("Nowak")
    office.keyboard.press("Tab")
    office.keyboard.type(EMAIL)
    office.keyboard.press("Enter")
    expect(office.get_by_role("alert").filter(has_text="Dodano")).to_have_text(
        f"Dodano: Joanna Nowak; zaproszenie wysłano na adres {EMAIL}.")
    row = office.get_by_test_id(f"councillor-{EMAIL}")
    expect(row).to_contain_text("nieaktywowane")
    expect(office.get_by_test_id("seats")).to_have_text("Obsadzone mandaty: 2 z 5")
    axe(office)
    invitation = OutboundEmail.objects.get(to=EMAIL, kind="councillor_invitation")
    assert invitation.subject == "Twoje konto radnego: Rada Miasta Rybnika"

    # The councillor, in a browser of their own, follows the link from the e-mail.
    councillor.goto(f"{live_server.url}/outbox/?to={EMAIL}")
    councillor.get_by_role("link", name="/rada/zaproszenie/").click()
    link = councillor.url
    expect(councillor.get_by_role("heading", name="Twoje konto radnego")).to_be_visible()
    expect(councillor.get_by_text(f"logujesz się jako {EMAIL}")).to_be_visible()
    axe(councillor)
    councillor.locator("#id_password1").fill(PASSWORD)
    councillor.locator("#id_password2").fill(PASSWORD)
    councillor.get_by_role("button", name="Ustaw hasło").click()
    expect(councillor.get_by_role("heading", name="Strefa radnego")).to_be_visible()
    expect(councillor.get_by_text("Hasło zostało ustawione. Witamy w: Rada Miasta Rybnika."))\
        .to_be_visible()
    expect(councillor.get_by_test_id("current-session")).to_contain_text("Sesja XIII/2026")
    axe(councillor)
    office.reload()
    expect(office.get_by_test_id(f"councillor-{EMAIL}")).to_contain_text("aktywne")

    # The operator starts the session and adds its agenda as a public document.
    office.goto(f"{live_server.url}/rada/sesje/{meeting.pk}/")
    office.get_by_role("button", name="Rozpocznij sesję").click()
    expect(office.get_by_test_id("meeting-state")).to_have_text("głosowanie")
    agenda = tmp_path / "porzadek-obrad.pdf"
    agenda.write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    upload = office.get_by_role("region", name="Dodaj dokument sesji")
    upload.get_by_label("Tytuł").fill("Porządek obrad")
    upload.get_by_label("Plik").set_input_files(str(agenda))
    upload.get_by_label("Publiczny (widoczny na publicznej stronie sesji)").check()
    upload.get_by_role("button", name="Wyślij").click()
    expect(office.get_by_text("Dodano dokument „Porządek obrad”.")).to_be_visible()
    expect(office.get_by_test_id("documents")).to_contain_text("Porządek obrad · publiczny")

    councillor.goto(f"{live_server.url}/rada/moje/")
    documents = councillor.get_by_test_id("current-session")
    expect(documents.get_by_role("link", name="Porządek obrad")).to_be_visible()
    with councillor.expect_download() as download:
        documents.get_by_role("link", name="Porządek obrad").click()
    assert download.value.suggested_filename.endswith(".pdf")

    public = public_context.new_page()
    public.goto(f"{live_server.url}/rada/rada-rybnik/sesje/{meeting.pk}/")
    expect(public.get_by_test_id("public-documents").get_by_role(
        "link", name="Porządek obrad")).to_be_visible()
    axe(public)

    # The same link again, even after logging out: used, and it says so.
    councillor_context.clear_cookies()
    response = councillor.goto(link)
    assert response.status == 410
    expect(councillor.get_by_test_id("link-problem")).to_have_text(
        "Ten odnośnik został już użyty do ustawienia hasła. Zaloguj się; jeśli nie pamiętasz "
        "hasła, odzyskaj je na stronie logowania.")
    expect(councillor.locator("#id_password1")).to_have_count(0)
    axe(councillor)
    for context in (office_context, councillor_context, public_context):
        context.close()
