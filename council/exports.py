"""A session's votes as xlsx, xml (schema: ``council/schema/council-votes.xsd``) and pdf.

All three are built from ``selectors.session_votes``, the same list the public page shows,
so a file always says what the page says. Secret votes carry counts only.
"""
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.exports import Column, XlsxExport, export_filename
from reports.pdf import Block, pdf_render

from .selectors import ClosedVote, NamedVote

XML_NAMESPACE = "https://wotum.org/schema/council-votes/1"
XSD_PATH = "council/schema/council-votes.xsd"


@dataclass
class Line:
    vote: ClosedVote
    person: NamedVote | None


class SessionVotesXlsx(XlsxExport):
    sheet_title = gettext_lazy("Votes")
    columns = (
        Column("identifier", gettext_lazy("Resolution"), width=24),
        Column("subject", gettext_lazy("Subject"), width=40),
        Column("kind", gettext_lazy("Vote")),
        Column("outcome", gettext_lazy("Result"), width=14),
        Column("for_", gettext_lazy("For")),
        Column("against", gettext_lazy("Against")),
        Column("abstain", gettext_lazy("Abstain")),
        Column("sentence", gettext_lazy("Decision"), width=60),
        Column("first_name", gettext_lazy("First name"), width=16),
        Column("last_name", gettext_lazy("Last name"), width=20),
        Column("choice", gettext_lazy("Choice"), width=16),
    )

    def get_identifier(self, line):
        return line.vote.resolution.identifier

    def get_subject(self, line):
        return line.vote.subject

    def get_kind(self, line):
        return _("secret") if line.vote.secret else _("named")

    def get_outcome(self, line):
        return _("adopted") if line.vote.result.adopted else _("not adopted")

    def get_for_(self, line):
        return line.vote.result.heads.for_

    def get_against(self, line):
        return line.vote.result.heads.against

    def get_abstain(self, line):
        return line.vote.result.heads.abstain

    def get_sentence(self, line):
        return line.vote.result.sentence

    def get_first_name(self, line):
        return line.person.first_name if line.person else ""

    def get_last_name(self, line):
        return line.person.last_name if line.person else ""

    def get_choice(self, line):
        if line.person is None:
            return ""
        return line.person.label or _("did not vote")


def _lines(votes: list[ClosedVote]):
    for vote in votes:
        if vote.named is None:
            yield Line(vote, None)
        else:
            for person in vote.named:
                yield Line(vote, person)


def xlsx_response(meeting, votes):
    return SessionVotesXlsx().response(
        _lines(votes), filename=export_filename(meeting.organisation.slug, "sesja",
                                                str(meeting.pk)))


def xml_bytes(meeting, votes: list[ClosedVote]) -> bytes:
    """The session's votes in the documented XML format (see the XSD)."""
    ET.register_namespace("", XML_NAMESPACE)

    def q(tag):
        return f"{{{XML_NAMESPACE}}}{tag}"

    root = ET.Element(q("session"), {
        "id": str(meeting.pk), "council": meeting.organisation.name, "title": meeting.title,
        "seats": str(meeting.seats or 0),
        "generated": timezone.localtime().isoformat(timespec="seconds")})
    if meeting.held_on:
        root.set("date", meeting.held_on.isoformat())
    for vote in votes:
        element = ET.SubElement(root, q("vote"), {
            "identifier": vote.resolution.identifier,
            "kind": "secret" if vote.secret else "named",
            "rule": vote.resolution.rule,
            "adopted": "true" if vote.result.adopted else "false"})
        if vote.resolution.closed_at:
            element.set("closed", timezone.localtime(vote.resolution.closed_at)
                        .isoformat(timespec="seconds"))
        ET.SubElement(element, q("subject")).text = vote.subject
        heads = vote.result.heads
        ET.SubElement(element, q("counts"), {"for": str(heads.for_),
                                             "against": str(heads.against),
                                             "abstain": str(heads.abstain)})
        ET.SubElement(element, q("sentence")).text = vote.result.sentence
        if vote.named is not None:
            named = ET.SubElement(element, q("named"))
            for person in vote.named:
                ET.SubElement(named, q("councillor"), {
                    "firstName": person.first_name, "lastName": person.last_name,
                    "choice": person.choice or "none"})
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def xml_response(meeting, votes):
    response = HttpResponse(xml_bytes(meeting, votes), content_type="application/xml")
    name = export_filename(meeting.organisation.slug, "sesja", str(meeting.pk))
    response["Content-Disposition"] = f'attachment; filename="{name[:-5]}.xml"'
    return response


def pdf_bytes(meeting, votes: list[ClosedVote]) -> bytes:
    blocks = [Block("title", f"{meeting.organisation.name} — {meeting.title}")]
    if meeting.held_on:
        blocks.append(Block("text", meeting.held_on.strftime("%d.%m.%Y")))
    if not votes:
        blocks.append(Block("text", _("No votes have been closed yet.")))
    for vote in votes:
        blocks.append(Block("heading", vote.resolution.identifier
                            + (f" — {vote.subject}" if vote.subject else "")))
        heads = vote.result.heads
        blocks.append(Block("text", f"{_('For')}: {heads.for_} · {_('Against')}: "
                                    f"{heads.against} · {_('Abstain')}: {heads.abstain}"))
        blocks.append(Block("text", vote.result.sentence))
        if vote.named is None:
            blocks.append(Block("text", _("Secret vote: counts only.")))
            continue
        blocks.append(Block("subheading", _("Named list")))
        for person in vote.named:
            blocks.append(Block("text", f"{person.first_name} {person.last_name}: "
                                        f"{person.label or _('did not vote')}"))
    return pdf_render(blocks, title=meeting.title)


def pdf_response(meeting, votes):
    response = HttpResponse(pdf_bytes(meeting, votes), content_type="application/pdf")
    name = export_filename(meeting.organisation.slug, "sesja", str(meeting.pk))
    response["Content-Disposition"] = f'attachment; filename="{name[:-5]}.pdf"'
    return response
