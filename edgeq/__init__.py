"""edgeq."""
