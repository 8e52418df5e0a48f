"""The voting rush's statements are prepared once per connection on PostgreSQL, and behind
PgBouncer's transaction pooling (DB_PGBOUNCER=1) no statement is left prepared on a server
connection that the next transaction may not get."""
import pytest
from django.conf import settings as django_settings
from django.db import connection

from wotum.db import fetch_one


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")


@pytest.mark.django_db
@pytest.mark.parametrize(("prepare", "grows"), [(True, True), (False, False)])
def test_fetch_one_prepares_only_when_allowed(postgresql, settings, prepare, grows):
    settings.DB_PREPARE = prepare
    before = _prepared()
    for n in range(8):  # past psycopg's automatic threshold (5) as well
        assert fetch_one(f"SELECT %s::int + {len(str(prepare))}", [n])[0] == n + len(str(prepare))
    assert (_prepared() > before) is grows


@pytest.mark.django_db
def test_orm_queries_are_not_prepared(postgresql):
    """Only fetch_one's statements: the ORM's queries, run hundreds of times, stay unprepared
    (their texts vary, and a server connection behind a pooler must not keep them)."""
    from accounts.models import User

    before = _prepared()
    for _ in range(12):
        list(User.objects.filter(pk=1))
    assert _prepared() == before


@pytest.mark.django_db
def test_explicit_prepare_is_not_switched_off_by_django(postgresql):
    """Django connects with psycopg's prepare_threshold=None unless told otherwise, which
    silently turns fetch_one's prepare=True into nothing (the card's one statement was
    then parsed and planned on every POST)."""
    connection.ensure_connection()
    threshold = connection.connection.prepare_threshold
    if django_settings.DB_PREPARE:
        assert threshold is not None
    else:
        assert threshold is None
