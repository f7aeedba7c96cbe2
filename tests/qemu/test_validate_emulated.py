"""`edgeq validate MODEL.tflite --target CORE --emulate` builds in a temporary directory: when the run on the
device fails, the transcript and UART log it points to must still exist after edgeq has exited."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")


def test_failed_device_run_keeps_the_logs_it_names(shared_models, tmp_path):
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, x=np.zeros((2, 3, 3), np.int8))  # ad01 takes (1, 640): refused once QEMU is running
    proc = subprocess.run([sys.executable, "-m", "edgeq.cli.main", "validate",
                           str(shared_models / "ad01_int8.tflite"), "--target", "cortex-m4", "--emulate",
                           "--data", str(wrong)], capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    match = re.search(r"protocol transcript saved to (\S+?)[;)]", proc.stderr)
    assert match, proc.stderr
    transcript = Path(match.group(1))
    build = transcript.parents[1]
    try:
        assert transcript.is_file()
        assert f"kept in {build}" in proc.stderr
        assert list((build / "logs").glob("uart-*.log"))  # QEMU's UART log beside it
    finally:
        shutil.rmtree(build.parent, ignore_errors=True)
    assert list(tmp_path.iterdir()) == [wrong]  # nothing written where the user ran it
