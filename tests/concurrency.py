"""Races for the rules that protect votes: threads released together, on PostgreSQL only."""
import threading

import pytest
from django.db import connection, connections


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is proven on PostgreSQL (SQLite serialises all writers)")


def race(target, n, *, refused=()):
    """Run ``target(i)`` in ``n`` threads released at the same instant; collect outcomes.

    A refusal of one of the ``refused`` types is an outcome too: its ``code``.
    """
    barrier, outcomes = threading.Barrier(n), []

    def run(i):
        try:
            barrier.wait()
            outcomes.append(target(i))
        except refused as refusal:
            outcomes.append(refusal.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes
