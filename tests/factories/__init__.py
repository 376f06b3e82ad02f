"""Rows and inputs for the tests, one module per room (`from tests.factories import registry`).

Each function adds what it makes to the given session and flushes, so the row has its id; the test's
transaction is rolled back afterwards. Defaults are valid data; a test changes the one field it is about.
"""
