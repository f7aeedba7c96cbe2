"""All-zero calibration gives degenerate quantization (int8 scale ~7.8e-9): the error names the layer, not
"converter bug", and the converter's output and log are kept for inspection (their paths in the error)."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

EDGEQ = str(Path(sys.executable).parent / "edgeq")


def test_all_zero_calibration_names_the_degenerate_layer_and_keeps_the_partial_model(digits, tmp_path):
    from edgeq.convert.audit import degenerate_tensors

    calib = tmp_path / "zeros.npy"
    np.save(calib, np.zeros((16, 8, 8, 1), np.float32))
    out = tmp_path / "o.tflite"
    proc = subprocess.run([EDGEQ, "convert", str(digits.model), "-o", str(out), "--calib", str(calib)],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert "degenerate quantization at model input, tensor 'serving_default_input:0': scale 7.84e-09" in proc.stderr
    assert "converter bug" not in proc.stderr and not out.exists()
    kept = re.search(r"kept: (\S+/partial\.tflite), (\S+/child\.log)", proc.stderr)
    assert kept, proc.stderr
    partial, log = Path(kept.group(1)), Path(kept.group(2))
    try:
        assert degenerate_tensors(partial.read_bytes())[0].tensor == "serving_default_input:0"
        assert log.is_file()
    finally:
        shutil.rmtree(partial.parent)
