"""A reviewer's queue narrowed by edition and district, with the count behind each choice."""
import re
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from .selectors import PROPOSAL

_ID = re.compile(r"[0-9]{1,18}")


@dataclass(frozen=True)
class Choice:
    pk: int
    name: str
    count: int
    selected: bool


@dataclass(frozen=True)
class QueueFilters:
    editions: list[Choice]
    districts: list[Choice]
    total: int
    edition: int | None
    district: int | None

    @property
    def active(self) -> bool:
        return self.edition is not None or self.district is not None


def _id(value: str | None) -> int | None:
    return int(value) if value and _ID.fullmatch(value) else None


def tasks_filtered(tasks: QuerySet, params) -> tuple[QuerySet, QueueFilters]:
    """``tasks`` narrowed by ``?edition=`` and ``?district=``, and the counts to choose by.

    Counts come from one GROUP BY over the unfiltered tasks (editions) and one over the
    edition's tasks (districts), so a reviewer sees how much waits where before choosing.
    """
    edition, district = _id(params.get("edition")), _id(params.get("district"))
    by_edition = list(tasks.order_by()
                      .values(f"{PROPOSAL}__edition_id", f"{PROPOSAL}__edition__name")
                      .annotate(n=Count("pk")).order_by(f"{PROPOSAL}__edition__name"))
    editions = [Choice(row[f"{PROPOSAL}__edition_id"], row[f"{PROPOSAL}__edition__name"],
                       row["n"], row[f"{PROPOSAL}__edition_id"] == edition) for row in by_edition]
    if edition is not None:
        tasks = tasks.filter(**{f"{PROPOSAL}__edition_id": edition})
    by_pool = list(tasks.order_by().values(f"{PROPOSAL}__pool_id", f"{PROPOSAL}__pool__name")
                   .annotate(n=Count("pk")).order_by(f"{PROPOSAL}__pool__name"))
    districts = [Choice(row[f"{PROPOSAL}__pool_id"], row[f"{PROPOSAL}__pool__name"], row["n"],
                        row[f"{PROPOSAL}__pool_id"] == district) for row in by_pool]
    if district is not None:
        tasks = tasks.filter(**{f"{PROPOSAL}__pool_id": district})
    total = sum(choice.count for choice in editions)
    return tasks, QueueFilters(editions=editions, districts=districts, total=total,
                               edition=edition, district=district)
