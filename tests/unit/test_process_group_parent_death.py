"""A child started with `group_options` dies with its parent even when the parent is SIGKILLed (no cleanup
runs), while a child started the old way (only a session of its own) survives it — so the check can fail."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PARENT = """
import subprocess, sys
from edgeq.process_group import group_options
options = group_options() if sys.argv[1] == "group_options" else {"start_new_session": True}
child = subprocess.Popen(["sleep", "60"], **options)
print(child.pid, flush=True)
child.wait()
"""


def _running(pid: int) -> bool:
    """Alive and not a zombie (an orphan that died may wait for a reaper that never comes)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _orphan_after_parent_killed(how: str) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + 5
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    return child, _running(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_dies_with_its_sigkilled_parent():
    _, survived = _orphan_after_parent_killed("group_options")
    assert not survived
    child, survived = _orphan_after_parent_killed("session only")
    try:
        assert survived  # what group_options prevents
    finally:
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_group_options_keep_the_child_in_a_group_of_its_own():
    from edgeq.process_group import group_options, run_in_group

    assert group_options()["start_new_session"] is True
    result = run_in_group(["sh", "-c", "ps -o pgid= -p $$; echo $$"])
    pgid, pid = result.stdout.split()
    assert pgid == pid != str(os.getpgid(0))
