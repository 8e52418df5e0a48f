"""Pages that describe a box's options (a project's page), given by the app that made the box.

The poll store knows options by code only; the app that created a box (the budget's intake)
knows where each project is described. It registers a resolver here, so the card can link
each option to its page without the poll store importing a process app. While a box is open
its options do not change, so each process keeps the links like it keeps the card itself.
"""
import threading
import time
from collections.abc import Callable

from django.db.models.signals import post_delete, post_save

from .card import CACHE_BOXES, CACHE_SECONDS
from .models import BallotBox, Option, Poll

Resolver = Callable[[BallotBox], dict[str, str]]
_resolvers: list[Resolver] = []
_cache: dict[tuple, tuple[float, dict[str, str]]] = {}
_lock = threading.Lock()


def option_pages_register(resolver: Resolver) -> Resolver:
    if resolver not in _resolvers:
        _resolvers.append(resolver)
    return resolver


def _resolve(box: BallotBox) -> dict[str, str]:
    for resolver in _resolvers:
        pages = resolver(box)
        if pages:
            return pages
    return {}


def option_pages(box: BallotBox) -> dict[str, str]:
    """{option code: URL of its page} for ``box``; empty where no app describes its options."""
    if box.state != BallotBox.State.OPEN:
        return _resolve(box)
    key, now = (box.pk, box.created_at), time.monotonic()
    cached = _cache.get(key)
    if cached is not None and cached[0] > now:
        return cached[1]
    pages = _resolve(box)
    with _lock:
        if len(_cache) >= CACHE_BOXES:
            _cache.clear()
        _cache[key] = (now + CACHE_SECONDS, pages)
    return pages


def option_pages_clear(**_kwargs) -> None:
    with _lock:
        _cache.clear()


for _model in (Poll, Option):
    post_save.connect(option_pages_clear, sender=_model, dispatch_uid=f"option-pages-{_model}")
    post_delete.connect(option_pages_clear, sender=_model,
                        dispatch_uid=f"option-pages-d-{_model}")
