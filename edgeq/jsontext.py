"""JSON for people and scripts: floats written at 12 significant digits, so a computed 89.6 reads `89.6`,
not `89.60000000000001` (binary rounding noise, far below any figure edgeq measures)."""
from __future__ import annotations

import json
import math
from typing import Any

SIGNIFICANT_DIGITS = 12


def tidy(value: Any) -> Any:
    """`value` with every finite float rounded to SIGNIFICANT_DIGITS; dicts, lists and tuples walked."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.{SIGNIFICANT_DIGITS}g}")
    if isinstance(value, dict):
        return {key: tidy(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [tidy(item) for item in value]
    return value


def dumps(value: Any, **kwargs: Any) -> str:
    """json.dumps of `tidy(value)`."""
    return json.dumps(tidy(value), **kwargs)
