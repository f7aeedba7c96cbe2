"""Fixtures for tests/unit: the converter's session fixtures (trained digits CNN, cached conversions)."""
from convert_fixtures import digits, digits_converted  # noqa: F401  (pytest finds fixtures by name here)
