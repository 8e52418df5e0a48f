"""Fixtures for the counting core: the shared pabulib sample files and their references.

A test that takes a ``pabulib_file`` argument runs once per sample file; without the
files (a clone without ``shared/`` beside it) it is skipped with the reason.
"""

import json
from pathlib import Path

import pytest

# The one place that knows where the sample elections live: ../shared/data/pabulib
# beside the repository, on a development machine and in CI alike.
PABULIB_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "pabulib"
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
MISSING = f"no pabulib sample files in {PABULIB_DIR} (clone shared/ beside the repository)"


def pytest_generate_tests(metafunc):
    """Run tests taking ``pabulib_file`` once per sample file."""
    if "pabulib_file" in metafunc.fixturenames:
        files = sorted(PABULIB_DIR.glob("*.pb"))
        params = [pytest.param(path, id=path.stem) for path in files] or [
            pytest.param(None, marks=pytest.mark.skip(reason=MISSING), id="no-files")
        ]
        metafunc.parametrize("pabulib_file", params)


@pytest.fixture(scope="session")
def pabulib_dir() -> Path:
    """Return the folder of real pabulib elections, or skip when it is absent."""
    if not any(PABULIB_DIR.glob("*.pb")):
        pytest.skip(MISSING)
    return PABULIB_DIR


@pytest.fixture
def reference(pabulib_file: Path) -> dict:
    """Return pabutools' recorded outcomes for a sample file (bench/pabutools_reference.py)."""
    return json.loads((REFERENCE_DIR / f"{pabulib_file.stem}.json").read_text())
