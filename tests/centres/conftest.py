"""Fixtures for the centres tests: the roster's (a request context for service-level tests)."""

from tests.members.conftest import in_request  # noqa: F401 (a fixture)
