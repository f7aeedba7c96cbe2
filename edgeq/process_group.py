"""Child processes that never outlive edgeq: each runs in its own process group, ended as a group.

A compiler driver (make → gcc → cc1), QEMU or a converter worker spawns processes of its own; killing only
the direct child leaves the grandchildren running (and writing into directories edgeq is about to delete).
So every long-running child starts a new session (its pid is its group id) and, on any exception in the
parent — an error, Ctrl-C, or SIGTERM/SIGHUP turned into `KeyboardInterrupt` by `edgeq.cli.main` — its whole
group gets SIGTERM, then SIGKILL, and is reaped before the exception goes on.

A parent killed with SIGKILL (a Ray worker lost with its node, the OOM killer) runs no cleanup at all, so on
Linux each child also asks the kernel for SIGKILL when its parent dies (`PR_SET_PDEATHSIG`, set between fork
and exec by `group_options`). The kernel ties this to the *thread* that started the child: start a child from
the thread that waits for it (as every caller in edgeq does), never from a short-lived helper thread. The
request is not inherited, so a child's own children (the compilers `make` runs) end on their own.
"""
from __future__ import annotations

import ctypes
import functools
import os
import signal
import subprocess
import sys
import time
from typing import Any, Callable, Sequence

_PR_SET_PDEATHSIG = 1


def _linux_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


_PRCTL = _linux_prctl()  # resolved once here: the child, between fork and exec, only calls it


def die_with_parent(parent: int) -> None:
    """Called in a child (Linux; elsewhere nothing): SIGKILL from the kernel when the thread that started it
    dies; exits at once if `parent`, the pid that started it, is already gone (the kernel would never tell)."""
    if _PRCTL is None:
        return
    _PRCTL(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:
        os._exit(1)


def group_options() -> dict[str, Any]:
    """`subprocess.Popen` keyword arguments for a child that never outlives this process: a session (and so
    a process group) of its own, and on Linux SIGKILL from the kernel when the starting thread dies."""
    if _PRCTL is None:
        return {"start_new_session": True}
    return {"start_new_session": True, "preexec_fn": functools.partial(die_with_parent, os.getpid())}


def kill_group(proc: subprocess.Popen, grace_s: float = 1.0) -> None:
    """SIGTERM `proc`'s process group, give the leader `grace_s` to exit, SIGKILL the group (members that
    ignored SIGTERM, or outlived their leader), then reap the leader.

    The group is never signalled once the leader has been reaped: its pid, which is the group id, may then
    belong to someone else. So the leader is awaited without being reaped (`waitid(..., WNOWAIT)`): an exited,
    unreaped leader keeps the id reserved until the final SIGKILL has been sent."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        try:
            if os.waitid(os.P_PID, proc.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                break
        except ChildProcessError:
            break
        time.sleep(0.01)
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run_in_group(cmd: Sequence[str], *, timeout: float | None = None, **popen_kwargs) -> subprocess.CompletedProcess:
    """`subprocess.run(cmd, capture_output=True, text=True)` in a new process group, ended as a group on
    timeout or any exception (raises `subprocess.TimeoutExpired` on timeout, like `subprocess.run`)."""
    proc = subprocess.Popen(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **group_options(), **popen_kwargs)
    try:
        out, err = proc.communicate(timeout=timeout)
    except BaseException:
        kill_group(proc)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
