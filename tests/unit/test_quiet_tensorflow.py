"""TensorFlow's native log lines stay off the terminal; everything else written to stderr gets through."""
from __future__ import annotations

import subprocess
import sys

from edgeq.convert.quiet import is_noise

TF_LINES = (
    b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR\n",
    b"I0000 00:00:1796294901.371073    9560 port.cc:153] oneDNN custom operations are on. You may see\n",
    b"E0000 00:00:1796294920.095717    9560 cuda_platform.cc:52] failed call to cuInit: INTERNAL\n",
    b"To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow\n",
)


def test_native_tensorflow_lines_are_noise_and_others_are_not():
    assert all(is_noise(line) for line in TF_LINES)
    assert not any(is_noise(line) for line in (b"error: model not found\n", b"main.c:12: warning: unused\n",
                                               b"I0000 is not a log line\n"))


def test_native_writes_are_filtered_and_python_stderr_is_direct():
    script = (
        "import os, sys, time\n"
        "from edgeq.convert.quiet import quiet_tensorflow\n"
        "quiet_tensorflow(only_on_terminal=False)\n"
        f"os.write(2, {b''.join(TF_LINES)!r})\n"
        "os.write(2, b'native keeps this\\n')\n"
        "print('python keeps this', file=sys.stderr)\n"
        "time.sleep(0.3)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert b"native keeps this" in proc.stderr and b"python keeps this" in proc.stderr
    assert b"oneDNN" not in proc.stderr and b"absl" not in proc.stderr and b"cuInit" not in proc.stderr
