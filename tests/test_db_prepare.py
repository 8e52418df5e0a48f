"""Behind PgBouncer's transaction pooling (DB_PGBOUNCER=1) the fast write paths must not
leave prepared statements on a server connection that the next transaction may not get."""
import pytest
from django.db import connection

from wotum.db import fetch_one


def _prepared() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("prepare", "grows"), [(False, False)])
def test_fetch_one_prepares_only_when_allowed(settings, prepare, grows):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    settings.DB_PREPARE = prepare
    before = _prepared()
    for n in range(8):  # past psycopg's automatic threshold (5) as well
        assert fetch_one(f"SELECT %s::int + {len(str(prepare))}", [n])[0] == n + len(str(prepare))
    assert (_prepared() > before) is grows
