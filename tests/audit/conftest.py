"""The audit and backup tests run on installations of their own (see tests/installations.py)."""

from tests.installations import installations  # noqa: F401 -- a fixture
