"""Wotum's settings plus the baseline views; used only by ``bench/ballot_throughput.py``.

Everything else (database, cache, broker, e-mail backend, rate limit) comes from the
environment exactly as in a deployment; the bench script sets those variables.
"""
from wotum.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

import os  # noqa: E402

from wotum.settings import env_list  # noqa: E402

# The baseline box and its two (poll id, option id) pairs, created by the bench script.
BENCH_BASELINE = {
    "box": int(os.environ.get("BENCH_BASELINE_BOX", "0")),
    "options": [tuple(int(part) for part in pair.split(":"))
                for pair in env_list("BENCH_BASELINE_OPTIONS")],
}
