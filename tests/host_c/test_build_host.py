"""`edgeq build --target host`: the output directory, its standalone Makefile, determinism, and refusals that
leave the destination untouched. Uses ad01 from ../shared/models (FULLY_CONNECTED only)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from edgeq.build import MANIFEST, build_project
from edgeq.errors import EdgeqError

pytestmark = pytest.mark.tools("gcc", "make")


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *args], capture_output=True, text=True,
                          timeout=600)


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def ad01(shared_models) -> Path:
    return shared_models / "ad01_int8.tflite"


def test_build_writes_standalone_project(ad01, tmp_path):
    out = tmp_path / "ad01"
    proc = cli("build", str(ad01), "--target", "host", "-o", str(out), "--json")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout)
    manifest = json.loads((out / MANIFEST).read_text())
    assert summary["arena_bytes"] == manifest["arena_bytes"] > 0
    assert manifest["input_bytes"] == 640 and manifest["target"] == "host"
    assert (out / "model.tflite").read_bytes() == ad01.read_bytes()
    # only the kernels the model calls are copied
    kernels = sorted(str(p.relative_to(out / "src")) for p in (out / "src" / "kernels").rglob("*.c"))
    assert kernels == ["kernels/" + k for k in manifest["kernel_sources"]]
    assert "-DEDGEQ_INPUT_BYTES=640" in (out / "Makefile").read_text()
    # the Makefile rebuilds the same program from the directory alone
    program = (out / "firmware").read_bytes()
    subprocess.run(["make", "-C", str(out), "clean"], check=True, capture_output=True)
    assert not (out / "firmware").exists()
    subprocess.run(["make", "-C", str(out)], check=True, capture_output=True)
    assert (out / "firmware").read_bytes() == program
    reply = subprocess.run([str(out / "firmware")], input=b"edgeq info%", capture_output=True, timeout=30).stdout
    assert f"m-edgeq-hash-[{manifest['model']['sha256']}]".encode() in reply


def test_generated_sources_are_deterministic(ad01, tmp_path):
    a = build_project(ad01, "host", tmp_path / "a")
    b = build_project(ad01, "host", tmp_path / "b")
    src_a, src_b = tree(a.out_dir / "src"), tree(b.out_dir / "src")
    assert src_a == src_b
    assert (a.out_dir / "Makefile").read_bytes() == (b.out_dir / "Makefile").read_bytes()


def test_existing_directory_needs_force_and_only_edgeq_builds_are_replaced(ad01, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    proc = cli("build", str(ad01), "-o", str(out))
    assert proc.returncode != 0 and "already exists" in proc.stderr and "--force" in proc.stderr
    proc = cli("build", str(ad01), "-o", str(out), "--force")
    assert proc.returncode != 0 and "not an edgeq build directory" in proc.stderr
    assert [p.name for p in out.iterdir()] == ["notes.txt"]

    built = tmp_path / "built"
    build_project(ad01, "host", built)
    (built / "stale").write_text("x")
    with pytest.raises(EdgeqError, match="already exists"):
        build_project(ad01, "host", built)
    build_project(ad01, "host", built, force=True)
    assert not (built / "stale").exists() and (built / "firmware").is_file()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp dirs left


def test_bad_model_and_target_write_nothing(tmp_path):
    bogus = tmp_path / "bogus.tflite"
    bogus.write_bytes(b"not a model at all")
    proc = cli("build", str(bogus), "-o", str(tmp_path / "x"))
    assert proc.returncode != 0 and "Traceback" not in proc.stderr and proc.stderr.startswith("error:")
    proc = cli("build", str(tmp_path / "missing.tflite"), "-o", str(tmp_path / "y"))
    assert proc.returncode != 0 and "not found" in proc.stderr
    with pytest.raises(EdgeqError, match="unknown build target"):
        build_project(bogus, "no-such-target", tmp_path / "z")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bogus.tflite"]
