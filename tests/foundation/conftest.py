"""Foundation tests that need an installation of their own (a database and data folder) use this fixture."""

from tests.installations import installations  # noqa: F401 -- a fixture
