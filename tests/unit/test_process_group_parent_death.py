"""A child started with `group_options` dies with its parent even when the parent is SIGKILLed (no cleanup
runs), while a child started the old way (only a session of its own) survives it — so the check can fail;
and so do the local executor's pool workers (and with them whatever their steps started)."""
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


def _orphan_after_parent_killed(how: str, wait_s: float) -> tuple[int, bool]:
    parent = subprocess.Popen([sys.executable, "-c", PARENT, how], stdout=subprocess.PIPE, text=True)
    child = int(parent.stdout.readline())
    assert _running(child)
    parent.kill()
    parent.wait()
    deadline = time.monotonic() + wait_s
    while _running(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    return child, _running(child)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_dies_with_its_sigkilled_parent():
    _, survived = _orphan_after_parent_killed("group_options", wait_s=5)
    assert not survived
    child, survived = _orphan_after_parent_killed("session only", wait_s=0.5)
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


STEP = """
import os, time

def sleep_long(_previous):
    print(os.getpid(), flush=True)
    time.sleep(60)
"""
DRIVER = """
from edgeq.sweep.executors import Chain, Events, LocalExecutor, Step
import slow_step
LocalExecutor(workers=1).run([Chain("c", (Step("sleep", slow_step.sleep_long),), "host")], Events())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_local_executor_workers_die_with_a_sigkilled_driver(tmp_path):
    (tmp_path / "slow_step.py").write_text(STEP)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    driver = subprocess.Popen([sys.executable, "-c", DRIVER], stdout=subprocess.PIPE, text=True, env=env)
    worker = int(driver.stdout.readline())  # the pool worker, running the step
    try:
        assert _running(worker)
        driver.kill()
        driver.wait()
        deadline = time.monotonic() + 5
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not _running(worker)
    finally:
        try:
            os.kill(worker, signal.SIGKILL)
        except ProcessLookupError:
            pass
