"""The blank ballot card as a PDF file for voting points (PB-20)."""
from django.http import HttpResponse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from reports.pdf import Block, pdf_render

from .card import card_of
from .forms import DECLARATIONS


def blank_card_blocks(box) -> list[Block]:
    """The card's content: each section's projects with tick boxes, declarations, PESEL."""
    blocks = [Block("title", _("Ballot card")), Block("text", f"{box.title} — {box.organisation}")]
    sections = card_of(box).sections
    for number, section in enumerate(sections, start=1):
        heading = (_("Local project: choose a district, then a project in it")
                   if section.grouped else section.polls[0].title)
        blocks.append(Block("heading", f"{number}. {heading}"))
        if section.max_choices > 1:
            blocks.append(Block("text", _("You may choose up to %(n)s projects.")
                                % {"n": section.max_choices}))
        for poll in section.polls:
            if section.grouped:
                blocks.append(Block("subheading", poll.title))
            blocks += [Block("tick", f"{option.code} {option.label}")
                       for option in poll.options]
        blocks.append(Block("tick", str(section.abstain_label)))
    blocks.append(Block("heading", f"{len(sections) + 1}. {_('Declarations')}"))
    blocks += [Block("tick", str(label) % {"age": box.minimum_age} if "%" in str(label)
                     else str(label)) for _name, label in DECLARATIONS]
    if box.pesel_required:
        blocks += [Block("heading", f"{len(sections) + 2}. {_('PESEL number')}"),
                   Block("boxes", count=11)]
    blocks += [Block("rule"), Block("text", f"{_('Date and signature')}: " + "." * 50)]
    return blocks


def blank_card_response(box) -> HttpResponse:
    pdf = pdf_render(blank_card_blocks(box), title=f"{_('Ballot card')} — {box.title}")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="karta-{slugify(box.title)}.pdf"'
    return response
