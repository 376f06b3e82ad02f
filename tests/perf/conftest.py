"""The perf tests that need a committed database run on installations of their own (tests/installations.py)."""

from tests.installations import installations  # noqa: F401 -- a fixture
