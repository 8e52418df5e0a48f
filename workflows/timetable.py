"""The timetable: dates that move processes along, run by celery beat every minute (PB-1).

A step names what is due at a moment and how to move one due object. Editions move from
phase to phase on their phase dates; a proposal returned for correction lapses when its
deadline passes. Later processes (meetings) register their own steps here; the
transitions themselves stay on their models and in their apps' services.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone


@dataclass(frozen=True)
class Step:
    """``name`` (for the report) moves every object ``due(now)`` yields through ``move(obj)``.

    ``move`` raises ``ValidationError`` (its messages are the report) when it is refused.
    """

    name: str
    due: Callable[[datetime], Iterable]
    move: Callable[[object], object]


_steps: list[Step] = []


def timetable_register(step: Step) -> None:
    """Add ``step``; steps run in the order they were registered."""
    if all(known.name != step.name for known in _steps):
        _steps.append(step)


def timetable_steps() -> list[Step]:
    return list(_steps)


def timetable_run(now: datetime | None = None) -> list[tuple[str, int, str]]:
    """Run every step whose date has come; return (step, object id, outcome) rows.

    A refused move (say, review tasks still open) leaves its object where it is and is
    reported; the audit trail shows who moved what: the system.
    """
    now = now or timezone.now()
    report = []
    for step in _steps:
        for obj in step.due(now):
            try:
                step.move(obj)
                report.append((step.name, obj.pk, "moved"))
            except ValidationError as refused:
                report.append((step.name, obj.pk, "; ".join(refused.messages)))
    return report
