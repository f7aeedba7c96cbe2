"""`pip install edgeq` works: the wheel carries the firmware sources, build templates and board files.

The wheel is built from a copy of the working tree (so the checkout gets no build/ directory), installed
without dependencies into a fresh venv (no system site-packages), and run from a directory outside the
checkout with the checkout not on sys.path. The heavy dependencies (numpy, tflite-micro, ...) come from the
development venv through a `.pth` line appended after the fresh venv's own site-packages: the installed
edgeq is found first, and the `.pth` files of the development venv (its editable edgeq finder) never run.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
# What `pip wheel .` needs; edgeq/data/ links to firmware/, templates/ and devices/.
WHEEL_INPUTS = ("pyproject.toml", "README.md", "edgeq", "firmware", "templates", "devices")


def _run(argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
    proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{argv} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """(bin directory of a fresh venv holding only the edgeq wheel, environment without the checkout)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"
    source.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".*")
    for name in WHEEL_INPUTS:
        path = REPO / name
        if path.is_dir():
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    _run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "-q", "-w", str(root / "dist")],
         root, env)
    wheel = next((root / "dist").glob("edgeq-*.whl"))
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], root, env)
    python = venv / "bin" / "python"
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index",
          str(wheel)], root, env)
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], root, env)
    Path(site.stdout.strip(), "zz_edgeq_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin", env


@pytest.mark.tools("gcc", "arm-none-eabi-gcc")
def test_wheel_builds_and_validates_outside_the_checkout(installed, shared_models, tmp_path):
    bin_dir, env = installed
    where = _run([str(bin_dir / "python"), "-c", "import edgeq, edgeq.data as d; print(edgeq.__file__); "
                  "print(d.FIRMWARE.is_symlink())"], tmp_path, env).stdout.split()
    assert Path(where[0]).is_relative_to(bin_dir.parent), f"edgeq imported from {where[0]}, not the wheel"
    assert where[1] == "False", "the wheel should carry copies of firmware/, not links into the checkout"

    model = shared_models / "ad01_int8.tflite"
    edgeq = str(bin_dir / "edgeq")
    _run([edgeq, "build", str(model), "--target", "host", "-o", "fw_host"], tmp_path, env)
    _run([edgeq, "build", str(model), "--target", "cortex-m4", "-o", "fw_m4"], tmp_path, env)
    assert any((tmp_path / "fw_m4").glob("*.elf"))
    report = _run([edgeq, "validate", "fw_host", "--data", "random:3"], tmp_path, env)
    assert "exact match 100.0000%, 0 mismatched elements" in report.stdout, report.stdout
    _run([str(bin_dir / "python"), "-m", "edgeq", "--help"], tmp_path, env)
