"""The Cortex-M port and the QEMU/serial transports, with the probe firmware (no model involved):
every emulated board boots and answers over a pty, timing is repeatable, and every fault is reported."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from edgeq.errors import EdgeqError
from edgeq.targets import get_board
from edgeq.transport.client import DutClient
from edgeq.transport.qemu import QemuTransport

EMULATED = ("mps2-an386", "mps2-an500", "mps2-an505", "mps3-an547")

pytestmark = pytest.mark.tools("arm-none-eabi-gcc", "qemu-system-arm")


def _open(probe_firmware, tmp_path, board_id="mps2-an386"):
    return QemuTransport(get_board(board_id), probe_firmware(board_id), tmp_path / "logs")


@pytest.mark.parametrize("board_id", EMULATED)
def test_every_emulated_board_boots_and_answers_over_the_pty(probe_firmware, tmp_path, board_id):
    with _open(probe_firmware, tmp_path, board_id) as t:
        client = DutClient(t, timeout=5)
        assert client.command("ping").lines == ("m-pong",)
        assert client.command("echo ascii only").lines == ("m-echo-ascii only",)
        assert client.command("timer").lines == ("m-timer-[systick-icount,instructions,1,1000000000]",)
        first = int(client.command("loop 20000").lines[0].removeprefix("m-ticks-"))
        # 20000 iterations of a volatile read-add-store loop: a few instructions each, never zero.
        assert 20000 * 3 <= first <= 20000 * 12


def test_instruction_counts_repeat_exactly_across_emulator_runs(probe_firmware, tmp_path):
    counts = []
    for _ in range(2):
        with _open(probe_firmware, tmp_path) as t:
            client = DutClient(t, timeout=5)
            counts.append([client.command("loop 5000").lines[0] for _ in range(3)])
    assert counts[0] == counts[1]
    assert len(set(counts[0])) == 1


def test_firmware_exit_code_reaches_the_host(probe_firmware, tmp_path):
    with _open(probe_firmware, tmp_path) as t:
        client = DutClient(t, timeout=5)
        client.command("ping")
        t.write(b"exit 7%")
        with pytest.raises(EdgeqError, match=r"exited with code 7"):
            t.read_line(5)


@pytest.mark.parametrize("command, code, text", [
    ("fault", 10, "e-[HardFault pc=0x"),
    ("overflow", 11, "e-[HardFault stack-overflow"),
])
def test_faults_are_reported_with_registers_and_a_nonzero_exit(probe_firmware, tmp_path, command, code, text):
    with _open(probe_firmware, tmp_path) as t:
        client = DutClient(t, timeout=5)
        client.command("ping")
        with pytest.raises(EdgeqError) as info:
            client.command(command)
        message = info.value.message
        assert f"exited with code {code}" in message
        assert text in message                       # the UART log's last lines are quoted
        assert "cfsr=0x" in message
        assert text in t.uart_log.read_text(errors="replace")   # and the whole transcript is kept
        assert t.qemu.poll() == code


def test_hung_firmware_is_reported_within_the_timeout_with_the_last_lines(probe_firmware, tmp_path):
    import time

    with _open(probe_firmware, tmp_path) as t:
        client = DutClient(t, timeout=5)
        client.command("echo before the hang")
        start = time.monotonic()
        with pytest.raises(EdgeqError) as info:
            client.command("hang", timeout=1.5)
        assert time.monotonic() - start < 5
        assert "no reply from the device within 1.5 s" in info.value.message
        assert "m-echo-before the hang" in info.value.message
    assert t.qemu.poll() is not None   # closing killed the spinning emulator


def test_garbage_on_the_line_is_a_clear_error(probe_firmware, tmp_path):
    with _open(probe_firmware, tmp_path) as t:
        client = DutClient(t, timeout=5)
        client.command("ping")
        with pytest.raises(EdgeqError) as info:
            client.command("garbage")
        assert "garbage on the line" in info.value.message
        assert "80 81 82" in info.value.message
        assert any("garbage" in line for line in t.transcript)


def test_emulator_dying_mid_run_is_reported(probe_firmware, tmp_path):
    with _open(probe_firmware, tmp_path) as t:
        client = DutClient(t, timeout=10)
        client.command("ping")
        killer = threading.Timer(0.5, lambda: os.killpg(t.qemu.pid, signal.SIGKILL))
        killer.start()
        try:
            with pytest.raises(EdgeqError) as info:
                client.command("hang", timeout=8)
        finally:
            killer.cancel()
        assert "killed by signal 9" in info.value.message


def test_closing_kills_the_emulator_process_group(probe_firmware, tmp_path):
    t = _open(probe_firmware, tmp_path)
    pid = t.qemu.pid
    t.close()
    with pytest.raises(ProcessLookupError):
        os.killpg(pid, 0)


def test_firmware_for_another_board_or_not_arm_is_refused_before_starting(probe_firmware, tmp_path):
    with pytest.raises(EdgeqError, match="outside mps3-an547's flash"):
        QemuTransport(get_board("mps3-an547"), probe_firmware("mps2-an386"), tmp_path)
    not_elf = tmp_path / "firmware.elf"
    not_elf.write_bytes(b"MZ" + bytes(100))
    with pytest.raises(EdgeqError, match="is not an ELF file"):
        QemuTransport(get_board("mps2-an386"), not_elf, tmp_path)
