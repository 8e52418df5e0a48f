"""xlsx files of a meeting, through the one export helper (``reports.exports``).

The member's file (BR-5; SRD art. 3c and 14): per closed resolution, the summary result
(for / against / abstain by head and by weight, shares with valid votes and their share of
capital) beside the confirmation of their own final vote as recorded and counted. The
secretary's file: every resolution, its result, and every vote cast, superseded included.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ballots.models import Vote
from reports.exports import Column, XlsxExport, export_filename

from .models import CHOICE_LABELS, Meeting, Resolution
from .results import ResultView, resolution_result


@dataclass
class Row:
    resolution: Resolution
    result: ResultView
    vote: Vote | None = None
    elector_name: str = ""


def _percent(value) -> Decimal | None:
    if value is None:
        return None
    return (Decimal(value.numerator * 100) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP)


class ResultColumns(XlsxExport):
    summary = (
        Column("identifier", gettext_lazy("Resolution"), width=22),
        Column("outcome", gettext_lazy("Result"), width=14),
        Column("sentence", gettext_lazy("Decision"), width=60),
        Column("for_heads", gettext_lazy("For (votes)")),
        Column("against_heads", gettext_lazy("Against (votes)")),
        Column("abstain_heads", gettext_lazy("Abstaining (votes)")),
        Column("for_weight", gettext_lazy("For (shares)")),
        Column("against_weight", gettext_lazy("Against (shares)")),
        Column("abstain_weight", gettext_lazy("Abstaining (shares)")),
        Column("valid_shares", gettext_lazy("Shares with valid votes")),
        Column("capital_percent", gettext_lazy("Share of capital (%)")),
    )
    vote_columns = (
        Column("elector", gettext_lazy("Vote counted for"), width=26),
        Column("cast_by", gettext_lazy("Cast by (proxy)"), width=26),
        Column("choice", gettext_lazy("Choice"), width=16),
        Column("weight", gettext_lazy("Weight")),
        Column("received", gettext_lazy("Time received"), width=20),
        Column("confirmation", gettext_lazy("Confirmation id"), width=16),
    )

    def get_identifier(self, row):
        return row.resolution.identifier

    def get_outcome(self, row):
        return _("adopted") if row.result.adopted else _("not adopted")

    def get_sentence(self, row):
        return row.result.sentence

    def get_for_heads(self, row):
        return row.result.heads.for_

    def get_against_heads(self, row):
        return row.result.heads.against

    def get_abstain_heads(self, row):
        return row.result.heads.abstain

    def get_for_weight(self, row):
        return row.result.weights.for_

    def get_against_weight(self, row):
        return row.result.weights.against

    def get_abstain_weight(self, row):
        return row.result.weights.abstain

    def get_valid_shares(self, row):
        return row.result.valid_shares

    def get_capital_percent(self, row):
        return _percent(row.result.capital_share)

    def get_elector(self, row):
        return row.elector_name

    def get_cast_by(self, row):
        if row.vote is None or row.vote.voter_id == row.vote.elector.user_id:
            return ""
        return str(row.vote.voter)

    def get_choice(self, row):
        return CHOICE_LABELS[row.vote.option.code] if row.vote else _("did not vote")

    def get_weight(self, row):
        return row.vote.weight if row.vote else None

    def get_received(self, row):
        return row.vote.cast_at if row.vote else None

    def get_confirmation(self, row):
        return row.vote.receipt_code if row.vote else ""


class MemberResults(ResultColumns):
    sheet_title = gettext_lazy("Results")
    columns = ResultColumns.summary + ResultColumns.vote_columns


class MeetingRecord(ResultColumns):
    sheet_title = gettext_lazy("Record")
    columns = ResultColumns.summary + ResultColumns.vote_columns + (
        Column("status", gettext_lazy("Vote status"), width=18),)

    def get_status(self, row):
        if row.vote is None:
            return ""
        return _("counted (final)") if row.vote.counts else _("superseded (changed)")


def _closed(meeting: Meeting):
    for resolution in meeting.resolutions.filter(state=Resolution.State.CLOSED):
        result = resolution_result(resolution)
        if result is not None:
            yield resolution, result


def member_rows(meeting: Meeting, electors) -> list[Row]:
    rows = []
    for resolution, result in _closed(meeting):
        live = {v.elector_id: v for v in Vote.objects.filter(
            poll=resolution.poll_id, elector__in=electors, counts=True)
            .select_related("option", "voter", "elector__user")}
        rows.extend(Row(resolution, result, live.get(e.pk), str(e.user)) for e in electors)
    return rows


def member_results_response(meeting: Meeting, electors):
    return MemberResults().response(member_rows(meeting, electors),
                                    filename=export_filename(meeting.title, _("results")))


def record_rows(meeting: Meeting) -> list[Row]:
    rows = []
    for resolution, result in _closed(meeting):
        votes = (Vote.objects.filter(poll=resolution.poll_id)
                 .select_related("option", "voter", "elector__user")
                 .order_by("elector__position", "elector_id", "cast_at", "id"))
        rows.extend(Row(resolution, result, v, str(v.elector.user)) for v in votes)
    return rows


def meeting_record_response(meeting: Meeting):
    return MeetingRecord().response(record_rows(meeting),
                                    filename=export_filename(meeting.title, _("record")))
