"""QEMU's process-group kill never signals a group once QEMU has been reaped (its pid may be reused)."""
from __future__ import annotations

import os
import subprocess
import sys

from edgeq.transport import qemu


def test_reaped_process_group_is_not_signalled(monkeypatch):
    proc = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    proc.wait(timeout=30)  # reaped, as QemuProcess.wait() does: the pid is free for reuse now
    sent = []
    monkeypatch.setattr(os, "killpg", lambda pid, sig: sent.append((pid, sig)))
    qemu._kill_group(proc)
    assert sent == []


def test_running_process_group_is_killed():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    qemu._kill_group(proc)
    assert proc.returncode is not None and proc.returncode < 0  # ended by a signal, and reaped
