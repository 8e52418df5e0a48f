"""Public results (CS-5) and exports (CS-6): named lists everywhere, no names for secret votes,
files that parse and say what the public page says."""
import io
import json
from pathlib import Path

import pytest
from django.urls import reverse
from lxml import etree
from openpyxl import load_workbook
from pypdf import PdfReader

import council
from council import services
from meetings.services import resolution_close
from tests.council.conftest import present_make

SECRET_BALLOT = "Uchwała nr XII/2/2026"


@pytest.fixture
def voted(session, operator, councillors):
    """Item 1 named (12 for, 3 against, 1 abstain; 16 present), item 2 secret, both closed."""
    present_make(session, operator, councillors[:16])
    items = list(session.resolutions.order_by("position"))
    for resolution, secret in ((items[0], False), (items[1], True)):
        resolution = services.item_vote_open(resolution=resolution, actor=operator,
                                             rule="simple", secret=secret)
        for i, user in enumerate(councillors[:16]):
            choice = "for" if i < 12 else "against" if i < 15 else "abstain"
            services.item_vote_cast(resolution=resolution, user=user, choice=choice)
        resolution_close(resolution=resolution, actor=operator)
    return session


def _urls(meeting):
    slug = meeting.organisation.slug
    return {"council": reverse("council:public", args=[slug]),
            "session": reverse("council:public_session", args=[slug, meeting.pk]),
            "feed": reverse("council:feed", args=[slug]),
            "projector": reverse("council:projector", args=[meeting.pk]),
            **{fmt: reverse("council:export", args=[slug, meeting.pk, fmt])
               for fmt in ("xlsx", "xml", "pdf")}}


def _names(councillors, indexes):
    return [f"{councillors[i].first_name} {councillors[i].last_name}" for i in indexes]


def test_the_public_page_shows_each_named_vote_with_first_and_last_names(voted, client,
                                                                          councillors):
    page = client.get(_urls(voted)["session"]).content.decode()
    assert "Uchwała nr XII/1/2026" in page
    for name in _names(councillors, range(16)):
        assert name in page
    assert _names(councillors, [20])[0] in page  # absent: listed as not voting


def test_secret_votes_show_no_names_in_pages_feed_or_exports(voted, client, councillors):
    urls = _urls(voted)
    feed = json.loads(client.get(urls["feed"]).content)
    votes = feed["sessions"][0]["votes"]
    secret = next(v for v in votes if v["identifier"] == SECRET_BALLOT)
    assert secret["kind"] == "secret" and "named" not in secret
    assert secret["counts"] == {"for": 12, "against": 3, "abstain": 1}
    # Close the named one's list out of the way: the secret item's block carries no names.
    page = client.get(urls["session"]).content.decode()
    block = page[page.index(SECRET_BALLOT):]
    for name in _names(councillors, range(21)):
        assert name not in block
    workbook = load_workbook(io.BytesIO(b"".join(client.get(urls["xlsx"]).streaming_content)))
    rows = [r for r in workbook.active.iter_rows(values_only=True) if r[0] == SECRET_BALLOT]
    assert len(rows) == 1 and not any(rows[0][8:])
    root = etree.fromstring(client.get(urls["xml"]).content)
    ns = {"v": council.exports.XML_NAMESPACE}
    vote = root.find(f"v:vote[@identifier='{SECRET_BALLOT}']", ns)
    assert vote.find("v:named", ns) is None
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(urls["pdf"])
                                                                 .content)).pages)
    secret_part = text[text.index(SECRET_BALLOT):]
    for name in _names(councillors, range(21)):
        assert name not in secret_part


def _public_named(client, urls):
    feed = json.loads(client.get(urls["feed"]).content)
    vote = feed["sessions"][0]["votes"][0]
    return vote, {(p["first_name"], p["last_name"]): p["choice"] for p in vote["named"]}


def test_xlsx_matches_the_public_page(voted, client):
    urls = _urls(voted)
    vote, named = _public_named(client, urls)
    workbook = load_workbook(io.BytesIO(b"".join(client.get(urls["xlsx"]).streaming_content)))
    rows = list(workbook.active.iter_rows(values_only=True))[1:]
    mine = [r for r in rows if r[0] == vote["identifier"]]
    labels = {"for": "Za", "against": "Przeciw", "abstain": "Wstrzymuję się",
              None: "nie głosował(a)"}
    assert {(r[8], r[9]): r[10] for r in mine} == {k: labels[v] for k, v in named.items()}
    assert mine[0][4:7] == (12, 3, 1)
    assert mine[0][7] == vote["sentence"]


def test_xml_is_valid_against_its_schema_and_matches_the_public_page(voted, client):
    urls = _urls(voted)
    vote, named = _public_named(client, urls)
    schema_path = Path(council.__file__).parent / "schema" / "council-votes.xsd"
    schema = etree.XMLSchema(etree.parse(str(schema_path)))
    document = etree.fromstring(client.get(urls["xml"]).content)
    schema.assertValid(document)
    ns = {"v": council.exports.XML_NAMESPACE}
    element = document.find(f"v:vote[@identifier='{vote['identifier']}']", ns)
    counts = element.find("v:counts", ns)
    assert (counts.get("for"), counts.get("against"), counts.get("abstain")) == ("12", "3", "1")
    assert element.find("v:sentence", ns).text == vote["sentence"]
    assert {(c.get("firstName"), c.get("lastName")): c.get("choice")
            for c in element.find("v:named", ns)} == {
        k: v or "none" for k, v in named.items()}


def test_pdf_has_the_named_list_of_the_public_page(voted, client):
    urls = _urls(voted)
    vote, named = _public_named(client, urls)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(client.get(urls["pdf"])
                                                                 .content)).pages)
    assert vote["identifier"] in text
    for (first, last), choice in named.items():
        label = {"for": "Za", "against": "Przeciw", "abstain": "Wstrzymuję się"}.get(
            choice, "nie głosował(a)")
        assert f"{first} {last}: {label}" in text


def test_public_pages_are_embeddable_and_staff_pages_are_not(voted, client, operator):
    urls = _urls(voted)
    for name in ("council", "session", "projector"):
        assert "X-Frame-Options" not in client.get(urls[name]).headers, name
    client.force_login(operator)
    response = client.get(reverse("council:session", args=[voted.pk]))
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_projector_shows_the_result_and_names_after_the_close(voted, client, councillors):
    page = client.get(_urls(voted)["projector"]).content.decode()
    # The last closed vote is the secret one: counts, no names.
    assert SECRET_BALLOT in page
    for name in _names(councillors, range(21)):
        assert name not in page


def test_the_live_state_answers_304_while_nothing_changes(voted, client):
    url = reverse("council:state", args=[voted.pk])
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url, HTTP_IF_NONE_MATCH=first.headers["ETag"])
    assert again.status_code == 304


def test_a_draft_session_is_not_public(council, operator, client):
    meeting = services.council_session_create(council=council, title="Sesja w przygotowaniu",
                                              actor=operator)
    assert client.get(_urls(meeting)["session"]).status_code == 404


def test_a_secret_votes_audit_rows_do_not_say_how_anyone_voted(voted):
    from audit.models import AuditRecord
    from ballots.models import Option

    secret = voted.resolutions.get(identifier=SECRET_BALLOT)
    rows = AuditRecord.objects.filter(action__startswith="vote.",
                                      details__poll=secret.poll_id)
    assert rows.count() == 16
    option_ids = [str(pk) for pk in Option.objects.filter(poll=secret.poll)
                  .values_list("pk", flat=True)]
    for row in rows:
        assert (row.from_state, row.to_state) == ("", "")
        assert not any(f":{pk}×" in row.object_repr for pk in option_ids)
        assert row.object_type == "ballots.poll"
    named = voted.resolutions.get(identifier="Uchwała nr XII/1/2026")
    assert AuditRecord.objects.filter(details__poll=named.poll_id, to_state="for").count() == 12
