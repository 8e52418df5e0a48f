from tests.workflows.conftest import edition, people, reviewing, submit  # noqa: F401
