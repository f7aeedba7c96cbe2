"""`edgeq sweep` on a model the converter cannot read: a clear error, and no output directory left behind."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest


@pytest.mark.slow
def test_unconvertible_model_leaves_no_directory(tmp_path):
    model = tmp_path / "broken.keras"
    model.write_bytes(b"PK\x03\x04 not really a zip")
    np.savez(tmp_path / "val.npz", x=np.zeros((4, 8, 8, 1), np.float32), y=np.zeros(4, np.int64))
    out = tmp_path / "sweep"
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "sweep", str(model), "--host", "--val-data",
                           str(tmp_path / "val.npz"), "--modes", "int8", "-o", str(out)],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "float32 conversion" in proc.stderr and "hint:" in proc.stderr, proc.stderr
    assert not out.exists()  # the directory this run would have created is gone, cache and all
