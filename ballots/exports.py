"""PB-23: the ballot data as xlsx — results per pool, invalid cards, voters with valid cards.

Every file goes through ``reports.exports.XlsxExport`` (write-only, streamed). No PESEL
appears in any of them: Wotum never stores the number, only a keyed digest for the
one-card-per-person rule and the birth date and sex it encodes. Each ``*_source``
function rebuilds an export and its rows from a box id, so that the worker can write a
large file in the background (``reports.exports.export_deliver``). The row counts equal
the live report's figures (``ballots.statistics.box_statistics``), to the last vote.
"""
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from reports.exports import Column, XlsxExport, export_filename
from reports.registry import RegisteredExport, register

from . import rules
from .models import Ballot, BallotBox, Vote
from .pesel import age_on
from .results import box_results_official, reason_text
from .statistics import VALID, age_band, report_day

CHANNELS = dict(Ballot.Channel.choices)
REASONS = dict(Ballot.InvalidReason.choices)
SEXES = {"F": _("woman"), "M": _("man")}


class ResultsExport(XlsxExport):
    """One row per project and pool, in the order the rule considered them."""

    sheet_title = _("Results")
    columns = (
        Column("pool", _("Pool"), width=24),
        Column("rule", _("Rule"), width=16),
        Column("rank", _("Rank"), width=6),
        Column("code", _("Number"), width=12),
        Column("label", _("Project"), width=50),
        Column("votes", _("Votes"), width=10),
        Column("points", _("Points"), width=10),
        Column("cost", _("Cost (PLN)"), width=14, money=True),
        Column("cumulative_cost", _("Cumulative cost (PLN)"), width=16, money=True),
        Column("money_left", _("Money left (PLN)"), width=16, money=True),
        Column("selected", _("Selected"), width=10),
        Column("reason", _("Why"), width=60),
        Column("computed_at", _("Computed"), width=18),
    )

    def get_pool(self, row):
        return row["pool"]

    def get_rule(self, row):
        return rules.label(row["rule"]) if row["rule"] else ""

    def get_rank(self, row):
        return row.get("rank")

    def get_code(self, row):
        return row.get("code")

    def get_label(self, row):
        return row.get("label")

    def get_votes(self, row):
        return row.get("votes")

    def get_points(self, row):
        return row.get("points")

    def get_cost(self, row):
        return row.get("cost")

    def get_cumulative_cost(self, row):
        return row.get("cumulative_cost")

    def get_money_left(self, row):
        if "cumulative_cost" not in row:
            return None
        return row["budget"] - Decimal(row["cumulative_cost"])

    def get_selected(self, row):
        if "selected" not in row:
            return ""
        return str(_("yes")) if row["selected"] else str(_("no"))

    def get_reason(self, row):
        return reason_text(row) if "selected" in row else str(_("not counted yet"))

    def get_computed_at(self, row):
        return row["computed_at"]


def results_rows(box: BallotBox) -> list[dict]:
    """Rows of every pool's official snapshot, the one the results pages show.

    The file never counts anything itself: a pool with no result yet has one row that
    says so, rather than a count nobody else sees.
    """
    rows = []
    for poll, snapshot in box_results_official(box):
        if snapshot is None:
            rows.append({"pool": poll.title, "rule": "", "computed_at": None})
            continue
        data, budget = snapshot.data, Decimal(snapshot.data["budget"])
        rows.extend({**row, "pool": poll.title, "rule": snapshot.rule, "budget": budget,
                     "computed_at": snapshot.computed_at} for row in data["rows"])
    return rows


def results_source(box_id: int):
    box = BallotBox.objects.get(pk=box_id)
    return ResultsExport(), results_rows(box), export_filename(box.title, "results")


class InvalidBallotExport(XlsxExport):
    """Invalid cards with their reason; nothing about the person who cast them."""

    sheet_title = _("Invalid cards")
    columns = (
        Column("receipt", _("Receipt code"), width=14),
        Column("channel", _("Channel"), width=16),
        Column("entered_by", _("Entered by"), mask=True, width=28),
        Column("cast_at", _("Cast"), width=18),
        Column("reason", _("Why invalid"), width=40),
    )

    def get_receipt(self, row):
        return row[0]

    def get_channel(self, row):
        return str(CHANNELS.get(row[1], row[1]))

    def get_entered_by(self, row):
        return row[2] or ""

    def get_cast_at(self, row):
        return row[3]

    def get_reason(self, row):
        return str(REASONS.get(row[4], row[4]))


def invalid_source(box_id: int):
    box = BallotBox.objects.get(pk=box_id)
    rows = (Ballot.objects.filter(box=box, state=Ballot.State.INVALID).order_by("id")
            .values_list("receipt_code", "channel", "entered_by__email", "cast_at",
                         "invalid_reason"))
    return InvalidBallotExport(), rows, export_filename(box.title, "invalid-cards")


class VoterExport(XlsxExport):
    """Voters with a valid card: receipt, channel, birth year, sex, age band, time."""

    sheet_title = _("Voters")
    columns = (
        Column("receipt", _("Receipt code"), width=14),
        Column("channel", _("Channel"), width=16),
        Column("birth_year", _("Birth year (from the PESEL, which is never stored)"),
               width=20),
        Column("sex", _("Sex"), width=10),
        Column("age_band", _("Age band"), width=10),
        Column("district", _("District"), width=24),
        Column("cast_at", _("Cast"), width=18),
    )

    def __init__(self, *, day, reveal: bool = False):
        super().__init__(reveal=reveal)
        self.day = day
        self.channels = {key: str(label) for key, label in CHANNELS.items()}
        self.sexes = {key: str(label) for key, label in SEXES.items()}
        self.bands: dict = {}

    def get_receipt(self, row):
        return row[0]

    def get_channel(self, row):
        return self.channels.get(row[1], row[1])

    def get_birth_year(self, row):
        return row[2].year if row[2] else None

    def get_sex(self, row):
        return self.sexes.get(row[3], "")

    def get_age_band(self, row):
        birth = row[2]
        if birth is None:
            return ""
        # Cached by age, not by birth date: a hundred entries rather than one per birthday.
        age = age_on(birth, self.day)
        band = self.bands.get(age)
        if band is None:
            band = self.bands[age] = age_band(age)
        return band

    def get_district(self, row):
        return row[5] or ""

    def get_cast_at(self, row):
        return row[4]


def voters_source(box_id: int):
    box = BallotBox.objects.get(pk=box_id)
    # The district is the poll among the card's alternatives that the ballot voted in, so
    # that turnout per district can be rebuilt from the file.
    district = Vote.objects.filter(ballot=OuterRef("pk")).exclude(poll__choice_group="")
    rows = (Ballot.objects.filter(box=box, state__in=VALID).order_by("id")
            .annotate(district=Subquery(district.values("poll__title")[:1]))
            .values_list("receipt_code", "channel", "birth_date", "sex", "cast_at", "district"))
    return VoterExport(day=report_day(box)), rows, export_filename(box.title, "voters")


def box_for_export(pk: int) -> BallotBox:
    return BallotBox.objects.select_related("organisation").get(pk=pk)


def exports_register() -> None:
    """Offer the box's files through ``reports`` (called from ``BallotsConfig.ready``)."""
    for key, source, title in (
            ("results", "ballots.exports.results_source", _("Results per pool")),
            ("invalid", "ballots.exports.invalid_source", _("Invalid cards with their reason")),
            ("voters", "ballots.exports.voters_source", _("Voters with valid cards"))):
        register(RegisteredExport(scope="box", key=key, title=title, source=source,
                                  permission="ballots.view_live_report",
                                  load="ballots.exports.box_for_export"))
