"""No shell ever interprets a path: a build directory named like a command substitution, under a parent whose
name holds a space, `;`, `$(...)` and both quotes, builds, validates and rebuilds without running anything; the
build directory gets the user's umask; `edgeq validate .` works from inside a build directory."""
from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.tools("gcc", "make")

HOSTILE = "a b;$(touch PWNED_PARENT)'\""


def edgeq(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *map(str, args)], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


def test_host_build_in_a_hostile_directory_runs_nothing(tmp_path, shared_models):
    parent = tmp_path / HOSTILE
    parent.mkdir()
    old = os.umask(0o022)
    try:
        proc = edgeq("build", shared_models / "ad01_int8.tflite", "-o", "out$(touch PWNED)", cwd=parent)
    finally:
        os.umask(old)
    assert proc.returncode == 0, proc.stderr
    out = parent / "out$(touch PWNED)"
    assert sorted(p.name for p in parent.iterdir()) == [out.name]
    assert not list(tmp_path.rglob("PWNED*")), "a path was run as a shell command"
    assert stat.S_IMODE(out.stat().st_mode) == 0o755 and stat.S_IMODE((out / "Makefile").stat().st_mode) == 0o644
    rebuilt = subprocess.run(["make", "-B"], cwd=out, capture_output=True, text=True, timeout=300)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert not list(tmp_path.rglob("PWNED*"))
    proc = edgeq("validate", ".", "--data", "random:3", cwd=out)   # ./firmware, not a PATH lookup
    assert proc.returncode == 0, proc.stderr
    assert "0 mismatched elements" in proc.stdout


@pytest.mark.tools("openocd")
def test_openocd_receives_a_hostile_firmware_path_literally(tmp_path):
    """`openocd -c "program PATH ..."` is Tcl: the path must reach it as one literal word."""
    from edgeq.flash import tcl_word

    path = str(tmp_path / "a b;$(x)[exit]'\"{z}\\w#.elf")
    proc = subprocess.run(["openocd", "-c", f"echo {tcl_word(path)}", "-c", "shutdown"], capture_output=True,
                          text=True, timeout=60)
    assert path in (proc.stdout + proc.stderr).splitlines(), proc.stderr
