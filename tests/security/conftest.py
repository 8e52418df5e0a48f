"""Fixtures shared by the security tests: the voting box of tests/voting."""
from tests.voting.conftest import box  # noqa: F401 - a fixture, used by name
