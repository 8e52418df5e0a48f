"""Every URL × every role, generated from the URL configuration (X-4, organisation scoping).

The roles: an anonymous visitor, a resident (who owns a draft proposal), the budget
administrator of another organisation, and the budget administrator of the organisation
that owns the objects. Every URL is requested with GET and with an empty POST.
"""
import uuid

import pytest
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from organisations.roles import Role
from tests.factories import EditionFactory, ProposalFactory
from tests.security.url_rules import LIBRARY_PREFIXES, RULES
from tests.voting.conftest import box_make

DENIED = {403, 404, 405}
ROLES = ("anonymous", "resident", "other_admin", "own_admin")


def url_patterns(patterns=None, prefix="", namespace=None):
    """(name, route, parameter names) of every URL pattern Wotum serves."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(LIBRARY_PREFIXES):
            continue
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or None
            yield from url_patterns(pattern.url_patterns, route,
                                    f"{namespace}:{inner}" if namespace and inner
                                    else inner or namespace)
        else:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, route, tuple(pattern.pattern.converters)


def test_every_url_has_a_rule():
    missing = sorted(name or route for name, route, _params in url_patterns()
                     if name not in RULES)
    assert not missing, f"URLs without a rule in tests/security/url_rules.py: {missing}"


@pytest.fixture
def world(db, city, other_city, staff, settings):
    settings.WOTUM_OUTBOX_KEEP_BODIES = False  # production
    edition = EditionFactory(organisation=city, phase="intake")
    proposal = ProposalFactory(edition=edition)
    return {
        "city": city, "edition": edition, "proposal": proposal, "box": box_make(city),
        "users": {"resident": proposal.applicant,
                  "other_admin": staff(Role.BUDGET_ADMIN, organisation=other_city),
                  "own_admin": staff(Role.BUDGET_ADMIN)},
    }


def _kwargs(name: str, params: tuple, world) -> dict:
    pk = world["proposal"].pk if name.startswith(("intake:proposal_", "intake:attachment_")) \
        else world["edition"].pk if name.startswith("intake:") else 999_999
    values = {"edition": world["edition"].pk, "pk": pk, "box_id": world["box"].pk,
              "organisation": world["city"].slug, "token": "x" * 43, "kind": "submitted",
              "key": uuid.uuid4(), "number": 1, "council_pk": 999_999, "resolution_pk": 999_999,
              "user_pk": 999_999, "document_pk": 999_999, "vote_pk": 999_999, "step": "open",
              "slug": "nieznana", "fmt": "xlsx", "scope": "box"}
    if name == "reports:box_export":
        values["kind"] = "results"
    return {param: values[param] for param in params}


def _client(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def _to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("account_login"))


def _expectation(rule: str, role: str):
    """A predicate on the response, and what it means, for ``rule`` and ``role``."""
    def answered(r):
        return r.status_code < 500

    def denied(r):
        return r.status_code in DENIED or _to_login(r)

    def not_found(r):
        return r.status_code in (404, 405)

    if rule == "hidden":
        return not_found, "404"
    if rule == "public":
        return answered, "an answer, not a 5xx"
    if role == "anonymous":
        return (lambda r: _to_login(r) or r.status_code in DENIED), "login page or 403/404"
    if rule == "signed_in":
        return answered, "an answer, not a 5xx"
    if rule == "owner" and role == "resident":
        return answered, "an answer, not a 5xx"
    if rule == "staff" and role == "own_admin":
        return answered, "an answer, not a 5xx"
    if rule == "owner" and role == "own_admin":
        return answered, "an answer, not a 5xx"
    return denied, "403/404 (or the login page)"


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_as_its_rule_says(world, role):
    client = _client(world, role)
    wrong = []
    for name, _route, params in url_patterns():
        if name not in RULES:
            continue  # reported by test_every_url_has_a_rule
        url = reverse(name, kwargs=_kwargs(name, params, world))
        expected, meaning = _expectation(RULES[name], role)
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if not expected(response):
                wrong.append(f"{method.upper()} {url} ({name}, {RULES[name]}): "
                             f"{response.status_code}, expected {meaning}")
    assert not wrong, f"{role}:\n" + "\n".join(wrong)
