"""PB-22: participation day by day, legends on every chart, turnout labelled for what it is."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from ballots.models import Ballot
from ballots.participation import Day, cards_by_day, day_chart
from organisations.roles import Role

pytestmark = pytest.mark.django_db


def _spread(edition):
    """Move the known edition's nine valid cards onto three days: 4, none, then 5."""
    first = timezone.make_aware(datetime.datetime(2026, 5, 4, 12, 0))
    valid = list(Ballot.objects.filter(box=edition.ballot_box, state="cast").order_by("pk"))
    for n, ballot in enumerate(valid):
        Ballot.objects.filter(pk=ballot.pk).update(
            cast_at=first + datetime.timedelta(days=0 if n < 4 else 2))
    return first.date()


def test_cards_per_day_count_each_local_day_and_the_running_total(voting):
    first = _spread(voting)
    days = cards_by_day(voting.ballot_box)
    assert [(d.day - first).days for d in days] == [0, 1, 2]
    assert [(d.cards, d.cumulative) for d in days] == [(4, 4), (0, 4), (5, 9)]


def test_the_chart_scales_bars_to_the_busiest_day_and_the_line_to_the_total():
    chart = day_chart([Day(datetime.date(2026, 5, 4), 4, 4), Day(datetime.date(2026, 5, 5), 0, 4),
                       Day(datetime.date(2026, 5, 6), 8, 12)])
    assert [bar.height for bar in chart.bars] == [90.0, 0.0, 180.0]
    assert chart.line.endswith(",20.0")  # the total reaches the top
    assert day_chart([]) is None


def test_the_live_report_has_the_day_chart_with_legend_and_table_and_no_false_turnout(
        client, voting, staff):
    _spread(voting)
    client.force_login(staff(Role.BUDGET_ADMIN))
    html = client.get(reverse("ballots:live_report", args=[voting.ballot_box_id])).content
    html = html.decode()
    chart = html.split('data-testid="by-day"')[1].split("</section>")[0]
    assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
    assert "Legenda:" in chart and "najwyższy słupek: 5" in chart
    assert "<td class=\"text-end\">5</td><td class=\"text-end\">9</td>" in chart
    assert 'data-testid="age-legend"' in html and "kobiety" in html
    assert "Frekwencja w dzielnicach" not in html
    assert "to nie jest frekwencja" in html
