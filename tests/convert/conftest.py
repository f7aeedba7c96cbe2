"""Fixtures for tests/convert (tests that train or convert with TensorFlow): the converter's session fixtures
(trained digits CNN, cached conversions) from tests/convert_fixtures.py."""
from convert_fixtures import digits, digits_converted  # noqa: F401  (pytest finds fixtures by name here)
