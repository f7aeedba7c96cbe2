"""JSON output has no binary rounding noise (the new user saw 89.60000000000001)."""
from __future__ import annotations

import json

from edgeq import jsontext


def test_float_noise_is_trimmed_and_everything_else_kept():
    noisy = 0.896 * 100  # 89.60000000000001 in binary floating point
    assert json.dumps(noisy) != "89.6"
    data = {"a": noisy, "b": [1, 2.5, (3.0000000000000004, "x")], "c": None, "d": True, "e": float("inf"),
            "f": 1.23456789012e-9}
    assert json.loads(jsontext.dumps(data)) == {"a": 89.6, "b": [1, 2.5, [3.0, "x"]], "c": None, "d": True,
                                                "e": float("inf"), "f": 1.23456789012e-9}
    assert "89.6," in jsontext.dumps(data)
