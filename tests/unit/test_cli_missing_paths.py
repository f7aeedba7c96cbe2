"""A path that does not exist is named as such, whatever the other options (it once got the message meant
for a .tflite given to a device without --target)."""
from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize("options", [(), ("--emulate",), ("--target", "cortex-m4", "--emulate")])
def test_validate_missing_path(tmp_path, options):
    missing = tmp_path / "no-such-build"
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate", str(missing), *options],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert f"{missing} does not exist" in proc.stderr
