"""The exports apps offer, registered in their ``AppConfig.ready``: reports imports no app.

An app names each export once: the kind of object it is taken from (``scope``, e.g. a
ballot box), a key, a title people read, the dotted path of the function that builds it
from JSON-able parameters (so that a worker can build it again), the permission checked
on that object, and how to find the object from its id::

    register(RegisteredExport(scope="box", key="results", title=_("Results per pool"),
                              source="ballots.exports.results_source",
                              permission="ballots.view_live_report",
                              load="ballots.exports.box_for_export"))

``reports`` serves every registered export the same way (streamed now, or written in the
background when large) without knowing what a ballot box or a proposal is.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class RegisteredExport:
    scope: str
    key: str
    title: str | Promise
    source: str
    permission: str
    # Dotted path of ``load(pk) -> object``; the object has an ``organisation`` and is what
    # the permission is checked on. None: the export is reached through its app's own view.
    load: str | None = None

    def load_object(self, pk: int):
        if self.load is None:
            raise LookupError(f"{self.scope}/{self.key} is not served by reports' view")
        return import_string(self.load)(pk)

    def params_for(self, obj) -> dict:
        """The parameters that rebuild this export of ``obj``."""
        return {f"{self.scope}_id": obj.pk}


_EXPORTS: dict[tuple[str, str], RegisteredExport] = {}


def register(export: RegisteredExport) -> RegisteredExport:
    """Add ``export``; registering the same scope and key again replaces it (reloads)."""
    _EXPORTS[(export.scope, export.key)] = export
    return export


def get(scope: str, key: str) -> RegisteredExport:
    return _EXPORTS[(scope, key)]


def registered(scope: str | None = None) -> list[RegisteredExport]:
    return [export for export in _EXPORTS.values() if scope is None or export.scope == scope]
