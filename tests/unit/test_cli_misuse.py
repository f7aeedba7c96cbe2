"""Misuse of the real CLI that is refused before any work: non-zero exit, a clear message, no traceback and
nothing left behind."""
from __future__ import annotations

import subprocess
import sys

import pytest

from edgeq.bench.mcu import McuBenchResult
from edgeq.cli.bench import _print_mcu


def _edgeq(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *map(str, args)], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


@pytest.mark.parametrize("target, board", [("host", "mps2-an386"), ("cortex-m7", "mps2-an386")])
def test_build_conflicting_target_and_board(shared_models, tmp_path, target, board):
    out = tmp_path / "b"
    proc = _edgeq("build", shared_models / "ad01_int8.tflite", "--target", target, "--board", board, "-o", out)
    assert proc.returncode != 0 and "Traceback" not in proc.stderr, proc.stderr
    assert f"--board {board} has core cortex-m4, not --target {target}" in proc.stderr
    assert "hint:" in proc.stderr
    assert list(tmp_path.iterdir()) == []


def _mcu_result(source: str, instructions, cycles) -> McuBenchResult:
    unit = "instructions" if source == "systick-icount" else "cycles"
    return McuBenchResult(board="b", timing_source=source, timing_unit=unit, instructions_per_inference=instructions,
                          cycles_per_inference=cycles, latency_ms=0.0, latency_source="estimated", energy_uj=0.0,
                          energy_source="estimated", arena_bytes=0, ram_bytes=0, flash_bytes=0, code_bytes=0,
                          weights_bytes=0, runs=1, warmups=0, per_run=(0,), per_run_latency_ms=(0.0,),
                          latency_note="n", energy_note="n", model="m")


@pytest.mark.parametrize("source, instructions, cycles, line", [
    ("systick-icount", 0, None, "0 instructions per inference"),
    ("dwt", None, 0, "0 cycles per inference"),
    ("dwt", None, None, "n/a cycles per inference"),
])
def test_mcu_bench_text_names_zero_and_missing_counts(capsys, source, instructions, cycles, line):
    _print_mcu(_mcu_result(source, instructions, cycles))
    assert line in capsys.readouterr().out
