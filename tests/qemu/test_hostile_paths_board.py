"""A board build under a directory named `a b;$(x)'"` builds, benchmarks in QEMU and flashes through QEMU's
gdbstub: no path reaches a shell (make recipes, QEMU's option syntax, gdb)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from edgeq.targets import get_board

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm", "gdb-multiarch")


def edgeq(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_build_bench_and_flash_from_a_hostile_directory(tmp_path, shared_models):
    from edgeq.transport.client import DutClient
    from edgeq.transport.qemu import QemuProcess
    from edgeq.transport.serial import SerialTransport

    parent = tmp_path / "a b;$(touch PWNED)'\""
    parent.mkdir()
    proc = edgeq("build", shared_models / "ad01_int8.tflite", "--target", "cortex-m4", "-o", "fw $(x)", cwd=parent)
    assert proc.returncode == 0, proc.stderr
    build = parent / "fw $(x)"
    proc = edgeq("bench", build, "--emulate", "--runs", "1", "--warmups", "0", "--json", cwd=parent)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["instructions_per_inference"] > 0
    port = _free_port()
    with QemuProcess(get_board("mps2-an386"), None, parent / "qemu, logs", gdb_port=port, halted=True) as qemu:
        with SerialTransport(qemu.pty) as uart:
            proc = edgeq("flash", build, "--probe", "gdb", "--gdb-remote", f"127.0.0.1:{port}", cwd=parent)
            assert proc.returncode == 0, proc.stderr
            client = DutClient(uart, timeout=5)
            client.sync()
            assert client.info().model == "ad01_int8"
    assert (parent / "qemu, logs").is_dir() and list((parent / "qemu, logs").glob("uart-*.log"))
    assert not list(tmp_path.rglob("PWNED*")), "a path was run as a shell command"
