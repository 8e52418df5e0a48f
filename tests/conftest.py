"""Shared fixtures: factories, eager celery inside unit tests, the anymail test backend."""
import contextlib
import json
import os
from pathlib import Path

import pytest

from organisations.roles import Role
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from wotum.celery import app as celery_app


@pytest.fixture(autouse=True)
def _unit_test_services(settings, request):
    """Unit tests run tasks in-process and capture e-mail; worker tests opt out."""
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.WOTUM_OUTBOX_KEEP_BODIES = True
    eager = "worker" not in request.keywords
    previous = (celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates)
    celery_app.conf.task_always_eager = eager
    celery_app.conf.task_eager_propagates = eager
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


@pytest.fixture(autouse=True)
def _shared_cache_cleared(request):
    """Rate-limit counters live in the shared cache (Redis in the PostgreSQL pass), which no
    transaction rolls back: each test starts with none, as a fresh deployment would."""
    yield
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames \
            or request.node.get_closest_marker("django_db"):
        from django.core.cache import cache

        # A test may have stopped the cache on purpose (the fault tests).
        with contextlib.suppress(Exception):
            cache.clear()


@pytest.fixture(scope="module")
def demo_data(django_db_setup, django_db_blocker):
    """The whole demo (`manage.py demo`, as `make demo PORT=8123` runs it), loaded once for
    a module in a transaction rolled back after it; each test runs in a savepoint inside."""
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    # The demo's thirty accounts would take most of the time with the real hasher.
    fast = override_settings(WOTUM_BASE_URL="http://127.0.0.1:8123",
                             PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic():
        with fast:
            call_command("demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
        yield
        transaction.set_rollback(True)


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def organisation_factory(db):
    return OrganisationFactory


@pytest.fixture
def membership_factory(db):
    return MembershipFactory


@pytest.fixture
def city(organisation_factory):
    return organisation_factory(name="Miasto Testowe", slug="testowe")


@pytest.fixture
def other_city(organisation_factory):
    return organisation_factory(name="Gmina Inna", slug="inna")


@pytest.fixture
def staff(membership_factory, city):
    """Return a maker of users who hold ``role`` in ``organisation`` (default: ``city``)."""

    def make(role=Role.BUDGET_ADMIN, organisation=None, **user_fields):
        user = UserFactory(**user_fields)
        membership_factory(user=user, role=role, organisation=organisation or city)
        return user

    return make


# The real pabulib elections beside the repository (../shared/data/pabulib) and pabutools'
# recorded outcomes for them: a test taking ``pabulib_file`` runs once per file, and is
# skipped with the reason in a clone without shared/ beside it.
# WOTUM_PABULIB_DIR points elsewhere (a worktree whose parent has no shared/).
PABULIB_DIR = Path(os.environ.get("WOTUM_PABULIB_DIR") or
                   Path(__file__).resolve().parents[2] / "shared" / "data" / "pabulib")
REFERENCE_DIR = Path(__file__).resolve().parent / "ballots" / "reference"
PABULIB_MISSING = (f"no pabulib sample files in {PABULIB_DIR} "
                   "(clone shared/ beside the repository)")


_DATABASE_FIXTURES = {"db", "transactional_db", "django_db_reset_sequences",
                      "django_db_serialized_rollback", "live_server"}


def _touches_database(item) -> bool:
    return bool(item.get_closest_marker("django_db")
                or _DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())))


def pytest_collection_modifyitems(config, items):
    """WOTUM_DATABASE_TESTS_ONLY=1 (CI's second pass, on PostgreSQL) keeps the tests that touch
    the database: the rest gave their answer in the first pass and cannot answer differently."""
    if os.environ.get("WOTUM_DATABASE_TESTS_ONLY") != "1":
        return
    kept, deselected = [], []
    for item in items:
        (kept if _touches_database(item) else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_generate_tests(metafunc):
    """Run tests taking ``pabulib_file`` once per sample file."""
    if "pabulib_file" in metafunc.fixturenames:
        files = sorted(PABULIB_DIR.glob("*.pb"))
        params = [pytest.param(path, id=path.stem) for path in files] or [
            pytest.param(None, marks=pytest.mark.skip(reason=PABULIB_MISSING), id="no-files")]
        metafunc.parametrize("pabulib_file", params)


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    """Return the folder of real pabulib elections, or skip when it is absent."""
    if not any(PABULIB_DIR.glob("*.pb")):
        pytest.skip(PABULIB_MISSING)
    return PABULIB_DIR


@pytest.fixture
def reference(pabulib_file: Path) -> dict:
    """Return pabutools' recorded outcomes for a sample file (bench/pabutools_reference.py)."""
    return json.loads((REFERENCE_DIR / f"{pabulib_file.stem}.json").read_text())


@pytest.fixture(scope="session", autouse=True)
def _audit_chain_verified_at_session_end(request, django_db_setup, django_db_blocker):
    """After the whole run, chain what waits and verify every chain on the test database:
    whatever the suite left behind (transactional tests commit) must still verify."""
    yield
    if not any(_touches_database(item) for item in request.session.items):
        return  # no test database was created (pytest-django sets up only what is used)
    from audit.selectors import audit_chain_verify
    from audit.services import audit_chain

    with django_db_blocker.unblock():
        audit_chain()
        breaks = audit_chain_verify()
    assert breaks == [], f"audit chains broken after the test run: {breaks}"
