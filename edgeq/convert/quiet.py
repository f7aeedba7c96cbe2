"""Keep TensorFlow's native log lines (oneDNN notice, CUDA probing, CPU-feature guard, absl's "before
InitializeLog" banner) off the user's terminal when TensorFlow runs inside the edgeq process
(`edgeq evaluate`, a sweep's accuracy step); the converter child writes them to its own log instead.

TF_CPP_MIN_LOG_LEVEL does not reach the lines TensorFlow prints before absl's logging is initialised, so
`quiet_tensorflow()` sends native writes to file descriptor 2 through a filter thread that drops lines in
absl's format (`I0000 00:00:... file.cc:12] ...`) and passes everything else (compiler output of child
processes, Python's own faults) to the real stderr. Python's `sys.stderr` keeps writing to the real stderr
directly, so edgeq's messages never wait for the thread. The filter is installed only when stderr is a
terminal: a redirected or captured stderr (pytest, CI logs) is left as it is.
"""
from __future__ import annotations

import logging
import os
import re
import sys
import threading

# absl's native prefix: severity, MMDD, time, thread id, file:line]
NATIVE_LOG_LINE = re.compile(rb"^[IWEF]\d{4} \d\d:\d\d:\d+\.\d+\s+\d+ [\w.\-/]+:\d+\] ")
NOISE_LINES = (b"WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
               b"To enable the following instructions:")

_installed = False


def is_noise(line: bytes) -> bool:
    return bool(NATIVE_LOG_LINE.match(line)) or line.startswith(NOISE_LINES)


def _relay(read_fd: int, real_fd: int) -> None:
    with os.fdopen(read_fd, "rb", buffering=0) as pipe:
        for line in iter(pipe.readline, b""):
            if not is_noise(line):
                os.write(real_fd, line)


def quiet_tensorflow(only_on_terminal: bool = True) -> None:
    """Call before importing TensorFlow in the edgeq process; idempotent."""
    global _installed
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    logging.getLogger("absl").setLevel(logging.ERROR)
    if _installed or (only_on_terminal and not os.isatty(2)):
        return
    _installed = True
    sys.stderr.flush()
    real_fd = os.dup(2)
    read_fd, write_fd = os.pipe()
    os.dup2(write_fd, 2)
    os.close(write_fd)
    sys.stderr = os.fdopen(real_fd, "w", buffering=1, encoding=sys.stderr.encoding, errors="backslashreplace",
                           closefd=False)
    threading.Thread(target=_relay, args=(read_fd, real_fd), name="edgeq-native-stderr", daemon=True).start()
