"""The one PDF helper: simple documents (headings, paragraphs, tick boxes) with Polish text.

reportlab's built-in fonts have no Polish letters (ą, ł, ż …), so DejaVu Sans is embedded;
the fonts ship with Wotum (reports/fonts, Bitstream Vera licence) so nothing needs installing.
"""
import io
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer
from reportlab.platypus.flowables import HRFlowable

FONTS = Path(__file__).resolve().parent / "fonts"
_registered = False


def _fonts() -> None:
    global _registered  # noqa: PLW0603 - registration is process-wide in reportlab too
    if not _registered:
        pdfmetrics.registerFont(TTFont("Wotum", FONTS / "DejaVuSans.ttf"))
        pdfmetrics.registerFont(TTFont("Wotum-Bold", FONTS / "DejaVuSans-Bold.ttf"))
        pdfmetrics.registerFontFamily("Wotum", normal="Wotum", bold="Wotum-Bold")
        _registered = True


STYLES = {
    "title": ParagraphStyle("title", fontName="Wotum-Bold", fontSize=16, leading=20,
                            spaceAfter=4 * mm),
    "heading": ParagraphStyle("heading", fontName="Wotum-Bold", fontSize=12, leading=15,
                              spaceBefore=4 * mm, spaceAfter=2 * mm),
    "subheading": ParagraphStyle("subheading", fontName="Wotum-Bold", fontSize=10,
                                 leading=13, spaceBefore=2 * mm),
    "text": ParagraphStyle("text", fontName="Wotum", fontSize=10, leading=13),
    "tick": ParagraphStyle("tick", fontName="Wotum", fontSize=10, leading=13, leftIndent=8 * mm,
                           firstLineIndent=-6 * mm, spaceAfter=1.2 * mm),
}


class Boxes(Flowable):
    """A row of empty boxes to write digits in (a PESEL)."""

    def __init__(self, count: int, size: float = 7 * mm):
        super().__init__()
        self.count, self.size = count, size
        self.width, self.height = count * (size + 1 * mm), size

    def draw(self):
        for index in range(self.count):
            self.canv.rect(index * (self.size + 1 * mm), 0, self.size, self.size)


@dataclass(frozen=True)
class Block:
    """One piece of a document: ``kind`` is title, heading, subheading, text, tick, boxes
    or rule."""

    kind: str
    text: str = ""
    count: int = 0


def pdf_render(blocks: list[Block], *, title: str) -> bytes:
    """Lay ``blocks`` out on A4 pages and return the PDF's bytes."""
    _fonts()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, title=title, author="Wotum",
                                 leftMargin=18 * mm, rightMargin=18 * mm,
                                 topMargin=16 * mm, bottomMargin=16 * mm)
    document.build(_flowables(blocks))
    return buffer.getvalue()


def _flowables(blocks: list[Block]) -> list:
    story = []
    for block in blocks:
        if block.kind == "boxes":
            story += [Spacer(1, 2 * mm), Boxes(block.count), Spacer(1, 2 * mm)]
        elif block.kind == "rule":
            story.append(HRFlowable(width="100%", thickness=0.5, spaceBefore=2 * mm,
                                    spaceAfter=2 * mm))
        elif block.kind == "tick":
            # A drawn square reads as a tick box in print, whatever the font has.
            story.append(KeepTogether(Paragraph(f"☐&nbsp;&nbsp;{escape(block.text)}",
                                                STYLES["tick"])))
        else:
            story.append(Paragraph(escape(block.text), STYLES[block.kind]))
    return story
