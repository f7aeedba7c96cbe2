"""SIGTERM and SIGHUP end every command like Ctrl-C: a real signal to a real `edgeq` process in the middle of
its work, then no child survives (make/gcc/cc1, QEMU, the converter worker), no temporary directory is left
(the process's TMPDIR is private to the test, so it must end empty) and nothing half-written sits beside -o."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")


def _start(args: list[str], cwd: Path, tmpdir: Path) -> subprocess.Popen:
    tmpdir.mkdir(exist_ok=True)
    env = dict(os.environ, TMPDIR=str(tmpdir))
    return subprocess.Popen([sys.executable, "-m", "edgeq.cli.main", *map(str, args)], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _processes() -> dict[int, tuple[str, str]]:
    """pid -> (command line, working directory) of every process we can see."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            cwd = os.readlink(entry / "cwd")
        except OSError:
            continue
        found[int(entry.name)] = (cmdline, cwd)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _wait_for(predicate, proc: subprocess.Popen, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if proc.poll() is not None:
            pytest.fail(f"edgeq ended (rc {proc.returncode}) before {what}: {proc.stderr.read()[-2000:]}")
        time.sleep(0.05)
    proc.kill()
    pytest.fail(f"timed out waiting for {what}")


def _signal_and_check(proc: subprocess.Popen, sig: int, children: list[int], tmpdir: Path) -> str:
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err and f"terminated ({signal.Signals(sig).name})" in err
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    survivors = {pid: _processes().get(pid) for pid in children if _alive(pid)}
    assert not survivors, f"children survived the signal: {survivors}"
    assert not list(tmpdir.iterdir()), f"temporary files left: {list(tmpdir.iterdir())}"
    return err


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_signal_during_a_board_build_ends_make_and_gcc_and_leaves_nothing(tmp_path, shared_models, sig):
    proc = _start(["build", shared_models / "pretrainedResnet_quant.tflite", "--target", "cortex-m4", "-o", "out"],
                  tmp_path, tmp_path / "tmp")

    def compilers() -> list[int]:
        return [pid for pid, (cmd, cwd) in _processes().items()
                if cwd.startswith(str(tmp_path / ".out.tmp-")) and ("cc1" in cmd or "gcc" in cmd)]

    _wait_for(compilers, proc, 120, "the compiler to start")
    children = [pid for pid, (_, cwd) in _processes().items() if cwd.startswith(str(tmp_path / ".out.tmp-"))]
    _signal_and_check(proc, sig, children, tmp_path / "tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"], "a half-built directory was left beside -o"


def test_sigterm_during_an_emulated_bench_ends_qemu(model_build, tmp_path):
    build = model_build("ad01_int8")
    proc = _start(["bench", build, "--emulate", "--runs", "100000", "--warmups", "0"], tmp_path, tmp_path / "tmp")

    def qemus() -> list[int]:
        return [pid for pid, (cmd, _) in _processes().items()
                if cmd.startswith("qemu-system-arm") and str(build) in cmd]

    qemu = _wait_for(qemus, proc, 60, "QEMU to start")
    time.sleep(1.0)  # mid-run: the benchmark's inferences are under way
    _signal_and_check(proc, signal.SIGTERM, qemu, tmp_path / "tmp")


def test_sigterm_during_a_conversion_ends_the_worker(tmp_path, shared_models):
    pytest.importorskip("tensorflow")
    proc = _start(["convert", shared_models / "ad01.h5", "-o", "model.tflite", "--calib", "synthetic",
                   "--input-range", "0,1"], tmp_path, tmp_path / "tmp")

    def workers() -> list[int]:
        return [pid for pid, (cmd, _) in _processes().items()
                if "edgeq.convert.worker" in cmd and str(tmp_path / "tmp") in cmd]

    worker = _wait_for(workers, proc, 60, "the converter worker to start")
    time.sleep(1.0)
    _signal_and_check(proc, signal.SIGTERM, worker, tmp_path / "tmp")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmp"], "an output was left beside -o"


def test_sighup_during_validate_ends_the_reference_child_and_removes_the_temporary_build(tmp_path, shared_models):
    proc = _start(["validate", shared_models / "ad01_int8.tflite", "--target", "host", "--data", "random:30000"],
                  tmp_path, tmp_path / "tmp")

    def references() -> list[int]:
        return [pid for pid, (cmd, _) in _processes().items()
                if "edgeq.reference.child" in cmd and str(tmp_path / "tmp") in cmd]

    child = _wait_for(references, proc, 120, "the reference child to start")
    time.sleep(0.5)
    _signal_and_check(proc, signal.SIGHUP, child, tmp_path / "tmp")   # no edgeq-validate-*, edgeq-reference-*
