"""Pure pieces of the board runtime: QEMU command line, exit descriptions, garbage detection, energy."""
from __future__ import annotations

from pathlib import Path

import pytest

from edgeq.bench.power import estimate_energy, integrate_uj
from edgeq.errors import EdgeqError
from edgeq.targets import get_board
from edgeq.transport.qemu import describe_exit, qemu_command
from edgeq.transport.serial import garbage_bytes


def test_qemu_command_is_deterministic_and_keeps_a_uart_log():
    cmd = qemu_command(get_board("mps3-an547"), Path("fw.elf"), Path("/tmp/u.log"))
    joined = " ".join(cmd)
    assert cmd[:3] == ["qemu-system-arm", "-M", "mps3-an547"]
    assert "-icount shift=0,align=off,sleep=off" in joined
    assert "-chardev pty,id=s0,logfile=/tmp/u.log -serial chardev:s0" in joined
    assert "-semihosting-config enable=on,target=native" in joined and "-no-reboot" in cmd
    assert "-nographic" not in cmd   # it would put QEMU's monitor on stdio
    debug = qemu_command(get_board("mps2-an386"), None, Path("u.log"), gdb_port=1234, halted=True)
    assert "-S" in debug and "tcp:127.0.0.1:1234" in debug
    assert "-no-reboot" not in debug  # a debugger's reset must not end QEMU
    with pytest.raises(EdgeqError, match="no emulator"):
        qemu_command(get_board("nrf52840dk"), Path("fw.elf"), Path("u.log"))


def test_exit_codes_are_named():
    assert "HardFault" in describe_exit(10)
    assert "stack overflow" in describe_exit(11)
    assert "signal 9 (SIGKILL)" in describe_exit(-9)
    assert "code 7" in describe_exit(7)


def test_garbage_is_anything_the_protocol_never_sends():
    assert garbage_bytes(b"m-ready\r\n") == b""
    assert garbage_bytes(b"m-\x00ok\xff\r\n") == b"\x00\xff"


def test_trapezoid_energy_over_a_window():
    # 10 mA constant at 3 V for 0.5 s = 15 mJ = 15000 uJ, wherever the samples fall.
    samples = [(t / 100, 0.010) for t in range(0, 101)]
    assert integrate_uj(samples, 3.0, 0.25, 0.75) == pytest.approx(15_000)
    # A ramp 0 -> 1 A over 1 s at 1 V: integral over [0, 1] is 0.5 J; over [0.5, 1] is 0.375 J.
    ramp = [(0.0, 0.0), (1.0, 1.0)]
    assert integrate_uj(ramp, 1.0, 0.0, 1.0) == pytest.approx(0.5e6)
    assert integrate_uj(ramp, 1.0, 0.5, 1.0) == pytest.approx(0.375e6)
    with pytest.raises(EdgeqError, match="do not cover"):
        integrate_uj(ramp, 1.0, 0.5, 2.0)


def test_estimated_energy_follows_the_board_power_model():
    board = get_board("nucleo-l4r5zi")   # 110 uA/MHz x 120 MHz x 3.3 V = 43.56 mW
    figure = estimate_energy(board, latency_ms=10.0)
    assert figure.source == "estimated"
    assert figure.energy_uj == pytest.approx(435.6)
    assert "DS12023" in figure.note
