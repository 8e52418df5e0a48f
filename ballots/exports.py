"""PB-23: the ballot data as xlsx — results per pool, invalid cards, voters with valid cards.

Every file goes through ``reports.exports.XlsxExport`` (write-only, streamed). No PESEL
appears in any of them: Wotum never stores the number, only a keyed digest for the
one-card-per-person rule and the birth date and sex it encodes. Each ``*_source``
function rebuilds an export and its rows from a box id, so that the worker can write a
large file in the background (``reports.exports.export_deliver``). The row counts equal
the live report's figures (``ballots.statistics.box_statistics``), to the last vote.
"""
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from reports.exports import Column, XlsxExport, export_filename

from .models import Ballot, BallotBox
from .pesel import age_on
from .results import box_results_latest, poll_outcome
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
        Column("cost", _("Cost (PLN)"), width=14),
        Column("cumulative_cost", _("Cumulative cost (PLN)"), width=16),
        Column("money_left", _("Money left (PLN)"), width=16),
        Column("selected", _("Selected"), width=10),
        Column("reason", _("Why"), width=60),
        Column("computed_at", _("Computed"), width=18),
    )

    def get_pool(self, row):
        return row["pool"]

    def get_rule(self, row):
        return row["rule"]

    def get_rank(self, row):
        return row["rank"]

    def get_code(self, row):
        return row["code"]

    def get_label(self, row):
        return row["label"]

    def get_votes(self, row):
        return row["votes"]

    def get_points(self, row):
        return row.get("points")

    def get_cost(self, row):
        return Decimal(row["cost"])

    def get_cumulative_cost(self, row):
        return Decimal(row["cumulative_cost"])

    def get_money_left(self, row):
        return row["budget"] - Decimal(row["cumulative_cost"])

    def get_selected(self, row):
        return str(_("yes")) if row["selected"] else str(_("no"))

    def get_reason(self, row):
        return row["reason"]

    def get_computed_at(self, row):
        return row["computed_at"]


def results_rows(box: BallotBox) -> list[dict]:
    """Rows of every pool's latest snapshot; a pool not yet counted is counted (greedy, not
    stored) so that the file is never missing a pool."""
    rows = []
    for poll, snapshot in box_results_latest(box):
        if snapshot is None:
            _outcome, data, _ballots = poll_outcome(poll=poll)
            computed_at = None
        else:
            data, computed_at = snapshot.data, snapshot.computed_at
        budget = Decimal(data["budget"])
        rows.extend({**row, "pool": poll.title, "rule": data["rule"], "budget": budget,
                     "computed_at": computed_at} for row in data["rows"])
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
        Column("entered_by", _("Entered by"), width=28),
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
        band = self.bands.get(birth)
        if band is None:
            band = self.bands[birth] = age_band(age_on(birth, self.day))
        return band

    def get_cast_at(self, row):
        return row[4]


def voters_source(box_id: int):
    box = BallotBox.objects.get(pk=box_id)
    rows = (Ballot.objects.filter(box=box, state__in=VALID).order_by("id")
            .values_list("receipt_code", "channel", "birth_date", "sex", "cast_at"))
    return VoterExport(day=report_day(box)), rows, export_filename(box.title, "voters")


SOURCES = {
    "results": ("ballots.exports.results_source", _("Results per pool")),
    "invalid": ("ballots.exports.invalid_source", _("Invalid cards with their reason")),
    "voters": ("ballots.exports.voters_source", _("Voters with valid cards")),
}
