"""Participation over time for the live report (PB-22): valid cards per day and cumulative.

One GROUP BY over the box's valid cards by local day; the chart's geometry is computed here
so the template draws plain SVG, readable without JavaScript and beside its data table.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Ballot, BallotBox

VALID = [Ballot.State.CAST, Ballot.State.COUNTED]
WIDTH, HEIGHT, TOP = 600, 200, 20  # the SVG's viewBox; TOP leaves room for value labels


@dataclass(frozen=True)
class Day:
    day: date
    cards: int
    cumulative: int


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: Day
    total_x: float = 0.0  # the running total's point above this day
    total_y: float = 0.0


@dataclass(frozen=True)
class DayChart:
    days: list[Day]
    bars: list[Bar]
    line: str  # polyline points of the cumulative count
    most: int
    total: int
    width: int = WIDTH
    height: int = HEIGHT


def cards_by_day(box: BallotBox) -> list[Day]:
    """Valid cards per local day from the first to the last, days without cards included."""
    rows = dict(Ballot.objects.filter(box=box, state__in=VALID)
                .annotate(day=TruncDate("cast_at", tzinfo=timezone.get_current_timezone()))
                .values("day").annotate(n=Count("id")).order_by()
                .values_list("day", "n"))
    if not rows:
        return []
    first, last = min(rows), max(rows)
    days, total = [], 0
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        total += rows.get(day, 0)
        days.append(Day(day, rows.get(day, 0), total))
    return days


def day_chart(days: list[Day]) -> DayChart | None:
    """Bars for the cards of each day, and a line for the running total, on one SVG."""
    if not days:
        return None
    most, total = max(d.cards for d in days), days[-1].cumulative
    slot = WIDTH / len(days)
    usable = HEIGHT - TOP
    bars, points = [], []
    for index, day in enumerate(days):
        height = usable * day.cards / most if most else 0
        y = HEIGHT - (usable * day.cumulative / total if total else 0)
        x = round(index * slot + slot / 2, 1)
        bars.append(Bar(x=round(index * slot + slot * 0.15, 1), y=round(HEIGHT - height, 1),
                        width=round(slot * 0.7, 1), height=round(height, 1), day=day,
                        total_x=x, total_y=round(y, 1)))
        points.append(f"{x},{round(y, 1)}")
    return DayChart(days=days, bars=bars, line=" ".join(points), most=most, total=total)
