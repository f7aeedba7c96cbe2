"""The MLPerf Tiny models built for emulated boards: bit-exact with TFLite Micro through
`edgeq validate --emulate`, repeatable `edgeq bench --emulate`, flashing through a gdb server,
protocol errors, and a model too large for a board."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets import get_board

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")


def edgeq(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "edgeq.cli.main", *map(str, args)], capture_output=True,
                          text=True, timeout=300)


@pytest.mark.parametrize("model, target", [
    ("kws_ref_model", "cortex-m4"),
    ("pretrainedResnet_quant", "cortex-m4"),
    ("ad01_int8", "cortex-m4"),
    ("ad01_int8", "cortex-m7"),
    ("kws_ref_model", "cortex-m55"),
])
def test_emulated_outputs_are_bit_exact_with_tflm(model_build, model, target):
    build = model_build(model, target)
    proc = edgeq("validate", build, "--emulate", "--data", "random:20", "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["reference"] == "tflm" and report["samples"] == 20
    assert report["mismatched_elements"] == 0 and report["exact_match_rate"] == 1.0


def test_bench_gives_the_same_instruction_count_twice(model_build):
    build = model_build("ad01_int8")
    results = []
    for _ in range(2):
        proc = edgeq("bench", build, "--emulate", "--runs", "3", "--warmups", "1", "--json")
        assert proc.returncode == 0, proc.stderr
        results.append(json.loads(proc.stdout))
    first, second = results
    assert first["instructions_per_inference"] == second["instructions_per_inference"] > 0
    assert first["per_run"] == second["per_run"]
    assert first["timing_source"] == "systick-icount" and first["cycles_per_inference"] is None
    assert first["latency_source"] == "estimated" and first["energy_source"] == "estimated"
    board = get_board("mps2-an386")
    expected_ms = first["instructions_per_inference"] * board.emulator.cpi / board.clock_hz * 1e3
    assert first["latency_ms"] == pytest.approx(expected_ms)
    assert first["energy_uj"] == pytest.approx(board.power.active_power_mw(board.clock_hz) * expected_ms)
    assert first["flash_bytes"] > first["weights_bytes"] > 0 and first["ram_bytes"] > first["arena_bytes"] > 0
    assert {"board", "code_bytes", "runs", "warmups"} <= set(first)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.tools("gdb-multiarch")
def test_flash_through_qemus_gdbstub_then_the_firmware_answers(model_build, tmp_path):
    from edgeq.transport.client import DutClient
    from edgeq.transport.qemu import QemuProcess
    from edgeq.transport.serial import SerialTransport

    build = model_build("ad01_int8")
    port = _free_port()
    with QemuProcess(get_board("mps2-an386"), None, tmp_path, gdb_port=port, halted=True) as qemu:
        with SerialTransport(qemu.pty) as uart:
            proc = edgeq("flash", build, "--probe", "gdb", "--gdb-remote", f"127.0.0.1:{port}")
            assert proc.returncode == 0, proc.stderr
            assert "verified, reset" in proc.stdout
            client = DutClient(uart, timeout=5)
            client.sync()
            assert client.info().model == "ad01_int8"
            proc = edgeq("flash", build, "--probe", "gdb", "--gdb-remote", f"127.0.0.1:{port}", "--json")
            assert proc.returncode == 0, proc.stderr
            flashed = json.loads(proc.stdout)
            assert (flashed["board"], flashed["method"], flashed["verified"]) == ("mps2-an386", "gdb", True)
            assert flashed["program"].endswith("firmware.elf")


def test_flash_without_a_gdb_server_is_a_clear_error(model_build):
    proc = edgeq("flash", model_build("ad01_int8"), "--probe", "gdb", "--gdb-remote", f"127.0.0.1:{_free_port()}")
    assert proc.returncode != 0
    assert "error:" in proc.stderr and "Traceback" not in proc.stderr


def test_wrong_size_load_is_rejected_and_the_transcript_kept(model_build):
    from edgeq.transport.client import DutClient
    from edgeq.transport.qemu import QemuTransport

    build = model_build("ad01_int8")
    with QemuTransport(get_board("mps2-an386"), build / "firmware.elf") as t:
        client = DutClient(t, timeout=5)
        client.sync()
        with pytest.raises(EdgeqError, match="device rejected 'db load 10'"):
            client.command("db load 10")
        client.command("name")   # the firmware is still in step afterwards
        assert any(line.startswith("< e-[") for line in t.transcript)
    assert "e-[" in t.uart_log.read_text()   # QEMU's UART log keeps the device side of the session


def test_model_too_large_for_a_board_is_refused_with_numbers(tmp_path, monkeypatch, shared_models):
    from edgeq.build import build_project

    small = (Path(__file__).parents[2] / "devices" / "boards" / "nrf52840dk.toml").read_text()
    small = small.replace('id = "nrf52840dk"', 'id = "tiny-m4"').replace("size = 0x00100000", "size = 0x00020000")
    boards = tmp_path / "boards"
    boards.mkdir()
    (boards / "tiny-m4.toml").write_text(small)
    monkeypatch.setenv("EDGEQ_BOARDS_DIR", str(boards))
    out = tmp_path / "out"
    with pytest.raises(EdgeqError) as info:
        build_project(shared_models / "ad01_int8.tflite", "tiny-m4", out)
    message = info.value.message
    assert "does not fit in the flash of tiny-m4" in message
    assert "131,072 B" in message and "short" in message
    assert not out.exists()
