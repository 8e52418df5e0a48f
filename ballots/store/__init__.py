"""Where cast cards, votes and voting links are written: one interface, two stores.

``cast_store()`` returns the store named by the ``WOTUM_CAST_STORE`` setting (by default
the one that suits the configured database, chosen in ``wotum.db``), in the way Django's
``SESSION_ENGINE`` picks a session backend. The services in ``ballots.services`` decide
what to write; a store only writes it, all or nothing.
"""
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

from .base import BoxClosed, CastStore, LinkUsed

__all__ = ["BoxClosed", "CastStore", "LinkUsed", "cast_store"]


@cache
def _store(path: str) -> CastStore:
    return import_string(path)()


def cast_store() -> CastStore:
    """The configured store (one instance per dotted path: stores hold no state)."""
    path = getattr(settings, "WOTUM_CAST_STORE", "")
    if not path:
        from wotum.db import cast_store_default

        path = cast_store_default()
    return _store(path)
